"""A custom EventBridge event bus with its policy, archive, schema discovery and DLQ."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_eventschemas as eventschemas
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct

from edastack.aws.keywords import reject_unknown_props
from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_bus_alarms import EventBusAlarms
from edastack.constructs.props import BusProps, pattern_errors

_ACCOUNT_ID = re.compile(r"^\d{12}$")
# AWS Organizations API reference, Organization.Id: "^o-[a-z0-9]{10,32}$".
_ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


class EventBus(Construct):
    """A custom event bus (``AWS::Events::Bus``) that other accounts may be allowed to use.

    - Encrypted with an AWS-owned key unless ``encryption_key`` is given.
    - A bus-level :class:`DeadLetterQueue` (the bus ``DeadLetterConfig``, which receives
      events EventBridge cannot encrypt or decrypt) is always created or given; rules that
      want one DLQ per bus pass ``bus.dead_letter_queue`` to :class:`EventRule`.
    - ``allow_accounts`` / ``allow_organizations`` add ``events:PutEvents`` statements to the
      bus policy; no statement ever grants ``*`` without an ``aws:PrincipalOrgID`` condition.
    - An archive (retained on stack deletion) when ``archive_retention`` is given; archived
      events cost $0.10 / GB processed and $0.023 / GB-month (us-east-1, 2026-11).
    - A schema discoverer on request; discovery is not supported on CMK-encrypted buses.
    - Alarms on its rules' failed, lost and throttled invocations (:class:`EventBusAlarms`).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        allow_accounts: Sequence[str] = (),
        allow_organizations: Sequence[str] = (),
        archive_retention: Duration | None = None,
        archive_pattern: Mapping[str, Any] | None = None,
        schema_discovery: bool = False,
        dead_letter_queue: DeadLetterQueue | None = None,
        **props: Unpack[BusProps],
    ) -> None:
        """
        :param props: the bus (:class:`BusProps`): its alarms are on its rules' deliveries
        :param allow_accounts: 12-digit account ids allowed to ``events:PutEvents`` on the bus.
            Default: - no other account
        :param allow_organizations: AWS Organizations ids (``o-...``) whose accounts may
            ``events:PutEvents`` on the bus. Default: - no organization
        :param archive_retention: create an archive keeping events this many whole days;
            ``Duration.days(0)`` keeps them forever. Default: - no archive
        :param archive_pattern: raw EventBridge event pattern of the events to archive (needs
            ``archive_retention``). Default: - every event on the bus
        :param schema_discovery: add a schema discoverer on the bus. Default: - False
        :param dead_letter_queue: the bus-level dead-letter queue.
            Default: - a new :class:`DeadLetterQueue` with its defaults
        """
        reject_unknown_props(type(self), props, BusProps)
        super().__init__(scope, construct_id)
        bus_name, encryption_key = props.get("bus_name"), props.get("encryption_key")
        retention_days = _validated_retention_days(
            allow_accounts=allow_accounts,
            allow_organizations=allow_organizations,
            archive_retention=archive_retention,
            archive_pattern=archive_pattern,
            schema_discovery=schema_discovery,
            encrypted=encryption_key is not None,
        )

        self.dead_letter_queue: DeadLetterQueue = dead_letter_queue or DeadLetterQueue(
            self, "DeadLetterQueue"
        )
        self.bus: events.EventBus = events.EventBus(
            self,
            "Resource",
            event_bus_name=bus_name,
            description=props.get("description"),
            kms_key=encryption_key,
            dead_letter_queue=self.dead_letter_queue.queue,
        )
        self.dead_letter_queue.allow_event_bridge(self.bus.event_bus_arn)
        self.alarms = EventBusAlarms(
            self,
            "Alarms",
            bus_name=bus_name or self.bus.event_bus_name,
            alarm_topic=props.get("alarm_topic"),
        )
        self._allow_put_events(allow_accounts, allow_organizations)

        self.archive: events.CfnArchive | None = None
        if retention_days is not None:
            self.archive = self._archive(retention_days, archive_pattern, encryption_key)

        self.discoverer: eventschemas.CfnDiscoverer | None = None
        if schema_discovery:
            self.discoverer = self._discoverer()

    def _allow_put_events(
        self, allow_accounts: Sequence[str], allow_organizations: Sequence[str]
    ) -> None:
        if allow_accounts:
            self.bus.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AllowAccountsToPutEvents",
                    principals=[iam.AccountPrincipal(account) for account in allow_accounts],
                    actions=["events:PutEvents"],
                    resources=[self.bus.event_bus_arn],
                )
            )
        if allow_organizations:
            self.bus.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AllowOrganizationsToPutEvents",
                    principals=[iam.AnyPrincipal()],
                    actions=["events:PutEvents"],
                    resources=[self.bus.event_bus_arn],
                    conditions={"StringEquals": {"aws:PrincipalOrgID": list(allow_organizations)}},
                )
            )

    def _archive(
        self,
        retention_days: int,
        archive_pattern: Mapping[str, Any] | None,
        encryption_key: kms.IKey | None,
    ) -> events.CfnArchive:
        # The L1 archive: the L2 requires a pattern typed as events.EventPattern, which
        # cannot express every operator (and an archive without a pattern keeps all).
        archive = events.CfnArchive(
            self,
            "Archive",
            source_arn=self.bus.event_bus_arn,
            description=f"Archive of the event bus {self.node.path}",
            event_pattern=dict(archive_pattern) if archive_pattern is not None else None,
            retention_days=retention_days,
            kms_key_identifier=encryption_key.key_arn if encryption_key else None,
        )
        archive.apply_removal_policy(RemovalPolicy.RETAIN)
        if encryption_key is not None:
            encryption_key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid="AllowEventBridgeToEncryptTheArchive",
                    principals=[iam.ServicePrincipal("events.amazonaws.com")],
                    actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
                    resources=["*"],
                    conditions={
                        "StringEquals": {
                            "kms:EncryptionContext:aws:events:event-bus:arn": (
                                self._bus_arn_without_reference()
                            )
                        }
                    },
                )
            )
        return archive

    def _discoverer(self) -> eventschemas.CfnDiscoverer:
        return eventschemas.CfnDiscoverer(
            self,
            "Discoverer",
            source_arn=self.bus.event_bus_arn,
            description=f"Schema discovery on the event bus {self.node.path}",
        )

    def _bus_arn_without_reference(self) -> str:
        # The bus ARN built from its name (a literal at synthesis), not from Fn::GetAtt: the
        # key policy belongs to the key, which the bus already depends on.
        cfn_bus = self.bus.node.default_child
        assert isinstance(cfn_bus, events.CfnEventBus)
        return Stack.of(self).format_arn(
            service="events", resource="event-bus", resource_name=cfn_bus.name
        )


def _validated_retention_days(
    *,
    allow_accounts: Sequence[str],
    allow_organizations: Sequence[str],
    archive_retention: Duration | None,
    archive_pattern: Mapping[str, Any] | None,
    schema_discovery: bool,
    encrypted: bool,
) -> int | None:
    """Raise every conflict of the props at once; else the archive's retention in days."""
    errors = [
        *pattern_errors("allow_accounts", allow_accounts, _ACCOUNT_ID, "a 12-digit AWS account id"),
        *pattern_errors(
            "allow_organizations",
            allow_organizations,
            _ORGANIZATION_ID,
            "an AWS Organizations id (o- followed by 10 to 32 lowercase letters or digits)",
        ),
    ]
    retention_days: int | None = None
    if archive_retention is not None:
        days = archive_retention.to_days(integral=False)
        if days < 0 or days != int(days):
            errors.append(
                "archive_retention must be a whole number of days, 0 for forever, "
                f"got {archive_retention.to_human_string()}"
            )
        else:
            retention_days = int(days)
    elif archive_pattern is not None:
        errors.append(
            "archive_pattern needs archive_retention "
            "(Duration.days(0) keeps archived events forever), got no archive_retention"
        )
    if schema_discovery and encrypted:
        errors.append(
            "schema_discovery must be False when encryption_key is set: EventBridge does "
            "not discover schemas on a bus encrypted with a customer-managed key"
        )
    if errors:
        raise ValueError("; ".join(errors))
    return retention_days
