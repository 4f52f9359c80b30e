"""``edastack validate``: exit codes, output formats, options, and never a traceback."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from edastack.blueprints import loader
from edastack.cli.main import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "blueprints" / "examples"
HERE = Path(__file__).resolve().parent

VALID = """\
blueprint: demo
environments:
  dev: {account: "111111111111", region: eu-west-1}
  prod: {account: "222222222222", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core}
eventbridge:
  buses:
    main: {}
  rules:
    r1:
      pattern: {source: [shop]}
      targets:
        q: {sqs: inbox}
        fn: {lambda: "arn:aws:lambda:${region}:${account}:function:f"}
queues:
  inbox: {}
"""
BROKEN = VALID.replace("orders: {cluster: core}", "orders: {cluster: core, partitions: 0}")
WARNS = VALID.replace("orders: {cluster: core}", "orders: {cluster: core, replication: 2}")


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- exit codes and text output --------------------------------------------------------------


def test_exit_0_for_the_examples(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    examples = len(list((REPO / "blueprints" / "examples").glob("*.yaml")))
    assert run(capsys, "blueprints/examples") == (
        0,
        f"0 errors, 0 warnings; {examples} files valid\n",
        "",
    )


def test_exit_1_lists_findings_then_a_total(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    write(workdir, {"bp.yaml": BROKEN})
    assert run(capsys, "bp.yaml") == (
        1,
        "bp.yaml:9:41: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


def test_exit_0_with_warnings_only(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"bp.yaml": WARNS})
    assert run(capsys, "bp.yaml") == (
        0,
        "bp.yaml:9:42: $.kafka.topics.orders.replication: warning: replication 2 on a "
        "3-broker cluster loses data when 2 brokers fail; use 3, or acknowledge: "
        "{low-replication: <reason>}\n"
        "0 errors, 1 warning; 1 file valid\n",
        "",
    )


def test_exit_2_for_a_missing_path(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"bp.yaml": VALID})
    assert run(capsys, "bp.yaml", "nope.yaml") == (
        2,
        "",
        "edastack validate: no such file or folder: nope.yaml\n",
    )


def test_exit_2_for_a_folder_without_blueprints(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    write(workdir, {"empty/README.md": "nothing here\n"})
    assert run(capsys, "empty") == (
        2,
        "",
        "edastack validate: no blueprint files (*.yaml, *.yml) in folder empty\n",
    )


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        pytest.param(["validate"], "the following arguments are required: PATH", id="no_path"),
        pytest.param(
            ["validate", "bp.yaml", "--format", "xml"],
            "argument --format: invalid choice: 'xml' (choose from 'text', 'json', 'sarif')",
            id="unknown_format",
        ),
        pytest.param(
            ["validate", "bp.yaml", "--strict"],
            "unrecognized arguments: --strict",
            id="unknown_flag",
        ),
        pytest.param([], "the following arguments are required: COMMAND", id="no_command"),
    ],
)
def test_exit_2_for_bad_usage(
    capsys: pytest.CaptureFixture[str], workdir: Path, argv: list[str], complaint: str
) -> None:
    write(workdir, {"bp.yaml": VALID})
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert complaint in capsys.readouterr().err


# --- options ---------------------------------------------------------------------------------


def test_summary_counts_each_valid_file(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"a.yaml": VALID, "b.yaml": BROKEN})
    assert run(capsys, "a.yaml", "b.yaml", "--summary") == (
        1,
        "b.yaml:9:41: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0\n"
        "a.yaml: ok [dev, prod] 1 clusters · 1 topics · 1 buses · 1 rules · 2 targets · "
        "1 queues · 0 bridges · 0 contracts\n"
        "1 error, 0 warnings in 1 of 2 files\n",
        "",
    )


def test_env_selects_one_environment(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"bp.yaml": VALID})
    code, out, _ = run(capsys, "bp.yaml", "--env", "prod", "--summary")
    assert (code, out.splitlines()[0]) == (
        0,
        "bp.yaml: ok [prod] 1 clusters · 1 topics · 1 buses · 1 rules · 2 targets · "
        "1 queues · 0 bridges · 0 contracts",
    )


def test_env_limits_findings_to_that_environment(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    text = VALID.replace(
        '  dev: {account: "111111111111", region: eu-west-1}',
        '  dev:\n    account: "111111111111"\n    region: eu-west-1\n'
        "    overrides: {kafka: {topics: {orders: {partitions: 0}}}}",
    )
    write(workdir, {"bp.yaml": text})
    assert run(capsys, "bp.yaml", "--env", "prod")[0] == 0
    assert run(capsys, "bp.yaml", "--env", "dev") == (
        1,
        "bp.yaml:6:55: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )
    # validating both names the environment the error belongs to
    assert run(capsys, "bp.yaml")[1].splitlines()[0] == (
        "bp.yaml:6:55: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0 (in environment dev)"
    )


def test_unknown_env_is_a_usage_error(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"bp.yaml": VALID})
    assert run(capsys, "bp.yaml", "--env", "staging") == (
        2,
        "",
        "edastack validate: bp.yaml: no environment named 'staging' (environments: dev, prod)\n",
    )


def test_folder_is_searched_recursively(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(
        workdir,
        {
            "bps/a.yaml": VALID,
            "bps/team/b.yml": BROKEN,
            "bps/notes.txt": "not a blueprint",
        },
    )
    assert run(capsys, "bps", "--summary") == (
        1,
        "bps/team/b.yml:9:41: $.kafka.topics.orders.partitions: a topic needs at least 1 "
        "partition, found 0\n"
        "bps/a.yaml: ok [dev, prod] 1 clusters · 1 topics · 1 buses · 1 rules · 2 targets · "
        "1 queues · 0 bridges · 0 contracts\n"
        "1 error, 0 warnings in 1 of 2 files\n",
        "",
    )


def test_json_format(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"a.yaml": VALID, "b.yaml": BROKEN.replace("{sqs: inbox}", "{sqs: inbx}")})
    code, out, err = run(capsys, "a.yaml", "b.yaml", "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "files": [
            {
                "file": "a.yaml",
                "ok": True,
                "environments": ["dev", "prod"],
                "summary": {
                    "clusters": 1,
                    "topics": 1,
                    "buses": 1,
                    "rules": 1,
                    "targets": 2,
                    "queues": 1,
                    "bridges": 0,
                    "contracts": 0,
                },
                "findings": [],
            },
            {
                "file": "b.yaml",
                "ok": False,
                "environments": [],
                "summary": None,
                "findings": [
                    {
                        "severity": "error",
                        "code": "partitions",
                        "file": "b.yaml",
                        "line": 9,
                        "column": 41,
                        "path": "$.kafka.topics.orders.partitions",
                        "message": "a topic needs at least 1 partition, found 0",
                    },
                    {
                        "severity": "error",
                        "code": "dangling-reference",
                        "file": "b.yaml",
                        "line": 17,
                        "column": 18,
                        "path": "$.eventbridge.rules.r1.targets.q.sqs",
                        "message": "no queue named 'inbx' (queues: inbox); did you mean 'inbox'?",
                    },
                ],
            },
        ],
        "errors": 2,
        "warnings": 0,
        "skipped": [],
    }


def test_json_format_counts_warnings(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    write(workdir, {"bp.yaml": WARNS})
    code, out, _ = run(capsys, "bp.yaml", "--format", "json")
    report = json.loads(out)
    assert (code, report["errors"], report["warnings"]) == (0, 0, 1)
    assert report["files"][0]["ok"] is True
    assert [f["severity"] for f in report["files"][0]["findings"]] == ["warning"]


# --- no traceback, whatever the input --------------------------------------------------------


def _bomb() -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join(lines) + "\n"


LOADER_INPUTS: dict[str, tuple[str | bytes, dict[str, str | bytes]]] = {
    "yaml_syntax": ("blueprint: demo\nkafka: [x\n", {}),
    "python_tag": ("blueprint: !!python/object/apply:os.system [echo hi]\n", {}),
    "custom_tag": ("blueprint: demo\ndescription: !Ref X\n", {}),
    "duplicate_key": ("blueprint: demo\nowner: a\nowner: b\n", {}),
    "billion_laughs": (_bomb(), {}),
    "recursive_alias": ("blueprint: demo\ntags: &a\n  x: *a\n", {}),
    "over_size_cap": (b"blueprint: demo\n" + b"#" * loader.MAX_FILE_BYTES, {}),
    "nul_byte": (b"blueprint: demo\x00\n", {}),
    "not_utf8": (b"blueprint: caf\xe9\n", {}),
    "empty": ("", {}),
    "top_level_list": ("- a\n", {}),
    "merge_key": ("blueprint: demo\ntags:\n  <<: {a: b}\n", {}),
    "include_cycle": ("include: a.yaml\nblueprint: demo\n", {"a.yaml": "include: bp.yaml\n"}),
    "include_missing": ("include: nope.yaml\nblueprint: demo\n", {}),
    "include_folder": ("include: .\nblueprint: demo\n", {}),
    "include_broken": ("include: a.yaml\nblueprint: demo\n", {"a.yaml": b"\xff"}),
    "unknown_variable": ("blueprint: demo\nowner: '${nope}'\n", {}),
    "account_without_environments": ("blueprint: demo\nowner: '${account}'\n", {}),
    "environments_null": ("blueprint: demo\nenvironments:\n", {}),
    "environment_scalar": ("blueprint: demo\nenvironments: {dev: 5}\n", {}),
    "overrides_scalar": (
        "blueprint: demo\nenvironments:\n  dev: {account: '111111111111', region: eu-west-1, "
        "overrides: {kafka: 5}}\n",
        {},
    ),
    "sections_null": (
        "blueprint: demo\nkafka: {clusters: , topics: }\neventbridge: {rules: {r: }}\n"
        "bridges: {b: }\ncontracts: {c: }\nqueues: {q: }\n",
        {},
    ),
    "contract_schema_is_a_folder": (
        "blueprint: demo\ncontracts: {c: {source: a, detail_type: b, schema: .}}\n",
        {},
    ),
}


def _load(name: str) -> ModuleType:
    """Another test module of this folder, for its tables of broken inputs."""
    spec = importlib.util.spec_from_file_location(f"_tables_{name}", HERE / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _broken_inputs() -> list[pytest.param]:  # type: ignore[valid-type]
    params = [
        pytest.param(text, files, id=f"loader_{name}")
        for name, (text, files) in LOADER_INPUTS.items()
    ]
    for case in _load("test_checks").ALL:
        if all(": warning: " in line for line in case.expected):
            continue  # warnings do not fail validation
        crash = case.bug is not None and case.bug.startswith("crash")
        marks = [pytest.mark.xfail(strict=True, reason=case.bug)] if crash else []
        params.append(pytest.param(case.bad, case.files, id=f"checks_{case.id}", marks=marks))
    for param in _load("test_schema").CASES:
        params.append(pytest.param(param.values[0], {}, id=f"schema_{param.id}"))
    return params


@pytest.mark.parametrize(("text", "files"), _broken_inputs())
def test_no_traceback_for_broken_input(
    capsys: pytest.CaptureFixture[str],
    workdir: Path,
    text: str | bytes,
    files: dict[str, str | bytes],
) -> None:
    write(workdir, {**files, "bp.yaml": text})
    code, out, err = run(capsys, "bp.yaml")
    assert "Traceback" not in out + err
    assert err == ""  # "internal error" goes to stderr
    assert code == 1
    assert out.splitlines()[-1].endswith("in 1 of 1 file")


# --- the installed command -------------------------------------------------------------------


def _console_script() -> str:
    script = Path(sys.executable).with_name("edastack")
    found = str(script) if script.exists() else shutil.which("edastack")
    assert found, "the edastack console script is not installed (pip install -e .)"
    return found


def test_console_script_runs(workdir: Path) -> None:
    write(workdir, {"bp.yaml": BROKEN})
    done = subprocess.run(
        [_console_script(), "validate", "bp.yaml"],
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "bp.yaml:9:41: $.kafka.topics.orders.partitions: a topic needs at least 1 partition, "
        "found 0\n"
        "1 error, 0 warnings in 1 of 1 file\n",
        "",
    )


def test_validate_rules_and_the_reference_do_not_import_aws_cdk(workdir: Path) -> None:
    write(workdir, {"bp.yaml": BROKEN, "ok.yaml": VALID})
    code = (
        "import sys\n"
        "from edastack.cli.main import main\n"
        "main(['validate', 'bp.yaml', 'ok.yaml', '--summary'])\n"
        "main(['validate', 'ok.yaml', '--format', 'json'])\n"
        "main(['rules'])\n"  # Markdown, from the rules alone: no jsii banner, no Node
        "main(['schema', '--reference'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii'))\n"
        "assert not loaded, loaded\n"
        "print('clean')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "clean"
