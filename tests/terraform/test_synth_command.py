"""``edastack synth`` writes the Terraform part beside the cloud assembly and ``edastack stacks``
lists it next to the CloudFormation stacks; cdktf loads only when there is something to write,
never for ``validate`` or the CDK app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from edastack.cli.main import main
from tests.terraform.conftest import HYBRID

REPO = Path(__file__).resolve().parents[2]
COMMERCE = REPO / "blueprints" / "examples" / "commerce.yaml"
TERRAFORM_RESOURCES = ["     8  kafka_acl", "     1  kafka_quota", "     4  kafka_topic"]


@pytest.fixture(autouse=True)
def _from_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # edastack synth reads ./cdk.json, as the CDK CLI does


def test_synth_writes_terraform_beside_the_assembly_and_stacks_lists_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "cdk.out"
    assert main(["synth", str(HYBRID), "--env", "dev", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    listing = f"hybrid-dev (terraform: {out}/terraform/stacks/hybrid-dev): 13 resources"
    assert printed[-5:] == [listing, *TERRAFORM_RESOURCES, f"wrote 4 stacks to {out}"]
    assert Path(f"{out}/terraform/stacks/hybrid-dev").is_dir()  # every path printed exists
    assert printed[0].startswith("hybrid-dev-events (aws://111111111111/eu-west-1): ")
    assert (out / "terraform" / "stacks" / "hybrid-dev" / "cdk.tf.json").is_file()
    assert (out / "manifest.json").is_file()  # the cloud assembly is where it was

    assert main(["stacks", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == printed[:-1]


def test_fails_when_cdktf_is_missing_and_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cdktf", None)  # `import cdktf` raises ImportError
    out = tmp_path / "cdk.out"
    assert main(["synth", str(HYBRID), "--env", "dev", "--out", str(out)]) == 2
    err = capsys.readouterr().err  # before CDK bundles anything
    assert err.startswith(
        "edastack synth: the topics, ACLs and quotas of external cluster(s) datacenter, "
        "partner are written as Terraform with cdktf, which is not installed ("
    )
    assert err.endswith("): pip install 'edastack[terraform]'\n")
    assert not out.exists()


_LOADED = "sorted(m for m in sys.modules if m.split('.')[0] == 'cdktf')"
_ISOLATION = f"""
import sys, tempfile
from edastack.cli.main import main
from edastack.stacks.app import build_app

assert main(['validate', {str(HYBRID)!r}]) == 0
build_app({str(HYBRID)!r}, ['dev']).synth()  # what app.py does under `cdk synth`
out = tempfile.mkdtemp()
assert main(['synth', {str(COMMERCE)!r}, '--env', 'dev', '--out', out + '/a']) == 0
print('cdk only:', {_LOADED})
assert main(['synth', {str(HYBRID)!r}, '--env', 'dev', '--out', out + '/b']) == 0
print('with external topics:', bool({_LOADED}))
"""


def test_cdktf_loads_only_for_external_topics() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _ISOLATION],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = [line for line in done.stdout.splitlines() if line.startswith(("cdk", "with"))]
    assert results == ["cdk only: []", "with external topics: True"]
