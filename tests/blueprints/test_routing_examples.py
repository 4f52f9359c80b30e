"""Event examples as tests: a contract's example with ``reaches``/``misses`` is routed by
``validate``, and every broken expectation is an error at that name, saying why; the pytest
plugin's ``blueprint_examples`` and ``edastack_route`` fixtures give the same in a user's suite."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

Messages = Callable[..., list[str]]

BLUEPRINT = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
eventbridge:
  buses:
    main: {}
    other: {}
  rules:
    orders:
      bus: main
      pattern: {source: [shop.orders], detail: {total: [{numeric: [">=", 100]}]}}
      targets:
        audit: {sqs: audit}
        bill:
          sqs: audit
          input: {paths: {p: $.detail}, template: '{"payload": "<p>"}'}
    small:
      bus: main
      pattern: {source: [shop.orders], detail: {total: [{numeric: ["<", 100]}]}}
      targets: {audit: {sqs: audit}}
    off:
      bus: main
      enabled: false
      pattern: {source: [shop.orders]}
      targets: {audit: {sqs: audit}}
    elsewhere:
      bus: other
      pattern: {source: [shop.orders]}
      targets: {audit: {sqs: audit}}
queues:
  audit: {}
contracts:
  Order:
    source: shop.orders
    detail_type: OrderPlaced
    schema: {type: object, required: [total]}
    examples:
EXAMPLES
"""
C = "$.contracts.Order.examples"


def blueprint(examples: str) -> str:
    return BLUEPRINT.replace("EXAMPLES", textwrap.indent(textwrap.dedent(examples), " " * 6))


def test_examples_that_hold_pass(messages: Messages) -> None:
    text = blueprint("""\
        - detail: {total: 250}
          bus: main
          reaches: [orders, orders/audit]
          misses: [small, off, elsewhere]
        - detail: {total: 5}
          bus: main
          reaches: [small/audit]
          misses: [orders]
        """)
    assert messages(text) == []


@pytest.mark.parametrize(
    ("examples", "expected"),
    [
        pytest.param(
            "- {detail: {total: 5}, bus: main, reaches: [orders]}\n",
            f"bp.yaml:38:51: {C}[0].reaches[0]: the example's event does not reach rule "
            '\'orders\': detail.total is 5, which [{"numeric": [">=", 100]}] does not take',
            id="pattern_refuses_a_field",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: main, misses: [small]}\n",
            f"bp.yaml:38:50: {C}[0].misses[0]: the example's event reaches rule 'small', which "
            "misses says it must not",
            id="misses_broken",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: main, reaches: [smal]}\n",
            f"bp.yaml:38:51: {C}[0].reaches[0]: no rule or bus-to-topic bridge named 'smal' "
            "(rules: elsewhere, off, orders, small; bridges: (none)); did you mean 'small'?",
            id="unknown_rule",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: main, reaches: [small/audt]}\n",
            f"bp.yaml:38:51: {C}[0].reaches[0]: rule 'small' has no target 'audt' (targets: "
            "audit); did you mean 'audit'?",
            id="unknown_target",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: main, reaches: [elsewhere]}\n",
            f"bp.yaml:38:51: {C}[0].reaches[0]: rule 'elsewhere' is on bus 'other', and the "
            "example's event goes to bus 'main'",
            id="rule_on_another_bus",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: main, reaches: [off]}\n",
            f"bp.yaml:38:51: {C}[0].reaches[0]: rule 'off' is disabled (enabled: false)",
            id="disabled_rule",
        ),
        pytest.param(
            "- {detail: {total: 500}, bus: main, reaches: [orders/bill]}\n",
            f"bp.yaml:38:53: {C}[0].reaches[0]: target 'orders/bill' receives nothing: the "
            "transformed input is not valid JSON, so EventBridge does not deliver it (an "
            "object or array variable inside quotes, or a value that needs escaping there)",
            id="target_receives_nothing",
        ),
        pytest.param(
            "- {detail: {total: 5}, reaches: [small]}\n",
            f"bp.yaml:38:9: {C}[0]: say which bus the example's event goes to with bus: "
            "(buses: main, other)",
            id="bus_not_said",
        ),
        pytest.param(
            "- {detail: {total: 5}, bus: mian, reaches: [small]}\n",
            f"bp.yaml:38:35: {C}[0].bus: no bus named 'mian' (buses: main, other); did you "
            "mean 'main'?",
            id="unknown_bus",
        ),
    ],
)
def test_fails_when_an_example_goes_elsewhere(
    messages: Messages, examples: str, expected: str
) -> None:
    assert messages(blueprint(examples)) == [expected]


def test_fails_when_a_route_example_detail_breaks_the_schema(messages: Messages) -> None:
    text = blueprint("- {detail: {count: 1}, bus: main, misses: [orders]}\n")
    assert messages(text) == [
        f"bp.yaml:38:9: {C}[0]: example does not match the schema: detail: 'total' is a "
        "required property"
    ]


def test_an_object_with_other_keys_is_still_a_detail(messages: Messages) -> None:
    """Compatibility: only {detail, reaches/misses, bus, description} is a route example; any
    other object is a detail, as before route examples existed."""
    text = blueprint("- {detail: {}, reaches: [orders], total: 3}\n")
    assert messages(text) == []
    report = validate_file("bp.yaml")
    (contract,) = report.blueprints["dev"].contracts.values()
    assert contract.routes == ()
    assert contract.examples == ({"detail": {}, "reaches": ["orders"], "total": 3},)


def test_the_bus_a_bridge_puts_the_contract_on_is_the_default(messages: Messages) -> None:
    text = blueprint("- {detail: {total: 5}, reaches: [small]}\n").replace(
        "queues:",
        "kafka:\n  clusters: {core: {brokers: {count: 3, storage: 100GiB}}}\n"
        "  topics: {orders: {cluster: core}}\nbridges:\n  in:\n    from: {topic: orders}\n"
        "    to: {bus: main, detail_type: OrderPlaced, source: shop.orders}\nqueues:",
    )
    assert [m for m in messages(text) if "examples" in m] == []


def test_the_reference_examples_carry_route_examples_that_hold() -> None:
    folder = Path(__file__).resolve().parents[2] / "blueprints" / "examples"
    for path in sorted(folder.glob("*.yaml")):
        report = validate_file(path)
        assert report.ok, [f.format() for f in report.findings]
        for bp in report.blueprints.values():
            assert any(c.routes for c in bp.contracts.values()), path.name


USER_TEST = """\
def test_routes(blueprint_examples, edastack_route):
    blueprint_examples("bp.yaml")
    event = {"source": "shop.orders", "detail": {"total": 250}}
    route = edastack_route("bp.yaml", event, bus="main")
    assert [r.rule for r in route.rules] == ["orders"]
    assert route.reaches("orders/audit")
    assert not route.reaches("small")


def test_broken(blueprint_examples):
    blueprint_examples("broken.yaml")
"""


def test_the_pytest_fixtures_run_examples_and_route(tmp_path: Path) -> None:
    good = blueprint("- {detail: {total: 5}, bus: main, reaches: [small]}\n")
    (tmp_path / "bp.yaml").write_text(good, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(good.replace("[small]", "[orders]"), encoding="utf-8")
    (tmp_path / "test_user.py").write_text(USER_TEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--color=no"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "1 failed, 1 passed" in done.stdout, done.stdout
    assert (
        "edastack: broken.yaml has errors:\nbroken.yaml:38:51: $.contracts.Order.examples[0]."
        "reaches[0]: the example's event does not reach rule 'orders'" in done.stdout
    )
