"""The compatibility rules, table-driven: compatibility_cases.yaml holds one row per rule with
the content model it exercises, the mode, the verdict, the kinds it reports and its source
(Confluent Schema Registry's JSON Schema diff @794611bd and its STRICT policy; the schemas are
this project's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from edastack.blueprints.compatibility import MODES, check

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "compatibility_cases.yaml").read_text(encoding="utf-8")
)


def name(case: dict[str, Any]) -> str:
    return f"{case['name']} [{case['model']}, {case['mode']}]"


def test_every_row_names_its_model_mode_and_source() -> None:
    for case in CASES:
        assert case["model"] and case["source"] and case["mode"] in MODES, case


@pytest.mark.parametrize("case", CASES, ids=name)
def test_verdict(case: dict[str, Any]) -> None:
    result = check(case["old"], case["new"], case["mode"])
    kinds = {change.kind for change in result.changes}
    assert result.compatible is case["compatible"], (case["source"], result.changes)
    assert set(case.get("kinds", [])) <= kinds, (case["source"], result.changes)
    assert all(not change.breaking for change in result.changes) is case["compatible"]


ONE_WAY = [c for c in CASES if c["mode"] in ("backward", "forward", "full")]


@pytest.mark.parametrize("case", ONE_WAY, ids=name)
def test_transitive_modes_agree_with_one_previous_version(case: dict[str, Any]) -> None:
    result = check(case["old"], case["new"], f"{case['mode']}_transitive")
    assert result.compatible is case["compatible"]
