"""The snapshot kit as a user meets it: a project outside this repository, plain ``pytest``.

The project is a temporary folder with a blueprint and one test file of a few lines; pytest
runs in a subprocess with this environment's interpreter, where edastack is installed as a
package (``pip install edastack[gates]``), so the fixtures come from the ``pytest11`` entry
point and nothing from this repository's ``conftest.py`` applies.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLUEPRINT = """\
blueprint: shop
owner: shop-team
environments:
  prod:
    account: "111111111111"
    region: eu-west-1
alarms:
  notify: {email: [oncall@example.com]}
eventbridge:
  buses:
    shop: {}
  rules:
    orders:
      bus: shop
      pattern: {source: [shop.orders]}
      retry: {attempts: 5, max_age: 1h}
      targets:
        audit: {sqs: audit}
queues:
  audit: {retention: 4d}
"""

USER_TEST = """\
def test_shop(blueprint_snapshot):
    blueprint_snapshot("blueprints/shop.yaml", env="prod")


def test_shop_bus(edastack_template):
    template = edastack_template("blueprints/shop.yaml", "events", env="prod")
    template.resource_count_is("AWS::Events::EventBus", 1)
"""


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"] = "20"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("user-project")
    (root / "blueprints").mkdir()
    (root / "blueprints" / "shop.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (root / "tests").mkdir()
    (root / "tests" / "test_blueprints.py").write_text(USER_TEST, encoding="utf-8")
    return root


def test_user_test_is_at_most_ten_lines() -> None:
    assert len(USER_TEST.splitlines()) <= 10


def test_snapshot_lifecycle_in_a_user_project(project: Path) -> None:
    # 0. Without a snapshot, the test fails and says how to write one.
    none = run_pytest(project)
    assert none.returncode == 1, none.stdout + none.stderr
    assert (
        "edastack: blueprints/shop.yaml [prod] has no snapshot yet: run pytest with "
        "--snapshot-update to write it, review the file it names, and commit it"
    ) in none.stdout
    assert not (project / "tests" / "__snapshots__").exists()

    # 1. First run with --snapshot-update writes the snapshot.
    first = run_pytest(project, "--snapshot-update")
    assert first.returncode == 0, first.stdout + first.stderr
    snapshots = sorted((project / "tests" / "__snapshots__").rglob("*.json"))
    assert [p.name for p in snapshots] == ["test_shop.json"]
    stored = snapshots[0].read_text(encoding="utf-8")
    assert '"shop-prod-events"' in stored
    assert '"MaximumRetryAttempts": 5' in stored
    assert "AWS::CDK::Metadata" not in stored and "BootstrapVersion" not in stored

    # 2. A second run passes against the stored snapshot.
    second = run_pytest(project)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "2 passed" in second.stdout

    # 3. An edited blueprint fails, every change on a line of its own.
    blueprint = project / "blueprints" / "shop.yaml"
    edited = BLUEPRINT.replace("attempts: 5", "attempts: 7").replace("4d}", "5d}")
    blueprint.write_text(edited, encoding="utf-8")
    third = run_pytest(project)
    assert third.returncode == 1, third.stdout + third.stderr
    assert (
        "blueprints/shop.yaml [prod] no longer matches its snapshot (2 difference(s); accept "
        "them with pytest --snapshot-update):"
    ) in third.stdout
    # Once in the failure, and again in the short summary when pytest runs under CI (CI=true
    # stops it truncating messages).
    lines = third.stdout.splitlines()
    changes = list(dict.fromkeys(line for line in lines if line.startswith("~ ")))
    assert [re.sub(r"[0-9A-F]{8} \(", "<hash> (", line) for line in changes] == [
        "~ shop-prod-events/Resources/Queueaudit<hash> (AWS::SQS::Queue)/Properties/"
        "MessageRetentionPeriod: 345600 -> 432000",
        "~ shop-prod-rules-shop-1/Resources/Ruleorders<hash> (AWS::Events::Rule)/Properties/"
        "Targets[0]/RetryPolicy/MaximumRetryAttempts: 5 -> 7",
    ]
    assert "\x1b[" not in third.stdout
    assert "1 failed, 1 passed" in third.stdout


def test_blueprint_errors_fail_with_positions_not_tracebacks(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        BLUEPRINT.replace("bus: shop", "bus: shopp"), encoding="utf-8"
    )
    (tmp_path / "test_bad.py").write_text(
        textwrap.dedent(
            """\
            def test_bad(blueprint_snapshot):
                blueprint_snapshot("bad.yaml")
            """
        ),
        encoding="utf-8",
    )
    result = run_pytest(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "edastack: the blueprint has errors:" in result.stdout
    assert "bad.yaml:" in result.stdout and "shopp" in result.stdout
    assert "Traceback" not in result.stdout
