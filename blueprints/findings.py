"""What validation reports: a finding has a severity, a code, a JSON path, a position and a message.

Every stage (loader, schema, semantic checks) speaks in findings, so the CLI prints them all the
same way: ``file:line:col: $.json.path: message``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple

Severity = Literal["error", "warning"]
PathPart = str | int
Path = tuple[PathPart, ...]

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# C0/C1 controls, DEL, line/paragraph separators and the bidirectional overrides ("Trojan
# Source", CVE-2021-42574): a name holding one could split a message or drive the terminal.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group(0))[1:-1], text)


class Mark(NamedTuple):
    """A position in a source file; line and column count from 1.

    A named tuple rather than a dataclass: the loader makes one per YAML node.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a blueprint, located by JSON path and (when known) file position."""

    severity: Severity
    code: str
    path: Path
    message: str
    mark: Mark | None = None
    at_key: bool = False  # the problem is the last key of ``path`` itself, not its value

    @property
    def json_path(self) -> str:
        return format_path(self.path)

    def format(self) -> str:
        where = str(self.mark) if self.mark else "<unknown>"
        label = "warning: " if self.severity == "warning" else ""
        return printable(f"{where}: {self.json_path}: {label}{self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.mark.file if self.mark else None,
            "line": self.mark.line if self.mark else None,
            "column": self.mark.column if self.mark else None,
            "path": self.json_path,
            "message": self.message,
        }

    def with_suffix(self, suffix: str) -> Finding:
        return replace(self, message=self.message + suffix)


def error(
    code: str, path: Path, message: str, mark: Mark | None = None, *, at_key: bool = False
) -> Finding:
    return Finding("error", code, path, message, mark, at_key)


def warning(code: str, path: Path, message: str, mark: Mark | None = None) -> Finding:
    return Finding("warning", code, path, message, mark)


def json_kind(value: Any) -> str:
    """The kind of a YAML or JSON value as messages name it: ``null``, ``boolean``,
    ``integer``, ``number``, ``string``, ``list`` or ``mapping``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "mapping"


def format_path(path: Sequence[PathPart]) -> str:
    """``('kafka', 'topics', 'orders')`` → ``$.kafka.topics.orders``; odd keys in brackets."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _PLAIN_KEY.match(part):
            out.append(f".{part}")
        else:
            out.append("['" + part.replace("'", "\\'") + "']")
    return "".join(out)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix when a close match exists, else the empty string."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f"; did you mean '{close[0]}'?" if close else ""


def one_of(choices: Iterable[str]) -> str:
    """``a, b, c`` — for "allowed:" lists in messages; ``(none)`` when empty."""
    names = sorted(set(choices))
    return ", ".join(names) if names else "(none)"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    def key(f: Finding) -> tuple[str, int, int, str, str]:
        m = f.mark
        return (
            m.file if m else "",
            m.line if m else 0,
            m.column if m else 0,
            f.json_path,
            f.message,
        )

    return sorted(findings, key=key)
