"""validate --baseline: what a change replaces, shrinks or strands."""

import subprocess
from pathlib import Path

import pytest

from edastack.blueprints.replacement import replacements
from edastack.blueprints.validate import validate_file
from edastack.cli.main import main

BASE = """\
blueprint: shop
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core, partitions: 6}
eventbridge:
  buses:
    main: {}
  rules:
    r:
      pattern: {source: [shop]}
      targets:
        q: {sqs: inbox}
queues:
  inbox: {}
bridges:
  b:
    from: {topic: orders}
    to: {bus: main, detail_type: Order, source: shop}
    via: pipe
    pipe: {consumer_group: g1}
    acknowledge: {pipe-no-dlq: accepted for this test blueprint}
"""


def messages(tmp_path: Path, old: str, new: str) -> list[str]:
    (tmp_path / "old.yaml").write_text(old)
    (tmp_path / "new.yaml").write_text(new)
    before = validate_file(tmp_path / "old.yaml")
    after = validate_file(tmp_path / "new.yaml")
    assert before.ok and after.ok, [f.format() for f in [*before.findings, *after.findings]]
    found = replacements(before.blueprints["default"], after.blueprints["default"])
    return [f"{f.severity}: {f.json_path}: {f.message}" for f in found]


CASES = [
    pytest.param(
        (
            "orders: {cluster: core, partitions: 6}",
            "orders: {cluster: core, partitions: 6, name: orders2}",
        ),
        [
            "warning: $.kafka.topics.orders: changing the name of topic 'orders' replaces it: the "
            "topic is deleted and created again empty, its records are lost; acknowledge: "
            "{replacement: <reason>}"
        ],
        id="topic_renamed_in_kafka",
    ),
    pytest.param(
        ("partitions: 6}", "partitions: 3}"),
        [
            "error: $.kafka.topics.orders.partitions: topic 'orders' goes from 6 to 3 partitions; "
            "Kafka only adds partitions, so the deployment will fail"
        ],
        id="fewer_partitions",
    ),
    pytest.param(
        ("storage: 100GiB", "storage: 50GiB"),
        [
            "error: $.kafka.clusters.core.brokers.storage: broker storage of cluster 'core' goes "
            "down from 100 to 50 GiB; MSK volumes only grow, so the deployment will fail"
        ],
        id="smaller_volumes",
    ),
    pytest.param(
        ("inbox: {}", "inbox: {fifo: true}"),
        [
            "warning: $.queues.inbox.fifo: changing fifo of queue 'inbox' replaces it: waiting "
            "messages are lost; acknowledge: {replacement: <reason>}"
        ],
        id="queue_becomes_fifo",
    ),
    pytest.param(
        ("consumer_group: g1", "consumer_group: g2"),
        [
            "warning: $.bridges.b: changing the consumer group of bridge 'b' replaces its "
            "consumer: a new consumer group starts from its starting position, so records are "
            "skipped or read again; acknowledge: {replacement: <reason>}"
        ],
        id="pipe_consumer_group",
    ),
    pytest.param(
        ("  inbox: {}", "  inbox2: {}"),
        [
            "warning: $.queues.inbox2: queue 'inbox2' is new and queue 'inbox' is gone: if this "
            "is a rename, a new resource is created empty and the old one is retained but no "
            "longer managed; acknowledge: {replacement: <reason>}"
        ],
        id="queue_renamed",
    ),
    pytest.param(
        (
            "    via: pipe\n    pipe: {consumer_group: g1}\n",
            "    lambda: {consumer_group: g2}\n",
        ),
        [
            "warning: $.bridges.b: changing the consumer group of bridge 'b' replaces its "
            "consumer: a new consumer group starts from its starting position, so records are "
            "skipped or read again; acknowledge: {replacement: <reason>}"
        ],
        id="lambda_consumer_group",
    ),
    pytest.param(("partitions: 6}", "partitions: 12}"), [], id="more_partitions_is_in_place"),
]


@pytest.mark.parametrize(("change", "expected"), CASES)
def test_baseline_flags(tmp_path: Path, change: tuple[str, str], expected: list[str]) -> None:
    new = BASE.replace(*change)
    if change == ("  inbox: {}", "  inbox2: {}"):
        new = new.replace("sqs: inbox", "sqs: inbox2")
    if "lambda:" in change[1]:  # from a Lambda bridge of group g1 to one of group g2
        old = BASE.replace(change[0], "    lambda: {consumer_group: g1}\n")
        assert messages(tmp_path, old, new) == expected
        return
    if change == ("inbox: {}", "inbox: {fifo: true}"):
        new = new.replace("q: {sqs: inbox}", "q: {sqs: inbox, message_group: shop}")
    assert new != BASE
    assert messages(tmp_path, BASE, new) == expected


def test_acknowledged_replacement_is_silent(tmp_path: Path) -> None:
    new = BASE.replace(
        "orders: {cluster: core, partitions: 6}",
        "orders: {cluster: core, partitions: 6, name: orders2, "
        "acknowledge: {replacement: empty in dev}}",
    )
    assert messages(tmp_path, BASE, new) == []


def test_cluster_type_change_replaces_the_cluster(tmp_path: Path) -> None:
    old = BASE.replace("core: {brokers: {count: 3, storage: 100GiB}}", "core: {type: serverless}")
    old = old.replace("partitions: 6}", "partitions: 6}").replace("via: pipe", "via: pipe")
    assert messages(tmp_path, old, BASE)[0] == (
        "warning: $.kafka.clusters.core: changing the type of cluster 'core' replaces it: a new, "
        "empty cluster is created; acknowledge: {replacement: <reason>}"
    )


def test_cli_compares_with_a_file_and_fails_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE)
    Path("new.yaml").write_text(BASE.replace("partitions: 6}", "partitions: 3}"))
    assert main(["validate", "--baseline", "old.yaml", "new.yaml"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "new.yaml:6:41: $.kafka.topics.orders.partitions: topic 'orders' goes from 6 to 3 "
        "partitions; Kafka only adds partitions, so the deployment will fail"
    )


def test_cli_compares_with_a_git_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    Path("bp.yaml").write_text(BASE)
    subprocess.run([*git, "add", "bp.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    Path("bp.yaml").write_text(BASE.replace("consumer_group: g1", "consumer_group: g2"))
    assert main(["validate", "--baseline", "git:HEAD", "bp.yaml"]) == 0
    out = capsys.readouterr().out
    assert "bp.yaml:19:5: $.bridges.b: warning: changing the consumer group of bridge 'b'" in out
    assert not list(tmp_path.glob(".bp.yaml.edastack-baseline-*"))  # the copy is gone


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["validate", "--baseline", "missing.yaml", "bp.yaml"],
            "edastack validate: no such baseline file: missing.yaml\n",
            id="missing_file",
        ),
        pytest.param(
            ["validate", "--baseline", "bp.yaml", "bp.yaml", "bp.yaml"],
            "edastack validate: --baseline compares one blueprint file\n",
            id="several_files",
        ),
    ],
)
def test_cli_usage_errors(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(BASE)
    assert main(argv) == 2
    assert capsys.readouterr().err == message
