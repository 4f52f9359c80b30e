"""Fixtures for the composition tests: build blueprints into CDK apps with ``cdk.json``'s flags.

Synthesis costs seconds, so each example is built once per session (``example_stacks``) and
inline blueprints are kept small. Stacks are returned by stack name.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from aws_cdk import App, Stack

from edastack.blueprints.model import Blueprint
from edastack.stacks.app import blueprints_for, build_app, project_context

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "blueprints" / "examples"
EXAMPLE_NAMES = ("commerce", "partner-ingress", "serverless-kafka")

Build = Callable[..., dict[str, Stack]]


def build(path: Path | str, environments: Iterable[str] | None = None) -> dict[str, Stack]:
    """The stacks of ``path`` by stack name, with the feature flags ``cdk synth`` uses."""
    app = App(context=project_context(REPO))
    build_app(path, environments, app=app)
    return {c.stack_name: c for c in app.node.children if isinstance(c, Stack)}


@pytest.fixture(scope="session")
def build_blueprint() -> Build:
    """``build_blueprint(path, envs=None)``: the stacks of a blueprint file, by stack name."""
    return build


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def synth(tmp_path: Path) -> Build:
    """``synth(yaml_text, envs=None, name="bp.yaml")``: the stacks of an inline blueprint."""

    def run(text: str, envs: Iterable[str] | None = None, name: str = "bp.yaml") -> dict:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return build(path, envs)

    return run


@pytest.fixture(scope="session")
def example_stacks() -> dict[str, Stack]:
    """Every stack of every example in every environment, by stack name (built once)."""
    stacks: dict[str, Stack] = {}
    for name in EXAMPLE_NAMES:
        stacks.update(build(EXAMPLES / f"{name}.yaml"))
    return stacks


@pytest.fixture(scope="session")
def example_models() -> dict[str, Blueprint]:
    """The model of every example in every environment, by stack prefix (``commerce-dev``)."""
    return {
        f"{bp.name}-{bp.environment.name}": bp
        for name in EXAMPLE_NAMES
        for bp in blueprints_for(EXAMPLES / f"{name}.yaml", None)
    }
