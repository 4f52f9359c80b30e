"""An ``--out`` that ``synth`` or ``check`` cannot use is refused before anything runs: exit 2,
one line on stderr saying what is wrong with it, nothing moved, written or removed (a file there
stayed hidden beside an assembly, a path under a file crashed, ``/proc/x`` hung in jsii)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[2]
PARTNER = REPO / "blueprints" / "examples" / "partner-ingress.yaml"
EXPECTED = "name a folder for the cloud assembly"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bp.yaml").write_bytes(PARTNER.read_bytes())
    (tmp_path / "notes.txt").write_text("my notes", encoding="utf-8")
    return tmp_path


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("command", ["synth", "check"])
@pytest.mark.parametrize(
    ("out", "reason"),
    [
        ("notes.txt", "a file is there, not a folder"),
        ("notes.txt/sub", "notes.txt is a file, not a folder"),
    ],
)
def test_an_out_at_or_under_a_file_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str], command: str, out: str, reason: str
) -> None:
    before = files(folder)
    assert main([command, "bp.yaml", "--env", "dev", "--out", out]) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        f"edastack {command}: --out {out}: {reason}; {EXPECTED}\n",
    )
    assert files(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == ["bp.yaml", "notes.txt"]


@pytest.mark.parametrize("out", [".", "..", "{folder}"])
def test_synth_refuses_an_out_that_holds_the_blueprint(
    folder: Path, capsys: pytest.CaptureFixture[str], out: str
) -> None:
    out = out.format(folder=folder)
    before = files(folder)
    assert main(["synth", "bp.yaml", "--env", "dev", "--out", out]) == 2
    assert capsys.readouterr().err == (
        f"edastack synth: --out {out}: it holds bp.yaml, which synth would replace; {EXPECTED}\n"
    )
    assert files(folder) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
@pytest.mark.parametrize("command", ["synth", "check"])
def test_an_out_that_cannot_be_written_is_refused_at_once(folder: Path, command: str) -> None:
    child = subprocess.run(  # in a child: jsii waited forever on this
        [sys.executable, "-m", "edastack.cli.main", command, "bp.yaml", "--out", "/proc/nope"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == (
        f"edastack {command}: --out /proc/nope: cannot write in /proc (No such file or "
        f"directory); {EXPECTED}\n"
    )
