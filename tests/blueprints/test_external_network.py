"""Clients of an external Kafka cluster run in the blueprint's VPC when it declares one; without
one, their connections leave from outside any VPC, and validate says so (issue #13)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edastack.blueprints.checks_network import bridge_endpoints
from edastack.blueprints.validate import FileReport

Messages = Callable[..., list[str]]
Report = Callable[..., FileReport]

SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:AmazonMSK_dc-AbCdEf"
MSK = "arn:aws:kafka:eu-west-1:111111111111:cluster/other/0123abcd-0123-4567-89ab-0123456789ab-1"
SELF_MANAGED = (
    "{type: external, bootstrap_servers: ['kafka-1.dc.example.com:9096'], auth: scram, "
    f"secret: '{SECRET}', principal: 'User:edastack'}}"
)
EXTERNAL_MSK = (
    f"{{type: external, bootstrap_servers: ['b-1.other.example.com:9098'], auth: iam, "
    f"arn: '{MSK}'}}"
)
IMPORTED = """\
network:
  vpc:
    import:
      vpc_id: vpc-0123456789abcdef0
      cidr: 10.20.0.0/16
      private_subnet_ids: [subnet-0aaaaaaaaaaaaaaa1, subnet-0aaaaaaaaaaaaaaa2]
      availability_zones: [eu-west-1a, eu-west-1b]
"""
# The bridge's "from" is on line 13 of the blueprint without a network section.
BLUEPRINT = """\
blueprint: hybrid
NETWORK
kafka:
  clusters: {dc: CLUSTER}
  topics: {orders: {cluster: dc}, inbound: {cluster: dc}}
eventbridge:
  buses: {main: {archive: 7d}}
  rules:
    r1: {pattern: {source: [dc.orders]}, targets: {q: {sqs: inbox}}}
queues: {inbox: {}}
bridges:
  from-dc:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: dc.orders}
PRODUCER"""
PRODUCER = """\
  to-dc:
    from: {bus: main, pattern: {source: [shop]}}
    to: {topic: inbound}
"""


def blueprint(cluster: str, network: str = "", producer: str = "") -> str:
    text = BLUEPRINT.replace("CLUSTER", cluster).replace("PRODUCER", producer)
    return text.replace("NETWORK\n", network)


def test_a_declared_network_is_kept_for_external_clusters_alone(report: Report) -> None:
    with_vpc = report(blueprint(SELF_MANAGED, IMPORTED)).blueprints["default"]
    assert with_vpc.needs_vpc and with_vpc.network.declared
    without = report(blueprint(SELF_MANAGED)).blueprints["default"]
    assert not without.needs_vpc


def test_pollers_of_a_self_managed_cluster_without_a_network_are_named(
    messages: Messages,
) -> None:
    assert messages(blueprint(SELF_MANAGED)) == [
        "bp.yaml:12:11: $.bridges.from-dc.from: warning: bridge 'from-dc': its event pollers "
        "reach external cluster 'dc' from outside any VPC, so only brokers on the internet are "
        "reachable: declare network.vpc (create or import the VPC that reaches the brokers) or, "
        "for brokers meant to be public, acknowledge: {external-network: <reason>}"
    ]


def test_a_producer_of_an_external_msk_cluster_without_a_network_is_named(
    messages: Messages,
) -> None:
    # The MSK source's pollers run in that cluster's own VPC: only the producer is named.
    [warning] = messages(blueprint(EXTERNAL_MSK, producer=PRODUCER))
    assert warning.startswith(
        "bp.yaml:16:9: $.bridges.to-dc.to: warning: bridge 'to-dc': its producer function "
        "reaches external cluster 'dc' from outside any VPC"
    )


def test_the_warning_can_be_acknowledged_for_public_brokers(messages: Messages) -> None:
    text = blueprint(SELF_MANAGED).replace(
        "    to: {bus: main, detail_type: OrderPlaced, source: dc.orders}\n",
        "    to: {bus: main, detail_type: OrderPlaced, source: dc.orders}\n"
        "    acknowledge: {external-network: a hosted cluster with public brokers}\n",
    )
    assert messages(text) == []


@pytest.mark.parametrize(
    ("cluster", "producer"),
    [
        pytest.param(SELF_MANAGED, "", id="self_managed"),
        pytest.param(EXTERNAL_MSK, PRODUCER, id="msk"),
    ],
)
def test_in_an_imported_network_nothing_is_reported(
    messages: Messages, cluster: str, producer: str
) -> None:
    assert messages(blueprint(cluster, IMPORTED, producer)) == []


@pytest.mark.parametrize(
    ("endpoints", "missing"),
    [
        pytest.param("[lambda, sts, secretsmanager, s3]", None, id="all_there"),
        pytest.param("[lambda, sts]", "secretsmanager, s3", id="secret_and_failures_missing"),
    ],
)
def test_a_created_vpc_without_the_pollers_endpoints_warns_for_an_external_cluster(
    messages: Messages, endpoints: str, missing: str | None
) -> None:
    network = f"network:\n  vpc: {{create: {{azs: 2}}}}\n  endpoints: {endpoints}\n"
    found = messages(blueprint(SELF_MANAGED, network))
    if missing is None:
        assert found == []
        return
    # A warning, not the error an MSK cluster's bridge gets: these bridges ran outside the
    # VPC before, and a blueprint that validated keeps validating.
    [warning] = found
    assert "warning: bridge 'from-dc' reads external cluster 'dc' from the created VPC" in warning
    assert f"add {missing} to network.endpoints" in warning


def test_an_external_msk_source_needs_no_endpoint_in_this_vpc(report: Report) -> None:
    network = "network:\n  vpc: {create: {azs: 2}}\n  endpoints: [logs]\n"
    bp = report(blueprint(EXTERNAL_MSK, network)).blueprints["default"]
    assert bridge_endpoints(bp, bp.bridges["from-dc"]) == []  # type: ignore[arg-type]


def test_a_network_with_errors_brings_no_follow_on_warning(messages: Messages) -> None:
    """The network's own error is said; its bridges are not told to declare one (review 5)."""
    broken = IMPORTED.replace("subnet-0aaaaaaaaaaaaaaa1", "subnet-aaa111")
    found = messages(blueprint(SELF_MANAGED, broken))
    assert len(found) == 1 and "expected a subnet id such as" in found[0], found
