"""The README's code runs as written."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from aws_cdk.assertions import Template
from jsonschema import Draft202012Validator

from edastack.blueprints.placeholders import FRAGMENT_FILE
from edastack.blueprints.schema import SCHEMA_FILE
from edastack.cli.main import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_block(after_heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index(after_heading) :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None
    return match.group(1)


def test_constructs_without_yaml_example_builds_a_rule_with_a_dead_letter_queue() -> None:
    namespace: dict[str, object] = {}
    exec(_python_block("## The constructs, without YAML"), namespace)
    template = Template.from_stack(namespace["stack"])
    ((_, rule),) = template.find_resources("AWS::Events::Rule").items()
    (target,) = rule["Properties"]["Targets"]
    assert target["Id"] == "notify"
    assert "DeadLetterConfig" in target and "RetryPolicy" in target


def test_the_two_commands_of_the_quick_start_are_make_targets() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quick start") : text.index("## A blueprint")]
    commands = re.findall(r"^make (\w+)", quick, re.M)
    assert commands == ["demo", "test"]
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in commands:
        assert re.search(rf"^{target}:", makefile, re.M), target


def _section(heading: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    end = re.compile(r"^#{2,3} ", re.M).search(text, start + len(heading))
    return text[start : end.start() if end else len(text)]


def test_the_repository_layout_validates_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = _section("### A repository of blueprints")
    for block in re.findall(r"```yaml\n(.*?)```", section, re.S):
        name = block.splitlines()[0].removeprefix("# ")
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(block, encoding="utf-8")
    # an editor: the blueprints against the schema, the shared file against the fragment schema
    for path in tmp_path.rglob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        schema = SCHEMA_FILE if "blueprint" in data else FRAGMENT_FILE
        validator = Draft202012Validator(json.loads(schema.read_text(encoding="utf-8")))
        assert [e.message for e in validator.iter_errors(data)] == [], path
    command, expected = re.findall(r"\$ cd platform && (.*)\n(.*)\n", section)[0]
    monkeypatch.chdir(tmp_path)
    assert main(command.split()[1:]) == 0
    assert capsys.readouterr().out == expected + "\n"


# --- every YAML snippet of README.md and docs/ validates -------------------------------------

DOCS = [README, *sorted((README.parent / "docs").rglob("*.md"))]
# A block that starts by naming its file (`# orders.yaml`) is one file of a walkthrough whose
# files go together (the repository layout above, the contracts' evolution, a section of an
# example): its section's test writes them and checks the outcome the text states.
FILE = re.compile(r"^# \S+\.ya?ml\b")


def _snippets() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"```ya?ml\n(.*?)```", text, re.S):
            block = match.group(1)
            if FILE.match(block) and not block.startswith("# minimal.yaml\n"):
                continue
            line = text.count("\n", 0, match.start()) + 2
            found.append((f"{doc.relative_to(README.parent)}:{line}", block))
    return found


def _minimal() -> str:
    (block,) = [b for _, b in _snippets() if b.startswith("# minimal.yaml\n")]
    return block


def _merge(base: Any, top: Any) -> Any:
    """``include:``'s merge: maps by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(top, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in top.items()}}
    return top


@pytest.mark.parametrize(("where", "block"), _snippets(), ids=[w for w, _ in _snippets()])
def test_every_yaml_snippet_validates(
    where: str, block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    data = yaml.safe_load(block)
    if "blueprint" not in data:  # a fragment, completed by the minimal blueprint
        Path("minimal.yaml").write_text(_minimal(), encoding="utf-8")
        block = "include: [minimal.yaml]\n" + block
        data = _merge(yaml.safe_load(_minimal()), data)
    Path("snippet.yaml").write_text(block, encoding="utf-8")
    assert main(["validate", "snippet.yaml"]) == 0, capsys.readouterr().out
    validator = Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(data)] == []
