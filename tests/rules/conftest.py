"""Fixtures for the rule pack tests: small plain-CDK apps, synthesized, then checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from aws_cdk import App, Stack

from edastack.rules.pack import RuleFinding, evaluate_templates

Build = Callable[[Stack], None]
Check = Callable[..., list[RuleFinding]]


def synth_templates(app: App) -> list[str]:
    """The template files of ``app``'s stacks, after synthesis."""
    return [stack.template_full_path for stack in app.synth().stacks]


@pytest.fixture
def check(tmp_path: Path) -> Check:
    """``check(build, *more)``: the pack's findings on an app of one stack per build function.

    Each build function gets its own stack (``s0``, ``s1``...), so cross-stack references are
    real ``Fn::ImportValue``s.
    """

    def run(*builds: Build) -> list[RuleFinding]:
        app = App(outdir=str(tmp_path / "cdk.out"))
        for index, build in enumerate(builds):
            build(Stack(app, f"s{index}"))
        return evaluate_templates(synth_templates(app))

    return run


def ids(findings: list[RuleFinding], rule_id: str | None = None) -> list[str]:
    """``rule_name@logical_id`` of each finding (of ``rule_id`` only, if given), sorted."""
    return sorted(f"{f.rule_name}@{f.logical_id}" for f in findings if rule_id in (None, f.rule_id))
