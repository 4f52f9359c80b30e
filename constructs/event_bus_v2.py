"""A v2 event bus (``AWS::EventsV2::EventBus``, the Custom Event Bus of 2026): it keeps every
event for its retention, is shared through AWS RAM, and alarms when its subscribers drop, fail
to dead-letter or fall behind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Unpack

from aws_cdk import Names, RemovalPolicy, Stack
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ram as ram
from constructs import Construct

from edastack.aws import defaults, limits
from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.acknowledgments import acknowledge_eventsv2_region
from edastack.constructs.event_bus_alarms import EventBusV2Alarms
from edastack.constructs.props import BusProps, pattern_errors

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ORGANIZATION_ARN = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$"
)
# AWS RAM managed permission for publishers (eventsv2 facts §6).
PUBLISH_ONLY = "arn:aws:ram::aws:permission/AWSRAMEventBridgeEventBusV2PublishOnly"
# What EventBridge does with a bus's customer-managed key (as for a classic bus's archive).
_KMS_SERVICE_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]


class EventBusV2(Construct):
    """A v2 bus, retained on stack deletion (it holds every event of its retention).

    - ``retention_days`` 1-365 (billed per GB kept); subscribers replay from it.
    - Encrypted with an AWS-owned key unless ``encryption_key`` is given; then EventBridge may
      use the key for this bus only (encryption context ``aws:events:event-busv2:arn``), and
      publishers and subscribers need ``kms:Decrypt`` (``grant_put_events`` adds it).
    - ``share_with_accounts`` / ``share_with_organizations`` (organization ARNs): an AWS RAM
      share with the ``PublishOnly`` managed permission, not a bus policy.
    - Alarms on dropped events, failed dead-lettering and backlog (:class:`EventBusV2Alarms`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        retention_days: int = defaults.BUS_V2_RETENTION_DAYS,
        share_with_accounts: Sequence[str] = (),
        share_with_organizations: Sequence[str] = (),
        **props: Unpack[BusProps],
    ) -> None:
        """
        :param props: the bus (:class:`BusProps`): its alarms are on dropped events, failed
            dead-lettering and backlog
        :param retention_days: how long the bus keeps events, 1-365.
            Default: - 7 days (AWS's own default is 1)
        :param share_with_accounts: 12-digit account ids that may publish. Default: - none
        :param share_with_organizations: organization ARNs whose accounts may publish.
            Default: - none
        """
        reject_unknown_props(type(self), props, BusProps)
        super().__init__(scope, construct_id)
        _check(retention_days, share_with_accounts, share_with_organizations)
        bus_name, encryption_key = props.get("bus_name"), props.get("encryption_key")
        self.bus_name = bus_name or Names.unique_resource_name(self, max_length=64, separator="-")
        self.encryption_key = encryption_key
        self.bus = eventsv2.CfnEventBus(
            self,
            "Resource",
            name=self.bus_name,
            description=props.get("description"),
            storage_configuration=eventsv2.CfnEventBus.StorageConfigurationProperty(
                retention_period_in_days=retention_days
            ),
            encryption_configuration=eventsv2.CfnEventBus.EncryptionConfigurationProperty(
                kms_key_identifier=encryption_key.key_arn
            )
            if encryption_key is not None
            else None,
        )
        self.bus.apply_removal_policy(RemovalPolicy.RETAIN)
        acknowledge_eventsv2_region(self.bus)
        self.bus_arn: str = self.bus.attr_event_bus_arn
        if encryption_key is not None:
            self._allow_event_bridge(encryption_key)
        self.share = self._share(share_with_accounts, share_with_organizations)
        self.alarms = EventBusV2Alarms(
            self,
            "Alarms",
            bus_arn=self.bus_arn,
            bus_name=self.bus_name,
            alarm_topic=props.get("alarm_topic"),
        )

    def grant_put_events(self, grantee: iam.IGrantable) -> iam.Grant:
        """Let ``grantee`` publish (``events:PutEvents`` and ``PutRawEvents`` on this bus's
        ``event-busv2`` ARN), with ``kms:Decrypt`` on its key when it has one."""
        grant = iam.Grant.add_to_principal(
            grantee=grantee,
            actions=["events:PutEvents", "events:PutRawEvents"],
            resource_arns=[self.bus_arn],
        )
        if self.encryption_key is not None:
            self.encryption_key.grant(grantee, "kms:Decrypt", "kms:GenerateDataKey")
        return grant

    def _share(
        self, accounts: Sequence[str], organizations: Sequence[str]
    ) -> ram.CfnResourceShare | None:
        if not accounts and not organizations:
            return None
        return ram.CfnResourceShare(
            self,
            "Share",
            name=f"{self.bus_name}-publishers",
            resource_arns=[self.bus_arn],
            principals=[*accounts, *organizations],
            permission_arns=[PUBLISH_ONLY],
            # Accounts may be outside the organization; organizations alone are inside it.
            allow_external_principals=bool(accounts),
        )

    def _allow_event_bridge(self, key: kms.IKey) -> None:
        stack = Stack.of(self)
        # The bus's ARN ends in an id AWS generates, and the key policy cannot refer to the bus
        # (the bus depends on the key): the pattern names this bus by its name.
        pattern = stack.format_arn(
            service="events", resource="event-busv2", resource_name=f"{self.bus_name}/*"
        )
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowEventBridgeToEncryptTheBusV2",
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=_KMS_SERVICE_ACTIONS,
                resources=["*"],
                conditions={
                    "StringLike": {"kms:EncryptionContext:aws:events:event-busv2:arn": pattern}
                },
            )
        )


def _check(days: int, accounts: Sequence[str], organizations: Sequence[str]) -> None:
    low, high = limits.EVENTSV2_RETENTION_DAYS
    errors = [] if low <= days <= high else [f"retention_days must be {low}-{high}, got {days}"]
    errors += pattern_errors(
        "share_with_accounts", accounts, _ACCOUNT_ID, "a 12-digit AWS account id"
    )
    errors += pattern_errors(
        "share_with_organizations",
        organizations,
        _ORGANIZATION_ARN,
        "an organization ARN (arn:aws:organizations::<account>:organization/o-...)",
    )
    if errors:
        raise ValueError("; ".join(errors))
