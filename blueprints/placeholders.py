"""The blueprint schema as an editor reads it, and as ``validate`` applies it.

``blueprints/schema/blueprint.schema.json`` is the one schema. An editor checks the YAML as
written, where a value may still be a ``${variable}``; ``validate`` checks it after substitution,
and says some things better itself. So the file holds, beside each constraint:

- a placeholder alternative wherever a variable may stand: a ``"type"`` list ending in
  ``"string"`` with :data:`PLACEHOLDER` as its pattern (an integer, number or boolean written
  as exactly ``${name}``); an ``anyOf`` of an ``enum`` and ``{"$ref": "#/$defs/placeholder"}``;
  a ``"pattern"`` ending in :data:`TEMPLATED` (a string with a ``${…}`` in it, such as
  ``arn:${partition}:lambda:…``);
- ``allOf`` conditions marked ``"x-validate": "own-message"``: requirements an editor can check
  (a topic → bus bridge needs ``to.detail_type``) that ``validate`` reports in its own words.

:func:`for_validate` removes both; :func:`for_fragments` drops every requirement, for files
that another blueprint includes (``blueprint.fragment.schema.json``, ``edastack schema
--fragment``).
"""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Any

PLACEHOLDER = r"^\$\{[^}]+\}$"
TEMPLATED = r"|\$\{[^}]*\}"
PLACEHOLDER_REF = "#/$defs/placeholder"
OWN_MESSAGE = {"x-validate": "own-message"}
FRAGMENT_ID = "https://edastack.dev/schema/v1/blueprint.fragment.schema.json"
FRAGMENT_FILE = FsPath(__file__).parent / "schema" / "blueprint.fragment.schema.json"


def for_validate(node: Any) -> Any:
    """The schema without placeholder alternatives and the conditions validate words itself."""
    if isinstance(node, list):
        return [for_validate(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: for_validate(v) for k, v in node.items()}
    types = out.get("type")
    if isinstance(types, list) and types[-1] == "string" and out.get("pattern") == PLACEHOLDER:
        del out["pattern"]
        out["type"] = types[0] if len(types) == 2 else types[:-1]
    pattern = out.get("pattern")
    if isinstance(pattern, str) and pattern.startswith("(?:") and pattern.endswith(TEMPLATED):
        out["pattern"] = pattern[3 : -len(TEMPLATED) - 1]
    branches = out.get("anyOf")
    if isinstance(branches, list) and {"$ref": PLACEHOLDER_REF} in branches:
        kept = [b for b in branches if b != {"$ref": PLACEHOLDER_REF}]
        del out["anyOf"]
        if len(kept) == 1:
            out.update(kept[0])
        else:
            out["anyOf"] = kept
    return _without_own_conditions(out)


def for_fragments(node: Any) -> Any:
    """The schema of a file that another blueprint includes: every key optional (the including
    blueprint, merged, is validated whole), placeholders as in the editor's."""
    if isinstance(node, list):
        return [for_fragments(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: for_fragments(v) for k, v in node.items() if k != "required"}
    return _without_own_conditions(out)


def _without_own_conditions(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` without the ``allOf`` conditions validate states in its own words."""
    conditions = node.get("allOf")
    if isinstance(conditions, list):
        kept = [c for c in conditions if c.get("x-validate") != OWN_MESSAGE["x-validate"]]
        if kept:
            node["allOf"] = kept
        else:
            del node["allOf"]
    return node


def fragment_schema(schema_text: str) -> str:
    """The text of ``blueprint.fragment.schema.json`` from that of the blueprint schema."""
    fragment = for_fragments(json.loads(schema_text))
    fragment["$id"] = FRAGMENT_ID
    fragment["title"] += " (a file that another blueprint includes: every key optional)"
    return json.dumps(fragment, indent=2, ensure_ascii=False) + "\n"
