"""PutEvents for the Kafka forwarder: its limits, entry size, batches and retries.

A module of the ``kafka_forwarder`` bundle, copied next to ``handler.py`` (``function_code``
lists it among the forwarder's shared modules). ``handler.py`` builds one entry per Kafka record;
``put_entries`` sends them in calls of at most 10 entries and 1 MB and sorts what PutEvents does
not accept by its error code (``PutEventsResultEntry.ErrorCode``, EventBridge API reference):

- **rejected** — the entry itself is wrong and no retry can help (``REJECTED_CODES``);
- **unsent** — anything else (throttling, internal failures, permissions, an unknown code, a
  failed or timed-out call): retried with full-jitter exponential backoff in rounds while the
  caller's time budget allows, then handed back for the event source mapping to retry.

A v2 bus (``event-busv2`` ARN) takes the same entries through the ``eventbridgev2`` client
(``V2``: the bus named once per call, up to 100 entries per call); an entry it answers
``DEDUPLICATED`` was already published, from an earlier try of the same record, and counts as
sent.

Runs on the Lambda Python runtimes with only the standard library.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

# Mirrors of edastack.aws.limits (this file runs without edastack; a test keeps them equal).
PUT_EVENTS_ENTRIES_MAX = 10
PUT_EVENTS_ENTRY_MAX_BYTES = 1_048_576
# All entries of one call together (aws-facts.md: 1 MB per entry and per call).
PUT_EVENTS_REQUEST_MAX_BYTES = 1_048_576
# EventBridge counts a Time field as 14 bytes ("Calculating PutEvents event entry size").
TIME_FIELD_BYTES = 14

# Errors of the entry itself (EventBridge API reference, PutEventsResultEntry: "non-retryable").
# The other non-retryable codes there (AccessDeniedException, InvalidAccountIdException,
# NotAuthorizedFor*) are the bridge's configuration, not the record's: those records stay
# unsent, so that fixing the permission lets them through without a redrive.
REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "RedactionFailure"})
# A v2 bus: up to 100 entries per call (eventbridgev2 API reference, PutEvents). Its entry error
# codes are not documented: the classic ones that name the entry, and the v2 API's own
# validation errors; any other code is retried, so a code missing here delays, never drops.
PUT_EVENTS_V2_ENTRIES_MAX = 100
# Its 1 MB request counts the whole call (eventsv2 facts §5): room kept for the bus ARN and framing.
PUT_EVENTS_V2_REQUEST_MAX_BYTES = PUT_EVENTS_REQUEST_MAX_BYTES - 4096
V2_REJECTED_CODES = REJECTED_CODES | {"InvalidInputException", "ValidationException"}
# PutEventsResultEntry.SuccessCode of a v2 bus.
V2_SUCCESS_CODES = frozenset({"PUBLISHED", "DEDUPLICATED"})

BACKOFF_BASE_SECONDS = 0.1
BACKOFF_MAX_SECONDS = 5.0

# The handler's logger (it sets the level).
logger = logging.getLogger("edastack.kafka_forwarder")


class EventsClient(Protocol):
    """The part of a boto3 ``events`` (or ``eventbridgev2``) client the forwarder uses."""

    def put_events(
        self, *, Entries: Sequence[Mapping[str, Any]], **bus: str
    ) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Api:
    """How a kind of bus takes entries: per call, which codes reject an entry, and the bus
    named in the call (a v2 bus) rather than in each entry (a classic bus)."""

    entries_max: int = PUT_EVENTS_ENTRIES_MAX
    rejected_codes: frozenset[str] = REJECTED_CODES
    bus_arn: str | None = None
    request_max_bytes: int = PUT_EVENTS_REQUEST_MAX_BYTES

    @staticmethod
    def v2(bus_arn: str) -> Api:
        return Api(
            PUT_EVENTS_V2_ENTRIES_MAX,
            V2_REJECTED_CODES,
            bus_arn,
            PUT_EVENTS_V2_REQUEST_MAX_BYTES,
        )


CLASSIC = Api()


class ForwardingError(Exception):
    """The batch was not (entirely) forwarded; the event source mapping should retry it."""


@dataclass(frozen=True)
class RecordRef:
    """Where a record lives: enough to find it again in Kafka."""

    topic: str
    partition: int
    offset: int

    @property
    def locator(self) -> str:
        """``kafka:<topic>:<partition>:<offset>``, the event's first resource."""
        return f"kafka:{self.topic}:{self.partition}:{self.offset}"

    @property
    def partition_key(self) -> str:
        """``<topic>-<partition>``, the key of the Lambda Kafka event's ``records``."""
        return f"{self.topic}-{self.partition}"

    def __str__(self) -> str:
        return f"{self.topic}/{self.partition}@{self.offset}"


@dataclass(frozen=True)
class PendingEntry:
    """A PutEvents entry with the record it came from and its size as EventBridge counts it."""

    record: RecordRef
    entry: dict[str, Any]
    size: int
    claim_checked: bool = False  # the value travels in S3, the detail points at it


@dataclass(frozen=True)
class Failure:
    """An entry PutEvents did not accept, with the last code and message it gave."""

    pending: PendingEntry
    code: str
    message: str


@dataclass
class PutOutcome:
    """What ``put_entries`` did: calls made, entries retried, and what was not accepted."""

    calls: int = 0
    retried: int = 0
    rejected: list[Failure] = field(default_factory=list)
    unsent: list[Failure] = field(default_factory=list)
    deduplicated: int = 0  # v2: entries already published by an earlier try


def entry_size(entry: Mapping[str, Any]) -> int:
    """The entry's size as EventBridge counts it against the entry limit.

    The documented rule: 14 bytes for ``Time`` if present, plus the UTF-8 bytes of ``Source``,
    ``DetailType``, ``Detail`` and each of ``Resources``.
    """
    size = TIME_FIELD_BYTES if entry.get("Time") is not None else 0
    for name in ("Source", "DetailType", "Detail"):
        text = entry.get(name)
        if text is not None:
            size += len(str(text).encode("utf-8"))
    for resource in entry.get("Resources") or ():
        size += len(resource.encode("utf-8"))
    return size


def batches(entries: Sequence[PendingEntry], api: Api = CLASSIC) -> Iterator[list[PendingEntry]]:
    """Consecutive groups of at most 10 entries (100 on a v2 bus) and 1 MB, in order."""
    batch: list[PendingEntry] = []
    batch_bytes = 0
    for pending in entries:
        if batch and (
            len(batch) == api.entries_max or batch_bytes + pending.size > api.request_max_bytes
        ):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(pending)
        batch_bytes += pending.size
    if batch:
        yield batch


def put_entries(
    client: EventsClient,
    entries: Sequence[PendingEntry],
    *,
    seconds_left: Callable[[], float],
    call_seconds: float,
    max_rounds: int,
    sleep: Callable[[float], None] = time.sleep,
    api: Api = CLASSIC,
) -> PutOutcome:
    """Send ``entries``; retry the unsent ones in rounds while time and ``max_rounds`` allow.

    A round sends every pending entry once. Another round starts only if, after its backoff,
    ``seconds_left()`` still exceeds ``call_seconds`` (one call's worst case) for each call
    the round needs, so the caller always has time left to report what stays unsent.
    """
    outcome = PutOutcome()
    pending = list(entries)
    for round_number in range(1, max_rounds + 1):
        failed = _put_round(client, pending, outcome, api)
        outcome.rejected += [f for f in failed if f.code in api.rejected_codes]
        unsent = [f for f in failed if f.code not in api.rejected_codes]
        if not unsent:
            return outcome
        delay = _backoff(round_number)
        calls = sum(1 for _ in batches([f.pending for f in unsent], api))
        needed = delay + call_seconds * calls
        if round_number == max_rounds or seconds_left() <= needed:
            outcome.unsent = unsent
            return outcome
        logger.warning(
            "PutEvents did not accept entries, retrying them",
            extra={
                "round": round_number,
                "unsent_entries": len(unsent),
                "error_codes": sorted({f.code for f in unsent}),
                "delay_seconds": round(delay, 3),
            },
        )
        sleep(delay)
        pending = [f.pending for f in unsent]
        outcome.retried += len(pending)
    raise AssertionError("unreachable: the last round returns")


def _put_round(
    client: EventsClient, pending: Sequence[PendingEntry], outcome: PutOutcome, api: Api
) -> list[Failure]:
    failed: list[Failure] = []
    for batch in batches(pending, api):
        outcome.calls += 1
        failed += _put_call(client, batch, api, outcome)
    return failed


def _put_call(
    client: EventsClient, batch: Sequence[PendingEntry], api: Api, outcome: PutOutcome
) -> list[Failure]:
    """One PutEvents call; every entry not accepted, with its code."""
    bus = {} if api.bus_arn is None else {"EventBusArn": api.bus_arn}
    try:
        response = client.put_events(Entries=[p.entry for p in batch], **bus)
    except Exception as error:  # any failed call leaves its entries unsent
        code = getattr(error, "response", {}).get("Error", {}).get("Code") or type(error).__name__
        return [Failure(p, str(code), str(error)) for p in batch]
    results = list(response.get("Entries") or ())
    outcome.deduplicated += sum(1 for r in results if r.get("SuccessCode") == "DEDUPLICATED")
    if not response.get("FailedEntryCount"):
        return []
    if len(results) != len(batch):
        # Results cannot be matched to entries: none can be trusted to have landed.
        message = f"{len(results)} results for {len(batch)} entries"
        return [Failure(p, "UnmatchedResults", message) for p in batch]
    return [
        Failure(p, str(r.get("ErrorCode") or "NoEventId"), str(r.get("ErrorMessage") or ""))
        for p, r in zip(batch, results, strict=True)
        if r.get("ErrorCode") or not (r.get("EventId") or r.get("SuccessCode") in V2_SUCCESS_CODES)
    ]


def _backoff(round_number: int) -> float:
    """Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff And
    Jitter"): a random delay up to the capped exponential step."""
    step = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** (round_number - 1))
    return random.uniform(0, step)
