"""Fixtures for the Terraform part: the hybrid blueprint (``hybrid.yaml``: a SCRAM cluster in a
data centre and a partner's MSK cluster, both external, in an imported VPC) synthesized once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints import model as m
from edastack.blueprints.validate import validate_file

HYBRID = Path(__file__).resolve().parent / "hybrid.yaml"
Config = dict[str, Any]


def blueprints_of(path: Path | str, env: str | None = None) -> list[m.Blueprint]:
    report = validate_file(path, None if env is None else [env])
    assert report.ok, [f.format() for f in report.findings]
    return list(report.blueprints.values())


@pytest.fixture(scope="session")
def hybrid_assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where ``synth_terraform`` wrote the hybrid blueprint's configurations (every env)."""
    from edastack.terraform.synth import synth_terraform  # cdktf: only the tests that need it

    out = tmp_path_factory.mktemp("hybrid") / "cdk.out"
    assert synth_terraform(blueprints_of(HYBRID), out) == ["hybrid-dev", "hybrid-prod"]
    return out


@pytest.fixture(scope="session")
def hybrid(hybrid_assembly: Path) -> Callable[[str], Config]:
    """``hybrid(env)``: the ``cdk.tf.json`` of that environment, parsed."""

    def config(env: str) -> Config:
        path = hybrid_assembly / "terraform" / "stacks" / f"hybrid-{env}" / "cdk.tf.json"
        loaded: Config = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    return config


@pytest.fixture
def findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[str]]:
    """``findings(text)``: every finding of ``bp.yaml`` holding ``text``, as the CLI prints it."""
    monkeypatch.chdir(tmp_path)

    def run(text: str) -> list[str]:
        (tmp_path / "bp.yaml").write_text(text, encoding="utf-8")
        return [f.format() for f in validate_file("bp.yaml", None).findings]

    return run
