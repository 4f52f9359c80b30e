"""One snapshot per example blueprint and environment: every stack template of it, as JSON.

On top of the fine-grained assertions, never instead of them. Written with the user's kit
(``edastack.testing``: the ``blueprint_snapshot`` fixture and ``normalize_template``), so the
kit is what keeps our own examples honest. ``normalize_template`` masks what changes without
meaning (asset hashes, CDK's metadata resource and version strings, the bootstrap check), so a
snapshot diff is always a real change. Review a diff, then accept it with
``pytest tests/stacks/test_examples_snapshot.py --snapshot-update``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.testing.snapshot import CDK_VERSION
from edastack.testing.snapshot import normalize_template as normalize

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"


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


@pytest.mark.parametrize(
    ("example", "env"),
    [
        pytest.param("commerce", "dev", id="commerce-dev"),
        pytest.param("commerce", "prod", id="commerce-prod"),
        pytest.param("partner-ingress", "dev", id="partner-ingress-dev"),
        pytest.param("partner-ingress", "prod", id="partner-ingress-prod"),
        pytest.param("serverless-kafka", "dev", id="serverless-kafka-dev"),
        pytest.param("serverless-kafka", "prod", id="serverless-kafka-prod"),
        pytest.param("ledger-v2", "dev", id="ledger-v2-dev"),
        pytest.param("ledger-v2", "prod", id="ledger-v2-prod"),
    ],
)
def test_example_matches_snapshot(
    blueprint_snapshot: Callable[..., None],
    edastack_templates: Callable[..., dict[str, dict[str, object]]],
    example: str,
    env: str,
) -> None:
    path = EXAMPLES / f"{example}.yaml"
    templates = edastack_templates(path, env)
    assert sorted(templates)[0].startswith(f"{example}-{env}-")
    assert f"{example}-{env}-events" in templates
    blueprint_snapshot(path, env)
