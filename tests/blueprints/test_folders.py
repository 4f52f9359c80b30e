"""``edastack validate FOLDER``: blueprints are validated, files they only include are skipped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edastack.cli.main import main
from tests.blueprints.conftest import write_files

SHARED = """\
environments:
  dev: {account: "111111111111", region: eu-west-1}
"""
BLUEPRINT = """\
blueprint: shop
include: [shared/envs.yaml]
queues: {inbox: {}}
"""


def _validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", *args])
    return code, capsys.readouterr().out


def test_a_file_included_by_a_blueprint_of_the_run_is_skipped(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(workdir, {"shared/envs.yaml": SHARED, "shop.yaml": BLUEPRINT})
    assert _validate(capsys, ".") == (
        0,
        "0 errors, 0 warnings; 1 file valid; skipped 1 include-only file: shared/envs.yaml "
        "(included by shop.yaml)\n",
    )
    _, out = _validate(capsys, ".", "--format", "json")
    assert json.loads(out)["skipped"] == [
        {"file": "shared/envs.yaml", "reason": "included by shop.yaml"}
    ]


def test_an_include_of_an_include_is_skipped_too(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        workdir,
        {
            "shared/envs.yaml": "include: [tags.yaml]\n" + SHARED,
            "shared/tags.yaml": "tags: {team: shop}\n",
            "shop.yaml": BLUEPRINT,
        },
    )
    code, out = _validate(capsys, ".")
    assert code == 0
    assert "skipped 2 include-only files: shared/envs.yaml (included by shop.yaml); " in out
    assert "shared/tags.yaml (included by shop.yaml)" in out


def test_the_marker_skips_a_shared_file_no_blueprint_of_the_run_includes(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        workdir,
        {"shared/envs.yaml": "# edastack: include-only\n" + SHARED, "shop.yaml": BLUEPRINT},
    )
    assert _validate(capsys, "shared") == (
        0,
        "0 errors, 0 warnings; 0 files valid; skipped 1 include-only file: shared/envs.yaml "
        "(it is marked '# edastack: include-only')\n",
    )


def test_an_included_file_with_a_blueprint_key_or_named_on_the_command_line_is_validated(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_files(
        workdir,
        {
            "shared/envs.yaml": SHARED,
            "base.yaml": "blueprint: base\nqueues: {q: {}}\n",
            "shop.yaml": BLUEPRINT.replace("[shared/envs.yaml]", "[shared/envs.yaml, base.yaml]"),
        },
    )
    _, out = _validate(capsys, ".")
    assert out.endswith(
        "2 files valid; skipped 1 include-only file: shared/envs.yaml (included by shop.yaml)\n"
    )
    code, out = _validate(capsys, ".", "shared/envs.yaml")
    assert code == 1
    assert (
        "shared/envs.yaml:1:1: $: missing required key 'blueprint' (a file that blueprints only "
        "include is validated through them: validate the folder with the blueprints, or mark it "
        "'# edastack: include-only')"
    ) in out
