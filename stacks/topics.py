"""A topics stack: the Kafka topics that name it in ``stack:``, deployed after the Kafka stack.

For a cluster whose topics outgrow CloudFormation's 500 resources a stack. Each topic is an
``AWS::MSK::Topic`` (provisioned clusters only; ``validate`` refuses others). The cluster's ARN
comes from the SSM parameter the Kafka stack publishes under a name both know
(``layout.cluster_arn_parameter``), read as a parameter resolved at every deployment: no
CloudFormation export, so the topics stack can be retired without unlocking the Kafka stack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.kafka_topic import KafkaTopic
from edastack.stacks.kafka import KafkaStack, provisioned_topic


class TopicsStack(Stack):
    """The topics of one topics stack, in name order."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        kafka: KafkaStack,
        topics: Sequence[m.KafkaTopic],
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.add_stack_dependency(kafka)
        blueprint = kafka.blueprint
        self.topics: dict[str, KafkaTopic] = {}
        for topic in topics:
            arn = ssm.StringParameter.value_for_string_parameter(
                self, layout.cluster_arn_parameter(blueprint, topic.cluster)
            )
            # the cluster object only for its broker count and version, which the topic checks
            cluster = kafka.clusters[topic.cluster]
            self.topics[topic.name] = provisioned_topic(self, topic, cluster, cluster_arn=arn)
