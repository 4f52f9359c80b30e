"""``${name}`` substitution in a blueprint's string values, positioned at the value.

A value that is exactly ``${name}`` takes the variable's type (``partitions: ${parts}`` with
``parts: 6`` is the number 6); inside a longer string a number reads as its decimal text and a
boolean as ``true``/``false``. Variables may be defined through other variables, expanded
transitively; a cycle is an error naming it. Expansion is bounded (``MAX_GROWTH``), so a chain
of variables that doubles at each step cannot exhaust memory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from edastack.blueprints.findings import Finding, Path, did_you_mean, error
from edastack.blueprints.tree import Node

Value = str | int | float | bool

MAX_GROWTH = 1_000_000  # characters variables may add to one variable or to a whole blueprint

_VARIABLE = re.compile(r"\$(\$?)\{([^}]*)\}")
_UNCLOSED = re.compile(r"\$\{")


def text_of(value: Value) -> str:
    """How a variable reads inside a longer string."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def expand(values: Mapping[str, Value], missing: dict[str, str]) -> dict[str, Value]:
    """``values`` with variables defined through variables expanded, as the tree will see them.

    A variable in a cycle, or one that expands beyond ``MAX_GROWTH``, moves to ``missing`` with
    the reason; a reference that cannot be resolved stays as written (substitution reports it
    where it is written).
    """
    expansion = _Expansion(values, missing)
    for name in values:
        expansion.value(name)
    return expansion.done


class _Expansion:
    def __init__(self, raw: Mapping[str, Value], missing: dict[str, str]) -> None:
        self.raw = raw
        self.missing = missing
        self.done: dict[str, Value] = {}
        self.open: list[str] = []  # the chain being expanded, for cycle detection
        self.growth = 0  # characters references have added, against MAX_GROWTH

    def value(self, name: str) -> Value | None:
        if name in self.done or name in self.missing or name not in self.raw:
            return self.done.get(name)
        if name in self.open:
            self.cycle(self.open[self.open.index(name) :])
            return None
        raw = self.raw[name]
        self.open.append(name)
        result = self.text(raw) if isinstance(raw, str) and "${" in raw else raw
        self.open.pop()
        if self.growth > MAX_GROWTH:
            self.missing[name] = f"expands to more than {MAX_GROWTH:,} characters"
        if name in self.missing:  # in a cycle, or too long
            return None
        self.done[name] = result
        return result

    def text(self, raw: str) -> Value:
        whole = _VARIABLE.fullmatch(raw)
        if whole is not None and not whole.group(1):
            found = self.resolved(whole.group(2))
            return raw if found is None else found
        return _VARIABLE.sub(self.reference, raw)

    def reference(self, match: re.Match[str]) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        found = self.resolved(match.group(2))
        if found is None:
            return match.group(0)
        text = text_of(found)
        self.growth += len(text) - len(match.group(0))
        return match.group(0) if self.growth > MAX_GROWTH else text

    def resolved(self, name: str) -> Value | None:
        """A reference's value; a variable defined through one without a value has none
        either, so that where it is used says so (not that a half-expanded value is invalid)."""
        found = self.value(name)
        if found is None and name in self.missing and self.open:
            reason = f"is defined through '{name}', which {self.missing[name]}"
            self.missing.setdefault(self.open[-1], reason)
        return found

    def cycle(self, members: list[str]) -> None:
        for i, name in enumerate(members):
            chain = [*members[i:], *members[:i], name]
            self.missing[name] = "is defined through itself: " + " -> ".join(chain)


def substitute(
    node: Node, variables: Mapping[str, Value], missing: Mapping[str, str], path: Path = ()
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

    def __init__(self, variables: Mapping[str, Value], missing: Mapping[str, str]) -> None:
        self.variables = variables
        self.missing = missing
        self.findings: list[Finding] = []
        self.growth = 0  # characters added so far, against MAX_GROWTH

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
        whole = _VARIABLE.fullmatch(value)
        if whole is not None and not whole.group(1) and whole.group(2) in self.variables:
            typed = self.variables[whole.group(2)]
            fits = not isinstance(typed, str) or self.grow(len(typed) - len(value), node, path)
            return Node(typed, node.mark) if fits else node
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

    def grow(self, added: int, node: Node, path: Path) -> bool:
        """Whether ``added`` characters fit in ``MAX_GROWTH``; the first time not, say so."""
        if self.growth > MAX_GROWTH:
            return False
        self.growth += added
        if self.growth <= MAX_GROWTH:
            return True
        self.findings.append(
            error(
                "variable",
                path,
                f"variables expand this blueprint by more than {MAX_GROWTH:,} characters; "
                "refusing what looks like a variable bomb",
                node.mark,
            )
        )
        return False

    def replace(self, match: re.Match[str], node: Node, path: Path) -> str:
        if match.group(1):
            return "${" + match.group(2) + "}"
        name = match.group(2)
        if name in self.variables:
            text, written = text_of(self.variables[name]), match.group(0)
            return text if self.grow(len(text) - len(written), node, path) else written
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
