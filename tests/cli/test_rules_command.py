from pathlib import Path

import pytest

from edastack.cli.main import main
from edastack.rules.pack import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_docs_rules_md_is_what_edastack_rules_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    printed = capsys.readouterr().out
    assert DOC.read_text(encoding="utf-8") == printed, "regenerate: edastack rules > docs/rules.md"


def test_every_rule_has_a_section_with_its_explanation() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"## {rule.id}\n\n**{rule.name}** — {rule.info}.\n\n{rule.explanation}" in text
        assert rule.doc == f"docs/rules.md#{rule.id.lower()}"
