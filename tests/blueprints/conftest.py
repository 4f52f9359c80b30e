"""Fixtures for the blueprint-language tests.

Every test writes its YAML into ``tmp_path`` and runs from there, so the loader's display names
(paths relative to the working directory) are the bare file names the expected messages use.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from edastack.blueprints.validate import FileReport, validate_file
from edastack.cli.main import main

Files = Mapping[str, str | bytes]


def write_files(root: Path, files: Files) -> None:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def report(workdir: Path) -> Callable[..., FileReport]:
    """``report(text, files={...}, envs=None)``: validate ``bp.yaml`` holding ``text``."""

    def run(
        text: str | bytes, files: Files | None = None, envs: Iterable[str] | None = None
    ) -> FileReport:
        write_files(workdir, {**(files or {}), "bp.yaml": text})
        return validate_file("bp.yaml", envs)

    return run


@pytest.fixture
def messages(report: Callable[..., FileReport]) -> Callable[..., list[str]]:
    """Like ``report`` but returns every finding formatted as the CLI prints it."""

    def run(
        text: str | bytes, files: Files | None = None, envs: Iterable[str] | None = None
    ) -> list[str]:
        return [f.format() for f in report(text, files, envs).findings]

    return run


@pytest.fixture
def cli(workdir: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """``cli(text, *args, files={...})``: ``edastack validate bp.yaml *args`` → code, out, err."""

    def run(text: str | bytes, *args: str, files: Files | None = None) -> tuple[int, str, str]:
        write_files(workdir, {**(files or {}), "bp.yaml": text})
        code = main(["validate", "bp.yaml", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run
