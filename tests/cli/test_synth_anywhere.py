"""The same templates from any folder: edastack's feature flags live in the package.

A queue or key policy that depends on a feature flag must not change with the folder a user
happens to run ``edastack synth`` (or the test kit, or ``check``) from.
"""

import json
from pathlib import Path

import pytest

from edastack.cli.main import main
from edastack.stacks.app import FEATURE_FLAGS, project_context
from edastack.testing.snapshot import normalize_template

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "blueprints" / "examples" / "partner-ingress.yaml"


def _templates(out: Path) -> dict[str, object]:
    return {
        p.name: normalize_template(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(out.glob("*.template.json"))
    }


def test_templates_are_the_same_from_the_checkout_and_from_an_empty_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    assert main(["synth", str(EXAMPLE), "--out", str(tmp_path / "here")]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    assert main(["synth", str(EXAMPLE), "--out", str(tmp_path / "there")]) == 0
    capsys.readouterr()
    here, there = _templates(tmp_path / "here"), _templates(tmp_path / "there")
    assert here and here == there


def test_a_project_cdk_json_still_overrides_a_flag(tmp_path: Path) -> None:
    name = next(iter(FEATURE_FLAGS))  # any of ours: the project's value wins
    (tmp_path / "cdk.json").write_text(
        json.dumps({"context": {name: "user's choice"}}), encoding="utf-8"
    )
    assert project_context(tmp_path)[name] == "user's choice"
    assert project_context(tmp_path / "nowhere") == project_context(REPO)
