"""``encryption: {key: create}`` on a cluster, as on a bus: an edastack-created KMS key encrypts
its data at rest; the key's example in an error is a KMS key ARN."""

from __future__ import annotations

from pathlib import Path

from aws_cdk.assertions import Match, Template

from edastack.blueprints.validate import validate_file
from tests.blueprints.test_layout_sizes import _synthesized
from tests.stacks.conftest import Build

BLUEPRINT = """\
blueprint: keyed
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {brokers: {count: 3}, encryption: {key: create}}
"""


def test_a_created_key_encrypts_the_cluster_at_rest(synth: Build, tmp_path: Path) -> None:
    template = Template.from_stack(synth(BLUEPRINT)["keyed-dev-kafka"])
    keys = template.find_resources(
        "AWS::KMS::Key",
        {"Properties": {"Description": "Encrypts the data at rest of Kafka cluster core"}},
    )
    ((key_id, key),) = keys.items()
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"
    template.has_resource_properties(
        "AWS::MSK::Cluster",
        {
            "EncryptionInfo": Match.object_like(
                {"EncryptionAtRest": {"DataVolumeKMSKeyId": {"Fn::GetAtt": [key_id, "Arn"]}}}
            )
        },
    )
    path = tmp_path / "sized.yaml"
    path.write_text(BLUEPRINT, encoding="utf-8")
    expected, actual = _synthesized(path)
    assert expected == actual  # validate counts the key


def test_a_wrong_key_is_refused_with_an_example_of_a_key(tmp_path: Path) -> None:
    path = tmp_path / "bp.yaml"
    path.write_text(BLUEPRINT.replace("key: create", "key: alias/mine"), encoding="utf-8")
    (error,) = validate_file(path).errors
    assert error.message == (
        "expected 'create' or a KMS key ARN such as "
        "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab, "
        "found string 'alias/mine'"
    )
