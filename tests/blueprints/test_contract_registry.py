"""A contract EventBridge's schema registry could not register is an error at validate time."""

from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

CONTRACT = """\
blueprint: x
contracts:
  A:
    source: a
    detail_type: A
    schema:
      type: object
{extra}"""


def messages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(CONTRACT.format(extra=extra))
    return [f.format() for f in validate_file("bp.yaml").findings]


def test_fails_when_a_contract_uses_what_draft_4_cannot_express(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert messages(tmp_path, monkeypatch, "      propertyNames: {maxLength: 8}\n") == [
        "bp.yaml:7:7: $.contracts.A.schema: EventBridge's schema registry cannot take this "
        "schema: $.propertyNames: 'propertyNames' cannot be expressed in JSON Schema Draft 4, "
        "which EventBridge schemas use; rewrite the constraint without it"
    ]


def test_passes_when_the_schema_converts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # const and $defs are 2020-12 only, and convert (enum, definitions)
    extra = "      properties: {k: {const: x}, r: {$ref: '#/$defs/r'}}\n      $defs: {r: {}}\n"
    assert messages(tmp_path, monkeypatch, extra) == []
