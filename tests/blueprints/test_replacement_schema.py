"""The create-only table ``--baseline`` reads cannot fall behind CloudFormation's schemas, and no
create-only property of a type edastack emits is ignored without a reason.

Regenerate the table after a cfn-lint upgrade with
``.venv/bin/python tests/blueprints/test_replacement_schema.py``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edastack.blueprints import replacement_schema as rs
from edastack.blueprints.replacement_inventory import inventory
from edastack.blueprints.validate import validate_file
from tests.blueprints.not_compared import NOT_COMPARED

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = REPO / "tests" / "stacks" / "__snapshots__"
EXAMPLES = REPO / "blueprints" / "examples"
REGION = "us-east-1"


def _types(value: Any) -> Iterator[str]:
    """Every resource type in a snapshot, whatever its layout."""
    if isinstance(value, dict):
        kind = value.get("Type")
        if isinstance(kind, str) and kind.startswith(("AWS::", "Custom::")):
            yield kind
        for child in value.values():
            yield from _types(child)
    elif isinstance(value, list):
        for child in value:
            yield from _types(child)


def emitted_types() -> set[str]:
    """The resource types of every synthesized example (their snapshots)."""
    found: set[str] = set()
    for path in SNAPSHOTS.rglob("*.json"):
        found.update(_types(json.loads(path.read_text(encoding="utf-8"))))
    return found


def regenerate(types: set[str]) -> str:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
    from cfnlint.version import __version__

    table = {
        t: sorted(
            PROVIDER_SCHEMA_MANAGER.get_resource_schema(REGION, t).schema.get(
                "createOnlyProperties", []
            )
        )
        for t in sorted(types)
        if not t.startswith("Custom::")
    }
    data = {
        "source": f"createOnlyProperties of the resource schemas in cfn-lint {__version__} "
        f"({REGION}); regenerate with tests/blueprints/test_replacement_schema.py",
        "types": table,
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def test_the_table_is_what_cfn_lint_ships() -> None:
    stored = json.loads(rs.TABLE.read_text(encoding="utf-8"))
    assert rs.TABLE.read_text(encoding="utf-8") == regenerate(set(stored["types"])), (
        "regenerate: .venv/bin/python tests/blueprints/test_replacement_schema.py"
    )


def test_every_emitted_type_is_in_the_table() -> None:
    assert emitted_types() - rs.known_types() == set()


def _compared() -> dict[str, set[str]]:
    """The properties the comparison derives, per type, over every example blueprint."""
    compared: dict[str, set[str]] = {}
    for path in EXAMPLES.glob("*.yaml"):
        for blueprint in validate_file(path).blueprints.values():
            for resource in inventory(blueprint).values():
                compared.setdefault(resource.type, set()).update(resource.properties)
    return compared


def test_no_emitted_create_only_property_is_ignored() -> None:
    compared = _compared()
    ignored = {
        t: sorted(rs.create_only(t) - compared.get(t, set()) - set(NOT_COMPARED.get(t, {})))
        for t in emitted_types()
    }
    assert {t: props for t, props in ignored.items() if props} == {}


def test_what_is_excused_is_create_only_and_not_compared() -> None:
    compared = _compared()
    for t, excused in NOT_COMPARED.items():
        assert set(excused) <= rs.create_only(t), t
        assert not set(excused) & compared.get(t, set()), t


if __name__ == "__main__":
    (REPO / "blueprints" / "schema" / rs.TABLE.name).write_text(
        regenerate(emitted_types()), encoding="utf-8"
    )
    sys.exit(0)
