"""The JSON Schema an editor reads and ``validate`` agree, and every finding has a place.

On every example and test blueprint (tests/blueprints/corpus.py), as written and with any one
key deleted (``environments`` too):

- the schema, applied to the YAML as written (variables unresolved, as an editor sees it),
  accepts every blueprint ``validate`` accepts, and refuses every one that ``validate`` refuses
  for a reason a JSON Schema can express (its schema findings and the bridges' required and
  misplaced keys);
- every finding of ``validate`` has the file, line and column of the YAML that caused it, in
  text and JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from edastack.blueprints.placeholders import PLACEHOLDER, TEMPLATED, for_validate
from edastack.blueprints.schema import SCHEMA_FILE
from edastack.blueprints.tree import to_data
from edastack.blueprints.validate import validate_file
from edastack.blueprints.yaml_reader import parse
from tests.blueprints.corpus import REPO, blueprint_files, copy_folder, deletions, write

# validate's findings that a JSON Schema can express
EXPRESSIBLE = {"schema", "bridge-option", "bridge-direction", "cluster-option", "target-kind"}
PLACED = re.compile(r"^[^:]+:\d+:\d+: \$")


@cache
def editor(path: Path = SCHEMA_FILE) -> Draft202012Validator:
    return Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


def as_written(path: Path) -> Any:
    """The YAML as an editor reads it (YAML 1.2 core scalars, as validate's reader)."""
    root, findings = parse(path.read_text(encoding="utf-8"), path.name)
    assert root is not None, findings
    return to_data(root)


def editor_errors(data: Any, schema: Path = SCHEMA_FILE) -> list[str]:
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in editor(schema).iter_errors(data)
    ]


def disagreements(path: Path, label: str) -> Iterator[str]:
    report = validate_file(path)
    for finding in report.findings:
        placed = finding.as_dict()
        if not (PLACED.match(finding.format()) and placed["line"] and placed["column"]):
            yield f"{label}: a finding without a place: {finding.format()}"
    errors = report.errors
    refused = editor_errors(as_written(path))
    if not errors and refused:
        yield f"{label}: validate accepts, the schema refuses: {refused}"
    # what one environment's overrides or variables cause is not in the file as written
    expressible = [
        f.format() for f in errors if f.code in EXPRESSIBLE and "(in environment" not in f.message
    ]
    if expressible and not refused:
        yield f"{label}: the schema accepts what validate refuses: {expressible}"


@pytest.mark.parametrize("original", blueprint_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_the_schema_and_validate_agree_and_every_finding_is_placed(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    copy = copy_folder(original, tmp_path)
    found = list(disagreements(copy, "as written"))
    for index, (label, data) in enumerate(deletions(original)):
        variant = write(data, copy.with_name(f"variant-{index}.yaml"))
        found += disagreements(variant, f"without {label}")
    assert found == []


def _unplaceheld(node: Any, path: str = "$", keys: bool = False) -> Iterator[str]:
    """Where the schema takes a value but no ``${variable}`` in its place (blueprints/
    placeholders.py says how each kind of value takes one). An enum needs none beside a
    branch that takes any string with a placeholder."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _unplaceheld(item, f"{path}/{i}", keys)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") in ("integer", "number", "boolean"):
        yield f"{path}: type {node['type']} without the placeholder alternative"
    pattern = node.get("pattern")
    if isinstance(pattern, str) and not keys and not pattern.endswith((TEMPLATED, PLACEHOLDER)):
        yield f"{path}: a pattern that refuses a ${{...}}"
    for key, value in node.items():
        if key in ("anyOf", "oneOf") and isinstance(value, list):
            takes = any(_takes_placeholder(b) for b in value)
            for i, branch in enumerate(value):
                plain = {k: v for k, v in branch.items() if not (takes and k == "enum")}
                yield from _unplaceheld(plain, f"{path}/{key}/{i}", keys)
            continue
        if key == "enum" and not keys:
            yield f"{path}: an enum without the placeholder alternative"
        yield from _unplaceheld(value, f"{path}/{key}", keys or key == "propertyNames")


def _takes_placeholder(branch: Any) -> bool:
    return isinstance(branch, dict) and (
        branch == {"$ref": "#/$defs/placeholder"}
        or str(branch.get("pattern", "")).endswith(TEMPLATED)
    )


def test_every_value_of_the_schema_takes_a_placeholder() -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert list(_unplaceheld(schema)) == [], (
        "write these as blueprints/placeholders.py says: an integer, number or boolean as "
        '"type": ["integer", "string"], "pattern": "^\\\\$\\\\{[^}]+\\\\}$"; an enum as '
        '"anyOf": [{"enum": [...]}, {"$ref": "#/$defs/placeholder"}]; a pattern P of a value '
        'as "(?:P)|\\\\$\\\\{[^}]*\\\\}"'
    )


def _examples(node: Any, path: str = "$") -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(path, example, node)`` for each value an ``x-expected`` gives "such as"."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _examples(item, f"{path}/{i}")
        return
    if not isinstance(node, dict):
        return
    expected = node.get("x-expected", "")
    if "such as " in expected and "pattern" in node:
        yield path, expected.split("such as ", 1)[1].split(" ")[0].rstrip(","), node
    for key, value in node.items():
        yield from _examples(value, f"{path}/{key}")


def test_every_example_in_a_message_is_a_value_of_its_field() -> None:
    raw = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    strict = for_validate(raw)
    inlined = _inline_refs(strict, strict)
    wrong = [
        f"{path}: {example!r} does not match {node['pattern']}"
        for path, example, node in _examples(inlined)
        if not re.search(node["pattern"], example)
    ]
    assert wrong == []
    # and an ARN field says which ARN: the shared definition's wording is generic
    arn = strict["$defs"]["arn"]
    assert "such as" not in arn["x-expected"]
    assert list(_generic_arns(inlined, arn)) == []


def _generic_arns(node: Any, arn: dict[str, Any], path: str = "$") -> Iterator[str]:
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _generic_arns(item, arn, f"{path}/{i}")
    elif isinstance(node, dict):
        if node.get("pattern") == arn["pattern"] and node.get("x-expected") == arn["x-expected"]:
            yield f"{path}: give this ARN field an x-expected with an example of its own ARN"
        for key, value in node.items():
            yield from _generic_arns(value, arn, f"{path}/{key}")


def _inline_refs(node: Any, root: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_inline_refs(x, root) for x in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        target = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return _inline_refs({**target, **{k: v for k, v in node.items() if k != "$ref"}}, root)
    return {k: _inline_refs(v, root) for k, v in node.items() if k != "$defs"}
