"""One snapshot per example blueprint and environment: every stack template of it, as JSON.

On top of the fine-grained assertions, never instead of them. ``normalize`` masks what changes
without meaning (asset hashes, CDK's metadata resource and version strings, the bootstrap
check), so a snapshot diff is always a real change. Review a diff, then accept it with
``pytest tests/stacks/test_examples_snapshot.py --snapshot-update``.

``normalize`` is also what the CLI tests compare assemblies with; it moves to an
``edastack.testing`` kit later.
"""

from __future__ import annotations

import copy
import importlib.metadata
import re
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk.assertions import Template
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

CDK_VERSION = importlib.metadata.version("aws-cdk-lib")
# Asset hashes: the SHA-256 of an asset's contents in S3 keys, asset paths and file names.
_ASSET_HASH = re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])")
_CDK_VERSION = re.compile(rf"(?<![0-9.]){re.escape(CDK_VERSION)}(?![0-9])")


def normalize(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` without what churns between CDK versions and asset builds.

    - 64-hex asset hashes in any string (S3 keys, asset paths) become ``<asset-hash>``;
    - ``aws:asset:*`` metadata values become ``<asset>``;
    - the ``AWS::CDK::Metadata`` resource (and its ``CDKMetadataAvailable`` condition), the
      ``BootstrapVersion`` parameter and ``CheckBootstrapVersion`` rule are removed;
    - the aws-cdk-lib version in any string becomes ``<cdk-version>``.

    Everything else, every property and logical id, is kept as it is.
    """

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: "<asset>" if k.startswith("aws:asset:") else walk(v) for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return _CDK_VERSION.sub("<cdk-version>", _ASSET_HASH.sub("<asset-hash>", value))
        return value

    out: dict[str, Any] = walk(copy.deepcopy(template))
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


# --- the normalizer -------------------------------------------------------------------------

_HASH = "9b8fce7ae7f25ef82fdbaf6b72523b99d0875c0c9c826642819fb51f11d9b125"
_FUNCTION = {
    "Resources": {
        "Fn": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Code": {
                    "S3Bucket": "cdk-hnb659fds-assets-111111111111-eu-west-1",
                    "S3Key": f"{_HASH}.zip",
                },
                "Timeout": 120,
            },
            "Metadata": {
                "aws:cdk:path": "s/Fn/Resource",
                "aws:asset:path": f"asset.{_HASH}",
                "aws:asset:property": "Code",
            },
        },
        "CDKMetadata": {
            "Type": "AWS::CDK::Metadata",
            "Properties": {
                "Analytics": "v2:deflate64:H4sIAAAAAAAA/zPSMzPVM1BMLC/WTU7J1s3JTNKrDi5JTM7WAQ"
            },
        },
    },
    "Parameters": {
        "BootstrapVersion": {
            "Type": "AWS::SSM::Parameter::Value<String>",
            "Default": "/cdk-bootstrap/hnb659fds/version",
        }
    },
    "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
}


def test_normalize_masks_asset_hashes_and_drops_cdk_bookkeeping() -> None:
    assert normalize(_FUNCTION) == {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {
                        "S3Bucket": "cdk-hnb659fds-assets-111111111111-eu-west-1",
                        "S3Key": "<asset-hash>.zip",
                    },
                    "Timeout": 120,
                },
                "Metadata": {
                    "aws:cdk:path": "s/Fn/Resource",
                    "aws:asset:path": "<asset>",
                    "aws:asset:property": "<asset>",
                },
            }
        }
    }


def test_normalize_keeps_a_real_change() -> None:
    changed = copy.deepcopy(_FUNCTION)
    changed["Resources"]["Fn"]["Properties"]["Timeout"] = 60
    assert normalize(changed) != normalize(_FUNCTION)
    renamed = copy.deepcopy(_FUNCTION)
    renamed["Resources"]["Fn2"] = renamed["Resources"].pop("Fn")
    assert normalize(renamed) != normalize(_FUNCTION)


def test_normalize_masks_only_the_cdk_version() -> None:
    text = f"Custom resource of AWS CDK {CDK_VERSION}; kafka 3.9.x; {CDK_VERSION}1"
    (masked,) = normalize({"Description": [text]})["Description"]
    assert masked == f"Custom resource of AWS CDK <cdk-version>; kafka 3.9.x; {CDK_VERSION}1"


def test_normalize_does_not_mask_shorter_or_longer_hex() -> None:
    hex63, hex65 = "a" * 63, "b" * 65
    assert normalize({"K": [hex63, hex65]}) == {"K": [hex63, hex65]}


# --- the snapshots --------------------------------------------------------------------------


@pytest.fixture
def snapshot_json(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize(
    ("example", "env"),
    [
        pytest.param("commerce", "dev", id="commerce-dev"),
        pytest.param("commerce", "prod", id="commerce-prod"),
        pytest.param("partner-ingress", "dev", id="partner-ingress-dev"),
        pytest.param("partner-ingress", "prod", id="partner-ingress-prod"),
    ],
)
def test_example_matches_snapshot(
    example_stacks: dict[str, Stack], snapshot_json: SnapshotAssertion, example: str, env: str
) -> None:
    prefix = f"{example}-{env}-"
    templates = {
        name: normalize(dict(Template.from_stack(stack).to_json()))
        for name, stack in sorted(example_stacks.items())
        if name.startswith(prefix)
    }
    assert sorted(templates) == [f"{prefix}events", f"{prefix}kafka"]
    assert templates == snapshot_json
