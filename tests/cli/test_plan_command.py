"""``edastack plan``: the JSON shape, the text, environments, exit codes, and the README's worked
example, which must be the blueprint and the output as they are."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.cli.main import main

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Planning for a load: `edastack plan`"
Run = Callable[..., tuple[int, str, str]]

TWO_ENVIRONMENTS = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: us-east-2}
  prod:
    account: "222222222222"
    region: us-east-1
    overrides:
      kafka:
        topics:
          orders: {cluster: core, load: {events_per_second: 3000, event_size: 1KB}}
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core, retention: 1d, load: {events_per_second: 100, event_size: 1KB}}
eventbridge:
  buses:
    main: {}
  rules:
    r: {pattern: {source: [shop]}, targets: {q: {sqs: q}}}
queues: {q: {}}
bridges:
  out:
    from: {topic: orders}
    to: {bus: main, detail_type: OrderPlaced, source: shop}
"""


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run(text, *args)``: ``edastack plan bp.yaml *args`` → exit code, stdout, stderr."""
    monkeypatch.chdir(tmp_path)

    def go(text: str, *args: str, name: str = "bp.yaml") -> tuple[int, str, str]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        code = main(["plan", name, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return go


def test_json_has_the_issues_shape_per_environment(run: Run) -> None:
    code, out, _ = run(TWO_ENVIRONMENTS, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert list(report["environments"]) == ["dev", "prod"]
    prod = report["environments"]["prod"]
    assert list(prod) == [
        "topics",
        "clusters",
        "buses",
        "bridges",
        "quotas",
        "monthly_cost_usd",
        "notes",
        "warnings",
    ]
    assert {"ingress_mib_per_s", "storage_gib"} <= set(prod["topics"]["orders"])
    assert {"ingress_mib_per_s", "storage_gib", "brokers"} <= set(prod["clusters"]["core"])
    assert {"put_events_per_s", "invocations_per_s"} <= set(prod["buses"]["main"])
    assert "total" in prod["monthly_cost_usd"]
    # prod's override: 3,000 x 1,000 B x 86,400 s x 3 = 777.6 GB = 724.2 GiB > 3 x 100 GiB
    (warning,) = prod["warnings"]
    assert warning == {
        "severity": "warning",
        "code": "capacity",
        "file": "bp.yaml",
        "line": 13,
        "column": 41,
        "path": "$.kafka.clusters.core.brokers.storage",
        "message": "at the declared load its topics keep 724.2 GiB across all replicas, more "
        "than the declared volumes of 3 x 100 GiB (300 GiB): at least 242 GiB per broker, or keep "
        "less (retention, replication)",
        "acknowledged": None,
    }
    # dev: 100 x 1,000 B x 86,400 x 3 = 24.1 GiB, and us-east-2's quotas
    dev = report["environments"]["dev"]
    assert dev["warnings"] == []
    assert dev["topics"]["orders"]["storage_gib"] == pytest.approx(24.14, abs=0.01)
    assert (dev["quotas"]["put_events_per_s"], dev["quotas"]["invocations_per_s"]) == (2400, 4500)


def test_env_plans_only_the_environments_named(run: Run) -> None:
    code, out, _ = run(TWO_ENVIRONMENTS, "--env", "dev", "--format", "json")
    assert code == 0 and list(json.loads(out)["environments"]) == ["dev"]


def test_text_lists_each_entity_then_the_bill_and_warnings(run: Run) -> None:
    code, out, _ = run(TWO_ENVIRONMENTS, "--env", "dev")
    assert code == 0
    assert out.splitlines()[:2] == ["bp.yaml [dev] in us-east-2", "topics"]
    assert "  out: topic orders -> bus main via lambda, 100 ev/s, pollers 1-2" in out
    assert out.rstrip().endswith("warnings: none")


def test_fails_when_the_blueprint_has_errors(run: Run) -> None:
    code, out, _ = run(
        TWO_ENVIRONMENTS.replace("cluster: core, retention", "cluster: cor, retention")
    )
    assert code == 1
    assert "$.kafka.topics.orders.cluster: no cluster named 'cor'" in out


def test_fails_when_the_file_is_missing(run: Run, tmp_path: Path) -> None:
    assert main(["plan", str(tmp_path / "missing.yaml")]) == 2


def _block(section: str, start: str) -> str:
    """The first code block of ``section`` that begins with ``start``."""
    match = re.search(rf"^```{start}(.*?)^```", section, re.S | re.M)
    assert match is not None
    return match.group(1)


def test_the_readme_example_is_the_plan_edastack_prints(run: Run) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", 1)]
    blueprint = _block(section, "yaml\n")
    expected = _block(section, "\n\\$ edastack plan seed.yaml\n")
    code, out, _ = run(blueprint, name="seed.yaml")
    assert (code, out) == (0, expected)
