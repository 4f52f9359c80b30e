"""The v2 buses of the events stack (``type: v2``), and the parameters through which the rules
stacks find them: a v2 bus's ARN ends in an id AWS generates, so a rules stack cannot build it
from the bus's name as it does a classic bus's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import aws_kms as kms
from aws_cdk import aws_ssm as ssm

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.constructs.encryption_key import new_key
from edastack.constructs.event_bus_v2 import EventBusV2

if TYPE_CHECKING:
    from edastack.stacks.eventbridge import EventBridgeStack


def add_v2_bus(stack: EventBridgeStack, bus: m.EventBus) -> None:
    """A created v2 bus (``Bus-<name>``, as a classic one) with the parameter of its ARN and,
    for a created key, of the key's; an imported one is only its ARN."""
    bp = stack.blueprint
    if bus.import_arn:
        stack.v2_bus_arns[bus.name] = bus.import_arn
        return
    key: kms.IKey | None = None
    if bus.kms_key == "create":
        key = new_key(
            stack, f"BusKey-{bus.name}", description=f"Encrypts events on the v2 bus {bus.name}"
        )
        _parameter(
            stack,
            f"BusKeyArn-{bus.name}",
            layout.v2_bus_parameter(bp, bus.name, "key-arn"),
            key.key_arn,
        )
    elif bus.kms_key:
        key = kms.Key.from_key_arn(stack, f"BusKey-{bus.name}", bus.kms_key)
    construct = EventBusV2(
        stack,
        f"Bus-{bus.name}",
        bus_name=layout.bus_name(bp, bus.name),
        retention_days=bus.retention_days or 1,
        encryption_key=key,
        share_with_accounts=bus.allow_accounts,
        share_with_organizations=bus.allow_organizations,
        alarm_topic=stack.alarm_topic,
    )
    stack.v2_buses[bus.name] = construct
    stack.v2_bus_arns[bus.name] = construct.bus_arn
    _parameter(
        stack, f"BusArn-{bus.name}", layout.v2_bus_parameter(bp, bus.name), construct.bus_arn
    )


def add_queue_key_parameter(stack: EventBridgeStack) -> None:
    """The queue key's ARN for the delivery roles of v2 subscribers, when there are any."""
    bp = stack.blueprint
    if any(layout.on_v2_bus(bp, r) for r in bp.rules.values()):
        _parameter(stack, "QueueKeyArn", layout.queue_key_parameter(bp), stack.queue_key.key_arn)


def _parameter(stack: EventBridgeStack, construct_id: str, name: str, value: str) -> None:
    ssm.StringParameter(
        stack,
        construct_id,
        parameter_name=name,
        string_value=value,
        description="Read by the rules stacks of edastack (a CloudFormation dynamic reference)",
    )
