"""Where the forwarder keeps payloads: claim checks for large records, dead letters for the
records it cannot forward (decision record 0005).

- A **claim check** is the record value written to the payload bucket at
  ``<prefix>/claim-checks/<topic>/<partition>/<offset>``; the event carries
  ``{"bucket", "key", "bytes", "sha256"}`` instead of the value.
- A **dead letter** is a JSON envelope sent to the bridge's SQS queue::

      {"deadLetter": 1, "reason": ..., "errorCode": ..., "errorMessage": ...,
       "eventBusName": ..., "eventSourceArn": ..., "record": <the record as Lambda delivered it>}

  ``record`` keeps the base64 value and key, the headers, topic, partition, offset and
  timestamp, so the record can be inspected and forwarded again after the source topic deleted
  it. An envelope over SQS's 256 KiB is written to the bucket at
  ``<prefix>/dead-letters/<topic>/<partition>/<offset>.json`` and the message carries
  ``"claimCheck"`` and ``"recordRef"`` in place of ``record``.

Keys are a function of the record, so a retried batch overwrites rather than piles up (the
bucket is versioned). Runs with boto3 only; failures raise, so the batch is retried.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from put_events import RecordRef

# SQS's default (and CloudFormation's) MaximumMessageSize: 262,144 bytes (SQS developer guide,
# "Amazon SQS message quotas"). edastack's queues keep it.
SQS_MESSAGE_MAX_BYTES = 262_144


class ObjectStore(Protocol):
    """The part of a boto3 ``s3`` client the forwarder uses."""

    def put_object(self, **kwargs: Any) -> Mapping[str, Any]: ...


class Queue(Protocol):
    """The part of a boto3 ``sqs`` client the forwarder uses."""

    def send_message(self, **kwargs: Any) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Rejection:
    """A record that can never be forwarded, and why."""

    record: Mapping[str, Any]
    ref: RecordRef
    reason: str
    code: str
    message: str


@dataclass(frozen=True)
class PayloadStore:
    """The bridge's payload bucket (under its prefix) and dead-letter queue."""

    s3: ObjectStore
    sqs: Queue
    bucket: str
    prefix: str
    queue_url: str

    def claim_check(self, ref: RecordRef, value: bytes) -> dict[str, Any]:
        """Write ``value`` to the bucket; the claim check that points at it."""
        key = f"{self.prefix}/claim-checks/{ref.topic}/{ref.partition}/{ref.offset}"
        return self._put(key, value, "application/octet-stream")

    def dead_letter(self, rejection: Rejection, *, bus: str, source_arn: str | None) -> None:
        """Send the rejected record, with its payload, to the dead-letter queue."""
        envelope: dict[str, Any] = {
            "deadLetter": 1,
            "reason": rejection.reason,
            "errorCode": rejection.code,
            "errorMessage": rejection.message,
            "eventBusName": bus,
            "eventSourceArn": source_arn,
        }
        body = _dumps({**envelope, "record": dict(rejection.record)})
        if len(body.encode("utf-8")) > SQS_MESSAGE_MAX_BYTES:
            ref = rejection.ref
            key = f"{self.prefix}/dead-letters/{ref.topic}/{ref.partition}/{ref.offset}.json"
            envelope["claimCheck"] = self._put(key, body.encode("utf-8"), "application/json")
            envelope["recordRef"] = {
                "topic": ref.topic,
                "partition": ref.partition,
                "offset": ref.offset,
            }
            body = _dumps(envelope)
        self.sqs.send_message(QueueUrl=self.queue_url, MessageBody=body)

    def _put(self, key: str, data: bytes, content_type: str) -> dict[str, Any]:
        digest = hashlib.sha256(data).digest()
        # S3 checks the upload against the digest and refuses a corrupted body.
        self.s3.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=content_type,
            ChecksumSHA256=base64.b64encode(digest).decode("ascii"),
        )
        return {"bucket": self.bucket, "key": key, "bytes": len(data), "sha256": digest.hex()}


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
