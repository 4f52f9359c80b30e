"""The layers import in one direction only (CONTRIBUTING.md, "Layers: one direction").

::

    cli ──► testing ──► stacks ──► blueprints ──► aws
     │                    │            ▲           ▲ ▲
     │                    └──────► constructs ─────┘ │
     └──────► terraform ───────────────┴─────────────┘
    rules ──► aws

``aws`` holds CDK-free AWS facts and imports nothing of edastack. The language
(``blueprints``) and the construct library (``constructs``) each stand on ``aws`` alone and
never on each other; ``stacks`` is the only place they meet. Nothing imports the CLI. The
language and ``aws`` never import ``aws_cdk`` (that import alone costs about a second).
``terraform`` (cdktf) stands on the language and ``aws``, never on the CDK; only the CLI
imports it, so neither ``validate`` nor the CDK app ever loads cdktf.

Every import counts: inside functions, under ``TYPE_CHECKING``, and modules loaded by name
through ``importlib``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("aws", "blueprints", "constructs", "stacks", "rules", "testing", "terraform", "cli")
# Libraries by top-level name: the CDK and what only a CDK app loads, cdktf, and the construct
# library both stand on.
CDK, CDKTF, CONSTRUCTS = "cdk", "cdktf", "constructs library"
LIBRARIES = {"aws_cdk": CDK, "cdk_nag": CDK, "cdktf": CDKTF, "constructs": CONSTRUCTS}
WITH_CDK = frozenset({CDK, CONSTRUCTS})

# What each layer may import besides itself.
ALLOWED: dict[str, frozenset[str]] = {
    "aws": frozenset(),
    "blueprints": frozenset({"aws"}),
    "constructs": frozenset({"aws"}) | WITH_CDK,
    "stacks": frozenset({"aws", "blueprints", "constructs"}) | WITH_CDK,
    "rules": frozenset({"aws"}) | WITH_CDK,
    "testing": frozenset({"aws", "blueprints", "constructs", "stacks", "rules"}) | WITH_CDK,
    "terraform": frozenset({"aws", "blueprints", CDKTF, CONSTRUCTS}),
    "cli": frozenset(LAYERS) | WITH_CDK | {CDKTF},
    # the CDK app and the benchmarks are users of the layers, like the CLI, but not of cdktf
    "app.py": frozenset(LAYERS) - {"cli", "terraform"} | WITH_CDK,
    "bench": frozenset(LAYERS) - {"cli", "terraform"} | WITH_CDK,
}


def layer_of(module: str) -> str | None:
    """The layer (or library) a module of an absolute import belongs to; None if neither."""
    parts = module.split(".")
    if parts[0] == "edastack" and len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return LIBRARIES.get(parts[0])


def imported_modules(source: str) -> Iterator[tuple[int, str, bool]]:
    """``(line, module, by_name)`` of every absolute import in ``source``; ``by_name`` when it
    is loaded through ``importlib.import_module`` or ``__import__`` with a literal name."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name, False) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "edastack":  # from edastack import blueprints
                yield from ((node.lineno, f"edastack.{a.name}", False) for a in node.names)
            else:
                yield node.lineno, node.module, False
        elif isinstance(node, ast.Call) and _loads_by_name(node.func) and node.args:
            name = node.args[0]
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                yield node.lineno, name.value, True


def _loads_by_name(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        return func.attr == "import_module"
    return isinstance(func, ast.Name) and func.id in ("import_module", "__import__")


def layer_violations(owner: str, source: str) -> list[str]:
    """What ``source``, a module of ``owner``, imports against the layering."""
    allowed = ALLOWED[owner] | {owner}
    found = []
    for line, module, by_name in imported_modules(source):
        layer = layer_of(module)
        if layer is not None and layer not in allowed:
            found.append(f"{line}: {owner} imports {module}")
        elif by_name and layer is not None and layer not in LIBRARIES.values():
            found.append(f"{line}: loads {module} through importlib (import it; mypy follows)")
    return sorted(set(found))


def modules_of(owner: str) -> Iterator[Path]:
    path = REPO / owner
    if path.is_file():
        yield path
    else:
        yield from sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_layer_is_scanned() -> None:
    for owner in ALLOWED:
        assert any(modules_of(owner)), f"no module found in {owner}"


@pytest.mark.parametrize("owner", list(ALLOWED))
def test_layer_imports_in_one_direction(owner: str) -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{violation}"
        for path in modules_of(owner)
        for violation in layer_violations(owner, path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("owner", "source", "expected"),
    [
        pytest.param(
            "blueprints",
            "from edastack.constructs.dead_letter import DeadLetterQueue\n",
            ["1: blueprints imports edastack.constructs.dead_letter"],
            id="language_imports_a_construct",
        ),
        pytest.param(
            "blueprints",
            "def f():\n    import aws_cdk\n",
            ["2: blueprints imports aws_cdk"],
            id="language_imports_cdk_inside_a_function",
        ),
        pytest.param(
            "aws",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
            "    from edastack.blueprints import model\n",
            ["3: aws imports edastack.blueprints"],
            id="bottom_layer_imports_for_types",
        ),
        pytest.param(
            "aws",
            "from constructs import Construct\n",
            ["1: aws imports constructs"],
            id="bottom_layer_imports_the_construct_library",
        ),
        pytest.param(
            "constructs",
            "from edastack import blueprints\n",
            ["1: constructs imports edastack.blueprints"],
            id="construct_imports_the_language_package",
        ),
        pytest.param(
            "stacks",
            "import edastack.cli.main\n",
            ["1: stacks imports edastack.cli.main"],
            id="composition_imports_the_cli",
        ),
        pytest.param(
            "rules",
            "from edastack.stacks.app import build_app\n",
            ["1: rules imports edastack.stacks.app"],
            id="rules_import_the_composition",
        ),
        pytest.param(
            "cli",
            'import importlib\ngates = importlib.import_module("edastack.testing.gates")\n',
            ["2: loads edastack.testing.gates through importlib (import it; mypy follows)"],
            id="cli_loads_a_module_by_name",
        ),
        pytest.param(
            "testing",
            '__import__("edastack.cli.main")\n',
            ["1: testing imports edastack.cli.main"],
            id="testing_loads_the_cli_by_name",
        ),
        pytest.param(
            "terraform",
            "from aws_cdk import Stack\n",
            ["1: terraform imports aws_cdk"],
            id="terraform_imports_the_cdk",
        ),
        pytest.param(
            "stacks",
            "from edastack.terraform.synth import synth_terraform\n",
            ["1: stacks imports edastack.terraform.synth"],
            id="composition_imports_terraform",
        ),
        pytest.param(
            "app.py",
            "def f():\n    import cdktf\n",
            ["2: app.py imports cdktf"],
            id="cdk_app_imports_cdktf",
        ),
        pytest.param(
            "terraform",
            "from cdktf import TerraformStack\nfrom constructs import Construct\n"
            "from edastack.blueprints import model as m\n",
            [],
            id="terraform_on_cdktf_and_the_language",
        ),
        pytest.param(
            "stacks",
            "from edastack.aws import limits\nfrom edastack.blueprints import model as m\n"
            "from edastack.constructs.event_bus import EventBus\nfrom aws_cdk import Stack\n",
            [],
            id="composition_meets_both_sides",
        ),
        pytest.param(
            "blueprints",
            "from edastack.aws.limits import RULE_TARGETS_MAX\nfrom .findings import error\n"
            'text = "from edastack.constructs import x"\n',
            [],
            id="language_on_the_bottom_layer",
        ),
        pytest.param(
            "cli",
            "from importlib.metadata import version\nimport importlib\n"
            'importlib.import_module("yaml")\n',
            [],
            id="cli_loads_a_library_by_name",
        ),
    ],
)
def test_detector(owner: str, source: str, expected: list[str]) -> None:
    assert layer_violations(owner, source) == expected
