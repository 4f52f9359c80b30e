"""An ``--env`` the blueprint does not declare is a usage error for every command that takes
one: exit 2 (``diff``: 4, as for a blueprint it cannot read, since 2 means dangerous there), one
line on stderr naming the environments there are, nothing on stdout, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from edastack.cli.main import main

BLUEPRINT = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
  prod: {account: "222222222222", region: eu-west-1}
eventbridge:
  buses:
    main: {}
"""
REFUSED = "shop.yaml: no environment named 'nope' (environments: dev, prod)"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.yaml").write_text(BLUEPRINT, encoding="utf-8")
    (tmp_path / "event.json").write_text('{"source": "a", "detail-type": "b"}', encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["validate", "shop.yaml"], 2),
        (["validate", "shop.yaml", "--format", "json"], 2),
        (["plan", "shop.yaml"], 2),
        (["route", "shop.yaml", "event.json"], 2),
        (["graph", "shop.yaml"], 2),
        (["asyncapi", "shop.yaml", "-o", "api.json"], 2),
        (["synth", "shop.yaml", "--out", "out"], 2),
        (["check", "shop.yaml", "--out", "out"], 2),
        (["diff", "shop.yaml", "--baseline", "shop.yaml"], 4),
    ],
)
def test_an_unknown_env_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int
) -> None:
    assert main([*argv, "--env", "nope"]) == code
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"edastack {argv[0]}: {REFUSED}\n")
    assert sorted(p.name for p in folder.iterdir()) == ["event.json", "shop.yaml"]


def test_validate_names_every_file_without_the_env(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "other.yaml").write_text(BLUEPRINT.replace("prod", "test"), encoding="utf-8")
    assert main(["validate", "shop.yaml", "other.yaml", "--env", "prod", "--env", "nope"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "edastack validate: shop.yaml: no environment named 'nope' (environments: dev, prod)",
        "edastack validate: other.yaml: no environment named 'prod' (environments: dev, test)",
        "edastack validate: other.yaml: no environment named 'nope' (environments: dev, test)",
    ]
