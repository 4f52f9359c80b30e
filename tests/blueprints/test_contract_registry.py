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


SECOND = """\
  B:
    version: {version}
    source: a
    detail_type: {detail_type}
    schema: {{}}
"""


HOW = (
    "one contract per source and detail-type; earlier versions go in previous, and a breaking "
    "change ships as a new contract with a new detail-type"
)


def test_fails_when_two_contracts_describe_one_event_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert messages(tmp_path, monkeypatch, SECOND.format(version=1, detail_type="A")) == [
        "bp.yaml:11:18: $.contracts.B.detail_type: contracts 'A' (version 1) and 'B' (version "
        f"1) both describe a / A: {HOW}"
    ]


def test_warns_when_two_contracts_describe_one_event_in_two_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It validated in 0.1.0 (the language is a public API): deprecated, a warning that says
    the later one escapes the compatibility check, until a release makes it an error."""
    assert messages(tmp_path, monkeypatch, SECOND.format(version=2, detail_type="A")) == [
        "bp.yaml:11:18: $.contracts.B.detail_type: warning: contracts 'A' (version 1) and 'B' "
        "(version 2) both describe a / A, so no compatibility check compares them (deprecated: "
        f"an error in a later release): {HOW}"
    ]


def test_passes_when_a_breaking_change_ships_under_a_new_detail_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert messages(tmp_path, monkeypatch, SECOND.format(version=1, detail_type="A.v2")) == []
