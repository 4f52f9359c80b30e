"""What the gates (cdk-nag, checkov, cfn-lint) flag and edastack keeps on purpose, acknowledged
on the resource with its reason so a finding is either fixed or explained where it stands."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Acknowledgment, CfnResource, Validations
from aws_cdk import aws_iam as iam
from constructs import Construct

# cdk-nag's id for a policy statement on "*" resources (AwsSolutions-IAM5, granular).
WILDCARD_RESOURCE_ID = "AwsSolutions::AwsSolutions-IAM5[Resource::*]"


def acknowledge_wildcard_resources(role: iam.Role, reason: str) -> None:
    """Acknowledge ``*`` resources in ``role``'s default policy, once: cdk-nag's
    ``AwsSolutions-IAM5[Resource::*]`` on the role and checkov's CKV_AWS_111 on the policy.

    Call it after the ``*`` statement is added (the default policy must exist). Only the exact
    ``Resource::*`` finding is acknowledged: a wildcard in any other resource still fails.
    """
    policy = role.node.find_child("DefaultPolicy").node.default_child
    assert isinstance(policy, CfnResource)
    if any(skip["id"] == "CKV_AWS_111" for skip in _checkov_skips(policy)):
        return
    Validations.of(role).acknowledge(Acknowledgment(id=WILDCARD_RESOURCE_ID, reason=reason))
    skip_checkov(policy, {"CKV_AWS_111": reason})


def skip_checkov(scope: Construct | CfnResource, skips: Mapping[str, str]) -> None:
    """Skip checkov checks (id to the reason, kept as the skip's comment) on ``scope``'s
    CloudFormation resource, next to the skips it already has."""
    resource = scope if isinstance(scope, CfnResource) else scope.node.default_child
    assert isinstance(resource, CfnResource)
    existing = _checkov_skips(resource)
    known = {skip["id"] for skip in existing}
    added = [{"id": id_, "comment": comment} for id_, comment in skips.items() if id_ not in known]
    resource.add_metadata("checkov", {"skip": existing + added})


def ignore_redundant_role_dependency(function: Construct) -> None:
    """cfn-lint W3005 on a CDK ``Function``: it adds a ``DependsOn`` on its role that the Role
    property's GetAtt already implies (and one on the role's policy, which is needed); not ours
    to remove."""
    resource = function.node.default_child
    assert isinstance(resource, CfnResource)
    resource.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3005"]}})


def _checkov_skips(resource: CfnResource) -> list[dict[str, str]]:
    metadata = resource.get_metadata("checkov") or {}
    return [dict(skip) for skip in metadata.get("skip", [])]
