"""The event pattern matcher, operator by operator: each case cites the AWS documentation page or
the aws/event-ruler behaviour it encodes.

UG is the Amazon EventBridge user guide (docs.aws.amazon.com/eventbridge/latest/userguide/);
ER is aws/event-ruler, the library EventBridge matches with (its README, JsonRuleCompiler,
ByteMachine, WildcardParser and CIDR classes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from edastack.blueprints.routing import (
    InvalidPatternError,
    could_match,
    explain,
    matches,
    matching,
)


def event(**detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": "OrderPlaced",
        "source": "shop.orders",
        "account": "111111111111",
        "time": "2026-03-01T10:00:00Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:shop:eu-west-1:111111111111:order/o-1"],
        "detail": detail,
    }


CASES = yaml.safe_load((Path(__file__).parent / "routing_cases.yaml").read_text())


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_matches(case: dict[str, Any]) -> None:
    """Each case of routing_cases.yaml, which names its source."""
    assert case["source"].startswith(("UG", "ER"))
    assert matches(case["pattern"], event(**case.get("detail", {}))) is case["matches"]


INVALID = yaml.safe_load((Path(__file__).parent / "routing_invalid.yaml").read_text())


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in INVALID])
def test_fails_when_the_pattern_is_invalid(case: dict[str, Any]) -> None:
    """Each case of routing_invalid.yaml: the whole message, as a ValueError."""
    assert case["source"].startswith("ER")
    with pytest.raises(InvalidPatternError) as raised:
        matches(case["pattern"], event())
    assert str(raised.value) == case["message"]
    assert isinstance(raised.value, ValueError)


def test_explains_why_a_pattern_does_not_match() -> None:
    pattern = {"source": ["shop.orders"], "detail": {"total": [{"numeric": [">=", 1000]}]}}
    assert explain(pattern, event(total=12)) == (
        'detail.total is 12, which [{"numeric": [">=", 1000]}] does not take'
    )
    assert explain(pattern, event()) == "the event has no value at detail.total"
    assert explain(pattern, event(total=1000)) is None
    either = {"$or": [{"source": ["a"]}, {"source": ["b"]}]}
    assert explain(either, event()) == (
        'none of its 2 $or alternatives matches (the first: source is "shop.orders", which '
        '["a"] does not take)'
    )


def test_could_match_decides_only_the_known_fields() -> None:
    """What a bridge puts on a bus: its source and detail-type are known, its detail is not."""
    known = {"source": "shop.orders", "detail-type": "OrderPlaced"}
    assert could_match({"source": ["shop.orders"], "detail": {"x": [1]}}, known)
    assert could_match({"source": [{"wildcard": "shop.*"}]}, known)
    assert not could_match({"source": [{"wildcard": "pay.*"}]}, known)
    assert not could_match({"detail-type": [{"anything-but": {"prefix": "Order"}}]}, known)
    assert could_match({"$or": [{"source": ["x"]}, {"detail": {"a": [1]}}]}, known)


def test_matching_names_the_patterns_that_match_in_order() -> None:
    patterns = [
        ("all-orders", {"source": ["shop.orders"]}),
        ("payments", {"source": ["shop.payments"]}),
        ("big", {"detail": {"total": [{"numeric": [">", 100]}]}}),
    ]
    assert matching(patterns, event(total=500)) == ["all-orders", "big"]


def test_fails_when_the_event_is_not_an_object() -> None:
    with pytest.raises(ValueError, match="an event is a JSON object, found list"):
        matches({"source": ["a"]}, [])  # type: ignore[arg-type]
