"""validate reports what the MSK configuration of a cluster would be refused or weakened for."""

from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

BASE = """\
blueprint: x
network: {{vpc: {{create: {{azs: 2}}}}}}
kafka:
  clusters:
    c: {cluster}
  topics:
    tt: {{cluster: c, replication: 2, min_insync: 1, acknowledge: {{low-replication: two brokers}}}}
"""


def messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(BASE.format(cluster=cluster))
    return [f.format() for f in validate_file("bp.yaml").findings]


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        pytest.param(
            "{brokers: {count: 2}}",
            [
                "bp.yaml:5:26: $.kafka.clusters.c.brokers.count: warning: 2 brokers keep at most "
                "2 copies of a partition: topics default to replication 2 and min.insync.replicas "
                "1, and a broker failure can lose acknowledged writes; use 3 or more brokers, or "
                "acknowledge: {low-replication: <reason>}"
            ],
            id="two_brokers_get_defaults_that_fit_and_a_warning_at_their_count",
        ),
        pytest.param(
            "{brokers: {count: 2}, acknowledge: {low-replication: a two-broker sandbox}}",
            [],
            id="two_brokers_acknowledged",
        ),
        pytest.param(
            "{brokers: {count: 2}, configuration: {default.replication.factor: 3}, "
            "acknowledge: {low-replication: a two-broker sandbox}}",
            [
                "bp.yaml:5:45: $.kafka.clusters.c.configuration: default.replication.factor 3 is "
                "greater than the 2 brokers; add brokers or lower it"
            ],
            id="two_brokers_with_a_replication_of_three",
        ),
        pytest.param(
            "{brokers: {count: 4}, configuration: {default.replication.factor: 2, "
            "min.insync.replicas: 1}}",
            [
                "bp.yaml:5:45: $.kafka.clusters.c.configuration: warning: configuration weakens "
                "edastack's durable defaults (default.replication.factor=2, min.insync.replicas=1):"
                " a broker failure can lose acknowledged writes; acknowledge: {low-replication: "
                "<reason>}"
            ],
            id="weakened_without_acknowledgement",
        ),
        pytest.param(
            "{brokers: {count: 4}, configuration: {default.replication.factor: 2, "
            "min.insync.replicas: 1}, acknowledge: {low-replication: a four-broker sandbox}}",
            [],
            id="weakened_and_acknowledged",
        ),
        pytest.param(
            "{brokers: {count: 2}, configuration: {default.replication.factor: 2, "
            "min.insync.replicas: 2}, acknowledge: {low-replication: a two-broker sandbox}}",
            [
                "bp.yaml:5:45: $.kafka.clusters.c.configuration: min.insync.replicas 2 must be "
                "lower than default.replication.factor 2, or one broker down stops every acks=all "
                "producer"
            ],
            id="min_insync_not_below_replication",
        ),
    ],
)
def test_broker_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cluster: str, expected: list[str]
) -> None:
    assert messages(tmp_path, monkeypatch, cluster) == expected
