"""Reads a blueprint file and the files it includes into one tree of positioned nodes, safely.

What this module guarantees, whatever the bytes given:

- files over ``MAX_FILE_BYTES``, binary files (NUL bytes) and non-UTF-8 text are refused with
  the position of the first bad byte;
- the YAML is read as ``edastack.blueprints.yaml_reader`` guarantees: composed, never
  constructed, core-schema scalars, no duplicate or merge keys, aliases and nesting bounded;
- ``include:`` composes files (included first, the including file on top), cycles detected.

Every node keeps the file, line and column it came from (``edastack.blueprints.tree``); the
tree's ``Node``, ``locate`` and ``to_data`` are importable from here too, with ``load_tree``.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from edastack.blueprints.findings import Finding, Mark, Path, error
from edastack.blueprints.tree import Node, locate, merge, to_data
from edastack.blueprints.yaml_reader import MAX_ALIAS_NODES, MAX_DEPTH, LoadError, parse

__all__ = [
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "Node",
    "display_name",
    "load_tree",
    "locate",
    "read_text",
    "to_data",
]

MAX_FILE_BYTES = 2 * 1024 * 1024


def _mark_at(file: str, data: bytes, offset: int) -> Mark:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Mark(file, line, column)


def read_text(path: FsPath, display: str, *, what: str = "blueprints", syntax: str = "YAML") -> str:
    """The file's text, or ``LoadError`` for missing, huge, binary or non-UTF-8 files.

    ``what`` names such files in messages (``contract files``), ``syntax`` their language.
    """
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
                    f"file is {size:,} bytes; {what} are limited to {MAX_FILE_BYTES:,} bytes"
                    + (" (split it with include:)" if syntax == "YAML" else ""),
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
                f"binary file (NUL byte); {what} are UTF-8 {syntax} text",
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
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); {what} must be UTF-8 text",
                _mark_at(display, data, exc.start),
            )
        ) from None


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
    base = _load_includes(include, path.resolve(), chain, findings)
    return (root if base is None else merge(base, root)), findings


def _load_includes(
    include: Node, here: FsPath, chain: tuple[FsPath, ...], findings: list[Finding]
) -> Node | None:
    """The files ``include:`` names, merged in order (later ones on top)."""
    items = include.value if isinstance(include.value, list) else [include]
    base: Node | None = None
    for index, item in enumerate(items):
        where: Path = ("include", index) if isinstance(include.value, list) else ("include",)
        target = _included_file(item, where, here, chain)
        if isinstance(target, Finding):
            findings.append(target)
            continue
        included, more = _load(target, (*chain, here))
        findings.extend(more)
        if included is not None:
            base = included if base is None else merge(base, included)
    return base


def _included_file(
    item: Node, where: Path, here: FsPath, chain: tuple[FsPath, ...]
) -> FsPath | Finding:
    """The file an ``include:`` entry names, or why it cannot be included."""
    if not isinstance(item.value, str) or not item.value:
        return error("include", where, "expected a file path (string)", item.mark)
    target = (here.parent / item.value).resolve()
    if target in (*chain, here):
        cycle = " -> ".join(display_name(p) for p in (*chain, here, target))
        return error("include-cycle", where, f"include cycle: {cycle}", item.mark)
    if not target.is_file():
        problem = "is not a file" if target.exists() else "not found"
        return error("include", where, f"included file '{item.value}' {problem}", item.mark)
    return target
