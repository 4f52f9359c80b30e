"""Snapshot and assertion helpers for a project's blueprints: what they synthesize, as data.

For pytest, the ``edastack`` plugin (``edastack.testing.plugin``) wraps these in fixtures; the
functions work in any test runner::

    from edastack.testing.snapshot import blueprint_templates, template

    templates = blueprint_templates("blueprints/shop.yaml", "prod")  # {stack name: template}
    template("blueprints/shop.yaml", "events", "prod").resource_count_is("AWS::Events::Rule", 3)

Templates are synthesized with the context ``cdk synth`` would give the app in the current
directory (CDK's defaults plus ``cdk.json``), so they are what deploys. ``normalize_template``
masks what churns without meaning, so a snapshot diff is always a real change;
``readable_template`` decodes what CloudFormation takes base64-encoded (a topic's ``Configs``),
and ``snapshot_diff`` lists every difference between two snapshots, one line each.
"""

from __future__ import annotations

import base64
import binascii
import copy
import difflib
import importlib.metadata
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

# jsii warns on every start that Node 20 is end-of-life; the machines here ship Node 20.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from edastack.stacks.app import build_app, project_context

CDK_VERSION = importlib.metadata.version("aws-cdk-lib")
# Asset hashes: the SHA-256 of an asset's contents in S3 keys, asset paths and file names.
_ASSET_HASH = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
_CDK_VERSION = re.compile(rf"(?<![0-9.]){re.escape(CDK_VERSION)}(?![0-9])")


def normalize_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """``template`` without what churns between CDK versions and asset builds.

    - 64-hex asset hashes in any string (S3 keys, asset paths) become ``<asset-hash>``;
    - ``aws:asset:*`` metadata values become ``<asset>``;
    - the ``AWS::CDK::Metadata`` resource (and its ``CDKMetadataAvailable`` condition), the
      ``BootstrapVersion`` parameter and ``CheckBootstrapVersion`` rule are removed;
    - the aws-cdk-lib version in any string becomes ``<cdk-version>``.

    Everything else, every property and logical id, is kept as it is. ``template`` itself is
    not changed.
    """

    def walk(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                k: "<asset>" if k.startswith("aws:asset:") else walk(v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return _CDK_VERSION.sub("<cdk-version>", _ASSET_HASH.sub("<asset-hash>", value))
        return value

    out: dict[str, Any] = walk(copy.deepcopy(dict(template)))
    resources = out.get("Resources", {})
    for logical_id in [k for k, r in resources.items() if r.get("Type") == "AWS::CDK::Metadata"]:
        del resources[logical_id]
    for section, name in (
        ("Parameters", "BootstrapVersion"),
        ("Rules", "CheckBootstrapVersion"),
        ("Conditions", "CDKMetadataAvailable"),
    ):
        out.get(section, {}).pop(name, None)
        if section in out and not out[section]:
            del out[section]
    return out


# Properties CloudFormation takes base64-encoded, each a file of key=value lines (AWS::MSK::Topic
# Configs; AWS::KafkaConnect::WorkerConfiguration PropertiesFileContent).
ENCODED = {
    "AWS::MSK::Topic": "Configs",
    "AWS::KafkaConnect::WorkerConfiguration": "PropertiesFileContent",
}
DECODED = "decoded from base64"


def readable_template(template: Mapping[str, Any]) -> dict[str, Any]:
    """``template`` with each base64 value of ``ENCODED`` decoded into
    ``{"decoded from base64": [its lines]}``, so that a snapshot names the setting that changed.

    A value that is not base64 text (a token, an intrinsic function) is kept as it is.
    ``template`` itself is not changed.
    """
    out = copy.deepcopy(dict(template))
    for resource in out.get("Resources", {}).values():
        name = ENCODED.get(resource.get("Type", ""))
        properties = resource.get("Properties", {})
        if name and isinstance(properties.get(name), str):
            properties[name] = _decoded(properties[name])
    return out


def _decoded(value: str) -> Any:
    try:
        text = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return value
    return {DECODED: text.splitlines()}


def snapshot_diff(stored: Any, actual: Any, where: str = "") -> Iterator[str]:
    """Every difference between two snapshots of templates by stack name, one line each:
    ``+`` added, ``-`` removed, ``~`` changed, with the path of the value (a resource's type
    beside its logical id). Nothing is elided, so every change of a template shows."""
    if isinstance(stored, Mapping) and isinstance(actual, Mapping):
        for key in sorted(stored.keys() | actual.keys()):
            path = f"{where}/{key}" if where else str(key)
            if key not in actual:
                yield f"- {path}{_typed(stored[key])}"
            elif key not in stored:
                yield f"+ {path}{_typed(actual[key])}"
            else:
                yield from snapshot_diff(stored[key], actual[key], f"{path}{_typed(actual[key])}")
    elif isinstance(stored, list) and isinstance(actual, list):
        yield from _list_diff(stored, actual, where)
    elif stored != actual:
        yield f"~ {where}: {_short(stored)} -> {_short(actual)}"


def _list_diff(stored: list[Any], actual: list[Any], where: str) -> Iterator[str]:
    """Items compared in place where they line up, else each one added or removed."""
    matcher = difflib.SequenceMatcher(a=[_short(v) for v in stored], b=[_short(v) for v in actual])
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                yield from snapshot_diff(stored[i], actual[j], f"{where}[{j}]")
        elif tag != "equal":
            yield from (f"- {where}[{i}]: {_short(stored[i])}" for i in range(i1, i2))
            yield from (f"+ {where}[{j}]: {_short(actual[j])}" for j in range(j1, j2))


def _typed(value: Any) -> str:
    """`` (AWS::SQS::Queue)`` for a resource, so a diff line says what its logical id is."""
    kind = value.get("Type") if isinstance(value, Mapping) else None
    return f" ({kind})" if isinstance(kind, str) else ""


def _short(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def blueprint_stacks(
    path: Path | str,
    environment: str | None = None,
    *,
    context: Mapping[str, Any] | None = None,
) -> dict[str, Stack]:
    """The CDK stacks of ``path`` in ``environment`` (default: every one), by stack name.

    :param context: the app's context. Default: - what ``cdk synth`` gives an app in the current
        directory (``edastack.stacks.app.project_context``)

    A blueprint with errors raises ``edastack.blueprints.validate.BlueprintError``; its message
    lists every error with its position.
    """
    app = App(context=dict(project_context() if context is None else context))
    build_app(path, None if environment is None else [environment], app=app)
    return {
        child.stack_name: child
        for child in sorted(app.node.children, key=lambda c: c.node.id)
        if isinstance(child, Stack)
    }


def blueprint_templates(
    path: Path | str,
    environment: str | None = None,
    *,
    context: Mapping[str, Any] | None = None,
) -> dict[str, dict[str, Any]]:
    """The normalized template of every stack of ``path`` in ``environment``, by stack name.

    Default environment: every one the blueprint declares. See ``blueprint_stacks`` for
    ``context`` and errors. Stack names are ``<blueprint>-<environment>-<kind>``.
    """
    stacks = blueprint_stacks(path, environment, context=context)
    return {
        name: normalize_template(Template.from_stack(stack).to_json())
        for name, stack in sorted(stacks.items())
    }


def template(
    path: Path | str,
    stack_suffix: str,
    environment: str | None = None,
    *,
    context: Mapping[str, Any] | None = None,
) -> Template:
    """The ``aws_cdk.assertions.Template`` of the one stack of ``path`` named ``*-<stack_suffix>``.

    ``stack_suffix`` is the stack's kind (``kafka``, ``events``...). With ``environment`` unset,
    the blueprint must declare one environment only; otherwise name it. Raises ``LookupError``
    when no stack, or more than one, matches (the message lists the stacks there are).
    """
    stacks = blueprint_stacks(path, environment, context=context)
    matches = [name for name in stacks if name.endswith(f"-{stack_suffix}")]
    if len(matches) != 1:
        what = "no stack" if not matches else f"{len(matches)} stacks ({', '.join(matches)})"
        hint = "" if not matches or environment else "; pass the environment"
        raise LookupError(
            f"{what} of {path} ends with '-{stack_suffix}'{hint} "
            f"(stacks: {', '.join(stacks) or 'none'})"
        )
    return Template.from_stack(stacks[matches[0]])
