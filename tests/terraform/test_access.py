"""What each bridge needs on its cluster (``edastack.blueprints.kafka_access``), the consumer
groups it names (the same the CDK stacks give the mappings and pipes), and what ``validate``
says about an external cluster's principal and quota."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.kafka_access import cluster_grants, consumer_group
from tests.terraform.conftest import HYBRID, blueprints_of

Templates = Callable[..., dict[str, dict[str, Any]]]
SERVERLESS = (
    Path(__file__).resolve().parents[2] / "blueprints" / "examples" / "serverless-kafka.yaml"
)


def test_a_producer_writes_and_describes_its_topic_and_a_reader_reads_it_in_its_group() -> None:
    (dev,) = blueprints_of(HYBRID, "dev")
    granted = [
        (g.resource_type, g.resource_name, g.operation, g.owner, g.bridges)
        for g in cluster_grants(dev, "partner")
    ]
    assert granted == [
        ("Group", consumer_group(dev, _reader(dev, "partner-to-bus")), "Read", "partner-to-bus",
         ("partner-to-bus",)),
        ("Topic", "partner-events", "Describe", "partner-events",
         ("bus-to-partner", "partner-to-bus")),
        ("Topic", "partner-events", "Read", "partner-events", ("partner-to-bus",)),
        ("Topic", "partner-events", "Write", "partner-events", ("bus-to-partner",)),
    ]  # fmt: skip


def test_a_cluster_without_bridges_needs_nothing() -> None:
    (dev,) = blueprints_of(HYBRID, "dev")
    assert cluster_grants(dev, "nowhere") == []


def _reader(blueprint: m.Blueprint, name: str) -> m.KafkaToBus:
    bridge = blueprint.bridges[name]
    assert isinstance(bridge, m.KafkaToBus)
    return bridge


def _groups_in(template: dict[str, Any]) -> dict[str, str]:
    """The consumer group of each mapping and pipe of an events stack, by bridge name."""
    found = {}
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        kafka = (
            props.get("SelfManagedKafkaEventSourceConfig")
            or props.get("AmazonManagedKafkaEventSourceConfig")
            or props.get("SourceParameters", {}).get("ManagedStreamingKafkaParameters")
        )
        if kafka is not None:
            path = resource["Metadata"]["aws:cdk:path"]
            bridge = path.split("/")[1].removeprefix("Bridge-")
            found[bridge] = kafka.get("ConsumerGroupId") or kafka["ConsumerGroupID"]
    return found


@pytest.mark.parametrize(
    ("path", "events"),
    [
        pytest.param(HYBRID, "hybrid-dev-events", id="hybrid_lambda_bridges"),
        pytest.param(SERVERLESS, "serverless-kafka-dev-events", id="serverless_pipe_and_lambda"),
    ],
)
def test_consumer_groups_are_the_ones_the_cdk_stacks_use(
    edastack_templates: Templates, path: Path, events: str
) -> None:
    (dev,) = blueprints_of(path, "dev")
    in_templates = _groups_in(edastack_templates(path, "dev")[events])
    readers = [b for b in dev.bridges.values() if isinstance(b, m.KafkaToBus)]
    assert in_templates == {b.name: consumer_group(dev, b) for b in readers}


HEAD = """\
blueprint: acl
environments: {dev: {account: "111111111111", region: eu-west-1}}
network:
  vpc:
    import:
      vpc_id: vpc-0123456789abcdef0
      private_subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
      availability_zones: [eu-west-1a, eu-west-1b]
eventbridge: {buses: {bus: {archive: 7d}}}
"""
EXTERNAL = (
    "ext: {type: external, bootstrap_servers: ['k.example.com:9096'], auth: scram, "
    "secret: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf'"
)
IAM = (
    "ext: {type: external, bootstrap_servers: ['k.example.com:9098'], auth: iam, "
    "arn: 'arn:aws:kafka:eu-west-1:111111111111:cluster/c/abc-1'"
)
BRIDGED = """\
  topics: {orders: {cluster: ext}}
bridges:
  orders-to-bus:
    from: {topic: orders}
    to: {bus: bus, detail_type: Order, source: acl.orders}
    acknowledge: {bridge-feeds-nothing: "no rules in this test"}
"""


def _blueprint(cluster: str, rest: str = "") -> str:
    return f"{HEAD}kafka:\n  clusters: {{{cluster}}}\n{rest}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            _blueprint(EXTERNAL + "}", BRIDGED),
            "bp.yaml:11:19: $.kafka.clusters.ext: warning: cluster 'ext' has no principal, so "
            "the Terraform configuration edastack synth writes grants its bridges "
            "('orders-to-bus') no ACLs: add principal: User:<the secret's SCRAM username>, or "
            "acknowledge: {no-acls: <reason>} (ACLs managed elsewhere)",
            id="bridged_scram_cluster_without_principal",
        ),
        pytest.param(
            _blueprint(IAM + ", principal: User:edastack}"),
            "bp.yaml:11:162: $.kafka.clusters.ext.principal: iam clients of MSK are authorized "
            "by their role's IAM policy, which edastack grants, not by Kafka ACLs or quotas on "
            "a principal; remove principal",
            id="principal_on_an_iam_cluster",
        ),
        pytest.param(
            _blueprint(EXTERNAL + ", quota: {produce: 1MB}}"),
            "bp.yaml:11:172: $.kafka.clusters.ext.quota: quota applies to the principal "
            "edastack's bridges authenticate as; set principal",
            id="quota_without_principal",
        ),
        pytest.param(
            _blueprint("core: {type: serverless, principal: User:edastack}"),
            "bp.yaml:11:50: $.kafka.clusters.core.principal: 'principal' applies to external "
            "clusters, whose ACLs and quotas edastack writes as Terraform; edastack's clients "
            "of an MSK cluster authenticate with IAM",
            id="principal_on_an_msk_cluster",
        ),
    ],
)
def test_fails_when_the_principal_or_quota_does_not_fit(
    findings: Callable[[str], list[str]], text: str, expected: str
) -> None:
    assert findings(text) == [expected]


def test_fails_when_the_principal_is_a_wildcard(findings: Callable[[str], list[str]]) -> None:
    assert findings(_blueprint(EXTERNAL + ", principal: 'User:*'}", BRIDGED)) == [
        "bp.yaml:11:176: $.kafka.clusters.ext.principal: expected a Kafka principal such as "
        "User:edastack (the SCRAM username) or User:CN=edastack,O=Example (the client "
        "certificate's subject), without '*', found 'User:*'"
    ]


def test_a_bridged_cluster_with_its_principal_is_valid(
    findings: Callable[[str], list[str]],
) -> None:
    text = _blueprint(EXTERNAL + ", principal: User:edastack, quota: {consume: 2MiB}}", BRIDGED)
    assert findings(text) == []
