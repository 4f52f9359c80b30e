"""What every section builder shares: the schema errors to step around and what was found.

The builder only sees data the JSON schema accepted, except in one way: when a file has schema
errors, entities whose subtree has an error are left out (and their names remembered), so the
semantic checks still run on everything else and a user sees all of a file's errors at once
without follow-on noise about references to the broken entities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any, TypeVar

from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, Path, error
from edastack.blueprints.units import retention_seconds

T = TypeVar("T")

GIB = 2**30


def strings(mapping: Mapping[str, Any] | None) -> Mapping[str, str]:
    """``mapping`` with every value as the string YAML meant (``true`` → ``"true"``)."""
    if not mapping:
        return m.EMPTY
    return MappingProxyType(
        {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in mapping.items()}
    )


def days(retention: str | None, default: int | None) -> int | None:
    """A retention such as ``"90d"`` in whole days (at least 1), ``default`` when not given."""
    if retention is None:
        return default
    value = retention_seconds(retention)
    return None if value is None else max(1, value // 86_400)


class Builder:
    """The state of one build: the data, the schema errors' paths and the findings so far."""

    def __init__(
        self, data: Mapping[str, Any], base_dir: FsPath, bad_paths: Iterable[Path]
    ) -> None:
        self.data = data
        self.base_dir = base_dir
        self.bad = set(bad_paths)
        self.bad_prefixes = {p[:i] for p in self.bad for i in range(len(p) + 1)}
        self.findings: list[Finding] = []
        # (section, name) of entities left out because of schema errors: never "dangling"
        self.broken: set[tuple[str, str]] = set()
        # every bus the blueprint declares, built or broken: a rule may default to the only one
        self.bus_names: set[str] = set()
        # the buses declared ``type: v2``: their rules' targets are subscribers
        self.v2_buses: set[str] = set()

    def report(self, code: str, path: Path, message: str) -> None:
        self.findings.append(error(code, path, message))

    def ok(self, path: Path, nested: tuple[str, ...] = ()) -> bool:
        """True when no schema error lies at, above or below ``path``.

        Errors inside the ``nested`` collections of the entity (e.g. a rule's ``targets``) are
        the nested entities' own: they are checked one by one.
        """
        if any(path[:i] in self.bad for i in range(len(path))):
            return False
        if not nested:
            return path not in self.bad_prefixes
        n = len(path)
        # an error inside one entry of a nested collection (len > n + 1) is that entry's own;
        # an error on the collection itself (e.g. targets written as a list) is the entity's
        return not any(p[:n] == path and not (len(p) > n + 1 and p[n] in nested) for p in self.bad)

    def section(
        self,
        path: Path,
        kind: str,
        make: Callable[[str, Mapping[str, Any], Path], T | None],
        nested: tuple[str, ...] = (),
    ) -> Mapping[str, T]:
        """Each entity of the section at ``path`` built by ``make``; the broken ones left out."""
        node: Any = self.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return m.EMPTY
        out: dict[str, T] = {}
        for name, spec in node.items():
            where = (*path, name)
            built = (
                make(name, spec, where)
                if self.ok(where, nested) and isinstance(spec, dict)
                else None
            )
            if built is None:
                self.broken.add((kind, name))
            else:
                out[name] = built
        return MappingProxyType(out)
