"""The issue #13 user: a self-managed Kafka cluster in a data centre (SCRAM), reached through an
imported VPC. Its bridge's event pollers run in that VPC, the network block is kept, and
nothing of it is silently dropped."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template

from tests.stacks.conftest import build

SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
HYBRID = f"""\
blueprint: hybrid
environments:
  dev: {{account: "111111111111", region: eu-west-1}}
network:
  vpc:
    import:
      vpc_id: vpc-0123456789abcdef0
      cidr: 10.20.0.0/16
      private_subnet_ids: [{", ".join(SUBNETS)}]
      availability_zones: [eu-west-1a, eu-west-1b]
  endpoints: [lambda, sts, secretsmanager, s3, logs, events]
kafka:
  clusters:
    dc:
      type: external
      bootstrap_servers: ["kafka-1.dc.example.com:9096", "kafka-2.dc.example.com:9096"]
      auth: scram
      secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_dc-AbCdEf"
      principal: "User:edastack-bridges"
  topics:
    orders: {{cluster: dc, partitions: 12, retention: 3d}}
eventbridge:
  buses:
    commerce: {{}}
  rules:
    orders:
      bus: commerce
      pattern: {{source: [dc.orders]}}
      targets:
        audit: {{sqs: audit}}
queues:
  audit: {{}}
bridges:
  orders-to-bus:
    from: {{topic: orders}}
    to: {{bus: commerce, detail_type: OrderPlaced, source: dc.orders}}
"""


@pytest.fixture(scope="module")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Stack]:
    path = tmp_path_factory.mktemp("hybrid") / "hybrid.yaml"
    path.write_text(HYBRID, encoding="utf-8")
    return build(path)


def _of_type(stack: Stack, kind: str) -> dict[str, dict[str, Any]]:
    return Template.from_stack(stack).find_resources(kind)


def test_the_declared_network_is_kept_with_its_endpoints(stacks: dict[str, Stack]) -> None:
    endpoints = _of_type(stacks["hybrid-dev-kafka"], "AWS::EC2::VPCEndpoint").values()
    services = {e["Properties"]["ServiceName"].rsplit(".", 1)[-1] for e in endpoints}
    assert services == {"lambda", "sts", "secretsmanager", "s3", "logs", "events"}
    assert {tuple(e["Properties"]["SubnetIds"]) for e in endpoints} == {tuple(SUBNETS)}


def test_the_bridge_reads_the_cluster_from_the_imported_subnets_in_the_clients_group(
    stacks: dict[str, Stack],
) -> None:
    [mapping] = _of_type(stacks["hybrid-dev-events"], "AWS::Lambda::EventSourceMapping").values()
    accesses = mapping["Properties"]["SourceAccessConfigurations"]
    assert [a["URI"] for a in accesses if a["Type"] == "VPC_SUBNET"] == [
        f"subnet:{s}" for s in SUBNETS
    ]
    [group] = [a["URI"] for a in accesses if a["Type"] == "VPC_SECURITY_GROUP"]
    assert "ClusterdcClients" in str(group)  # the kafka stack's group, by export
    groups = _of_type(stacks["hybrid-dev-kafka"], "AWS::EC2::SecurityGroup")
    [clients] = [g for k, g in groups.items() if k.startswith("ClusterdcClients")]
    ports = [r["FromPort"] for r in clients["Properties"]["SecurityGroupEgress"]]
    assert ports == [9096, 443]
