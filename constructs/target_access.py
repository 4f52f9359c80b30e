"""What EventBridge needs to deliver to rule targets: Lambda permissions and target roles."""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

from edastack.aws.checksum import fnv1a

_EVENTS_PRINCIPAL = "events.amazonaws.com"


def rules_on(event_bus: events.IEventBus, bus_name: str | None = None) -> str:
    """The ARN pattern of every rule on ``event_bus`` in its stack's account and Region.

    A rule on a custom bus is ``arn:…:rule/<bus name>/<rule name>``; on the default bus it is
    ``arn:…:rule/<rule name>`` (EventBridge API reference, "Amazon EventBridge resources").
    ``bus_name`` spells a bus of this stack by its physical name rather than by reference.
    """
    stack = Stack.of(event_bus)
    name = bus_name or event_bus.event_bus_name
    resource_name = "*" if name == "default" else f"{name}/*"
    return stack.format_arn(service="events", resource="rule", resource_name=resource_name)


class TargetAccess(Construct):
    """The Lambda permissions and IAM roles of rule targets, one per target resource.

    Rules that share a ``TargetAccess`` share its grants: a stack of 300 rules invoking the
    same function holds one ``AWS::Lambda::Permission`` (its ``SourceArn`` the rules' ARN, or the
    pattern of every rule on their bus) and one role per Step Functions machine, Kinesis stream,
    SNS topic, event bus or API destination, each allowed only its target's action on that one
    resource. Construct ids come from the target ARN, so adding or removing a rule never
    renames another rule's grant.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self._granted: set[str] = set()
        self._roles: dict[str, iam.Role] = {}

    def allow_invoke(self, function: lambda_.IFunction, source_arn: str, source_id: str) -> None:
        """Let EventBridge invoke ``function`` for rules whose ARN matches ``source_arn``.

        ``source_id`` names that set of rules in the construct id (e.g. the bus name).

        Nothing is added for a function of another account, whose owner grants it (as
        ``aws_events_targets`` does).
        """
        stack = Stack.of(self)
        account = function.env.account
        known = not (Token.is_unresolved(account) or Token.is_unresolved(stack.account))
        if known and account != stack.account:
            return
        key = f"Invoke-{_readable(function.function_arn, function)}-{source_id}"
        if key in self._granted:
            return
        self._granted.add(key)
        lambda_.CfnPermission(
            self,
            key,
            action="lambda:InvokeFunction",
            function_name=function.function_arn,
            principal=_EVENTS_PRINCIPAL,
            source_arn=source_arn,
        )

    def allow_send(self, queue: sqs.IQueue, source_arn: str, source_id: str) -> None:
        """Let EventBridge send to ``queue`` for rules whose ARN matches ``source_arn``.

        A queue of this app gets one queue-policy statement per ``source_id``; an imported
        queue's policy is its owner's (nothing is added, as with ``aws_events_targets``).
        """
        key = f"Send-{queue.node.addr}-{source_id}"
        if key in self._granted:
            return
        self._granted.add(key)
        queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(_EVENTS_PRINCIPAL)],
                actions=["sqs:SendMessage"],
                resources=[queue.queue_arn],
                conditions={
                    "ArnLike" if "*" in source_arn else "ArnEquals": {"aws:SourceArn": source_arn}
                },
            )
        )

    def role_for(self, target: IConstruct, resource_arn: str, actions: Sequence[str]) -> iam.IRole:
        """The role EventBridge assumes to deliver to ``resource_arn``: ``actions`` on it only."""
        key = f"Role-{_readable(resource_arn, target)}"
        role = self._roles.get(key)
        if role is None:
            role = iam.Role(
                self,
                key,
                assumed_by=iam.ServicePrincipal(_EVENTS_PRINCIPAL),
                inline_policies={
                    "Deliver": iam.PolicyDocument(
                        statements=[
                            iam.PolicyStatement(actions=list(actions), resources=[resource_arn])
                        ]
                    )
                },
            )
            self._roles[key] = role
        return role


def _readable(arn: str, construct: IConstruct) -> str:
    """A construct id for a target: its ARN's last part and a checksum of the whole ARN.

    A token ARN (a resource of the same app) is named by the construct that holds it.
    """
    if Token.is_unresolved(arn):
        return construct.node.addr[:16]
    last = re.split(r"[:/]", arn.rstrip("/:"))[-1]
    return f"{re.sub(r'[^A-Za-z0-9-]', '-', last)[:40]}-{fnv1a(arn)}"
