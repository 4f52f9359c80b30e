"""The gates' finding ids a blueprint entity may acknowledge (``acknowledge: {<id>: <reason>}``).

Besides edastack's own warning codes (``edastack.blueprints.checks.WARNINGS``), an entity accepts
the id of any finding ``edastack check`` reports, in the form the gate's report prints it:

- cdk-nag: ``AwsSolutions-IAM5``, ``Serverless-LambdaTracing``, or namespaced
  ``AwsSolutions::AwsSolutions-IAM5``; a granular rule's suffix too
  (``AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]``);
- cfn-lint (and CDK's CloudFormation validator, which runs cfn-lint's rules): ``W3005``;
  CDK's validator alone: ``CloudFormation-Validate::CDK-GameLift-001``;
- checkov: ``CKV_AWS_27``, ``CKV2_AWS_5``;
- edastack's rule pack: ``EDA007`` or ``edastack::EDA007`` (with a granular suffix if any).

The stacks turn each into the gate's own suppression on the entity's constructs. A well-formed id
of cdk-nag, cfn-lint or checkov is accepted as is (their rule sets change with their versions);
edastack's rules are known, so an unknown ``EDA`` id is an error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# edastack's rule pack (edastack.rules.pack.RULES; a test keeps the two equal).
EDASTACK_RULES = tuple(f"EDA{n:03d}" for n in range(1, 14))
# edastack's warnings that are also a rule pack finding on the same entity: acknowledging the
# warning acknowledges those rules too, so one reason covers validate and check.
WARNING_RULES: dict[str, tuple[str, ...]] = {
    "low-replication": ("EDA001", "EDA002"),
    "pipe-no-dlq": ("EDA007",),
}
# Gates whose acknowledgement is CDK's Validations API, by the namespace of their ids.
VALIDATIONS = ("cdk-nag", "cdk-validate", "edastack")
EXAMPLES = "AwsSolutions-IAM5, W3005, CKV_AWS_27, EDA007"

_GRANULAR = r"(\[.+\])?"
_NAG = re.compile(
    rf"^(?:(AwsSolutions|Serverless)::)?((AwsSolutions|Serverless)-[A-Za-z0-9]+){_GRANULAR}$"
)
_CFN_LINT = re.compile(r"^[EWI]\d{4}$")
_CDK_VALIDATE = re.compile(r"^CloudFormation-Validate::([A-Za-z0-9-]+)$")
_CHECKOV = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_EDASTACK = re.compile(rf"^(?:edastack::)?(EDA\d{{3}}){_GRANULAR}$")


@dataclass(frozen=True)
class GateId:
    """A finding id of one gate, as that gate's suppression names it.

    :param gate: ``cdk-nag``, ``cdk-validate``, ``cfn-lint``, ``checkov`` or ``edastack``
    :param rule: the id the suppression takes: namespaced for CDK's Validations API
        (``AwsSolutions::AwsSolutions-IAM5``, ``edastack::EDA007``), the bare id for cfn-lint
        and checkov
    """

    gate: str
    rule: str


def gate_ids(code: str) -> tuple[GateId, ...]:
    """What acknowledging ``code`` suppresses, gate by gate; empty if it is no gate's id.

    A cfn-lint id is suppressed in cfn-lint and in CDK's validator, which runs cfn-lint's rules.
    """
    if match := _NAG.match(code):
        namespace, rule, prefix, granular = match.groups()
        if namespace in (None, prefix):
            return (GateId("cdk-nag", f"{prefix}::{rule}{granular or ''}"),)
    if _CFN_LINT.match(code):
        return (
            GateId("cfn-lint", code),
            GateId("cdk-validate", f"CloudFormation-Validate::{code}"),
        )
    if _CDK_VALIDATE.match(code):
        return (GateId("cdk-validate", code),)
    if _CHECKOV.match(code):
        return (GateId("checkov", code),)
    if (match := _EDASTACK.match(code)) and match.group(1) in EDASTACK_RULES:
        return (GateId("edastack", f"edastack::{match.group(1)}{match.group(2) or ''}"),)
    return ()


def acknowledged_ids(acknowledged: Mapping[str, str]) -> list[tuple[GateId, str]]:
    """Every gate id an entity's ``acknowledge`` map suppresses, with its reason, in key order."""
    found: list[tuple[GateId, str]] = []
    for code, reason in sorted(acknowledged.items()):
        rules = WARNING_RULES.get(code, ())
        ids = [GateId("edastack", f"edastack::{r}") for r in rules] or list(gate_ids(code))
        found.extend((gate_id, reason) for gate_id in ids)
    return found
