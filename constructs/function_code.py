"""The Lambda code edastack ships: its handlers as CDK assets, bundled without Docker.

``function_code(RuntimeFunction.BUS_PRODUCER)`` gives the ``aws_lambda.Code`` of one handler
folder under ``runtime/``, to use with ``LAMBDA_RUNTIME``, ``LAMBDA_ARCHITECTURE`` and the
function's ``handler`` string::

    fn = lambda_.Function(
        self, "Producer",
        code=function_code(RuntimeFunction.BUS_PRODUCER),
        handler=RuntimeFunction.BUS_PRODUCER.handler,
        runtime=LAMBDA_RUNTIME,
        architecture=LAMBDA_ARCHITECTURE,
        ...
    )

Bundling is local and offline: the handler folder, the shared modules it imports and the
pure-Python distributions it needs (kafka-python, aws-msk-iam-sasl-signer-python, with their
``.dist-info``) are copied from the Python environment running the synth. boto3 and botocore
are never bundled: the Lambda Python runtime provides them. The forwarder into a v2 bus
(``KAFKA_FORWARDER_V2``) carries botocore's ``eventbridgev2`` service model (48 KB, from the
synth's botocore, at least 1.43.102) under ``botocore-models/``, and its function sets
``AWS_DATA_PATH`` to that folder (``RuntimeFunction.environment``): the runtime's botocore,
which may predate the service, then knows it (checked with botocore 1.40.0, August 2025: it
signs, routes and parses the service's CBOR protocol with that model alone). Bundling boto3 and
botocore themselves would add 34 MB to every such function and mix a bundled boto3 with the
runtime's s3transfer. The asset hash is computed from the
handler and shared sources and the dependencies' installed versions, so synthesizing twice gives
the same asset, and the asset changes exactly when that code or a dependency version changes.
It costs a file copy (about 3 MB for the Kafka handlers) on each synth whose output directory
does not already hold the asset.
"""

from __future__ import annotations

import enum
import hashlib
import importlib.metadata
import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any, Final

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

# Where the handler sources live. ``resolve`` follows an editable install's link to the sources.
RUNTIME_ROOT: Path = Path(__file__).resolve().parent / "runtime"
SHARED_FOLDER: Final = "shared"

LAMBDA_RUNTIME: Final = lambda_.Runtime.PYTHON_3_14
"""The newest Python runtime aws-cdk-lib offers; the handlers also run on Python 3.13."""
LAMBDA_ARCHITECTURE: Final = lambda_.Architecture.ARM_64
"""Graviton: cheaper per GB-second, and the bundles are pure Python, so any architecture works."""

# Part of every asset hash: bump it when the layout of a bundle changes.
_BUNDLE_FORMAT: Final = "edastack-function-code/1"
_KAFKA_DISTRIBUTIONS: Final = ("kafka-python", "aws-msk-iam-sasl-signer-python")
_UNUSED_BUNDLING_IMAGE: Final = "edastack/local-bundling-only"
_NATIVE_SUFFIXES: Final = (".so", ".pyd", ".dylib")
_RUNTIME_PROVIDED: Final = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})
SERVICE_MODELS_FOLDER: Final = "botocore-models"
# Where Lambda unpacks a function's code (Lambda developer guide, "Defined runtime environment
# variables": LAMBDA_TASK_ROOT).
_TASK_ROOT: Final = "/var/task"


class RuntimeFunction(enum.Enum):
    """The Lambda functions edastack bundles; the value is the folder under ``runtime/``."""

    KAFKA_FORWARDER = "kafka_forwarder"
    """Kafka event source mapping → ``PutEvents`` (boto3 only)."""
    KAFKA_FORWARDER_V2 = "kafka_forwarder_v2"
    """The same handler into a v2 bus, with botocore's ``eventbridgev2`` model."""
    BUS_PRODUCER = "bus_producer"
    """EventBridge rule target → Kafka producer (IAM auth)."""
    TOPIC_ADMIN = "topic_admin"
    """CloudFormation custom resource managing a Kafka topic (IAM auth)."""

    @property
    def handler(self) -> str:
        """The ``handler`` string for ``lambda_.Function``."""
        return "handler.on_event" if self is RuntimeFunction.TOPIC_ADMIN else "handler.handler"

    @property
    def folder(self) -> str:
        """The handler's folder under ``runtime/``."""
        return "kafka_forwarder" if self is RuntimeFunction.KAFKA_FORWARDER_V2 else self.value

    @property
    def distributions(self) -> tuple[str, ...]:
        """The installed distributions bundled with the handler."""
        return () if self.folder == "kafka_forwarder" else _KAFKA_DISTRIBUTIONS

    @property
    def service_models(self) -> tuple[str, ...]:
        """botocore service models bundled under ``SERVICE_MODELS_FOLDER``."""
        return ("eventbridgev2",) if self is RuntimeFunction.KAFKA_FORWARDER_V2 else ()

    @property
    def environment(self) -> dict[str, str]:
        """What the function's environment needs for its bundle: ``AWS_DATA_PATH`` with
        service models."""
        if not self.service_models:
            return {}
        return {"AWS_DATA_PATH": f"{_TASK_ROOT}/{SERVICE_MODELS_FOLDER}"}

    @property
    def shared_modules(self) -> tuple[str, ...]:
        """Modules of ``runtime/shared`` copied next to the handler."""
        return {
            RuntimeFunction.KAFKA_FORWARDER: ("put_events.py", "glue_wire.py"),
            RuntimeFunction.KAFKA_FORWARDER_V2: ("put_events.py", "glue_wire.py"),
            RuntimeFunction.BUS_PRODUCER: ("msk_iam.py", "glue_wire.py"),
        }.get(self, ("msk_iam.py",))


def function_code(function: RuntimeFunction) -> lambda_.Code:
    """The asset code of ``function``, bundled locally (no Docker, no network).

    Raises ``LookupError`` if a dependency is not installed in the running environment
    (install edastack with its ``cdk`` extra) and ``ValueError`` if one is not pure Python.
    """
    source = _handler_dir(function)
    return lambda_.Code.from_asset(
        str(source),
        asset_hash=asset_hash(function),
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds or raises. A fixed name, because CDK
            # hashes the bundling options into the asset hash; an image name that came from
            # aws-cdk-lib would change every asset on a CDK upgrade.
            image=DockerImage.from_registry(_UNUSED_BUNDLING_IMAGE),
            local=_LocalBundling(function),
        ),
    )


def asset_hash(function: RuntimeFunction) -> str:
    """SHA-256 over the bundle format, the handler and shared sources and dependency versions.

    CDK derives the asset's key from this and the (fixed) bundling options.
    """
    digest = hashlib.sha256(_BUNDLE_FORMAT.encode())
    digest.update(b"\0" + function.value.encode() + b"\0")
    for relative, path in sorted(_source_files(function)):
        digest.update(relative.encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    for name in function.distributions:
        digest.update(f"{name}=={_distribution(name).version}\0".encode())
    return digest.hexdigest()


def write_bundle(function: RuntimeFunction, output_dir: Path) -> None:
    """Copy what ``function`` needs at run time into ``output_dir`` (the bundle's root)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    for relative, path in _source_files(function):
        _copy(path, output_dir / relative)
    for name in function.distributions:
        for relative, path in _distribution_files(name):
            _copy(path, output_dir / relative)


@jsii.implements(ILocalBundling)
class _LocalBundling:
    """CDK's local bundling hook: ``write_bundle`` into the directory CDK gives."""

    def __init__(self, function: RuntimeFunction) -> None:
        self._function = function

    # jsii passes the BundlingOptions positionally; the typed interface spells them as keywords.
    def try_bundle(self, output_dir: str, *_options: Any, **_keywords: Any) -> bool:
        write_bundle(self._function, Path(output_dir))
        return True


def _handler_dir(function: RuntimeFunction) -> Path:
    folder = RUNTIME_ROOT / function.folder
    if not (folder / "handler.py").is_file():
        raise FileNotFoundError(
            f"the {function.name} handler is missing: no handler.py in {folder} "
            "(edastack must be installed with its runtime/ package data)"
        )
    return folder


def _source_files(function: RuntimeFunction) -> Iterator[tuple[str, Path]]:
    """``(path in the bundle, source file)`` for the handler folder and its shared modules."""
    folder = _handler_dir(function)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _is_cache(PurePosixPath(path.relative_to(folder).as_posix())):
            yield path.relative_to(folder).as_posix(), path
    for module in function.shared_modules:
        path = RUNTIME_ROOT / SHARED_FOLDER / module
        if not path.is_file():
            raise FileNotFoundError(f"shared module {module} of {function.name} is missing: {path}")
        yield module, path
    for service in function.service_models:
        models = _service_models_dir(service)
        for path in sorted(models.rglob("*")):
            if path.is_file():
                relative = path.relative_to(models).as_posix()
                yield f"{SERVICE_MODELS_FOLDER}/{service}/{relative}", path


def _service_models_dir(service: str) -> Path:
    """botocore's folder of ``service`` (its API versions) in the Python running the synth."""
    spec = importlib.util.find_spec("botocore")
    folder = Path(spec.origin).parent / "data" / service if spec and spec.origin else None
    if folder is None or not folder.is_dir():
        raise LookupError(
            f"botocore with the {service} service model is not installed in the Python running "
            f"the synth ({sys.executable}); edastack bundles the model from the running "
            "environment (install edastack[cdk], botocore 1.43.102 or later)"
        )
    return folder


def _distribution(name: str) -> importlib.metadata.Distribution:
    try:
        return importlib.metadata.distribution(name)
    except importlib.metadata.PackageNotFoundError as error:
        raise LookupError(
            f"{name} is not installed in the Python running the synth ({sys.executable}); "
            "edastack bundles it from the running environment (install edastack[cdk])"
        ) from error


def _distribution_files(name: str) -> Iterator[tuple[str, Path]]:
    """``(path relative to site-packages, file)`` of an installed distribution, caches omitted."""
    distribution = _distribution(name)
    if distribution.metadata["Name"].lower() in _RUNTIME_PROVIDED:
        raise ValueError(f"{name} is provided by the Lambda runtime and must not be bundled")
    files = distribution.files
    if files is None:
        raise LookupError(f"{name} {distribution.version} has no RECORD of its installed files")
    for file in files:
        relative = PurePosixPath(file.as_posix())
        # Console scripts live outside site-packages (``../../../bin/...``): not needed.
        if relative.parts[0] == ".." or _is_cache(relative):
            continue
        if relative.suffix in _NATIVE_SUFFIXES:
            raise ValueError(
                f"{name} {distribution.version} is not pure Python ({relative}); only pure-Python "
                "dependencies can be bundled without Docker"
            )
        yield relative.as_posix(), Path(str(distribution.locate_file(file)))


def _is_cache(relative: PurePosixPath) -> bool:
    return "__pycache__" in relative.parts or relative.suffix in (".pyc", ".pyo")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
