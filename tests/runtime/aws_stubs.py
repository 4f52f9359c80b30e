"""Real boto3 clients for the runtime tests, answered by botocore's Stubber.

The clients validate every request against the service model, as on Lambda; ``calls`` records
what the handler asked, by operation name.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import boto3
from botocore.stub import Stubber

REGION = "eu-west-1"


def client(service: str, **kwargs: Any) -> Any:
    return boto3.client(
        service,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="not-a-secret",
        **kwargs,
    )


class Aws:
    """``events`` (or ``eventbridgev2``), ``s3`` and ``sqs`` clients behind stubbers;
    ``calls[op]`` lists the params."""

    def __init__(self, events_service: str = "events") -> None:
        self.events, self.s3, self.sqs = client(events_service), client("s3"), client("sqs")
        self.stubs = {c: Stubber(c) for c in (self.events, self.s3, self.sqs)}
        self.calls: dict[str, list[dict[str, Any]]] = {}
        for c in self.stubs:
            c.meta.events.register("provide-client-params.*.*", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls.setdefault(model.name, []).append(copy.deepcopy(params))

    def __enter__(self) -> Aws:
        for stub in self.stubs.values():
            stub.activate()
        return self

    def __exit__(self, *exc: object) -> None:
        for stub in self.stubs.values():
            stub.deactivate()

    def put_events_answers(self, *failures: Mapping[int, str], entries: Sequence[int]) -> None:
        """One PutEvents answer per call: ``entries[n]`` entries, ``failures[n]`` by index."""
        for call, count in enumerate(entries):
            failing = failures[call] if call < len(failures) else {}
            results = [
                {"ErrorCode": failing[i], "ErrorMessage": "no"}
                if i in failing
                else {"EventId": f"id-{call}-{i}"}
                for i in range(count)
            ]
            self.stubs[self.events].add_response(
                "put_events", {"FailedEntryCount": len(failing), "Entries": results}
            )

    def stored(self, times: int = 1) -> None:
        for _ in range(times):
            self.stubs[self.s3].add_response("put_object", {"ETag": '"e"'})

    def dead_lettered(self, times: int = 1) -> None:
        for _ in range(times):
            self.stubs[self.sqs].add_response(
                "send_message", {"MessageId": "m", "MD5OfMessageBody": "d"}
            )

    def assert_all_answered(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()
