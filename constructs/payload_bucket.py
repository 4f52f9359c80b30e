"""The S3 bucket that keeps the payloads of Kafka records a bridge could not forward as events:
claim checks of large records, oversized dead letters, and the failed batches of the event
source mapping's on-failure destination (docs/decisions/0005-no-event-lost.md)."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from edastack.constructs.acknowledgments import skip_checkov, wildcard_resource_id
from edastack.constructs.encryption_key import new_key

# One day past the 14 days a dead-letter queue keeps a message, so that a message never points
# at an object already deleted.
DEFAULT_RETENTION = Duration.days(15)
# What the event source mapping needs for an S3 on-failure destination (Lambda guide,
# "Capturing discarded batches for Amazon MSK and self-managed Apache Kafka event sources"),
# which the forwarder's own writes are a part of.
_WRITE_ACTIONS = ("s3:PutObject",)
_LIST_ACTIONS = ("s3:ListBucket",)
# With SSE-KMS, writing an object needs a data key (S3 user guide, "Using SSE-KMS").
_KMS_WRITE_ACTIONS = ("kms:GenerateDataKey",)

_PER_RECORD = (
    "object keys are made per record and per failed batch at run time (by the forwarder and by "
    "the event source mapping); the statement names this bucket only"
)
_NO_ACCESS_LOG = (
    "written only by the bridges' roles, read by operators; CloudTrail data events are the "
    "audit trail, and a log bucket of its own would hold no event payload to protect"
)
_CHECKOV_SKIPS = {
    "CKV_AWS_18": _NO_ACCESS_LOG,
    "CKV_AWS_144": "payloads of failed records, kept 15 days: a second Region's copy adds cost, "
    "not durability that matters here (S3 stores them across availability zones)",
    "CKV2_AWS_62": "the dead-letter queue's alarm and the function's error alarm signal "
    "arrivals; an S3 notification would duplicate them",
}


class PayloadBucket(Construct):
    """A private, TLS-only, versioned bucket encrypted with a customer-managed key, retained on
    stack deletion, whose objects expire after ``retention``.

    ``bucket`` is the ``aws_s3.Bucket``; ``grant_write(role)`` lets a bridge write to it.
    Costs S3 storage and requests (about $0.023 / GB-month, us-east-1, 2026-11), plus $1 / month
    for a created key.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption_key: kms.IKey | None = None,
        retention: Duration = DEFAULT_RETENTION,
    ) -> None:
        """
        :param encryption_key: the key that encrypts the objects.
            Default: - a new key with yearly rotation, retained on deletion
        :param retention: how long an object (and an overwritten version) is kept.
            Default: - 15 days, one past a dead-letter queue's 14
        """
        super().__init__(scope, construct_id)
        self.encryption_key = encryption_key or new_key(
            self, "Key", description=f"Encrypts the payload bucket {self.node.path}"
        )
        self.bucket = s3.Bucket(
            self,
            "Resource",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.encryption_key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            versioned=True,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=retention,
                    noncurrent_version_expiration=retention,
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )
        Validations.of(self.bucket).acknowledge(
            Acknowledgment(id="AwsSolutions::AwsSolutions-S1", reason=_NO_ACCESS_LOG)
        )
        skip_checkov(self.bucket, _CHECKOV_SKIPS)

    def grant_write(self, role: iam.Role) -> None:
        """Exactly what a bridge's role needs to write objects: ``s3:PutObject`` on the
        objects, ``s3:ListBucket`` on the bucket and a data key of its key."""
        objects = self.bucket.arn_for_objects("*")
        role.add_to_policy(iam.PolicyStatement(actions=list(_WRITE_ACTIONS), resources=[objects]))
        role.add_to_policy(
            iam.PolicyStatement(actions=list(_LIST_ACTIONS), resources=[self.bucket.bucket_arn])
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=list(_KMS_WRITE_ACTIONS), resources=[self.encryption_key.key_arn]
            )
        )
        Validations.of(role).acknowledge(
            Acknowledgment(id=wildcard_resource_id(Stack.of(role), objects), reason=_PER_RECORD)
        )
