"""validate --baseline on the command line: a file or a git revision as the baseline, and the
usage errors (the findings themselves: test_replacement_corpus)."""

import subprocess
from pathlib import Path

import pytest

from edastack.cli.main import main

BASE = """\
blueprint: shop
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core, partitions: 6}
"""


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
    Path("bp.yaml").write_text(BASE.replace("partitions: 6}", "partitions: 6, name: o2}"))
    assert main(["validate", "--baseline", "git:HEAD", "bp.yaml"]) == 0
    out = capsys.readouterr().out
    assert (
        "bp.yaml:6:50: $.kafka.topics.orders.name: warning: changing the name of topic "
        "'orders' replaces it: a new, empty topic is created" in out
    )
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
            ["validate", "--baseline", "broken.yaml", "bp.yaml"],
            "edastack validate: the baseline broken.yaml has 1 error(s), so nothing can be "
            "compared with it; the first: broken.yaml:1:12: $.blueprint: expected a string, "
            "found a list\n",
            id="baseline_with_errors",
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
    Path("broken.yaml").write_text("blueprint: [shop]\n")
    assert main(argv) == 2
    assert capsys.readouterr().err == message


def test_an_environment_renamed_is_named_whichever_environment_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    envs = "environments:\n  dev: {account: '111111111111', region: eu-west-1}\n"
    Path("old.yaml").write_text(BASE.replace("blueprint: shop\n", f"blueprint: shop\n{envs}"))
    renamed = envs.replace("dev:", "development:")
    Path("new.yaml").write_text(BASE.replace("blueprint: shop\n", f"blueprint: shop\n{renamed}"))
    assert main(["validate", "--baseline", "old.yaml", "--env", "development", "new.yaml"]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .startswith(
            "new.yaml:3:16: $.environments.development: warning: environment 'development' is new "
            "where the baseline has environment 'dev' (shop-dev-*): if this is a rename, every "
            "stack "
            "is created anew as shop-development-*"
        )
    )
