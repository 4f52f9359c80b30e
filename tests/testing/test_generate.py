"""``edastack.testing.generate``: the validate benchmark's options still give a valid blueprint."""

from __future__ import annotations

from pathlib import Path

from edastack.blueprints.patterns import OPERATORS
from edastack.blueprints.validate import validate_file
from edastack.testing.generate import platform_blueprint


def test_every_operator_and_contracts_validate_without_findings(tmp_path: Path) -> None:
    path = tmp_path / "bench.yaml"
    path.write_text(
        platform_blueprint(rules=10, topics=4, bridges=4, contracts=3, every_operator=True),
        encoding="utf-8",
    )
    report = validate_file(path)
    assert [f.format() for f in report.findings] == []
    blueprint = report.blueprints["prod"]
    assert sorted(blueprint.contracts) == ["Event0", "Event1", "Event2"]
    patterns = str([rule.pattern for rule in blueprint.rules.values()])
    assert [op for op in OPERATORS if f"'{op}'" not in patterns] == []
    assert "'$or'" in patterns
