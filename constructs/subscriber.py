"""A subscriber of a v2 event bus (``AWS::EventsV2::Subscriber``) with the classic bus's
safety: a dead-letter queue with an alarm, 24 hours of retries, one event per invocation for
functions and state machines, and a delivery role that can reach its target and its DLQ only.

AWS's own defaults lose events quietly (eventsv2 facts §2, §10): 5 retries over 300 s, no
dead-letter queue (a failed event is dropped), batches of 10 to functions and state machines.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from aws_cdk import Duration, Names
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from edastack.aws import limits
from edastack.constructs.acknowledgments import acknowledge_eventsv2_region
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.subscriber_targets import SubscriberTarget

__all__ = ["Subscriber", "SubscriberTarget"]

Start = Literal["latest", "horizon"] | datetime
_EVENTS_PRINCIPAL = "events.amazonaws.com"
# The FIFO ids of a FIFO queue or topic target (facts §4: the event group becomes the message
# group; a FIFO target still needs its own deduplication id).
EVENT_GROUP = "{% $events.SystemMetadata.EventGroupId %}"
EVENT_ID = '{% $events.SystemMetadata."aws:EventId" %}'
# Functions and state machines get one event per invocation, as from a classic bus (facts §10).
_ONE_AT_A_TIME = ("lambda", "stepfunctions")


class Subscriber(Construct):
    """One target of a v2 bus, filtered by an event pattern, with its own dead-letter queue.

    - ``ordered``: a FIFO subscriber (publish order within an event group), a FIFO DLQ, and a
      synchronous invocation of a function (FIFO order needs ``REQUEST_RESPONSE``).
    - ``start``: ``"latest"``, ``"horizon"`` (the oldest event the bus keeps) or a time within
      the bus's retention. Changing it, the name, the target or ``ordered`` replaces the
      subscriber (delete, then create: a ``latest`` subscriber misses what is published
      meanwhile).
    - The delivery role (``.role``) may invoke the target, send to the DLQ and use their keys,
      and decrypt with the bus's key when given; nothing else.
    - The DLQ alarms on its first message; it gets a JSON failure record, not the event.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_bus_arn: str,
        target: SubscriberTarget,
        subscriber_name: str | None = None,
        description: str | None = None,
        event_pattern: Mapping[str, Any] | None = None,
        ordered: bool = False,
        start: Start = "latest",
        retry_attempts: int = limits.RETRY_ATTEMPTS_MAX,
        max_event_age: Duration | None = None,
        batch_size: int | None = None,
        batch_window: Duration | None = None,
        jsonata: str | None = None,
        enabled: bool = True,
        dead_letter_queue: DeadLetterQueue | None = None,
        queue_key: kms.IKey | None = None,
        bus_key_arn: str | None = None,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        """
        :param event_bus_arn: the v2 bus (``event-busv2`` ARN)
        :param target: what the subscriber delivers to
        :param subscriber_name: Default: - a name from the construct path
        :param description: Default: - no description
        :param event_pattern: the events delivered, as a DATA filter (classic pattern language
            without wildcards). Default: - every event
        :param ordered: a FIFO subscriber. Default: - False
        :param start: where a new subscriber starts reading. Default: - ``"latest"``
        :param retry_attempts: 0-185. Default: - 185, a classic bus's (AWS's is 5)
        :param max_event_age: 60 seconds to 24 hours. Default: - 24 hours, a classic bus's
            (AWS's is 300 s)
        :param batch_size: events per delivery. Default: - 1 for functions and state machines,
            as on a classic bus (AWS's is 10); the target's largest batch for the others
        :param batch_window: how long to gather a batch, at most 300 s. Default: - none
        :param jsonata: a JSONata transform (``{% ... %}`` over ``$events``).
            Default: - the event as published
        :param enabled: False creates the subscriber STOPPED. Default: - True
        :param dead_letter_queue: where failed deliveries go, FIFO exactly when ``ordered``.
            Default: - a new :class:`DeadLetterQueue` encrypted with ``queue_key``
        :param queue_key: the key of a new dead-letter queue. Default: - a new key
        :param bus_key_arn: the bus's customer-managed key. Default: - an AWS-owned key
        :param alarm_topic: where the DLQ's alarm notifies. Default: - no notification
        """
        super().__init__(scope, construct_id)
        age_s = int(max_event_age.to_seconds()) if max_event_age else limits.RETRY_MAX_AGE_MAX_S
        size = batch_size or (1 if target.kind in _ONE_AT_A_TIME else None)
        _check(target, retry_attempts, age_s, size, batch_window, ordered, dead_letter_queue)
        self.dead_letter_queue: DeadLetterQueue = dead_letter_queue or DeadLetterQueue(
            self, "DeadLetterQueue", fifo=ordered, encryption_key=queue_key, alarm_topic=alarm_topic
        )
        self.role: iam.CfnRole = self._role(target, bus_key_arn)
        self.subscriber: eventsv2.CfnSubscriber = eventsv2.CfnSubscriber(
            self,
            "Resource",
            name=subscriber_name or Names.unique_resource_name(self, max_length=64, separator="-"),
            description=description,
            event_bus_arn=event_bus_arn,
            type="FIFO" if ordered else "UNORDERED",
            state="RUNNING" if enabled else "STOPPED",
            invoke_configuration=_invoke(target, self.role.attr_arn, ordered),
            filter_configuration=_filter(event_pattern),
            transformer=_transformer(jsonata),
            retry_policy=eventsv2.CfnSubscriber.RetryPolicyProperty(
                max_retry_attempts=retry_attempts, max_event_age_in_seconds=age_s
            ),
            on_failure_configuration=eventsv2.CfnSubscriber.OnFailureConfigurationProperty(
                arn=self.dead_letter_queue.queue_arn
            ),
            batch_configuration=_batch(size, batch_window),
            **_start(start),
        )
        acknowledge_eventsv2_region(self.subscriber)

    @property
    def subscriber_arn(self) -> str:
        return self.subscriber.attr_subscriber_arn

    def _role(self, target: SubscriberTarget, bus_key_arn: str | None) -> iam.CfnRole:
        dlq = self.dead_letter_queue
        statements: list[dict[str, Any]] = [
            _allow(target.actions, target.arn),
            _allow(("sqs:SendMessage",), dlq.queue_arn),
        ]
        keys = list(dict.fromkeys(k for k in (dlq.encryption_key.key_arn, target.key_arn) if k))
        statements.append(_allow(("kms:Decrypt", "kms:GenerateDataKey"), *keys))
        if bus_key_arn:
            statements.append(_allow(("kms:Decrypt",), bus_key_arn))
        return iam.CfnRole(
            self,
            "DeliveryRole",
            description=f"Delivers the subscriber {self.node.path} to its target and its DLQ",
            assume_role_policy_document=_document(
                {"Action": "sts:AssumeRole", "Principal": {"Service": _EVENTS_PRINCIPAL}}
            ),
            policies=[
                iam.CfnRole.PolicyProperty(
                    policy_name="Deliver", policy_document=_document(*statements)
                )
            ],
        )


def _check(
    target: SubscriberTarget,
    attempts: int,
    age_s: int,
    size: int | None,
    window: Duration | None,
    ordered: bool,
    dlq: DeadLetterQueue | None,
) -> None:
    errors = []
    if not limits.RETRY_ATTEMPTS_MIN <= attempts <= limits.RETRY_ATTEMPTS_MAX:
        errors.append(f"retry_attempts must be 0-185, got {attempts}")
    if not limits.RETRY_MAX_AGE_MIN_S <= age_s <= limits.RETRY_MAX_AGE_MAX_S:
        errors.append(f"max_event_age must be 60 seconds to 24 hours, got {age_s} seconds")
    if size is not None and not 1 <= size <= target.largest_batch:
        errors.append(
            f"batch_size of a {target.kind} target must be 1-{target.largest_batch}, got {size}"
        )
    if window is not None and window.to_seconds() > limits.EVENTSV2_BATCH_WINDOW_MAX_S:
        errors.append(f"batch_window must be at most 300 seconds, got {window.to_human_string()}")
    if dlq is not None and dlq.fifo != ordered:
        errors.append(
            "dead_letter_queue must be a FIFO queue exactly when ordered is True, got "
            f"{'a FIFO' if dlq.fifo else 'a standard'} queue with ordered={ordered}"
        )
    if errors:
        raise ValueError("; ".join(errors))


def _invoke(
    target: SubscriberTarget, role_arn: str, ordered: bool
) -> eventsv2.CfnSubscriber.InvokeConfigurationProperty:
    s = eventsv2.CfnSubscriber
    params: dict[str, Any] = {}
    if target.kind == "lambda":
        invocation = "REQUEST_RESPONSE" if ordered else "EVENT"
        params["lambda_parameters"] = s.LambdaParametersProperty(invocation_type=invocation)
    elif target.kind == "sqs" and (target.fifo or target.message_group_id):
        params["sqs_parameters"] = s.SqsParametersProperty(
            message_group_id=target.message_group_id or EVENT_GROUP,
            message_deduplication_id=EVENT_ID,
        )
    elif target.kind == "sns" and target.fifo:
        params["sns_parameters"] = s.SnsParametersProperty(
            message_group_id=target.message_group_id or EVENT_GROUP,
            message_deduplication_id=EVENT_ID,
        )
    elif target.kind == "kinesis":
        key = target.partition_key or (EVENT_GROUP if ordered else EVENT_ID)
        params["kinesis_parameters"] = s.KinesisParametersProperty(partition_key=key)
    return s.InvokeConfigurationProperty(target_arn=target.arn, role_arn=role_arn, **params)


def _transformer(jsonata: str | None) -> eventsv2.CfnSubscriber.TransformerProperty | None:
    if jsonata is None:
        return None
    return eventsv2.CfnSubscriber.TransformerProperty(
        type="JSONATA",
        jsonata_configuration=eventsv2.CfnSubscriber.JsonataConfigurationProperty(
            expression=jsonata
        ),
    )


def _batch(
    size: int | None, window: Duration | None
) -> eventsv2.CfnSubscriber.BatchConfigurationProperty | None:
    if size is None and window is None:
        return None
    return eventsv2.CfnSubscriber.BatchConfigurationProperty(
        max_batch_size=size,
        max_batch_window_in_seconds=int(window.to_seconds()) if window else None,
    )


def _filter(
    pattern: Mapping[str, Any] | None,
) -> eventsv2.CfnSubscriber.FilterConfigurationProperty | None:
    if pattern is None:
        return None
    return eventsv2.CfnSubscriber.FilterConfigurationProperty(
        language="EVENT_BRIDGE_PATTERN",
        filters=[
            eventsv2.CfnSubscriber.FilterProperty(
                scope="DATA", pattern=json.dumps(pattern, separators=(",", ":"))
            )
        ],
    )


def _start(start: Start) -> dict[str, Any]:
    """``StartingPosition`` and its ``PointInTimeConfiguration`` (epoch seconds in CFN)."""
    if start == "latest":
        return {"starting_position": "LATEST"}
    point = eventsv2.CfnSubscriber.PointInTimeConfigurationProperty
    if start == "horizon":
        return {
            "starting_position": "POINT_IN_TIME",
            "point_in_time_configuration": point(point_type="HORIZON"),
        }
    assert isinstance(start, datetime)
    if start.tzinfo is None:
        raise ValueError(f"start must be a time with its zone, got {start.isoformat()}")
    return {
        "starting_position": "POINT_IN_TIME",
        "point_in_time_configuration": point(
            point_type="TIMESTAMP", starting_point=int(start.timestamp())
        ),
    }


def _allow(actions: tuple[str, ...], *resources: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": actions[0] if len(actions) == 1 else list(actions),
        "Resource": resources[0] if len(resources) == 1 else list(resources),
    }


def _document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {
        "Statement": [{"Effect": "Allow", **s} for s in statements],
        "Version": "2012-10-17",
    }
