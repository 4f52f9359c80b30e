import shutil
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from edastack.constructs import function_code as fc
from edastack.constructs.function_code import RuntimeFunction


def _synth(outdir: Path) -> tuple[Template, dict[RuntimeFunction, str]]:
    """A stack with one function per handler; returns the template and each asset's S3 key."""
    stack = Stack(App(outdir=str(outdir)), "Functions")
    logical_ids = {}
    for function in RuntimeFunction:
        fn = lambda_.Function(
            stack,
            function.name,
            code=fc.function_code(function),
            handler=function.handler,
            runtime=fc.LAMBDA_RUNTIME,
            architecture=fc.LAMBDA_ARCHITECTURE,
        )
        logical_ids[function] = stack.get_logical_id(fn.node.default_child)  # type: ignore[arg-type]
    functions = Template.from_stack(stack).find_resources("AWS::Lambda::Function")
    keys = {f: functions[lid]["Properties"]["Code"]["S3Key"] for f, lid in logical_ids.items()}
    return Template.from_stack(stack), keys


@pytest.fixture(scope="module")
def synthesized(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Template, dict[RuntimeFunction, str], Path]:
    outdir = tmp_path_factory.mktemp("cdk.out")
    template, keys = _synth(outdir)
    return template, keys, outdir


def _asset_dir(
    synthesized: tuple[Template, dict[RuntimeFunction, str], Path], function: RuntimeFunction
) -> Path:
    _, keys, outdir = synthesized
    return outdir / f"asset.{keys[function].removesuffix('.zip')}"


def test_functions_use_the_newest_python_runtime_on_arm64(
    synthesized: tuple[Template, dict[RuntimeFunction, str], Path],
) -> None:
    template, _, _ = synthesized
    for function in RuntimeFunction:
        template.has_resource_properties(
            "AWS::Lambda::Function",
            {"Handler": function.handler, "Runtime": "python3.14", "Architectures": ["arm64"]},
        )
    assert RuntimeFunction.TOPIC_ADMIN.handler == "handler.on_event"


def test_kafka_bundles_hold_handler_shared_module_and_dependencies_but_no_boto3(
    synthesized: tuple[Template, dict[RuntimeFunction, str], Path],
) -> None:
    for function in (RuntimeFunction.BUS_PRODUCER, RuntimeFunction.TOPIC_ADMIN):
        bundle = _asset_dir(synthesized, function)
        top = {p.name for p in bundle.iterdir()}
        glue = {"glue_wire.py"} if function is RuntimeFunction.BUS_PRODUCER else set()
        assert top - glue == {
            "handler.py",
            "msk_iam.py",
            "kafka",
            "kafka_python-3.0.12.dist-info",
            "aws_msk_iam_sasl_signer",
            "aws_msk_iam_sasl_signer_python-1.0.2.dist-info",
        }
        assert glue <= top
        handler = fc.RUNTIME_ROOT / function.value / "handler.py"
        assert (bundle / "handler.py").read_bytes() == handler.read_bytes()
        # kafka-python loads its protocol schemas as package data at run time
        assert list((bundle / "kafka" / "protocol").rglob("*.json"))
        assert not list(bundle.rglob("__pycache__")) and not list(bundle.rglob("*.pyc"))


def test_forwarder_bundle_is_its_folder_and_its_shared_modules_alone(
    synthesized: tuple[Template, dict[RuntimeFunction, str], Path],
) -> None:
    bundle = _asset_dir(synthesized, RuntimeFunction.KAFKA_FORWARDER)
    names = ["entries.py", "glue_wire.py", "handler.py", "payloads.py", "put_events.py"]
    assert sorted(p.name for p in bundle.iterdir()) == names
    for module in ("put_events.py", "glue_wire.py"):
        shared = fc.RUNTIME_ROOT / "shared" / module
        assert (bundle / module).read_bytes() == shared.read_bytes()
    assert "\nfrom put_events import " in (bundle / "handler.py").read_text()


def test_asset_hash_is_stable_across_synths(
    synthesized: tuple[Template, dict[RuntimeFunction, str], Path], tmp_path: Path
) -> None:
    _, first_keys, _ = synthesized
    _, second_keys = _synth(tmp_path)
    assert second_keys == first_keys
    assert len(set(first_keys.values())) == len(RuntimeFunction)


def _copy_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "runtime"
    shutil.copytree(fc.RUNTIME_ROOT, root, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fc, "RUNTIME_ROOT", root)
    return root


def test_asset_hash_depends_on_the_sources_not_their_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {function: fc.asset_hash(function) for function in RuntimeFunction}
    root = _copy_runtime(tmp_path, monkeypatch)
    assert {function: fc.asset_hash(function) for function in RuntimeFunction} == before

    with (root / "bus_producer" / "handler.py").open("a") as handler:
        handler.write("\n# changed\n")
    with (root / "shared" / "msk_iam.py").open("a") as shared:
        shared.write("\n# changed\n")

    after = {function: fc.asset_hash(function) for function in RuntimeFunction}
    assert after[RuntimeFunction.KAFKA_FORWARDER] == before[RuntimeFunction.KAFKA_FORWARDER]
    assert after[RuntimeFunction.BUS_PRODUCER] != before[RuntimeFunction.BUS_PRODUCER]
    assert after[RuntimeFunction.TOPIC_ADMIN] != before[RuntimeFunction.TOPIC_ADMIN]


def test_asset_hash_changes_with_a_dependency_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = fc.asset_hash(RuntimeFunction.BUS_PRODUCER)
    forwarder = fc.asset_hash(RuntimeFunction.KAFKA_FORWARDER)
    real = fc._distribution

    class Bumped:
        version = "3.0.13"

    def fake(name: str) -> Any:
        return Bumped() if name == "kafka-python" else real(name)

    monkeypatch.setattr(fc, "_distribution", fake)
    assert fc.asset_hash(RuntimeFunction.BUS_PRODUCER) != before
    assert fc.asset_hash(RuntimeFunction.KAFKA_FORWARDER) == forwarder  # no dependencies


def test_fails_when_a_dependency_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fc, "_KAFKA_DISTRIBUTIONS", ("edastack-no-such-distribution",))
    with pytest.raises(LookupError, match=r"^edastack-no-such-distribution is not installed"):
        fc.function_code(RuntimeFunction.TOPIC_ADMIN)


def test_fails_when_a_handler_folder_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_runtime(tmp_path, monkeypatch)
    shutil.rmtree(root / "topic_admin")
    with pytest.raises(FileNotFoundError, match="the TOPIC_ADMIN handler is missing"):
        fc.function_code(RuntimeFunction.TOPIC_ADMIN)
