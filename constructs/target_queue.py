"""An SQS queue that receives events and keeps what its consumers cannot process."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from edastack.aws import limits
from edastack.constructs.dead_letter import DeadLetterQueue


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
        retention: Duration | None = None,
        visibility_timeout: Duration | None = None,
        max_receives: int = 5,
        encryption_key: kms.IKey | None = None,
        alarm_topic: sns.ITopic | None = None,
        fifo: bool = False,
    ) -> None:
        """
        :param retention: how long messages wait for a consumer, 60 seconds to 14 days.
            Default: - 4 days, the SQS default
        :param visibility_timeout: how long a received message stays hidden.
            Default: - 30 seconds
        :param max_receives: receives before a message moves to the dead-letter queue, 1-1000.
            Default: - 5
        :param encryption_key: the customer-managed key for the queue and its DLQ; EventBridge
            can deliver only to queues whose key lets it encrypt.
            Default: - the dead-letter queue's new key
        :param alarm_topic: where the dead-letter queue's alarm notifies.
            Default: - no notification, the alarm still exists
        :param fifo: a FIFO queue (its dead-letter queue is FIFO too); EventBridge targets then
            need a message group id, and use the event id for deduplication. Default: - False
        """
        super().__init__(scope, construct_id)
        if not 1 <= max_receives <= limits.SQS_MAX_RECEIVES_MAX:
            raise ValueError(
                f"max_receives must be between 1 and {limits.SQS_MAX_RECEIVES_MAX}, "
                f"got {max_receives}"
            )
        self.dead_letter_queue = DeadLetterQueue(
            self,
            "DeadLetterQueue",
            encryption_key=encryption_key,
            alarm_topic=alarm_topic,
            fifo=fifo,
        )
        self.queue: sqs.Queue = sqs.Queue(
            self,
            "Resource",
            fifo=fifo or None,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.dead_letter_queue.encryption_key,
            enforce_ssl=True,
            retention_period=retention or Duration.days(4),
            visibility_timeout=visibility_timeout or Duration.seconds(30),
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=max_receives, queue=self.dead_letter_queue.queue
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
