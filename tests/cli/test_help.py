"""``--help`` of the commands registered with ``add_blueprint_command``: the summary and the
description come from the command module's docstring, the exit codes from ``cli.exits``."""

from __future__ import annotations

import argparse
import importlib

import pytest

from edastack.cli.arguments import add_command
from edastack.cli.main import main


def help_of(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--help"])
    assert exit_.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal


@pytest.mark.parametrize("name", ["asyncapi", "check", "diff", "graph", "plan", "route"])
def test_help_says_what_the_docstring_says(capsys: pytest.CaptureFixture[str], name: str) -> None:
    doc = importlib.import_module(f"edastack.cli.{name}").__doc__ or ""
    summary, description = (" ".join(part.split()) for part in doc.split("\n\n", 1))
    summary = summary.removeprefix(f"``edastack {name}``: ").removesuffix(".")
    assert f"{name} {summary}" in help_of(capsys)
    text = help_of(capsys, name)
    assert description.split(":")[0] in text  # its first clause, before argparse can wrap it
    assert "``" not in text.replace("```mermaid", "")  # reST literals read as plain text
    assert "exit codes: 0 " in text and "3 an internal error (a bug)" in text


def test_a_docstring_without_its_summary_is_refused() -> None:
    commands = argparse.ArgumentParser().add_subparsers()
    with pytest.raises(ValueError, match="``edastack x``"):
        add_command(commands, "x", "Does x.", {})
