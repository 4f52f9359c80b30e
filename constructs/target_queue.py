"""An SQS queue that receives events and keeps what its consumers cannot process."""

from __future__ import annotations

from typing import Unpack

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from edastack.aws import limits
from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.dead_letter import DeadLetterQueue, QueueProps


class TargetQueue(Construct):
    """A KMS-encrypted, TLS-only, retained SQS queue with a redrive to its own DLQ.

    A queue that an EventBridge rule delivers to is one more place an event can be lost: when
    its consumer keeps failing, messages expire. Here they move to a :class:`DeadLetterQueue`
    (14 days, alarmed) after ``max_receives`` attempts instead.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        visibility_timeout: Duration | None = None,
        max_receives: int = 5,
        **props: Unpack[QueueProps],
    ) -> None:
        """
        :param props: the queue (:class:`QueueProps`): a ``queue_name`` lets other stacks
            address it by name; ``retention``, how long messages wait for a consumer, defaults
            to 4 days, the SQS default; the ``encryption_key`` encrypts its dead-letter queue
            too (EventBridge can deliver only to queues whose key lets it encrypt), by default
            the dead-letter queue's new key; a ``fifo`` queue has a FIFO dead-letter queue, and
            EventBridge targets then need a message group id and use the event id for
            deduplication
        :param visibility_timeout: how long a received message stays hidden.
            Default: - 30 seconds
        :param max_receives: receives before a message moves to the dead-letter queue, 1-1000.
            Default: - 5
        """
        reject_unknown_props(type(self), props, QueueProps)
        super().__init__(scope, construct_id)
        fifo = props.get("fifo", False)
        if not 1 <= max_receives <= limits.SQS_MAX_RECEIVES_MAX:
            raise ValueError(
                f"max_receives must be between 1 and {limits.SQS_MAX_RECEIVES_MAX}, "
                f"got {max_receives}"
            )
        self.dead_letter_queue = DeadLetterQueue(
            self,
            "DeadLetterQueue",
            encryption_key=props.get("encryption_key"),
            alarm_topic=props.get("alarm_topic"),
            fifo=fifo,
        )
        self.queue: sqs.Queue = sqs.Queue(
            self,
            "Resource",
            queue_name=props.get("queue_name"),
            fifo=fifo or None,
            # EventBridge delivers to a FIFO queue only if it deduplicates by content
            # (EventBridge API reference, Target.SqsParameters; the event id is the content's)
            content_based_deduplication=fifo or None,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.dead_letter_queue.encryption_key,
            enforce_ssl=True,
            retention_period=props.get("retention") or Duration.days(4),
            visibility_timeout=visibility_timeout or Duration.seconds(30),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=max_receives, queue=self.dead_letter_queue.queue
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
