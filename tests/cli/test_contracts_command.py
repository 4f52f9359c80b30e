"""``edastack contracts diff OLD NEW``: every change with its pointer and verdict, exit 0
compatible, 1 incompatible, 2 usage (a one-line error naming the file, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edastack.cli.main import main

OLD = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "price": {"type": "object", "properties": {
        "amount": {"type": "integer"}, "currency": {"type": "string"}}}},
    "required": ["id"],
    "additionalProperties": False,
}  # fmt: skip


def evolved(amount: str, **extra: Any) -> dict[str, Any]:
    new = json.loads(json.dumps(OLD))
    new["properties"]["price"]["properties"]["amount"] = {"type": amount}
    new["properties"].update(extra)
    return new


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["contracts", "diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_each_change_and_exits_0_when_compatible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = evolved("number", note={"type": "string"})
    code, out, _ = diff(capsys, write(tmp_path, "v1.json", OLD), write(tmp_path, "v2.json", new))
    assert code == 0
    assert out.splitlines() == [
        "ok        #/properties/price/properties/amount  type_extended",
        "ok        #/properties/note  optional_property_added_to_unopen_content_model",
        "compatible (backward): 2 changes, 0 breaking",
    ]


def test_exits_1_with_the_pointer_of_a_breaking_change_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = write(tmp_path, "v1.json", OLD), write(tmp_path, "v2.json", evolved("string"))
    code, out, _ = diff(capsys, old, new, "--format", "json")
    assert code == 1
    assert json.loads(out) == {
        "compatible": False,
        "mode": "backward",
        "changes": [
            {
                "kind": "type_changed",
                "path": "#/properties/price/properties/amount",
                "breaking": True,
            }
        ],
    }


@pytest.mark.parametrize(
    ("mode", "code"),
    [("none", 0), ("backward", 0), ("backward_transitive", 0), ("forward", 1), ("full", 1),
     ("forward_transitive", 1), ("FULL_TRANSITIVE", 1)],
)  # fmt: skip
def test_the_mode_decides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, code: int
) -> None:
    old, new = write(tmp_path, "v1.json", OLD), write(tmp_path, "v2.json", evolved("number"))
    result, out, _ = diff(capsys, old, new, "--mode", mode, "--format", "json")
    assert (result, json.loads(out)["mode"]) == (code, mode.lower())


@pytest.mark.parametrize(
    ("mode", "code", "named"),
    [("BACKWARD_ALL", 0, "backward_transitive"), ("forward_all", 1, "forward_transitive"),
     ("FULL_ALL", 1, "full_transitive")],
)  # fmt: skip
def test_takes_glues_spelling_of_a_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, code: int, named: str
) -> None:
    old, new = write(tmp_path, "v1.json", OLD), write(tmp_path, "v2.json", evolved("number"))
    result, out, _ = diff(capsys, old, new, "--mode", mode, "--format", "json")
    assert (result, json.loads(out)["mode"]) == (code, named)


def test_an_unknown_mode_is_refused_with_the_modes_there_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["contracts", "diff", "a.json", "b.json", "--mode", "sideways"])
    assert exited.value.code == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(
            "argument --mode: unknown compatibility mode 'sideways'; one of: none, backward, "
            "backward_transitive, forward, forward_transitive, full, full_transitive"
        )
    )


def test_marks_changes_found_reading_new_values_with_the_old_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = write(tmp_path, "v1.json", OLD), write(tmp_path, "v2.json", evolved("number"))
    code, out, _ = diff(capsys, old, new, "--mode", "full")
    assert code == 1
    assert "BREAKING  #/properties/price/properties/amount  type_narrowed (old reads new)" in out


def test_reads_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write(tmp_path, "v1.yaml", "type: object\nproperties: {id: {type: string}}\n")
    new = write(tmp_path, "v2.yml", "type: object\nproperties: {}\n")
    assert diff(capsys, old, new)[0] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "edastack contracts diff: no such file: {new}"),
        ("{nope", "edastack contracts diff: {new} is not valid JSON: Expecting property name "
                  "enclosed in double quotes: line 1 column 2 (char 1)"),
        ({"properties": {"id": {"type": "text"}}}, "edastack contracts diff: {new} is not a valid "
         "JSON Schema at #/properties/id/type: 'text' is not valid under any of the given schemas"),
        ({"$ref": "#/definitions/gone"}, "edastack contracts diff: {new} is not a valid JSON "
         "Schema at #/$ref: $ref '#/definitions/gone' does not resolve"),
    ],
)  # fmt: skip
def test_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, message: str
) -> None:
    old = write(tmp_path, "v1.json", OLD)
    new = str(tmp_path / "v2.json") if content is None else write(tmp_path, "v2.json", content)
    code, out, err = diff(capsys, old, new)
    assert (code, out, err) == (2, "", message.format(new=new) + "\n")


def test_names_an_unreadable_yaml_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = write(tmp_path, "v1.yaml", "type: [object\n")
    code, _, err = diff(capsys, old, write(tmp_path, "v2.json", OLD))
    assert code == 2
    assert err.startswith(f"edastack contracts diff: {old} is not valid YAML: ")
    assert err.count("\n") == 1


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["contracts", "diff", "only-one.json"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit):
        main(["contracts", "diff", "a.json", "b.json", "--mode", "sideways"])
