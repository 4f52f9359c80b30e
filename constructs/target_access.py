"""What EventBridge needs to deliver to rule targets: Lambda permissions and target roles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from aws_cdk import Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

from edastack.aws.arns import account_of
from edastack.aws.checksum import fnv1a
from edastack.aws.names import name_characters

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
        self._roles: dict[str, str] = {}
        self._account = Stack.of(self).account
        # by id(): the bus objects are kept in the values, so an id is never reused
        self._buses: dict[int, tuple[events.IEventBus, str, str, str]] = {}

    def bus(self, event_bus: events.IEventBus) -> tuple[str, str, str]:
        """The bus's name, :func:`rules_on` it, and a construct id naming it (asked once)."""
        key = id(event_bus)
        if key not in self._buses:
            name = event_bus.event_bus_name
            label = "Bus" if Token.is_unresolved(name) else name_characters(name)
            self._buses[key] = (event_bus, name, rules_on(event_bus), label)
        _, name, arn, label = self._buses[key]
        return name, arn, label

    def allow_invoke(
        self, function: lambda_.IFunction | str, source_arn: str, source_id: str
    ) -> str:
        """Let EventBridge invoke ``function`` (or the function of that ARN) for rules whose ARN
        matches ``source_arn``; returns the function's ARN.

        ``source_id`` names that set of rules in the construct id (e.g. the bus name). Nothing
        is added for a function of another account, whose owner grants it (as
        ``aws_events_targets`` does).
        """
        arn = function if isinstance(function, str) else function.function_arn
        key = f"Invoke-{_readable(arn, function)}-{source_id}"
        if key in self._granted:
            return arn
        self._granted.add(key)
        account = account_of(arn) if isinstance(function, str) else function.env.account
        if _known(account) and _known(self._account) and account != self._account:
            return arn
        lambda_.CfnPermission(
            self,
            key,
            action="lambda:InvokeFunction",
            function_name=arn,
            principal=_EVENTS_PRINCIPAL,
            source_arn=source_arn,
        )
        return arn

    def allow_send(self, queue: sqs.IQueue | str, source_arn: str, source_id: str) -> str:
        """Let EventBridge send to ``queue`` for rules whose ARN matches ``source_arn``; returns
        the queue's ARN.

        A queue of this app gets one queue-policy statement per ``source_id``; a queue given by
        ARN or imported is its owner's to open (nothing is added, as with
        ``aws_events_targets``).
        """
        if isinstance(queue, str):
            return queue
        arn = queue.queue_arn
        key = f"Send-{queue.node.addr}-{source_id}"
        if key in self._granted:
            return arn
        self._granted.add(key)
        queue.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal(_EVENTS_PRINCIPAL)],
                actions=["sqs:SendMessage"],
                resources=[arn],
                conditions={
                    "ArnLike" if "*" in source_arn else "ArnEquals": {"aws:SourceArn": source_arn}
                },
            )
        )
        return arn

    def role_for(self, target: IConstruct | str, resource_arn: str, actions: Sequence[str]) -> str:
        """The ARN of the role EventBridge assumes to deliver to ``resource_arn``: allowed
        ``actions`` on it only, in an inline policy (one resource, not two)."""
        key = f"Role-{_readable(resource_arn, target)}"
        if key not in self._roles:
            role = iam.CfnRole(
                self,
                key,
                assume_role_policy_document=_document(
                    {"Action": "sts:AssumeRole", "Principal": {"Service": _EVENTS_PRINCIPAL}}
                ),
                policies=[
                    iam.CfnRole.PolicyProperty(
                        policy_name="Deliver",
                        policy_document=_document(
                            {
                                "Action": actions[0] if len(actions) == 1 else list(actions),
                                "Resource": resource_arn,
                            }
                        ),
                    )
                ],
            )
            self._roles[key] = role.attr_arn
        return self._roles[key]


def _document(statement: dict[str, Any]) -> dict[str, Any]:
    """An IAM policy document of one ``Allow`` statement."""
    return {"Statement": [{**statement, "Effect": "Allow"}], "Version": "2012-10-17"}


def _readable(arn: str, construct: IConstruct | str) -> str:
    """A construct id for a target: its ARN's last part and a checksum of the ARN.

    The ARN of a resource of the same app is named by the construct that holds it; deploy-time
    values in an ARN (``${Token[AWS.Region.5]}``: their numbers change from run to run) are
    left out of the checksum.
    """
    if _unresolved(arn) and not isinstance(construct, str):
        return construct.node.addr[:16]
    stable = _TOKEN.sub("", arn)
    last = re.split(r"[:/]", stable.rstrip("/:"))[-1]
    return f"{name_characters(last)[:40]}-{fnv1a(stable)}"


# How aws-cdk-lib writes an unresolved value into a string ("${Token[NAME.123]}"), so that
# literal ARNs are told apart without a call into the CDK for each of hundreds of targets.
_TOKEN = re.compile(r"\$\{Token\[[^\]]*\]\}")


def _unresolved(text: str) -> bool:
    return "${Token[" in text


def _known(account: str | None) -> bool:
    return account is not None and not _unresolved(account)
