"""The network edastack's Kafka clusters and bridges live in: a VPC with private subnets.

Reaching AWS APIs: the subnets of a created VPC are **isolated** (no internet gateway, no NAT).
MSK brokers need no internet at all, and everything the bridges call (EventBridge, the Pipes
data plane, STS, Secrets Manager, Lambda, CloudWatch Logs) is reachable through interface VPC
endpoints, which keep traffic on the AWS network and leave no path for data to leave to the
internet. Endpoints are opt-in (``interface_endpoints``; ``BRIDGE_ENDPOINTS`` lists the usual
set) because each costs about $0.01 per AZ-hour (~$22/month per endpoint over 3 AZs, us-east-1,
2026-11); a NAT gateway costs ~$0.045/hour per AZ plus data processing and opens the internet.
A caller who needs internet egress imports its own VPC (``existing_vpc``).

The VPC is built from CloudFormation L1 resources on purpose: ``ec2.Vpc`` reads
``Stack.availability_zones`` even when it is given explicit zones, and in an environment-specific
stack that is a context lookup which fails without AWS credentials. Nothing here looks anything
up: zone names are explicit, or derived as ``<region>a/b/c`` from a concrete stack region.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aws_cdk import Acknowledgment, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from edastack.constructs.encryption_key import encrypted_log_group

DEFAULT_AZ_COUNT = 3
DEFAULT_VPC_CIDR = "10.0.0.0/16"
# A VPC's primary IPv4 block is /16 to /28 (Amazon VPC user guide, "VPC CIDR blocks"); below /24
# three subnets would leave too few addresses for broker and endpoint network interfaces.
_VPC_PREFIX_MIN = 16
_VPC_PREFIX_MAX = 24
# cfn-lint / CDK's validator W3010 ("avoid hardcoding availability zones") on the subnets.
_EXPLICIT_ZONES = (
    "zones are explicit on purpose: MSK ClientSubnets and BrokerAZDistribution are create-only, "
    "and Fn::GetAZs returns zones in an order that differs per account"
)

# What the bridges call from inside the VPC: EventBridge PutEvents, the Pipes data plane, STS
# (IAM auth tokens), Secrets Manager (SCRAM / mTLS secrets), Lambda, CloudWatch Logs.
# Services with gateway endpoints too (VPC user guide, "Gateway endpoints").
_GATEWAY_SERVICES = frozenset({"s3", "dynamodb"})
_ALL_RESOLVERS = ec2.VpcEndpointPrivateDnsOnlyForInboundResolverEndpoint.ALL_RESOLVERS

BRIDGE_ENDPOINTS: tuple[ec2.InterfaceVpcEndpointAwsService, ...] = (
    ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
    ec2.InterfaceVpcEndpointAwsService.PIPES_DATA,
    ec2.InterfaceVpcEndpointAwsService.STS,
    ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    ec2.InterfaceVpcEndpointAwsService.LAMBDA_,
    ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
)


@dataclass(frozen=True)
class ExistingVpc:
    """A VPC created elsewhere; nothing is looked up, every id is given.

    :param vpc_id: the VPC id, e.g. ``vpc-0abc...``
    :param private_subnet_ids: one private subnet per zone, in the order of ``availability_zones``
    :param availability_zones: the zone of each subnet, e.g. ``("eu-west-1a", "eu-west-1b")``
    :param vpc_cidr_block: the VPC's IPv4 block; needed only for interface endpoints (their
        security group allows 443 from this block)
    """

    vpc_id: str
    private_subnet_ids: Sequence[str]
    availability_zones: Sequence[str]
    vpc_cidr_block: str | None = None


class Network(Construct):
    """A VPC with private subnets, flow logs and optional interface endpoints, or an imported one.

    Created (default): one isolated subnet per zone, VPC flow logs (all traffic) to a
    KMS-encrypted CloudWatch log group that is retained. Imported (``existing_vpc``): nothing is
    created but the requested endpoints. Either way ``vpc``, ``private_subnets`` and
    ``availability_zones`` are what Kafka clusters and bridges are placed in.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        availability_zones: Sequence[str] | None = None,
        vpc_cidr_block: str | None = None,
        flow_log_retention: logs.RetentionDays | None = None,
        flow_log_encryption_key: kms.IKey | None = None,
        interface_endpoints: Sequence[ec2.InterfaceVpcEndpointAwsService] = (),
        existing_vpc: ExistingVpc | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
    ) -> None:
        """
        :param availability_zones: zones of the created VPC's subnets. Default: - ``<region>a``,
            ``<region>b``, ``<region>c`` of the stack's region (which must then be concrete)
        :param vpc_cidr_block: IPv4 block of the created VPC, /16 to /24, split evenly between
            the subnets. Default: - ``10.0.0.0/16``
        :param flow_log_retention: how long flow log records are kept. Default: - one year
        :param flow_log_encryption_key: key that encrypts the flow log group; its key policy must
            let CloudWatch Logs use it. Default: - a new customer managed key with rotation
        :param interface_endpoints: AWS services reachable from the private subnets through
            interface endpoints with private DNS; their security group allows 443 from the VPC
            block only. Default: - none (``BRIDGE_ENDPOINTS`` is the set bridges need)
        :param existing_vpc: import this VPC instead of creating one; excludes the props that
            shape a created VPC. Default: - a VPC is created
        :param removal_policy: applies to the flow log group and its key. Default: - RETAIN
        """
        super().__init__(scope, construct_id)
        endpoints = list(interface_endpoints)
        errors = _repeated_endpoint_errors(endpoints)
        self.flow_log_group: logs.ILogGroup | None = None
        if existing_vpc is not None:
            created_vpc_props = {
                "availability_zones": availability_zones,
                "vpc_cidr_block": vpc_cidr_block,
                "flow_log_retention": flow_log_retention,
                "flow_log_encryption_key": flow_log_encryption_key,
            }
            errors += _existing_vpc_errors(existing_vpc, created_vpc_props, bool(endpoints))
            _raise_if_any(errors)
            self.availability_zones: list[str] = list(existing_vpc.availability_zones)
            self.vpc: ec2.IVpc = self._import_vpc(existing_vpc)
            subnets = self.vpc.private_subnets
            endpoint_cidr = existing_vpc.vpc_cidr_block or ""
        else:
            zones = self._zones(Stack.of(self), availability_zones, errors)
            cidr = vpc_cidr_block if vpc_cidr_block is not None else DEFAULT_VPC_CIDR
            subnet_blocks = self._subnet_blocks(cidr, len(zones), errors)
            _raise_if_any(errors)
            self.availability_zones = zones
            self.vpc = self._create_vpc(cidr, zones, subnet_blocks)
            subnets = self.vpc.isolated_subnets
            self.flow_log_group = self._flow_logs(
                flow_log_retention or logs.RetentionDays.ONE_YEAR,
                flow_log_encryption_key,
                removal_policy,
            )
            endpoint_cidr = cidr

        self.private_subnets = ec2.SubnetSelection(subnets=subnets)
        self.endpoint_security_group: ec2.ISecurityGroup | None = None
        self.endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        if endpoints:
            self.endpoint_security_group = self._endpoint_security_group(endpoint_cidr)
            self.endpoints = self._endpoints(endpoints, self.endpoint_security_group)

    def _import_vpc(self, existing_vpc: ExistingVpc) -> ec2.IVpc:
        vpc = ec2.Vpc.from_vpc_attributes(
            self,
            "Resource",
            vpc_id=existing_vpc.vpc_id,
            availability_zones=list(existing_vpc.availability_zones),
            private_subnet_ids=list(existing_vpc.private_subnet_ids),
            vpc_cidr_block=existing_vpc.vpc_cidr_block,
        )
        # CDK warns that the imported subnets' route tables are unknown; nothing here adds
        # routes or gateway endpoints to them, so nothing reads them.
        Validations.of(vpc).acknowledge(
            Acknowledgment(
                id="Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId",
                reason="edastack never reads the route tables of an imported VPC's subnets",
            )
        )
        return vpc

    def _create_vpc(self, cidr: str, zones: list[str], subnet_blocks: list[str]) -> ec2.IVpc:
        cfn_vpc = ec2.CfnVPC(
            self,
            "Resource",
            cidr_block=cidr,
            # Private DNS of interface endpoints needs both.
            enable_dns_hostnames=True,
            enable_dns_support=True,
        )
        subnet_ids, route_table_ids = [], []
        for index, (zone, block) in enumerate(zip(zones, subnet_blocks, strict=True)):
            subnet_id, route_table_id = self._private_subnet(
                f"PrivateSubnet{index + 1}", cfn_vpc, zone, block
            )
            subnet_ids.append(subnet_id)
            route_table_ids.append(route_table_id)
        return ec2.Vpc.from_vpc_attributes(
            self,
            "Vpc",
            vpc_id=cfn_vpc.ref,
            availability_zones=zones,
            isolated_subnet_ids=subnet_ids,
            isolated_subnet_route_table_ids=route_table_ids,
            vpc_cidr_block=cidr,
        )

    def _private_subnet(
        self, construct_id: str, cfn_vpc: ec2.CfnVPC, zone: str, block: str
    ) -> tuple[str, str]:
        """A private subnet with its own route table; returns the refs of both."""
        subnet = ec2.CfnSubnet(
            self,
            construct_id,
            vpc_id=cfn_vpc.ref,
            availability_zone=zone,
            cidr_block=block,
            map_public_ip_on_launch=False,
        )
        Validations.of(subnet).acknowledge(
            Acknowledgment(id="CloudFormation-Validate::W3010", reason=_EXPLICIT_ZONES)
        )
        # cfn-lint reads its exceptions from the template only (no reason field there).
        subnet.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3010"]}})
        # An own route table with only the local route: no internet, no NAT.
        table = ec2.CfnRouteTable(self, f"{construct_id}RouteTable", vpc_id=cfn_vpc.ref)
        ec2.CfnSubnetRouteTableAssociation(
            self,
            f"{construct_id}RouteTableAssociation",
            subnet_id=subnet.ref,
            route_table_id=table.ref,
        )
        return subnet.ref, table.ref

    def _endpoint_security_group(self, vpc_cidr: str) -> ec2.ISecurityGroup:
        security_group = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="Interface VPC endpoints: HTTPS from inside the VPC only",
            allow_all_outbound=False,
        )
        security_group.add_ingress_rule(
            ec2.Peer.ipv4(vpc_cidr), ec2.Port.tcp(443), "HTTPS from inside the VPC"
        )
        return security_group

    def _endpoints(
        self,
        services: Sequence[ec2.InterfaceVpcEndpointAwsService],
        security_group: ec2.ISecurityGroup,
    ) -> dict[str, ec2.InterfaceVpcEndpoint]:
        return {
            service.short_name: ec2.InterfaceVpcEndpoint(
                self,
                f"Endpoint-{service.short_name}",
                vpc=self.vpc,
                service=service,
                subnets=self.private_subnets,
                security_groups=[security_group],
                private_dns_enabled=True,
                # S3 also has gateway endpoints: without one, its interface endpoint's
                # private DNS must answer every resolver, or creating it fails (EC2 API,
                # DnsOptionsSpecification.PrivateDnsOnlyForInboundResolverEndpoint).
                private_dns_only_for_inbound_resolver_endpoint=(
                    _ALL_RESOLVERS if service.short_name in _GATEWAY_SERVICES else None
                ),
                # The shared group already allows 443 from the VPC block.
                open=False,
            )
            for service in services
        }

    @staticmethod
    def _zones(stack: Stack, given: Sequence[str] | None, errors: list[str]) -> list[str]:
        if given is not None:
            zones = list(given)
            if not zones:
                errors.append("availability_zones must name at least one zone, got none")
            duplicates = sorted({z for z in zones if zones.count(z) > 1})
            if duplicates:
                errors.append(f"availability_zones lists {', '.join(duplicates)} more than once")
            return zones
        if Token.is_unresolved(stack.region):
            errors.append(
                "availability_zones is required in an environment-agnostic stack (the region "
                "is unknown at synth time and edastack never looks zones up); pass e.g. "
                "['us-east-1a', 'us-east-1b', 'us-east-1c'] or give the stack an env"
            )
            return []
        return [f"{stack.region}{letter}" for letter in "abc"[:DEFAULT_AZ_COUNT]]

    @staticmethod
    def _subnet_blocks(cidr: str, count: int, errors: list[str]) -> list[str]:
        try:
            network = ipaddress.ip_network(cidr)
        except ValueError:
            errors.append(f"vpc_cidr_block must be an IPv4 network like 10.0.0.0/16, got {cidr!r}")
            return []
        if not isinstance(network, ipaddress.IPv4Network) or not network.is_private:
            errors.append(f"vpc_cidr_block must be a private IPv4 network, got {cidr!r}")
            return []
        if not _VPC_PREFIX_MIN <= network.prefixlen <= _VPC_PREFIX_MAX:
            errors.append(
                f"vpc_cidr_block prefix must be between /{_VPC_PREFIX_MIN} and "
                f"/{_VPC_PREFIX_MAX}, got {cidr!r}"
            )
            return []
        if count == 0:
            return []
        extra_bits = max(1, math.ceil(math.log2(count)))
        return [str(block) for block in network.subnets(prefixlen_diff=extra_bits)][:count]

    def _flow_logs(
        self,
        retention: logs.RetentionDays,
        key: kms.IKey | None,
        removal_policy: RemovalPolicy,
    ) -> logs.ILogGroup:
        log_group = encrypted_log_group(
            self,
            "FlowLogGroup",
            description=f"Encrypts the VPC flow logs of {self.node.path}",
            retention=retention,
            removal_policy=removal_policy,
            encryption_key=key,
            # The key's id predates the shared helper (which would name it FlowLogGroupKey):
            # construct ids are kept, a new id would replace the key.
            key_id="FlowLogKey",
        )
        ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(self.vpc),
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(log_group),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        return log_group


def _repeated_endpoint_errors(
    endpoints: Sequence[ec2.InterfaceVpcEndpointAwsService],
) -> list[str]:
    names = [service.short_name for service in endpoints]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        return [f"interface_endpoints lists {', '.join(duplicates)} more than once"]
    return []


def _existing_vpc_errors(
    existing_vpc: ExistingVpc, created_vpc_props: Mapping[str, object], has_endpoints: bool
) -> list[str]:
    errors: list[str] = []
    given = [name for name, value in created_vpc_props.items() if value is not None]
    if given:
        errors.append(f"existing_vpc excludes {', '.join(given)}: those shape a created VPC")
    subnet_ids, zones = existing_vpc.private_subnet_ids, existing_vpc.availability_zones
    if not subnet_ids:
        errors.append("existing_vpc.private_subnet_ids must name at least one subnet")
    if len(subnet_ids) != len(zones):
        errors.append(
            "existing_vpc needs one availability zone per private subnet, got "
            f"{len(subnet_ids)} subnets and {len(zones)} zones"
        )
    if has_endpoints and existing_vpc.vpc_cidr_block is None:
        errors.append(
            "interface_endpoints on an existing VPC need existing_vpc.vpc_cidr_block "
            "(their security group allows 443 from that block only)"
        )
    return errors


def _raise_if_any(errors: list[str]) -> None:
    if errors:
        raise ValueError("; ".join(errors))


def select_subnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection | None) -> list[ec2.ISubnet]:
    """``vpc.select_subnets`` for a ``SubnetSelection`` (the Python binding takes keywords)."""
    if selection is None:
        return list(vpc.select_subnets().subnets)
    return list(
        vpc.select_subnets(
            availability_zones=selection.availability_zones,
            one_per_az=selection.one_per_az,
            subnet_filters=selection.subnet_filters,
            subnet_group_name=selection.subnet_group_name,
            subnet_type=selection.subnet_type,
            subnets=selection.subnets,
        ).subnets
    )
