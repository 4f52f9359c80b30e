"""What an environment's ``overrides`` name that the blueprint does not declare.

Overrides merge over the blueprint key by key, so an override of a misspelt entity adds a new,
incomplete one, and the schema would only say "missing required key 'pattern'". When an
entity an override adds is incomplete, this says what most likely happened instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from edastack.blueprints.findings import Finding, Path, did_you_mean, one_of
from edastack.blueprints.tree import Node

# Sections of named entities: (what one is called, what many are called).
ENTITIES: dict[Path, tuple[str, str]] = {
    ("kafka", "clusters"): ("cluster", "clusters"),
    ("kafka", "topics"): ("topic", "topics"),
    ("eventbridge", "buses"): ("bus", "buses"),
    ("eventbridge", "rules"): ("rule", "rules"),
    ("queues",): ("queue", "queues"),
    ("bridges",): ("bridge", "bridges"),
    ("contracts",): ("contract", "contracts"),
}


def added_entities(tree: Node, overrides: Node | None) -> dict[Path, str]:
    """Each entity ``overrides`` add to ``tree``, by path, with what to say if incomplete."""
    out: dict[Path, str] = {}
    for section, (noun, plural) in ENTITIES.items():
        over, base = _at(overrides, section), _at(tree, section)
        if over is None or not over.is_map:
            continue
        known = list(base.value) if base is not None and base.is_map else []
        for name in over.value:
            if name not in known:
                out[(*section, name)] = (
                    f"no {noun} named '{name}' to override{did_you_mean(name, known)} "
                    f"({plural}: {one_of(known)}; a {noun} an override adds must be complete)"
                )
    return out


def explain_added(finding: Finding, added: Mapping[Path, str]) -> Finding:
    """``finding`` said as the likely misspelling when it is about an incomplete added entity."""
    message = added.get(finding.path)
    if message is None or not finding.message.startswith("missing required key"):
        return finding
    return replace(finding, message=message)


def _at(node: Node | None, path: Path) -> Node | None:
    for part in path:
        node = node.get(str(part)) if node is not None else None
    return node
