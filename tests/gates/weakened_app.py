"""The weakened app: ``weakened.yaml`` plus raw CloudFormation the blueprint language refuses.

Run as ``python weakened_app.py OUTDIR`` (a fresh process, so ``CDK_VALIDATION`` reaches CDK's
validator); synthesizes through :func:`edastack.testing.gates.gated_app`. Each raw resource
removes one safety edastack's constructs always add.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import Environment, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_msk as msk
from aws_cdk import aws_sqs as sqs

from edastack.constructs.kafka_cluster import KafkaCluster
from edastack.stacks.app import build_app
from edastack.testing.gates import gated_app

BLUEPRINT = Path(__file__).with_name("weakened.yaml")
RAW_STACK = "weakened-dev-raw"
KAFKA_STACK = "weakened-dev-kafka"


def main(outdir: str) -> None:
    app = gated_app(outdir=outdir)
    build_app(BLUEPRINT, app=app)
    kafka = app.node.find_child(KAFKA_STACK)
    cluster = kafka.node.find_child("Cluster-core")
    assert isinstance(cluster, KafkaCluster)
    # One replica on a 3-broker cluster: a broker failure loses the topic's data.
    msk.CfnTopic(
        kafka,
        "SingleReplicaTopic",
        cluster_arn=cluster.cluster_arn,
        topic_name="scratch",
        partition_count=3,
        replication_factor=1,
    )
    stack = Stack(
        app,
        RAW_STACK,
        env=Environment(account="111111111111", region="eu-west-1"),
    )
    # An unencrypted queue: no SSE at all, no TLS-only policy, no DLQ.
    plain = sqs.CfnQueue(stack, "PlainQueue", sqs_managed_sse_enabled=False)
    bus = events.CfnEventBus(stack, "OpenBus", name="weakened-open")
    # A bus policy open to every principal of every account.
    events.CfnEventBusPolicy(
        stack,
        "OpenBusPolicy",
        event_bus_name=bus.ref,
        statement_id="everyone",
        statement={
            "Sid": "everyone",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": bus.attr_arn,
        },
    )
    # A rule target without DeadLetterConfig and without RetryPolicy.
    events.CfnRule(
        stack,
        "NoDeadLetters",
        event_bus_name=bus.ref,
        event_pattern={"source": ["weakened"]},
        targets=[events.CfnRule.TargetProperty(id="plain", arn=plain.attr_arn)],
    )
    # A value CloudFormation would reject at deploy time (SQS allows at most 12 hours).
    sqs.CfnQueue(
        stack,
        "InvalidQueue",
        visibility_timeout=50_000,
        kms_master_key_id="alias/aws/sqs",
        redrive_policy={"deadLetterTargetArn": plain.attr_arn, "maxReceiveCount": 5},
    )
    app.synth()


if __name__ == "__main__":
    main(sys.argv[1])
