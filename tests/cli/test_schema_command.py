"""``edastack schema``: the shipped schema, its path, and the reference generated from it.

``docs/reference.md`` must be what ``edastack schema --reference`` prints: after editing the
schema, run ``.venv/bin/edastack schema --reference > docs/reference.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edastack.blueprints.checks import WARNINGS
from edastack.blueprints.placeholders import FRAGMENT_FILE
from edastack.blueprints.reference import schema_keys
from edastack.blueprints.schema import SCHEMA_FILE, schema
from edastack.cli.main import main
from edastack.cli.reference import reference_markdown
from edastack.rules.pack import RULES

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "docs" / "reference.md"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["schema", *argv])
    return code, capsys.readouterr().out


def test_schema_prints_the_shipped_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys)
    assert code == 0
    assert json.loads(out) == json.loads(
        (REPO / "blueprints" / "schema" / "blueprint.schema.json").read_text(encoding="utf-8")
    )


def test_schema_path_names_the_installed_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--path")
    path = Path(out.strip())
    assert (code, path.is_absolute(), out.count("\n")) == (0, True, 1)
    assert path.read_text(encoding="utf-8") == SCHEMA_FILE.read_text(encoding="utf-8")


def test_path_and_reference_are_one_or_the_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["schema", "--path", "--reference"])
    assert exit_.value.code == 2


def test_docs_reference_is_what_the_generator_writes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--reference")
    assert code == 0
    assert REFERENCE.read_text(encoding="utf-8") == out, (
        "docs/reference.md is stale: run `.venv/bin/edastack schema --reference > "
        "docs/reference.md` and commit it"
    )


def test_every_key_of_the_schema_is_described_in_the_reference() -> None:
    text = reference_markdown()
    keys = schema_keys(schema())
    undescribed = [".".join(k.path) for k in keys if not k.description]
    assert undescribed == [], "give these keys a description in the schema"
    missing = [k.path for k in keys if f"| `{'.'.join(k.path)}` |" not in text]
    assert missing == []
    # the walker reaches keys only under oneOf and maps of entities
    paths = {".".join(k.path) for k in keys}
    assert {
        "kafka.clusters.<name>.brokers.autoscale.max",
        "bridges.<name>.lambda.on_failure.topic",
        "eventbridge.rules.<name>.targets.<name>.api.auth.basic.secret",
    } <= paths


def test_a_key_row_says_type_default_and_description() -> None:
    row = next(
        line
        for line in reference_markdown().splitlines()
        if line.startswith("| `kafka.topics.<name>.replication` |")
    )
    assert row == (
        "| `kafka.topics.<name>.replication` | integer | `3` | Replication factor. Default: 3, "
        "or one per broker on a cluster of fewer brokers (low-replication warns); Express and "
        "Serverless fix it at 3. |"
    )


def test_a_new_key_in_the_schema_appears_in_the_reference() -> None:
    edited = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    edited["$defs"]["queue"]["properties"]["delay"] = {
        "$ref": "#/$defs/duration",
        "default": "0s",
        "description": "How long a new message stays invisible.",
    }
    expected = (
        '| `queues.<name>.delay` | duration | `"0s"` | How long a new message stays invisible. |'
    )
    assert expected in reference_markdown(edited).splitlines()


def test_the_reference_lists_every_acknowledgeable_warning_and_rule() -> None:
    text = reference_markdown()
    assert all(f"| `{code}` |" in text for code in WARNINGS)
    assert all(f"| `{rule}` |" in text for rule in RULES)


def test_the_fragment_schema_is_what_the_generator_writes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out = run(capsys, "--fragment")
    assert code == 0
    assert FRAGMENT_FILE.read_text(encoding="utf-8") == out, (
        "blueprints/schema/blueprint.fragment.schema.json is stale: run `.venv/bin/edastack "
        "schema --fragment > blueprints/schema/blueprint.fragment.schema.json` and commit it"
    )
    assert '"required"' not in out
