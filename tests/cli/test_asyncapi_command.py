"""``edastack asyncapi``: a valid AsyncAPI 3.0.0 document on standard output or in a file (JSON,
or YAML by its extension), and for bad input a clear error, a non-zero exit and no file."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from edastack.blueprints import asyncapi as exporter
from edastack.cli import asyncapi as command
from edastack.cli.main import main
from tests.blueprints.asyncapi_support import REPO, assert_valid_asyncapi

COMMERCE = str(REPO / "blueprints" / "examples" / "commerce.yaml")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["asyncapi", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_json_document_of_the_first_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, COMMERCE)
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert_valid_asyncapi(document)
    assert document["id"] == "urn:edastack:commerce-dev"


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json", ".asyncapi"])
def test_writes_yaml_or_json_by_the_files_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    target = tmp_path / f"commerce{suffix}"
    code, out, err = run(capsys, COMMERCE, "--env", "prod", "-o", str(target))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    text = target.read_text()
    document: Any = yaml.safe_load(text) if suffix in (".yaml", ".yml") else json.loads(text)
    if suffix in (".yaml", ".yml"):
        assert not text.lstrip().startswith("{")  # block style, not JSON
    assert_valid_asyncapi(document)
    assert document["id"] == "urn:edastack:commerce-prod"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0o600
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_yaml_and_json_hold_the_same_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, COMMERCE, "-o", str(tmp_path / "a.yaml"))
    run(capsys, COMMERCE, "-o", str(tmp_path / "a.json"))
    as_yaml = yaml.safe_load((tmp_path / "a.yaml").read_text())
    assert as_yaml == json.loads((tmp_path / "a.json").read_text())


def test_fails_when_the_blueprint_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "nope.yaml") == (2, "", "edastack asyncapi: no such file: nope.yaml\n")


def test_fails_when_the_blueprint_is_invalid_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blueprint = tmp_path / "bp.yaml"
    blueprint.write_text("blueprint: broken\nkafka: {topics: {t: {cluster: missing}}}\n")
    target = tmp_path / "out.json"
    code, out, err = run(capsys, str(blueprint), "-o", str(target))
    assert (code, err) == (1, "")
    assert out == (
        f"{blueprint}:2:31: $.kafka.topics.t.cluster: no cluster named 'missing' "
        "(clusters: (none))\n"
    )
    assert not target.exists()


def test_fails_when_the_environment_is_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, COMMERCE, "--env", "staging")
    assert (code, out) == (2, "")  # a usage error
    assert err.endswith(": no environment named 'staging' (environments: dev, prod)\n")


def test_fails_when_the_file_cannot_be_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "out.json"
    code, out, err = run(capsys, COMMERCE, "-o", str(target))
    assert (code, out) == (2, "")
    assert err == f"edastack asyncapi: cannot write {target}: No such file or directory\n"
    assert not target.parent.exists()


def test_fails_when_writing_breaks_off_and_leaves_the_old_file_whole(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_text("the previous export\n")

    def full_disk(*_: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    code, _, err = run(capsys, COMMERCE, "-o", str(target))
    assert (code, err) == (
        2,
        f"edastack asyncapi: cannot write {target}: No space left on device\n",
    )
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_fails_when_a_document_cannot_say_something_and_names_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_: Any) -> Any:
        raise exporter.AsyncApiError("contract C: cannot place $ref 'x.json'")

    monkeypatch.setattr(command, "asyncapi_document", refuse)
    target = tmp_path / "out.yaml"
    code, out, err = run(capsys, COMMERCE, "-o", str(target))
    assert (code, out, err) == (
        1,
        "",
        "edastack asyncapi: contract C: cannot place $ref 'x.json'\n",
    )
    assert not target.exists()


def test_fails_when_the_document_breaks_asyncapis_rules_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = exporter.asyncapi_document

    def broken(bp: Any) -> Any:
        document = real(bp)
        document["operations"]["bridge.fulfilled-to-bus.send"]["channel"]["$ref"] = "#/nowhere"
        return document

    monkeypatch.setattr(command, "asyncapi_document", broken)
    target = tmp_path / "out.json"
    code, out, err = run(capsys, COMMERCE, "-o", str(target))
    assert (code, out) == (3, "")
    assert "internal error" in err and "#/nowhere" in err
    assert not target.exists()


def test_yaml_quotes_what_a_yaml_1_2_reader_would_take_for_a_number() -> None:
    # js-yaml, which the AsyncAPI tools use, reads 1e5 and 0o17 as numbers; PyYAML would not
    # quote them. Strings stay strings for both readers.
    document = {"detail-types": ["1e5", "0o17", "0x1f", "-.5", "1.5e-3", "v1e5", "3.0.0"]}
    text = command.render(document, yaml_format=True)
    assert text.splitlines()[1:] == [
        '- "1e5"',
        '- "0o17"',
        '- "0x1f"',
        '- "-.5"',
        '- "1.5e-3"',
        "- v1e5",
        "- 3.0.0",
    ]
    assert yaml.safe_load(text) == document
