"""``${name}`` substitution in a blueprint's string values, positioned at the value."""

from __future__ import annotations

import re
from collections.abc import Mapping

from edastack.blueprints.findings import Finding, Path, did_you_mean, error
from edastack.blueprints.tree import Node

_VARIABLE = re.compile(r"\$(\$?)\{([^}]*)\}")
_UNCLOSED = re.compile(r"\$\{")


def substitute(
    node: Node, variables: Mapping[str, str], missing: Mapping[str, str], path: Path = ()
) -> tuple[Node, list[Finding]]:
    """Replace ``${name}`` in string values (``$${`` writes a literal ``${``).

    ``missing`` maps names that exist but have no value here to the reason, for the message.
    Unchanged subtrees are returned as they are (shared), which keeps per-environment
    resolution cheap.
    """
    substitution = _Substitution(variables, missing)
    return substitution.visit(node, path), substitution.findings


class _Substitution:
    """One substitution over a tree, collecting what it could not resolve."""

    def __init__(self, variables: Mapping[str, str], missing: Mapping[str, str]) -> None:
        self.variables = variables
        self.missing = missing
        self.findings: list[Finding] = []

    def visit(self, node: Node, path: Path) -> Node:
        value = node.value
        if isinstance(value, str):
            return self.text(node, path) if "${" in value else node
        if isinstance(value, dict):
            entries = {k: self.visit(child, (*path, k)) for k, child in value.items()}
            if any(entries[k] is not child for k, child in value.items()):
                return Node(entries, node.mark, node.keys)
        elif isinstance(value, list):
            items = [self.visit(child, (*path, i)) for i, child in enumerate(value)]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                return Node(items, node.mark)
        return node

    def text(self, node: Node, path: Path) -> Node:
        value: str = node.value
        replaced = _VARIABLE.sub(lambda match: self.replace(match, node, path), value)
        if _UNCLOSED.search(_VARIABLE.sub("", value)):
            self.findings.append(
                error(
                    "variable",
                    path,
                    "unclosed '${' (write ${name}, or $${ for a literal '${')",
                    node.mark,
                )
            )
        return Node(replaced, node.mark)

    def replace(self, match: re.Match[str], node: Node, path: Path) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        name = match.group(2)
        if name in self.variables:
            return self.variables[name]
        if name in self.missing:
            message = f"variable '{name}' {self.missing[name]}"
        else:
            known = sorted({*self.variables, *self.missing})
            message = (
                f"unknown variable '${{{name}}}' (variables: {', '.join(known)})"
                + did_you_mean(name, known)
            )
        self.findings.append(error("variable", path, message, node.mark))
        return match.group(0)
