"""Which files ``edastack validate PATH...`` validates: the blueprints, not the files they include.

A folder holds blueprints and the shared files they ``include:``. A file found in a folder is
skipped when a blueprint of the same run includes it (directly or through another include) and
it has no ``blueprint:`` key of its own, or when it carries the line ``# edastack: include-only``
(for a shared file that no blueprint of the run includes). A file named on the command line is
always validated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from edastack.blueprints.findings import printable
from edastack.blueprints.loader import display_name, read_text
from edastack.blueprints.tree import Node
from edastack.blueprints.yaml_reader import LoadError, parse

INCLUDE_ONLY_MARKER = "# edastack: include-only"


@dataclass(frozen=True)
class Skipped:
    """A file found in a folder that is not a blueprint of its own, and why."""

    file: str
    reason: str


@dataclass
class Expansion:
    """The blueprint files that command-line paths name, the skipped ones and usage problems."""

    files: list[FsPath] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Head:
    """What deciding about a file needs: its includes, its name key, its marker."""

    includes: tuple[FsPath, ...]
    named: bool
    marked: bool


def expand(paths: Sequence[str]) -> Expansion:
    """The files to validate: named files as they are, folders' ``*.yaml``/``*.yml`` files
    without the include-only ones."""
    out = Expansion()
    found: list[FsPath] = []
    named: set[FsPath] = set()
    named_paths: list[FsPath] = []  # as given: a file named twice is validated twice
    for raw in paths:
        path = FsPath(raw)
        if path.is_dir():
            files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
            if not files:
                out.problems.append(
                    f"no blueprint files (*.yaml, *.yml) in folder {printable(raw)}"
                )
            found.extend(files)
            out.files.extend(files)
        elif path.exists():
            out.files.append(path)
            named.add(path.resolve())
            named_paths.append(path)
        else:
            out.problems.append(f"no such file or folder: {printable(raw)}")
    heads = _heads(out.files)
    includers = _includers(heads)
    for file in found:
        reason = _skip_reason(file.resolve(), heads, includers)
        if reason is not None and file.resolve() not in named:
            out.skipped.append(Skipped(display_name(file), reason))
    gone = {s.file for s in out.skipped}
    out.files = [f for f in out.files if f in named_paths or display_name(f) not in gone]
    return out


def _skip_reason(
    file: FsPath, heads: dict[FsPath, _Head], includers: dict[FsPath, list[FsPath]]
) -> str | None:
    head = heads.get(file)
    if head is None:
        return None
    if head.marked:
        return f"it is marked '{INCLUDE_ONLY_MARKER}'"
    if file in includers and not head.named:
        return "included by " + ", ".join(sorted(display_name(f) for f in includers[file]))
    return None


def _heads(files: Iterable[FsPath]) -> dict[FsPath, _Head]:
    """Every file of the run and every file they include, transitively."""
    heads: dict[FsPath, _Head] = {}
    todo = [f.resolve() for f in files]
    while todo:
        file = todo.pop()
        if file in heads:
            continue
        head = _head(file)
        if head is not None:
            heads[file] = head
            todo.extend(head.includes)
    return heads


def _includers(heads: dict[FsPath, _Head]) -> dict[FsPath, list[FsPath]]:
    """For each included file, the blueprints (files with a ``blueprint:`` key) including it,
    directly or through other includes."""
    out: dict[FsPath, list[FsPath]] = {}
    for root, head in heads.items():
        if not head.named:
            continue
        seen: set[FsPath] = set()
        todo = list(head.includes)
        while todo:
            file = todo.pop()
            if file in seen or file == root:
                continue
            seen.add(file)
            out.setdefault(file, []).append(root)
            todo.extend(heads[file].includes if file in heads else ())
    return out


def _head(file: FsPath) -> _Head | None:
    """A file's includes, name key and marker; ``None`` when it cannot be read (validating it
    reports why)."""
    try:
        text = read_text(file, display_name(file))
    except LoadError:
        return None
    marked = any(line.strip() == INCLUDE_ONLY_MARKER for line in text.splitlines())
    root, _ = parse(text, display_name(file))
    if root is None or not root.is_map:
        return _Head((), False, marked)
    return _Head(_included(root.get("include"), file), root.get("blueprint") is not None, marked)


def _included(include: Node | None, file: FsPath) -> tuple[FsPath, ...]:
    if include is None:
        return ()
    items = include.value if isinstance(include.value, list) else [include]
    names = [i.value for i in items if isinstance(i, Node) and isinstance(i.value, str)]
    return tuple((file.parent / n).resolve() for n in names if n)
