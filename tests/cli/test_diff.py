"""``edastack diff``: per stack, what a change adds, changes, replaces or removes, and exit codes
a CI job can act on."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.cli.main import main

BASE = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
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
      targets: {q: {sqs: inbox}}
queues:
  inbox: {}
"""
Diff = Callable[..., tuple[int, str]]


@pytest.fixture
def run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Diff:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE, encoding="utf-8")

    def diff(new: str, *flags: str) -> tuple[int, str]:
        Path("new.yaml").write_text(new, encoding="utf-8")
        code = main(["diff", "new.yaml", "--baseline", "old.yaml", *flags])
        return code, capsys.readouterr().out

    return diff


def test_no_change_exits_0(run: Diff) -> None:
    assert run(BASE) == (0, "new.yaml against old.yaml\n\nno change\n")


def test_a_safe_change_exits_1_and_names_the_key(run: Diff) -> None:
    code, out = run(BASE.replace("partitions: 6}", "partitions: 12, retention: 3d}"))
    assert code == 1
    assert out == (
        "new.yaml against old.yaml\n\n"
        "shop-dev-kafka [dev]\n"
        "  ~ changed  topic 'orders' (AWS::MSK::Topic) [holds data] <- kafka.topics.orders "
        "(partitions, retention)\n\n"
        "1 change in 1 stack; 0 dangerous\n"
    )


def test_a_replacement_exits_2_with_what_is_lost(run: Diff) -> None:
    code, out = run(
        BASE.replace("  inbox: {}", "  inbox: {fifo: true}").replace(
            "q: {sqs: inbox}", "q: {sqs: inbox, message_group: shop}"
        )
    )
    assert code == 2
    assert out.splitlines()[2:6] == [
        "shop-dev-events [dev]",
        "  ! replaced queue 'inbox' (AWS::SQS::Queue) [holds data; create-only: FifoQueue, "
        "QueueName] <- queues.inbox.fifo",
        "  ! replaced the dead-letter queue of queue 'inbox' (AWS::SQS::Queue) [holds data; "
        "create-only: FifoQueue] <- queues.inbox.fifo",
        "",
    ]
    assert out.splitlines()[-3:] == [
        "  new.yaml:17:17: $.queues.inbox.fifo: warning: changing the fifo of queue 'inbox' "
        "replaces it and the dead-letter queue of queue 'inbox': a new, empty queue is created "
        "and the old one is retained with its messages, no longer managed; acknowledge: "
        "{replacement: <reason>}",
        "",
        "3 changes in 2 stacks; 1 dangerous",
    ]


def test_a_rename_lists_the_old_resource_removed_and_the_new_added(run: Diff) -> None:
    code, out = run(BASE.replace("  inbox: {}", "  audit: {}").replace("sqs: inbox", "sqs: audit"))
    assert code == 2
    assert "  + added    queue 'audit' (AWS::SQS::Queue) [holds data] <- queues.audit" in out
    assert "  - removed  queue 'inbox' (AWS::SQS::Queue) [holds data] <- queues.inbox" in out
    assert "queue 'audit' is new and queue 'inbox' is gone: if this is a rename" in out


def test_an_acknowledged_replacement_is_a_change_not_a_danger(run: Diff) -> None:
    code, out = run(
        BASE.replace(
            "partitions: 6}", "partitions: 6, name: o2, acknowledge: {replacement: empty in dev}}"
        )
    )
    assert code == 1
    assert out.endswith("1 change in 1 stack; 0 dangerous\n")


def test_json_and_markdown(run: Diff) -> None:
    new = BASE.replace(
        "partitions: 6}",
        "partitions: 6, replication: 2, min_insync: 1, "
        "acknowledge: {low-replication: replayable from S3}}",
    )
    code, out = run(new, "--format", "json")
    assert code == 2
    data = json.loads(out)
    [topic] = data["environments"]["dev"]["shop-dev-kafka"]
    assert topic == {
        "change": "replaced",
        "resource": "topic:orders",
        "type": "AWS::MSK::Topic",
        "what": "topic 'orders'",
        "caused_by": ["kafka.topics.orders.replication"],
        "holds_data": True,
        "properties": ["ReplicationFactor"],
        "name_collides": True,
        "update_refused": False,
    }
    assert [d["severity"] for d in data["dangerous"]] == ["error"]
    code, out = run(new, "--format", "markdown")
    assert code == 2
    assert (
        "| ! | replaced (fails: name stays) | topic 'orders' | `AWS::MSK::Topic` | yes | "
        "`kafka.topics.orders.replication` |"
    ) in out.splitlines()


def test_an_environment_renamed_is_every_stack_removed_and_added(run: Diff) -> None:
    code, out = run(BASE.replace("  dev: {", "  development: {"))
    assert code == 2
    assert "shop-development-kafka [development]" in out
    assert "shop-dev-kafka [dev]" in out
    assert (
        "  - removed  topic 'orders' (AWS::MSK::Topic) [holds data] <- kafka.topics.orders" in out
    )


def test_a_git_baseline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    Path("bp.yaml").write_text(BASE, encoding="utf-8")
    subprocess.run([*git, "add", "bp.yaml"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    Path("bp.yaml").write_text(BASE.replace("partitions: 6}", "partitions: 3}"), encoding="utf-8")
    assert main(["diff", "bp.yaml", "--baseline", "git:HEAD"]) == 2
    assert "goes from 6 to 3 partitions" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "err"),
    [
        pytest.param(
            ["diff", "nope.yaml", "--baseline", "old.yaml"],
            "edastack diff: no such file: nope.yaml\n",
            id="missing_blueprint",
        ),
        pytest.param(
            ["diff", "old.yaml", "--baseline", "nope.yaml"],
            "edastack diff: no such baseline file: nope.yaml\n",
            id="missing_baseline",
        ),
    ],
)
def test_what_cannot_be_compared_exits_4(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    err: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("old.yaml").write_text(BASE, encoding="utf-8")
    assert main(argv) == 4
    assert capsys.readouterr().err == err


def test_diff_loads_neither_cdk_nor_cfn_lint() -> None:
    example = Path(__file__).resolve().parents[2] / "blueprints" / "examples" / "commerce.yaml"
    code = (
        "import sys; from edastack.cli.main import main; "
        f"assert main(['diff', {str(example)!r}, '--baseline', {str(example)!r}]) == 0; "
        "assert not [m for m in sys.modules if m.startswith(('aws_cdk', 'cfnlint'))]"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
