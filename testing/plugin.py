"""The pytest plugin of the edastack snapshot kit (registered through the ``pytest11`` entry point).

Installed with ``pip install edastack[gates]``, it gives every test of the project these
fixtures::

    def test_shop(blueprint_snapshot):
        blueprint_snapshot("blueprints/shop.yaml", env="prod")   # one JSON snapshot per call

    def test_shop_rules(edastack_template):
        edastack_template("blueprints/shop.yaml", "events", env="prod").resource_count_is(
            "AWS::Events::Rule", 3
        )

- ``blueprint_snapshot(path, env=None)``: the normalized templates of every stack of the
  blueprint (in ``env``, or all environments), base64 values decoded, must equal the stored
  snapshot (syrupy, JSON, keys sorted). A mismatch lists every difference, one line each.
  The first run has no snapshot and fails: write or accept snapshots with
  ``pytest --snapshot-update``, review them and commit them.
- ``edastack_templates(path, env=None)``: those templates, by stack name, to assert on.
- ``edastack_template(path, stack_suffix, env=None)``: an ``aws_cdk.assertions.Template``.
- ``blueprint_examples(path, env=None)``: the blueprint validates in ``env`` (or every
  environment), its event examples included: a contract example with ``reaches``/``misses``
  that goes elsewhere fails the test with its position and why, as ``edastack validate`` says.
- ``edastack_route(path, event, env=None, bus=None, topic=None)``: where ``event`` goes, as
  ``edastack route`` computes it (a :class:`edastack.blueprints.routing_route.Route`: its
  ``rules``, ``reaches("rule/target")``, each target's ``payload``); with ``topic``, ``event``
  is a record value (bytes, text or JSON data) of that topic.

Relative paths are taken from the current directory, then from pytest's rootdir. Templates are
synthesized with the context ``cdk synth`` gives the project (``cdk.json`` of the current
directory, else of the rootdir), once per blueprint, environment and file version per session.
A blueprint with errors fails the test with every error and its position, not a traceback.

The module imports neither ``aws_cdk`` nor syrupy: a project that installed edastack without
the ``gates`` extra can still run pytest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from aws_cdk.assertions import Template

    from edastack.blueprints.routing_route import Route

Templates = dict[str, dict[str, Any]]
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_Key = tuple[str, int, str | None]


class _Kit:
    """Per-session state: where the project is, its context and what was synthesized."""

    def __init__(self, rootpath: Path) -> None:
        self.rootpath = rootpath
        self._templates: dict[_Key, Templates] = {}
        self._context: dict[str, Any] | None = None

    def path(self, path: Path | str) -> Path:
        candidate = Path(path)
        if not candidate.is_absolute() and not candidate.exists():
            candidate = self.rootpath / candidate
        if not candidate.is_file():
            pytest.fail(f"edastack: no such blueprint file: {path}", pytrace=False)
        return candidate.resolve()

    def context(self) -> dict[str, Any]:
        if self._context is None:
            from edastack.stacks.app import project_context

            here = Path.cwd()
            self._context = project_context(
                here if (here / "cdk.json").is_file() else self.rootpath
            )
        return dict(self._context)

    def templates(self, path: Path | str, env: str | None) -> Templates:
        resolved = self.path(path)
        key = (str(resolved), resolved.stat().st_mtime_ns, env)
        if key not in self._templates:
            from edastack.testing.snapshot import blueprint_templates

            with _blueprint_errors_fail():
                self._templates[key] = blueprint_templates(resolved, env, context=self.context())
        return self._templates[key]

    def template(self, path: Path | str, stack_suffix: str, env: str | None) -> Template:
        from edastack.testing.snapshot import template

        with _blueprint_errors_fail():
            try:
                return template(self.path(path), stack_suffix, env, context=self.context())
            except LookupError as error:
                pytest.fail(f"edastack: {error}", pytrace=False)


@contextmanager
def _blueprint_errors_fail() -> Iterator[None]:
    from edastack.blueprints.validate import BlueprintError

    try:
        yield
    except BlueprintError as error:
        pytest.fail(f"edastack: the blueprint has errors:\n{error}", pytrace=False)


@pytest.fixture(scope="session")
def edastack_kit(request: pytest.FixtureRequest) -> _Kit:
    """The kit's session state (synthesized templates are cached here)."""
    return _Kit(request.config.rootpath)


@pytest.fixture
def edastack_templates(edastack_kit: _Kit) -> Callable[..., Templates]:
    """``edastack_templates(path, env=None)``: normalized templates by stack name."""

    def templates(path: Path | str, env: str | None = None) -> Templates:
        return edastack_kit.templates(path, env)

    return templates


@pytest.fixture
def edastack_template(edastack_kit: _Kit) -> Callable[..., Template]:
    """``edastack_template(path, stack_suffix, env=None)``: one stack as an assertions Template."""

    def template(path: Path | str, stack_suffix: str, env: str | None = None) -> Template:
        return edastack_kit.template(path, stack_suffix, env)

    return template


@pytest.fixture
def blueprint_examples(edastack_kit: _Kit) -> Callable[..., None]:
    """``blueprint_examples(path, env=None)``: the blueprint's event examples hold."""

    def check(path: Path | str, env: str | None = None) -> None:
        from edastack.blueprints.validate import validate_file

        report = validate_file(edastack_kit.path(path), None if env is None else [env])
        if report.errors:
            lines = "\n".join(f.format() for f in report.errors)
            pytest.fail(f"edastack: {path} has errors:\n{lines}", pytrace=False)

    return check


@pytest.fixture
def edastack_route(edastack_kit: _Kit) -> Callable[..., Route]:
    """``edastack_route(path, event, env=None, bus=None, topic=None)``: where ``event`` goes."""

    def route(
        path: Path | str,
        event: Any,
        env: str | None = None,
        bus: str | None = None,
        topic: str | None = None,
    ) -> Route:
        from edastack.blueprints.routing_input import route_one
        from edastack.blueprints.routing_route import RouteError

        with _blueprint_errors_fail():
            try:
                return route_one(edastack_kit.path(path), event, env=env, bus=bus, topic=topic)
            except RouteError as error:
                pytest.fail(f"edastack: {error}", pytrace=False)

    return route


@pytest.fixture
def blueprint_snapshot(request: pytest.FixtureRequest, edastack_kit: _Kit) -> Callable[..., None]:
    """``blueprint_snapshot(path, env=None)``: the blueprint's templates match the snapshot.

    One JSON snapshot file per call, named after the test and the call's index. A mismatch
    fails with every difference, one line each (``edastack.testing.snapshot.snapshot_diff``).
    """
    try:
        from syrupy.extensions.json import JSONSnapshotExtension
    except ImportError:  # pragma: no cover - depends on the install
        pytest.fail(
            "edastack: blueprint_snapshot needs syrupy: pip install 'edastack[gates]'",
            pytrace=False,
        )
    snapshot = request.getfixturevalue("snapshot").use_extension(JSONSnapshotExtension)
    color = request.config.get_terminal_writer().hasmarkup

    def check(path: Path | str, env: str | None = None) -> None:
        from edastack.testing.snapshot import readable_template

        templates = {
            name: readable_template(t) for name, t in edastack_kit.templates(path, env).items()
        }
        # Compare outside an `assert`: this module's asserts are not rewritten in every
        # install mode, so the difference is reported explicitly.
        if snapshot != templates:
            where = f"{path}" + (f" [{env}]" if env else "")
            pytest.fail(f"edastack: {where} {_mismatch(snapshot, color)}", pytrace=False)

    return check


def _mismatch(snapshot: Any, color: bool) -> str:
    """Why the last assertion of ``snapshot`` failed: no snapshot yet, or every difference."""
    from edastack.testing.snapshot import snapshot_diff

    result = snapshot.executions[snapshot.num_executions - 1]
    if result.recalled_data is None and result.exception is None:
        return (
            "has no snapshot yet: run pytest with --snapshot-update to write it, review the "
            "file it names, and commit it"
        )
    try:
        lines = list(
            snapshot_diff(json.loads(result.recalled_data), json.loads(result.asserted_data))
        )
    except (TypeError, ValueError):  # not JSON (a snapshot of another syrupy version)
        diff = "\n".join(snapshot.get_assert_diff())
        return f"no longer matches its snapshot\n{diff if color else _ANSI.sub('', diff)}"
    return (
        f"no longer matches its snapshot ({len(lines)} difference(s); accept them with "
        "pytest --snapshot-update):\n" + "\n".join(lines)
    )
