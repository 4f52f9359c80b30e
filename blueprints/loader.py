"""Reads blueprint files into a tree of positioned nodes, safely.

What this module guarantees, whatever the bytes given:

- files over ``MAX_FILE_BYTES``, binary files (NUL bytes) and non-UTF-8 text are refused with
  the position of the first bad byte;
- YAML is composed, never constructed: no tag can run code, and only the plain tags
  (``!!str``, ``!!int``, ...) are accepted; scalars follow the YAML 1.2 core schema, so
  ``no``, ``on`` and ``2026-01-01`` stay strings instead of turning into booleans and dates;
- duplicate keys and merge keys (``<<``) are errors;
- aliases are expanded under a budget (``MAX_ALIAS_NODES``), so a "billion laughs" document is
  refused after a few thousand steps instead of exhausting memory; recursive aliases are refused;
- ``include:`` composes files (included first, the including file on top), cycles detected.

Every node keeps the file, line and column it came from, through includes, environment
overrides and variable substitution, so later stages report positions in the file that
actually holds the value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path as FsPath
from typing import Any, TypeAlias

import yaml
from yaml.resolver import BaseResolver

from edastack.blueprints.findings import Finding, Mark, Path, PathPart, did_you_mean, error

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ALIAS_NODES = 10_000

Scalar: TypeAlias = str | int | float | bool | None


class Node:
    """A YAML value with its position; mappings also keep the position of each key."""

    __slots__ = ("keys", "mark", "value")

    def __init__(self, value: Any, mark: Mark, keys: dict[str, Mark] | None = None) -> None:
        self.value = value  # dict[str, Node] | list[Node] | Scalar
        self.mark = mark
        self.keys = keys

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    def get(self, key: str) -> Node | None:
        return self.value.get(key) if isinstance(self.value, dict) else None

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Node({to_data(self)!r} @ {self.mark})"


class LoadError(Exception):
    """Raised inside the loader to stop at a problem that makes the rest unreadable."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


# --- YAML 1.2 core schema --------------------------------------------------------------------


class _CoreResolver(BaseResolver):
    """YAML 1.2 core schema: only true/false are booleans, no sexagesimals, no timestamps."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        # PyYAML's generic resolver loops over regex lists per scalar; this is the same
        # decision for the four core types, several times faster on large files.
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _TAG + "str"
            if value in _NULLS:
                return _TAG + "null"
            if value in _BOOLS:
                return _TAG + "bool"
            if value[0] in _NUMBER_START:
                if _INT.match(value):
                    return _TAG + "int"
                if _FLOAT.match(value):
                    return _TAG + "float"
            return _TAG + "str"
        return _TAG + ("seq" if kind is yaml.SequenceNode else "map")


_TAG = "tag:yaml.org,2002:"
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = frozenset(("true", "True", "TRUE", "false", "False", "FALSE"))
_NUMBER_START = frozenset("-+0123456789.")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

if getattr(yaml, "__with_libyaml__", False):  # the C parser is ~10x faster on large files

    class _Composer(yaml.cyaml.CParser, _CoreResolver):  # type: ignore[misc,name-defined]
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)  # type: ignore[attr-defined]
            _CoreResolver.__init__(self)

else:  # pragma: no cover - depends on how PyYAML was built

    class _Composer(  # type: ignore[no-redef]
        yaml.reader.Reader,
        yaml.scanner.Scanner,
        yaml.parser.Parser,
        yaml.composer.Composer,
        _CoreResolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _CoreResolver.__init__(self)


_PLAIN_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}
_STR = _TAG + "str"


# --- reading ---------------------------------------------------------------------------------


def _mark_at(file: str, data: bytes, offset: int) -> Mark:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Mark(file, line, column)


def read_text(path: FsPath, display: str) -> str:
    """The file's text, or ``LoadError`` for missing, huge, binary or non-UTF-8 files."""
    start = Mark(display, 1, 1)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise LoadError(error("file", (), "not a regular file", start))
        if size > MAX_FILE_BYTES:
            raise LoadError(
                error(
                    "file-too-large",
                    (),
                    f"file is {size:,} bytes; blueprints are limited to {MAX_FILE_BYTES:,} bytes "
                    "(split it with include:)",
                    start,
                )
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(error("file", (), "file not found", start)) from None
    except OSError as exc:
        raise LoadError(error("file", (), f"cannot read file: {exc.strerror}", start)) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise LoadError(
            error(
                "binary-file",
                (),
                "binary file (NUL byte); blueprints are UTF-8 YAML text",
                _mark_at(display, data, nul),
            )
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            error(
                "encoding",
                (),
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); blueprints must be UTF-8 text",
                _mark_at(display, data, exc.start),
            )
        ) from None


# --- composing -------------------------------------------------------------------------------


def _yaml_problem(exc: yaml.YAMLError, display: str) -> Finding:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = Mark(display, mark.line + 1, mark.column + 1) if mark else Mark(display, 1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    text = str(problem).replace("<stream end>", "end of file")
    if context and context_mark is not None and context_mark is not mark:
        text += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    return error("yaml-syntax", (), f"invalid YAML: {text}", where)


# Paths are built only when something is reported: during conversion a node's path is a chain
# (parent chain, key), a 2-tuple per node instead of a growing copy of the whole path.
_Chain: TypeAlias = tuple[Any, PathPart] | tuple[()]


def _path(chain: _Chain) -> Path:
    parts: list[PathPart] = []
    while chain:
        chain, part = chain
        parts.append(part)
    return tuple(reversed(parts))


class _Converter:
    """Turns a composed YAML graph into ``Node``s, expanding aliases under a budget."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.findings: list[Finding] = []
        self.seen: set[int] = set()
        self.alias_budget = MAX_ALIAS_NODES
        self.active: set[int] = set()
        self.parent_mark = Mark(display, 1, 1)

    def mark(self, ynode: yaml.Node) -> Mark:
        start = ynode.start_mark
        return Mark(self.display, start.line + 1, start.column + 1)

    def convert(self, ynode: yaml.Node, chain: _Chain, alias: Finding | None = None) -> Node:
        """``alias`` is set below an alias: where it was entered, to report a bomb there."""
        ident = id(ynode)
        if ident in self.active:
            raise LoadError(
                error(
                    "yaml-alias",
                    _path(chain),
                    "recursive alias: a value contains itself",
                    self.mark(ynode),
                )
            )
        # A node met a second time is an alias target: its copies are paid from the budget.
        if ident in self.seen:
            if alias is None:
                alias = error(
                    "yaml-alias",
                    _path(chain),
                    f"aliases expand to more than {MAX_ALIAS_NODES:,} values; refusing what "
                    "looks like a YAML bomb (write the values out or use include:)",
                    self.parent_mark,
                )
        else:
            self.seen.add(ident)
        if alias is not None:
            self.alias_budget -= 1
            if self.alias_budget < 0:
                raise LoadError(alias)
        mark = self.mark(ynode)
        if ynode.tag not in _PLAIN_TAGS:
            self.findings.append(
                error(
                    "yaml-tag",
                    _path(chain),
                    f"unsupported YAML tag '{ynode.tag.replace(_TAG, '!!')}'; blueprints are "
                    "plain YAML (allowed: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq)",
                    mark,
                )
            )
            return Node(None, mark)
        kind = type(ynode)
        if kind is yaml.ScalarNode:
            if ynode.tag == _STR:
                return Node(ynode.value, mark)
            return Node(self.scalar(ynode, chain), mark)
        self.active.add(ident)
        try:
            if kind is yaml.SequenceNode:
                items = []
                for i, item in enumerate(ynode.value):
                    self.parent_mark = mark
                    items.append(self.convert(item, (chain, i), alias))
                return Node(items, mark)
            return self.mapping(ynode, chain, alias, mark)
        finally:
            self.active.discard(ident)

    def mapping(self, ynode: yaml.Node, chain: _Chain, alias: Finding | None, mark: Mark) -> Node:
        entries: dict[str, Node] = {}
        keys: dict[str, Mark] = {}
        for key_node, value_node in ynode.value:
            key_mark = self.mark(key_node)
            if type(key_node) is not yaml.ScalarNode or key_node.tag == _TAG + "null":
                self.findings.append(
                    error("yaml-key", _path(chain), "mapping keys must be plain strings", key_mark)
                )
                continue
            key = str(key_node.value)
            if key == "<<" and not key_node.style:
                self.findings.append(
                    error(
                        "yaml-merge-key",
                        _path(chain),
                        "merge keys (<<) are not supported; use include: or repeat the keys",
                        key_mark,
                    )
                )
                continue
            if key in entries:
                first = keys[key]
                self.findings.append(
                    error(
                        "duplicate-key",
                        (*_path(chain), key),
                        f"duplicate key '{key}' (first defined at line {first.line}, "
                        f"column {first.column})",
                        key_mark,
                    )
                )
                continue
            keys[key] = key_mark
            self.parent_mark = key_mark
            entries[key] = self.convert(value_node, (chain, key), alias)
        return Node(entries, mark, keys)

    def scalar(self, ynode: yaml.Node, chain: _Chain) -> Scalar:
        text = ynode.value
        tag = ynode.tag[len(_TAG) :]
        try:
            if tag == "null":
                return None
            if tag == "bool":
                return bool(text.lower() == "true")
            if tag == "int":
                base = 0 if text.lower().startswith(("0o", "0x")) else 10
                return int(text, base)
            if tag == "float":
                lowered = text.lower().lstrip("+")
                if lowered in (".inf", "-.inf", ".nan"):
                    return float(lowered.replace(".", ""))
                return float(text)
        except ValueError:
            self.findings.append(
                error(
                    "yaml-scalar", _path(chain), f"'{text}' is not a valid {tag}", self.mark(ynode)
                )
            )
            return None
        return str(text)


def parse(text: str, display: str) -> tuple[Node | None, list[Finding]]:
    """Compose one YAML document into a ``Node`` tree; syntax errors stop at the first."""
    try:
        loader = _Composer(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(exc, display)]
    if root is None:
        return None, [error("empty", (), "the file is empty", Mark(display, 1, 1))]
    converter = _Converter(display)
    try:
        node = converter.convert(root, ())
    except LoadError as exc:
        return None, [*converter.findings, exc.finding]
    return node, converter.findings


# --- files and includes ----------------------------------------------------------------------


def display_name(path: FsPath) -> str:
    """How a file is named in messages: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(FsPath.cwd().resolve()))
    except ValueError:
        return str(path)


def load_tree(path: FsPath) -> tuple[Node | None, list[Finding]]:
    """A blueprint file with its includes merged, or ``None`` and what went wrong."""
    return _load(path, ())


def _load(path: FsPath, chain: tuple[FsPath, ...]) -> tuple[Node | None, list[Finding]]:
    display = display_name(path)
    try:
        text = read_text(path, display)
    except LoadError as exc:
        return None, [exc.finding]
    root, findings = parse(text, display)
    if root is None:
        return None, findings
    if not root.is_map:
        kind = "a list" if isinstance(root.value, list) else f"the scalar {root.value!r}"
        findings.append(
            error(
                "not-a-mapping",
                (),
                f"a blueprint is a mapping of sections, found {kind}",
                root.mark,
            )
        )
        return None, findings
    include = root.value.pop("include", None)
    if root.keys is not None:
        root.keys.pop("include", None)
    if include is None:
        return root, findings
    items = include.value if isinstance(include.value, list) else [include]
    base: Node | None = None
    here = path.resolve()
    for index, item in enumerate(items):
        where: Path = ("include", index) if isinstance(include.value, list) else ("include",)
        if not isinstance(item.value, str) or not item.value:
            findings.append(error("include", where, "expected a file path (string)", item.mark))
            continue
        target = (here.parent / item.value).resolve()
        if target in (*chain, here):
            cycle = " -> ".join(display_name(p) for p in (*chain, here, target))
            findings.append(error("include-cycle", where, f"include cycle: {cycle}", item.mark))
            continue
        if not target.exists():
            findings.append(
                error("include", where, f"included file '{item.value}' not found", item.mark)
            )
            continue
        included, more = _load(target, (*chain, here))
        findings.extend(more)
        if included is not None:
            base = included if base is None else merge(base, included)
    return (root if base is None else merge(base, root)), findings


# --- tree operations -------------------------------------------------------------------------


def merge(base: Node, over: Node) -> Node:
    """``over`` on top of ``base``: mappings merge key by key, anything else is replaced.

    Returns new nodes only along merged paths; untouched subtrees are shared, not copied.
    """
    if not (base.is_map and over.is_map):
        return over
    entries = dict(base.value)
    keys = dict(base.keys or {})
    for key, value in over.value.items():
        entries[key] = merge(entries[key], value) if key in entries else value
        keys[key] = (over.keys or {}).get(key, value.mark)
    return Node(entries, over.mark, keys)


_VARIABLE = re.compile(r"\$(\$?)\{([^}]*)\}")


def substitute(
    node: Node, variables: Mapping[str, str], missing: Mapping[str, str], path: Path = ()
) -> tuple[Node, list[Finding]]:
    """Replace ``${name}`` in string values (``$${`` writes a literal ``${``).

    ``missing`` maps names that exist but have no value here to the reason, for the message.
    Unchanged subtrees are returned as they are (shared), which keeps per-environment
    resolution cheap.
    """
    findings: list[Finding] = []

    def visit(n: Node, p: Path) -> Node:
        value = n.value
        if isinstance(value, str):
            if "${" not in value:
                return n

            def replace(m: re.Match[str]) -> str:
                if m.group(1):
                    return "${" + m.group(2) + "}"
                name = m.group(2)
                if name in variables:
                    return variables[name]
                if name in missing:
                    findings.append(
                        error("variable", p, f"variable '{name}' {missing[name]}", n.mark)
                    )
                else:
                    known = sorted({*variables, *missing})
                    findings.append(
                        error(
                            "variable",
                            p,
                            f"unknown variable '${{{name}}}' (variables: {', '.join(known)})"
                            + did_you_mean(name, known),
                            n.mark,
                        )
                    )
                return m.group(0)

            return Node(_VARIABLE.sub(replace, value), n.mark)
        if isinstance(value, dict):
            changed = False
            entries: dict[str, Node] = {}
            for k, child in value.items():
                new = visit(child, (*p, k))
                changed = changed or new is not child
                entries[k] = new
            return Node(entries, n.mark, n.keys) if changed else n
        if isinstance(value, list):
            items = [visit(child, (*p, i)) for i, child in enumerate(value)]
            if any(a is not b for a, b in zip(items, value, strict=True)):
                return Node(items, n.mark)
        return n

    return visit(node, path), findings


def to_data(node: Node) -> Any:
    """Plain Python data (dicts, lists, scalars) for schema validation and the model."""
    value = node.value
    if isinstance(value, dict):
        return {k: to_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_data(v) for v in value]
    return value


def locate(root: Node, path: Path, *, key: bool = False) -> Mark | None:
    """The position of the value at ``path`` (or of its key, with ``key=True``).

    Walks as deep as the path exists, so a path into a missing value points at its parent.
    """
    node = root
    found = root.mark
    last_key: Mark | None = None
    for part in path:
        if isinstance(part, str) and node.is_map and part in node.value:
            key_mark = (node.keys or {}).get(part)
            node = node.value[part]
            found = node.mark
            last_key = key_mark
        elif isinstance(part, int) and isinstance(node.value, list) and 0 <= part < len(node.value):
            node = node.value[part]
            found = node.mark
            last_key = None
        else:
            return found
    if key and path and last_key is not None:
        return last_key
    return found


def walk(node: Node, path: Path = ()) -> Iterator[tuple[Path, Node]]:
    """Every node below ``node`` with its path, parents first."""
    yield path, node
    if isinstance(node.value, dict):
        for k, child in node.value.items():
            yield from walk(child, (*path, k))
    elif isinstance(node.value, list):
        for i, child in enumerate(node.value):
            yield from walk(child, (*path, i))
