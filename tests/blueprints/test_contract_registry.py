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


@pytest.mark.parametrize(
    "version", [pytest.param(1, id="same_version"), pytest.param(2, id="later")]
)
def test_fails_when_two_contracts_describe_one_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
) -> None:
    """In any version: a later one under another key would escape the compatibility check."""
    extra = SECOND.format(version=version, detail_type="A")
    assert messages(tmp_path, monkeypatch, extra) == [
        f"bp.yaml:11:18: $.contracts.B.detail_type: contracts 'A' (version 1) and 'B' (version "
        f"{version}) both describe a / A: one contract per source and detail-type; earlier "
        "versions go in previous, and a breaking change ships as a new contract with a new "
        "detail-type"
    ]


def test_passes_when_a_breaking_change_ships_under_a_new_detail_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert messages(tmp_path, monkeypatch, SECOND.format(version=1, detail_type="A.v2")) == []
