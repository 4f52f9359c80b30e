"""What the gates (cdk-nag, checkov, cfn-lint) flag and edastack keeps on purpose, acknowledged
on the resource with its reason so a finding is either fixed or explained where it stands."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_iam as iam
from constructs import Construct

from edastack.aws import regions

# cdk-nag's id for a policy statement on "*" resources (AwsSolutions-IAM5, granular).
_IAM5 = "AwsSolutions::AwsSolutions-IAM5"
WILDCARD_RESOURCE_ID = f"{_IAM5}[Resource::*]"


# CDK's validator on a resource type it does not know in the stack's Region.
_UNKNOWN_TYPE = "CloudFormation-Validate::F3006"


def acknowledge_eventsv2_region(resource: CfnResource) -> None:
    """Acknowledge CDK's F3006 on an AWS::EventsV2 resource in a Region that has the type but
    that the validator's data does not list yet (``edastack validate`` warns v2-region)."""
    region = Stack.of(resource).region
    if region in regions.EVENTSV2_CDK_VALIDATOR_LAGS:
        Validations.of(resource).acknowledge(
            Acknowledgment(
                id=_UNKNOWN_TYPE,
                reason=f"{region} has AWS::EventsV2 (cfn-lint 1.58.0's provider schemas); "
                "CDK's validator of aws-cdk-lib 2.275.0 does not list it there yet",
            )
        )


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


def ignore_cfn_lint(scope: Construct, checks: Mapping[str, str]) -> None:
    """Ignore cfn-lint rules (id to the reason) on every CloudFormation resource of ``scope``:
    template metadata ``cfn-lint.config.ignore_checks``, the reasons beside it (``comments``,
    which cfn-lint does not read)."""
    for resource in cfn_resources(scope):
        metadata = dict(resource.get_metadata("cfn-lint") or {})
        config = dict(metadata.get("config", {}))
        ignored = list(config.get("ignore_checks", []))
        config["ignore_checks"] = ignored + [i for i in checks if i not in ignored]
        comments = {**metadata.get("comments", {}), **checks}
        resource.add_metadata("cfn-lint", {**metadata, "config": config, "comments": comments})


def skip_checkov_everywhere(scope: Construct, skips: Mapping[str, str]) -> None:
    """:func:`skip_checkov` on every CloudFormation resource of ``scope``."""
    for resource in cfn_resources(scope):
        skip_checkov(resource, skips)


def cfn_resources(scope: Construct) -> list[CfnResource]:
    """The CloudFormation resources of ``scope`` and its children, in tree order."""
    return [c for c in scope.node.find_all() if isinstance(c, CfnResource)]


def wildcard_findings(scope: Construct) -> list[str]:
    """cdk-nag's AwsSolutions-IAM5 ids (``AwsSolutions::AwsSolutions-IAM5[Resource::...]``) of
    what the IAM policies of ``scope`` allow with a ``*``, as cdk-nag 3 names them (its rule
    IAMNoWildcardPermissions): IAM5 is granular, so acknowledging its bare id covers nothing.

    Call it once the policies are complete (a role's default policy grows with each grant).
    """
    found: dict[str, None] = {}
    for resource in cfn_resources(scope):
        stack = Stack.of(resource)
        if isinstance(resource, iam.CfnRole):
            policies = stack.resolve(resource.policies) or []
            documents = [stack.resolve(p)["policyDocument"] for p in policies]
        elif isinstance(resource, (iam.CfnPolicy, iam.CfnManagedPolicy)):
            documents = [stack.resolve(resource.policy_document)]
        else:
            continue
        for document in documents:
            for statement in document.get("Statement", []):
                if statement.get("Effect") != "Allow":
                    continue
                for kind, values in (
                    ("Action", statement.get("Action")),
                    ("Resource", statement.get("Resource")),
                ):
                    for value in values if isinstance(values, list) else [values]:
                        flat = _flatten(value)
                        if "*" in flat:
                            found[f"{_IAM5}[{kind}::{flat}]"] = None
    return list(found)


def wildcard_resource_id(stack: Stack, resource: str) -> str:
    """cdk-nag's AwsSolutions-IAM5 id of a policy's wildcard ``resource`` (an ARN with ``*``,
    tokens allowed) in ``stack``, to acknowledge that resource and no other."""
    return f"{_IAM5}[Resource::{_flatten(stack.resolve(resource))}]"


def _flatten(node: object) -> str:
    """A CloudFormation value as cdk-nag writes it in a granular id (its flattenCfnReference):
    ``{"Ref": "AWS::Partition"}`` is ``<AWS::Partition>``, a GetAtt ``<Id.Attr>``."""
    if node is None:
        return ""
    if isinstance(node, str):
        return node.replace("${", "<").replace("}", ">")
    if isinstance(node, dict):
        if "Fn::Join" in node:
            delimiter, items = node["Fn::Join"]
            return str(delimiter).join(_flatten(item) for item in items)
        if "Fn::Sub" in node:
            return _flatten(node["Fn::Sub"])
        if "Fn::GetAtt" in node:
            resource, attribute = node["Fn::GetAtt"]
            return f"<{_flatten(resource)}.{_flatten(attribute)}>"
        if "Fn::ImportValue" in node:
            return _flatten(node["Fn::ImportValue"])
        if "Ref" in node:
            return f"<{_flatten(node['Ref'])}>"
    return json.dumps(node, separators=(",", ":"))


def _checkov_skips(resource: CfnResource) -> list[dict[str, str]]:
    metadata = resource.get_metadata("checkov") or {}
    return [dict(skip) for skip in metadata.get("skip", [])]
