"""Reads YAML text into a tree of positioned ``Node``s, straight from the parser's events.

What this module guarantees, whatever the text given:

- YAML is composed, never constructed: no tag can run code, and only the plain tags
  (``!!str``, ``!!int``, ...) are accepted; scalars follow the YAML 1.2 core schema, so
  ``no``, ``on`` and ``2026-01-01`` stay strings instead of turning into booleans and dates;
- duplicate keys and merge keys (``<<``) are errors;
- aliases are expanded under a budget (``MAX_ALIAS_NODES``), so a "billion laughs" document is
  refused after a few thousand steps instead of exhausting memory; recursive aliases are refused;
- nesting is capped at ``MAX_DEPTH`` levels.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from edastack.blueprints.findings import Finding, Mark, Path, error
from edastack.blueprints.tree import Node, Scalar

MAX_ALIAS_NODES = 10_000
MAX_DEPTH = 64


class LoadError(Exception):
    """Raised inside the loader to stop at a problem that makes the rest unreadable."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


# --- YAML 1.2 core schema --------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_NUMBER_START = frozenset("-+0123456789.")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null")}


def _core_tag(value: str) -> str:
    """The YAML 1.2 core schema tag of a plain scalar: only true/false are booleans, and
    sexagesimals and timestamps stay strings."""
    if value in _NULLS:
        return "null"
    if value in _BOOLS:
        return "bool"
    if value[0] in _NUMBER_START:
        if _INT.match(value):
            return "int"
        if _FLOAT.match(value):
            return "float"
    return "str"


if getattr(yaml, "__with_libyaml__", False):  # the C parser is ~10x faster on large files
    _Parser: Any = yaml.cyaml.CParser  # type: ignore[attr-defined]
else:  # pragma: no cover - depends on how PyYAML was built

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)


# --- events to nodes ------------------------------------------------------------------------


def _yaml_problem(exc: yaml.YAMLError, display: str) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = Mark(display, mark.line + 1, mark.column + 1) if mark else Mark(display, 1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    text = str(problem).replace("<stream end>", "end of file")
    if (
        context
        and context_mark is not None
        and (mark is None or (context_mark.line, context_mark.column) != (mark.line, mark.column))
    ):
        text += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    return error("yaml-syntax", (), f"invalid YAML: {text}", where)


class _Frame:
    """An open sequence or mapping while its events arrive."""

    __slots__ = (
        "anchor",
        "entries",
        "is_map",
        "key",
        "key_mark",
        "keys",
        "mark",
        "path",
        "refused",
        "size",
    )

    def __init__(self, is_map: bool, mark: Mark, path: Path, anchor: str | None) -> None:
        self.is_map = is_map
        self.mark = mark
        self.path = path
        self.anchor = anchor
        self.entries: Any = {} if is_map else []
        self.keys: dict[str, Mark] = {}
        self.key: str | None = None  # a mapping's key waiting for its value
        self.key_mark: Mark | None = None
        self.size = 1  # values below, aliases counted at their full size
        self.refused = False  # an unsupported tag: reported, stands as null


_SKIP = "\x00skip"  # a key whose value is read and dropped (already reported)


class _Builder:
    """Builds ``Node``s straight from parser events.

    An alias shares the anchored node instead of copying it, and adds the anchored subtree's
    size to a budget: a "billion laughs" document is refused after a few events, at the alias
    that overran, whatever its depth. Nesting is capped so that nothing downstream recurses
    without bound.
    """

    def __init__(self, display: str) -> None:
        self.display = display
        self.findings: list[Finding] = []
        self.anchors: dict[str, tuple[Node, int] | None] = {}  # None: still open
        self.expanded = 0
        self.stack: list[_Frame] = []
        self.root: Node | None = None

    def mark(self, event: Any) -> Mark:
        start = event.start_mark
        return Mark(self.display, start.line + 1, start.column + 1)

    def child_path(self) -> Path:
        frame = self.stack[-1]
        if frame.is_map:
            return (*frame.path, frame.key or "")
        return (*frame.path, len(frame.entries))

    def build(self, parser: Any) -> Node | None:
        documents = 0
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self.scalar(event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self.open(event, kind is yaml.MappingStartEvent)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.close()
            elif kind is yaml.AliasEvent:
                self.alias(event)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise LoadError(
                        error(
                            "yaml-documents",
                            (),
                            "a blueprint is one YAML document; found a second one (---)",
                            self.mark(event),
                        )
                    )
            elif kind is yaml.StreamEndEvent:
                return self.root

    def in_key_position(self) -> bool:
        return bool(self.stack) and self.stack[-1].is_map and self.stack[-1].key is None

    def scalar(self, event: Any) -> None:
        mark = self.mark(event)
        if self.in_key_position():
            self.key(event, mark)
            return
        tag = event.tag
        if tag is None or tag == "!":
            name = _core_tag(event.value) if event.implicit[0] else "str"
        elif tag in _SCALAR_TAGS:
            name = tag[len(_TAG) :]
        else:
            self.refuse_tag(tag, mark)
            self.attach(Node(None, mark), 1, None)
            return
        self.attach(Node(self.value(name, event.value, mark), mark), 1, event.anchor)

    def value(self, tag: str, text: str, mark: Mark) -> Scalar:
        try:
            if tag == "null":
                return None
            if tag == "bool":
                return text.lower() == "true"
            if tag == "int":
                base = 0 if text.lower().startswith(("0o", "0x")) else 10
                return int(text, base)
            if tag == "float":
                lowered = text.lower().lstrip("+")
                if lowered in (".inf", "-.inf", ".nan"):
                    return float(lowered.replace(".", ""))
                return float(text)
        except ValueError:  # e.g. an int of more than 4,300 digits (sys.get_int_max_str_digits)
            shown = text if len(text) <= 60 else text[:57] + "..."
            self.findings.append(
                error("yaml-scalar", self.child_path(), f"'{shown}' is not a valid {tag}", mark)
            )
            return None
        return text

    def key(self, event: Any, mark: Mark) -> None:
        frame = self.stack[-1]
        key = str(event.value)
        if event.implicit[0] and _core_tag(key) == "null":
            self.findings.append(
                error("yaml-key", frame.path, "mapping keys must be plain strings", mark)
            )
            key = _SKIP
        elif event.tag not in (None, "!", _TAG + "str"):
            self.refuse_tag(event.tag, mark, (*frame.path, key))
            key = _SKIP
        elif key == "<<" and event.implicit[0]:
            self.findings.append(
                error(
                    "yaml-merge-key",
                    frame.path,
                    "merge keys (<<) are not supported; use include: or repeat the keys",
                    mark,
                )
            )
            key = _SKIP
        elif key in frame.entries:
            first = frame.keys[key]
            self.findings.append(
                error(
                    "duplicate-key",
                    (*frame.path, key),
                    f"duplicate key '{key}' (first defined at line {first.line}, "
                    f"column {first.column})",
                    mark,
                )
            )
            key = _SKIP
        frame.key, frame.key_mark = key, mark

    def refuse_tag(self, tag: str, mark: Mark, path: Path | None = None) -> None:
        self.findings.append(
            error(
                "yaml-tag",
                self.child_path() if path is None else path,
                f"unsupported YAML tag '{tag.replace(_TAG, '!!')}'; blueprints are plain YAML "
                "(allowed: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq)",
                mark,
            )
        )

    def open(self, event: Any, is_map: bool) -> None:
        mark = self.mark(event)
        if self.in_key_position():
            raise LoadError(
                error("yaml-key", self.stack[-1].path, "mapping keys must be plain strings", mark)
            )
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(
                error(
                    "yaml-depth",
                    self.child_path(),
                    f"values are nested more than {MAX_DEPTH} levels deep",
                    mark,
                )
            )
        path = self.child_path() if self.stack else ()
        if event.anchor is not None:
            self.anchors[event.anchor] = None
        frame = _Frame(is_map, mark, path, event.anchor)
        if event.tag not in (None, "!", _TAG + ("map" if is_map else "seq")):
            self.refuse_tag(event.tag, mark, path)
            frame.refused = True
        self.stack.append(frame)

    def close(self) -> None:
        frame = self.stack.pop()
        if frame.refused:  # reported: stands as null, so nothing else is said of it
            self.attach(Node(None, frame.mark), 1, None)
            return
        node = Node(frame.entries, frame.mark, frame.keys if frame.is_map else None)
        self.attach(node, frame.size, frame.anchor)

    def alias(self, event: Any) -> None:
        mark = self.mark(event)
        if self.in_key_position():
            raise LoadError(
                error("yaml-key", self.stack[-1].path, "mapping keys must be plain strings", mark)
            )
        path = self.child_path() if self.stack else ()
        if event.anchor not in self.anchors:
            raise LoadError(
                error("yaml-alias", path, f"alias *{event.anchor} names no anchor before it", mark)
            )
        target = self.anchors[event.anchor]
        if target is None:
            raise LoadError(
                error("yaml-alias", path, "recursive alias: a value contains itself", mark)
            )
        node, size = target
        self.expanded += size
        if self.expanded > MAX_ALIAS_NODES:
            raise LoadError(
                error(
                    "yaml-alias",
                    path,
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing what "
                    "looks like a YAML bomb (write the values out or use include:)",
                    mark,
                )
            )
        self.attach(node, size, None)

    def attach(self, node: Node, size: int, anchor: str | None) -> None:
        if anchor is not None:
            self.anchors[anchor] = (node, size)
        if not self.stack:
            self.root = node
            return
        frame = self.stack[-1]
        frame.size += size
        if not frame.is_map:
            frame.entries.append(node)
            return
        key, key_mark = frame.key, frame.key_mark
        frame.key = None
        if key is None or key == _SKIP or key_mark is None:
            return  # a duplicate or merge key, already reported: the entry is left out
        frame.keys[key] = key_mark
        frame.entries[key] = node


def parse(text: str, display: str) -> tuple[Node | None, list[Finding]]:
    """Build one YAML document into a ``Node`` tree; syntax errors stop at the first."""
    builder = _Builder(display)
    parser = _Parser(text)
    try:
        root = builder.build(parser)
    except yaml.YAMLError as exc:
        return None, [*builder.findings, _yaml_problem(exc, display)]
    except LoadError as exc:
        return None, [*builder.findings, exc.finding]
    finally:
        parser.dispose()
    if root is None:
        return None, [error("empty", (), "the file is empty", Mark(display, 1, 1))]
    return root, builder.findings
