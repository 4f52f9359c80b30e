"""The README's "Contracts" walkthrough runs as written: its files are written in order into a
git repository whose ``main`` holds the last state that validated (what was deployed), and
every ``$ edastack ...`` prints what the README shows."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from edastack.cli.main import main

README = Path(__file__).resolve().parents[1] / "README.md"
HEADING = "## Contracts: versions that evolve safely"
# A YAML block naming its file on its first line, a JSON block after "`file`:", or a command
# with its output.
STEP = re.compile(
    r"```yaml\n# (?P<yaml_name>\S+)\n(?P<yaml>.*?)```"
    r"|`(?P<json_name>[^`]+\.json)`[^\n]*:\n\n```json\n(?P<json>.*?)```"
    r"|```\n\$ edastack (?P<command>.*?)\n(?P<output>.*?)```",
    re.S,
)
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(HEADING)
    return text[start : text.index("\n## ", start + len(HEADING))]


def _deploy() -> None:
    subprocess.run([*GIT, "add", "."], check=True)
    subprocess.run([*GIT, "commit", "-qm", "deployed", "--allow-empty"], check=True)


def test_the_contracts_walkthrough_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run([*GIT, "init", "-q", "-b", "main"], check=True)
    (tmp_path / "contracts").mkdir()
    deployable, commands = True, 0
    for step in STEP.finditer(_section()):
        name = step["yaml_name"] or step["json_name"]
        if name is not None:
            path = tmp_path / name
            if path.exists() and deployable:
                _deploy()  # what validated last is on main before it changes
                deployable = False
            content = step["yaml"] if step["yaml_name"] else step["json"]
            path.write_text(content, encoding="utf-8")
            continue
        code = main(step["command"].split())
        assert capsys.readouterr().out == step["output"], step["command"]
        deployable, commands = code == 0, commands + 1
    assert commands == 3
