"""Every blueprint the repository holds, and blueprints made from them by deleting one key.

The agreement tests (the JSON Schema against ``validate``, every finding placed) run on these:
the examples and the test blueprints as written, and each with one key removed, written into a
copy of its folder so that the files it names (contract schemas, includes) are still there.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]


def blueprint_files() -> list[Path]:
    """The examples and every test blueprint (a YAML file with a top-level ``blueprint`` key)."""
    found = [*REPO.glob("blueprints/examples/*.yaml"), *REPO.glob("tests/**/*.yaml")]
    return sorted(p for p in found if _is_blueprint(p))


def _is_blueprint(path: Path) -> bool:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and "blueprint" in data


def key_paths(data: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every mapping key, depth first."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield (*prefix, key)
            yield from key_paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from key_paths(value, (*prefix, index))


def without(data: Any, path: tuple[str | int, ...]) -> Any:
    """A deep copy of ``data`` without the key at ``path``."""
    out = copy.deepcopy(data)
    node = out
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return out


def deletions(path: Path) -> Iterator[tuple[str, Any]]:
    """``(label, data)`` for the blueprint without each of its keys in turn."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key_path in key_paths(data):
        yield ".".join(map(str, key_path)), without(data, key_path)


def copy_folder(path: Path, into: Path) -> Path:
    """A copy of ``path``'s folder in ``into``; returns where ``path`` is in the copy."""
    target = into / path.parent.name
    shutil.copytree(path.parent, target, dirs_exist_ok=True)
    return target / path.name


def write(data: Any, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path
