"""PutEvents for the Kafka forwarder: its limits, entry size, batches and retries.

A module of the ``kafka_forwarder`` bundle, copied next to ``handler.py`` (``function_code``
lists it among the forwarder's shared modules). ``handler.py`` builds one entry per Kafka record;
this module sends them in calls of at most 10 entries and 1 MB and retries the entries
``PutEvents`` rejects (see the handler's docstring for the failure behaviour). Runs on the Lambda
Python runtimes with only the standard library.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

# Mirrors of edastack.aws.limits (this file runs without edastack; a test keeps them equal).
PUT_EVENTS_ENTRIES_MAX = 10
PUT_EVENTS_ENTRY_MAX_BYTES = 1_048_576
# All entries of one call together (aws-facts.md: 1 MB per entry and per call).
PUT_EVENTS_REQUEST_MAX_BYTES = 1_048_576
# EventBridge counts a Time field as 14 bytes ("Calculating PutEvents event entry size").
TIME_FIELD_BYTES = 14

BACKOFF_BASE_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 2.0

# The handler's logger (it sets the level).
logger = logging.getLogger("edastack.kafka_forwarder")


class EventsClient(Protocol):
    """The part of a boto3 ``events`` client the forwarder uses."""

    def put_events(self, *, Entries: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]: ...


class ForwardingError(Exception):
    """The batch was not (entirely) forwarded; the event source mapping should retry it."""


class PutEventsFailedError(ForwardingError):
    """PutEvents kept rejecting some entries after every retry."""


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

    def __str__(self) -> str:
        return f"{self.topic}/{self.partition}@{self.offset}"


@dataclass(frozen=True)
class PendingEntry:
    """A PutEvents entry with the record it came from and its size as EventBridge counts it."""

    record: RecordRef
    entry: dict[str, Any]
    size: int


def entry_size(entry: Mapping[str, Any]) -> int:
    """The entry's size as EventBridge counts it against the entry limit.

    The documented rule: 14 bytes for ``Time`` if present, plus the UTF-8 bytes of ``Source``,
    ``DetailType``, ``Detail`` and each of ``Resources``.
    """
    size = TIME_FIELD_BYTES if entry.get("Time") is not None else 0
    for field in ("Source", "DetailType", "Detail"):
        text = entry.get(field)
        if text is not None:
            size += len(str(text).encode("utf-8"))
    for resource in entry.get("Resources") or ():
        size += len(resource.encode("utf-8"))
    return size


def batches(entries: Sequence[PendingEntry]) -> Iterator[list[PendingEntry]]:
    """Consecutive groups of at most 10 entries and at most 1 MB, in order."""
    batch: list[PendingEntry] = []
    batch_bytes = 0
    for pending in entries:
        if batch and (
            len(batch) == PUT_EVENTS_ENTRIES_MAX
            or batch_bytes + pending.size > PUT_EVENTS_REQUEST_MAX_BYTES
        ):
            yield batch
            batch, batch_bytes = [], 0
        batch.append(pending)
        batch_bytes += pending.size
    if batch:
        yield batch


def put_batch(
    client: EventsClient,
    batch: Sequence[PendingEntry],
    *,
    max_attempts: int,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[int, int]:
    """Put one batch, retrying only the entries PutEvents rejects.

    Returns the number of calls made and of entries retried; raises ``PutEventsFailedError``
    naming each record still rejected after ``max_attempts`` calls.
    """
    pending = list(batch)
    retried = 0
    for attempt in range(1, max_attempts + 1):
        response = client.put_events(Entries=[p.entry for p in pending])
        if not response.get("FailedEntryCount"):
            return attempt, retried
        results = list(response.get("Entries") or ())
        if len(results) != len(pending):
            raise PutEventsFailedError(
                f"PutEvents reported {response.get('FailedEntryCount')} failed entries but "
                f"returned {len(results)} results for {len(pending)} entries; records: "
                + ", ".join(str(p.record) for p in pending)
            )
        failed = [(p, r) for p, r in zip(pending, results, strict=True) if r.get("ErrorCode")]
        if not failed:
            # FailedEntryCount without an ErrorCode: no entry can be trusted to have landed.
            failed = [(p, r) for p, r in zip(pending, results, strict=True) if not r.get("EventId")]
        if not failed:
            return attempt, retried
        if attempt == max_attempts:
            described = ", ".join(
                f"{p.record} ({r.get('ErrorCode', 'no EventId')}: {r.get('ErrorMessage', '')})"
                for p, r in failed
            )
            raise PutEventsFailedError(
                f"PutEvents rejected {len(failed)} entries after {max_attempts} attempts: "
                f"{described}"
            )
        delay = _backoff(attempt)
        logger.warning(
            "PutEvents rejected entries, retrying them",
            extra={
                "attempt": attempt,
                "failed_entries": len(failed),
                "error_codes": sorted({str(r.get("ErrorCode")) for _, r in failed}),
                "delay_seconds": round(delay, 3),
            },
        )
        sleep(delay)
        pending = [p for p, _ in failed]
        retried += len(pending)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _backoff(attempt: int) -> float:
    """Equal-jitter exponential backoff: half the step fixed, half random."""
    step = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** (attempt - 1))
    return step / 2 + random.uniform(0, step / 2)
