"""Our folders are imported as ``edastack.*`` only (see CONTRIBUTING.md, "Layers").

``from constructs.dead_letter import X`` would load a second copy of the module under another
name (or fail once the real ``constructs`` library shadows the folder). ``import constructs``
and ``from constructs import Construct`` are the CDK library and stay allowed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
OUR_FOLDERS = ("aws", "constructs", "stacks", "blueprints", "cli", "rules", "testing")
SCANNED = (*OUR_FOLDERS, "tests", "bench", "app.py")


def our_modules(repo: Path) -> dict[str, set[str]]:
    """For each of our folders, the module names directly inside it (files and sub-folders)."""
    modules: dict[str, set[str]] = {}
    for folder in OUR_FOLDERS:
        names: set[str] = set()
        base = repo / folder
        if base.is_dir():
            for child in base.iterdir():
                if child.suffix == ".py":
                    names.add(child.stem)
                elif child.is_dir() and not child.name.startswith((".", "__")):
                    names.add(child.name)
        modules[folder] = names
    return modules


def bad_imports(source: str, modules: dict[str, set[str]]) -> list[tuple[int, str]]:
    """``(line, module)`` for each import of one of our folders' modules by its bare name."""

    def ours(dotted: str) -> bool:
        parts = dotted.split(".")
        return len(parts) >= 2 and parts[1] in modules.get(parts[0], set())

    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if ours(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if ours(node.module):
                found.append((node.lineno, node.module))
            else:  # from constructs import dead_letter
                found += [
                    (node.lineno, f"{node.module}.{a.name}")
                    for a in node.names
                    if ours(f"{node.module}.{a.name}")
                ]
    return found


def python_files(repo: Path) -> Iterator[Path]:
    for name in SCANNED:
        path = repo / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def test_repository_imports_our_modules_through_edastack() -> None:
    modules = our_modules(REPO)
    assert "limits" in modules["aws"]  # the scan sees the repository
    offenders = [
        f"{path.relative_to(REPO)}:{line}: import {module} (use edastack.{module})"
        for path in python_files(REPO)
        for line, module in bad_imports(path.read_text(encoding="utf-8"), modules)
    ]
    assert offenders == []


def test_scan_covers_every_layer() -> None:
    scanned = {p.relative_to(REPO).parts[0] for p in python_files(REPO)}
    assert {"aws", "blueprints", "cli", "constructs", "rules", "testing", "tests"} <= scanned


MODULES = {
    "constructs": {"dead_letter", "limits"},
    "stacks": {"app"},
    "blueprints": {"loader", "validate"},
    "cli": {"main"},
}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "from constructs.dead_letter import DeadLetterQueue\n",
            [(1, "constructs.dead_letter")],
            id="from_constructs_submodule",
        ),
        pytest.param(
            "import os\nimport blueprints.loader\n",
            [(2, "blueprints.loader")],
            id="import_blueprints_submodule",
        ),
        pytest.param("import stacks.app as app\n", [(1, "stacks.app")], id="import_as"),
        pytest.param(
            "from cli import main\n", [(1, "cli.main")], id="from_folder_import_submodule"
        ),
        pytest.param(
            "def f():\n    from constructs.limits import RULE_TARGETS_MAX\n",
            [(2, "constructs.limits")],
            id="import_inside_a_function",
        ),
        pytest.param(
            "try:\n    import blueprints.validate\nexcept ImportError:\n    pass\n",
            [(2, "blueprints.validate")],
            id="import_inside_try",
        ),
        pytest.param("import constructs\n", [], id="cdk_constructs_library"),
        pytest.param(
            "from constructs import Construct, IConstruct\n", [], id="cdk_construct_class"
        ),
        pytest.param(
            "from edastack.constructs.dead_letter import DeadLetterQueue\n"
            "import edastack.blueprints.loader\n",
            [],
            id="edastack_imports",
        ),
        pytest.param("from constructs.unknown import X\n", [], id="not_one_of_our_files"),
        pytest.param("from .loader import Node\n", [], id="relative_import"),
        pytest.param('text = "from constructs.dead_letter import X"\n', [], id="string_not_import"),
    ],
)
def test_detector(source: str, expected: list[tuple[int, str]]) -> None:
    assert bad_imports(source, MODULES) == expected
