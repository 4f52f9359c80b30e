"""``edastack diff`` counts what ``validate --baseline`` refuses of a contract's evolution as
dangerous (the README: "the dangerous changes ... what validate --baseline warns about or
refuses"); a compatible new version is a change."""

from __future__ import annotations

from pathlib import Path

import pytest

from edastack.cli.main import main

BASE = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
contracts:
  Placed:
    source: shop
    detail_type: Placed
    schema: {type: object, properties: {id: {type: string}}, additionalProperties: false}
"""


def _diff(new: str, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    (tmp / "old.yaml").write_text(BASE, encoding="utf-8")
    (tmp / "new.yaml").write_text(new, encoding="utf-8")
    code = main(["diff", str(tmp / "new.yaml"), "--baseline", str(tmp / "old.yaml")])
    return code, capsys.readouterr().out.splitlines()


def test_a_schema_changed_under_its_version_is_dangerous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _diff(BASE.replace("{type: string}", "{type: integer}"), tmp_path, capsys)
    assert code == 2
    assert out[-1] == "1 change in 1 stack; 1 dangerous"
    assert "contract 'Placed' changes its schema (inline) under the same version 1" in (
        "\n".join(out)
    )


def test_a_compatible_new_version_is_a_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = BASE.replace("{id: {type: string}}", "{id: {type: string}, n: {type: number}}")
    code, out = _diff(
        new.replace("    source: shop\n", "    version: 2\n    source: shop\n"), tmp_path, capsys
    )
    assert (code, out[-1]) == (1, "1 change in 1 stack; 0 dangerous")


def test_a_contract_topic_s_new_version_is_a_glue_schema_version_added(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Glue keeps each later version as an AWS::Glue::SchemaVersion of its own."""
    v1 = "{type: object, properties: {id: {type: string}}, additionalProperties: false}"
    topic = "kafka:\n  clusters:\n    core: {brokers: {count: 3}}\n  topics:\n"
    glue = BASE.replace(
        "contracts:\n", topic + "    placed: {cluster: core, contract: Placed}\ncontracts:\n"
    )
    new = glue.replace("{id: {type: string}}", "{id: {type: string}, n: {type: number}}")
    new = new.replace(
        "    source: shop\n", f"    version: 2\n    previous: [{v1}]\n    source: shop\n"
    )
    (tmp_path / "old.yaml").write_text(glue, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    code = main(["diff", str(tmp_path / "new.yaml"), "--baseline", str(tmp_path / "old.yaml")])
    out = capsys.readouterr().out
    assert code == 1, out
    assert (
        "  + added    version 2 of contract 'Placed' in Glue (AWS::Glue::SchemaVersion) "
        "<- contracts.Placed"
    ) in out.splitlines()
