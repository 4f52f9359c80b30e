import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from edastack.constructs.network import BRIDGE_ENDPOINTS, ExistingVpc, Network

REGION = "eu-west-1"
ZONES = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]


@pytest.fixture(scope="module")
def build_network(new_stack: Callable[..., Stack]) -> Callable[..., Template]:
    """``build_network(**props)``: the template of a ``Network`` ``Net`` built with ``props``."""

    def build(**props: Any) -> Template:
        stack = new_stack()
        Network(stack, "Net", **props)
        return Template.from_stack(stack)

    return build


def _existing(**overrides: Any) -> ExistingVpc:
    fields: dict[str, Any] = {
        "vpc_id": "vpc-0123456789abcdef0",
        "private_subnet_ids": ["subnet-a", "subnet-b", "subnet-c"],
        "availability_zones": ZONES,
        "vpc_cidr_block": "10.20.0.0/16",
    }
    fields.update(overrides)
    return ExistingVpc(**fields)


@pytest.fixture(scope="module")
def default_template(build_network: Callable[..., Template]) -> Template:
    return build_network()


def _assert_no_open_security_group(template: Template) -> None:
    text = json.dumps(template.to_json())
    assert "0.0.0.0/0" not in text
    assert "::/0" not in text


# --- documented defaults -------------------------------------------------------------------


def test_default_creates_one_isolated_subnet_in_each_of_three_zones_of_the_region(
    default_template: Template,
) -> None:
    default_template.resource_count_is("AWS::EC2::VPC", 1)
    default_template.has_resource_properties(
        "AWS::EC2::VPC",
        {"CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": True, "EnableDnsSupport": True},
    )
    default_template.resource_count_is("AWS::EC2::Subnet", 3)
    for zone, block in zip(ZONES, ["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18"], strict=True):
        default_template.has_resource_properties(
            "AWS::EC2::Subnet",
            {"AvailabilityZone": zone, "CidrBlock": block, "MapPublicIpOnLaunch": False},
        )


def test_default_subnets_have_no_route_to_the_internet(default_template: Template) -> None:
    for resource_type in (
        "AWS::EC2::InternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::Route",
        "AWS::EC2::EIP",
    ):
        default_template.resource_count_is(resource_type, 0)
    default_template.resource_count_is("AWS::EC2::RouteTable", 3)
    default_template.resource_count_is("AWS::EC2::SubnetRouteTableAssociation", 3)


def test_default_flow_logs_all_traffic_to_an_encrypted_retained_group_kept_one_year(
    default_template: Template,
) -> None:
    default_template.has_resource_properties(
        "AWS::EC2::FlowLog",
        {
            "ResourceType": "VPC",
            "ResourceId": {"Ref": Match.string_like_regexp("^Net")},
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
        },
    )
    default_template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "Properties": {
                "RetentionInDays": 365,
                "KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^NetFlowLogKey"), "Arn"]},
            },
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        },
    )


def test_default_flow_log_key_rotates_is_retained_and_lets_cloudwatch_logs_use_it(
    default_template: Template,
) -> None:
    default_template.has_resource(
        "AWS::KMS::Key",
        {
            "Properties": {
                "EnableKeyRotation": True,
                "KeyPolicy": {
                    "Statement": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "Principal": {"Service": f"logs.{REGION}.amazonaws.com"},
                                    "Condition": {
                                        "ArnLike": {
                                            "kms:EncryptionContext:aws:logs:arn": Match.any_value()
                                        }
                                    },
                                }
                            )
                        ]
                    )
                },
            },
            "DeletionPolicy": "Retain",
        },
    )


def test_default_has_no_interface_endpoints(default_template: Template) -> None:
    default_template.resource_count_is("AWS::EC2::VPCEndpoint", 0)
    default_template.resource_count_is("AWS::EC2::SecurityGroup", 0)


def test_default_exposes_zones_and_the_private_subnets(new_stack: Callable[..., Stack]) -> None:
    network = Network(new_stack(), "Net")
    assert network.availability_zones == ZONES
    subnets = network.private_subnets.subnets or []
    assert [subnet.availability_zone for subnet in subnets] == ZONES
    assert network.vpc.select_subnets(subnets=subnets).subnet_ids == [s.subnet_id for s in subnets]


def test_the_main_vpc_resource_has_the_id_resource(new_stack: Callable[..., Stack]) -> None:
    network = Network(new_stack(), "Net")
    child = network.node.find_child("Resource")
    assert isinstance(child, ec2.CfnVPC)


def test_synth_never_looks_up_availability_zones(new_stack: Callable[..., Stack]) -> None:
    app = App()
    Network(new_stack(app=app), "Net", interface_endpoints=BRIDGE_ENDPOINTS)
    assembly = app.synth()
    manifest = json.loads(Path(assembly.directory, "manifest.json").read_text())
    assert manifest.get("missing") is None


# --- props ---------------------------------------------------------------------------------


def test_availability_zones_places_one_subnet_per_given_zone(
    build_network: Callable[..., Template],
) -> None:
    template = build_network(availability_zones=["eu-west-1b", "eu-west-1c"])
    template.resource_count_is("AWS::EC2::Subnet", 2)
    template.has_resource_properties(
        "AWS::EC2::Subnet", {"AvailabilityZone": "eu-west-1b", "CidrBlock": "10.0.0.0/17"}
    )
    template.has_resource_properties(
        "AWS::EC2::Subnet", {"AvailabilityZone": "eu-west-1c", "CidrBlock": "10.0.128.0/17"}
    )


def test_availability_zones_make_an_environment_agnostic_stack_synthesize() -> None:
    stack = Stack(App(), "Agnostic")
    Network(stack, "Net", availability_zones=["us-east-1a", "us-east-1b"])
    Template.from_stack(stack).resource_count_is("AWS::EC2::Subnet", 2)


def test_vpc_cidr_block_is_split_between_the_subnets(
    build_network: Callable[..., Template],
) -> None:
    template = build_network(vpc_cidr_block="172.16.0.0/20")
    template.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "172.16.0.0/20"})
    template.has_resource_properties("AWS::EC2::Subnet", {"CidrBlock": "172.16.8.0/22"})


def test_flow_log_retention_sets_the_log_group_retention(
    build_network: Callable[..., Template],
) -> None:
    template = build_network(flow_log_retention=logs.RetentionDays.ONE_MONTH)
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 30})


def test_flow_log_encryption_key_replaces_the_created_key(new_stack: Callable[..., Stack]) -> None:
    stack = new_stack()
    key = kms.Key(stack, "MyKey")
    Network(stack, "Net", flow_log_encryption_key=key)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::KMS::Key", 1)
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {"KmsKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^MyKey"), "Arn"]}},
    )


def test_removal_policy_destroy_applies_to_the_log_group_and_key(
    build_network: Callable[..., Template],
) -> None:
    template = build_network(removal_policy=RemovalPolicy.DESTROY)
    template.has_resource("AWS::Logs::LogGroup", {"DeletionPolicy": "Delete"})
    template.has_resource("AWS::KMS::Key", {"DeletionPolicy": "Delete"})


@pytest.fixture(scope="module")
def endpoint_template(build_network: Callable[..., Template]) -> Template:
    return build_network(interface_endpoints=BRIDGE_ENDPOINTS)


@pytest.mark.parametrize(
    "service",
    ["events", "pipes-data", "sts", "secretsmanager", "lambda", "logs"],
)
def test_interface_endpoints_create_a_private_dns_endpoint_per_service(
    endpoint_template: Template, service: str
) -> None:
    endpoints = endpoint_template.find_resources(
        "AWS::EC2::VPCEndpoint",
        {"Properties": {"VpcEndpointType": "Interface", "PrivateDnsEnabled": True}},
    )
    names = [json.dumps(e["Properties"]["ServiceName"]) for e in endpoints.values()]
    assert len(endpoints) == len(BRIDGE_ENDPOINTS)
    assert sum(f".{service}" in name for name in names) == 1, names


def test_interface_endpoints_sit_in_the_private_subnets_behind_one_security_group(
    endpoint_template: Template,
) -> None:
    endpoint_template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {
            "SubnetIds": [
                {"Ref": Match.string_like_regexp("^NetPrivateSubnet1")},
                {"Ref": Match.string_like_regexp("^NetPrivateSubnet2")},
                {"Ref": Match.string_like_regexp("^NetPrivateSubnet3")},
            ],
            "SecurityGroupIds": [
                {"Fn::GetAtt": [Match.string_like_regexp("^NetEndpointSecurityGroup"), "GroupId"]}
            ],
        },
    )
    endpoint_template.resource_count_is("AWS::EC2::SecurityGroup", 1)


def test_endpoint_security_group_allows_only_443_from_the_vpc_block(
    endpoint_template: Template,
) -> None:
    groups = endpoint_template.find_resources("AWS::EC2::SecurityGroup")
    (group,) = groups.values()
    assert group["Properties"]["SecurityGroupIngress"] == [
        {
            "CidrIp": "10.0.0.0/16",
            "Description": "HTTPS from inside the VPC",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    endpoint_template.resource_count_is("AWS::EC2::SecurityGroupIngress", 0)
    _assert_no_open_security_group(endpoint_template)


def test_existing_vpc_creates_no_vpc_and_exposes_the_given_subnets(
    new_stack: Callable[..., Stack],
) -> None:
    stack = new_stack()
    network = Network(stack, "Net", existing_vpc=_existing())
    template = Template.from_stack(stack)
    for resource_type in ("AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::FlowLog"):
        template.resource_count_is(resource_type, 0)
    assert network.vpc.vpc_id == "vpc-0123456789abcdef0"
    assert [s.subnet_id for s in network.private_subnets.subnets or []] == [
        "subnet-a",
        "subnet-b",
        "subnet-c",
    ]
    assert network.availability_zones == ZONES
    assert network.flow_log_group is None


def test_existing_vpc_endpoints_allow_443_from_its_block(
    build_network: Callable[..., Template],
) -> None:
    template = build_network(
        existing_vpc=_existing(),
        interface_endpoints=[ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE],
    )
    template.has_resource_properties(
        "AWS::EC2::VPCEndpoint",
        {"VpcId": "vpc-0123456789abcdef0", "SubnetIds": ["subnet-a", "subnet-b", "subnet-c"]},
    )
    template.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {"SecurityGroupIngress": [Match.object_like({"CidrIp": "10.20.0.0/16", "FromPort": 443})]},
    )


# --- eager errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("props", "message"),
    [
        pytest.param(
            {"availability_zones": []},
            "availability_zones must name at least one zone, got none",
            id="no_zones",
        ),
        pytest.param(
            {"availability_zones": ["eu-west-1a", "eu-west-1a"]},
            "availability_zones lists eu-west-1a more than once",
            id="duplicate_zone",
        ),
        pytest.param(
            {"vpc_cidr_block": "10.0.0.0"},
            "vpc_cidr_block prefix must be between /16 and /24, got '10.0.0.0'",
            id="cidr_without_prefix",
        ),
        pytest.param(
            {"vpc_cidr_block": "ten/16"},
            "vpc_cidr_block must be an IPv4 network like 10.0.0.0/16, got 'ten/16'",
            id="cidr_not_an_address",
        ),
        pytest.param(
            {"vpc_cidr_block": "8.8.0.0/16"},
            "vpc_cidr_block must be a private IPv4 network, got '8.8.0.0/16'",
            id="cidr_public",
        ),
        pytest.param(
            {"vpc_cidr_block": "10.0.0.0/28"},
            "vpc_cidr_block prefix must be between /16 and /24, got '10.0.0.0/28'",
            id="cidr_too_small",
        ),
        pytest.param(
            {
                "interface_endpoints": [
                    ec2.InterfaceVpcEndpointAwsService.STS,
                    ec2.InterfaceVpcEndpointAwsService.STS,
                ]
            },
            "interface_endpoints lists sts more than once",
            id="duplicate_endpoint",
        ),
        pytest.param(
            {
                "existing_vpc": _existing(),
                "availability_zones": ZONES,
                "vpc_cidr_block": "10.0.0.0/16",
            },
            "existing_vpc excludes availability_zones, vpc_cidr_block: those shape a created VPC",
            id="existing_vpc_with_created_vpc_props",
        ),
        pytest.param(
            {"existing_vpc": _existing(availability_zones=ZONES[:2])},
            "existing_vpc needs one availability zone per private subnet, "
            "got 3 subnets and 2 zones",
            id="existing_vpc_zone_count_mismatch",
        ),
        pytest.param(
            {"existing_vpc": _existing(private_subnet_ids=[], availability_zones=[])},
            "existing_vpc.private_subnet_ids must name at least one subnet",
            id="existing_vpc_without_subnets",
        ),
        pytest.param(
            {
                "existing_vpc": _existing(vpc_cidr_block=None),
                "interface_endpoints": BRIDGE_ENDPOINTS,
            },
            "interface_endpoints on an existing VPC need existing_vpc.vpc_cidr_block (their "
            "security group allows 443 from that block only)",
            id="existing_vpc_endpoints_without_cidr",
        ),
    ],
)
def test_fails_when_props_are_invalid(
    props: dict[str, Any],
    message: str,
    new_stack: Callable[..., Stack],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: Network(new_stack(), "Net", **props)) == message


def test_fails_when_zones_are_not_given_in_an_environment_agnostic_stack(
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(lambda: Network(Stack(App(), "Agnostic"), "Net")) == (
        "availability_zones is required in an environment-agnostic stack (the region is "
        "unknown at synth time and edastack never looks zones up); pass e.g. "
        "['us-east-1a', 'us-east-1b', 'us-east-1c'] or give the stack an env"
    )


def test_fails_when_several_props_are_invalid_with_every_conflict_at_once(
    new_stack: Callable[..., Stack],
    refusal: Callable[[Callable[[], object]], str],
) -> None:
    assert refusal(
        lambda: Network(
            new_stack(),
            "Net",
            availability_zones=["eu-west-1a", "eu-west-1a"],
            vpc_cidr_block="8.8.0.0/16",
        )
    ) == (
        "availability_zones lists eu-west-1a more than once; "
        "vpc_cidr_block must be a private IPv4 network, got '8.8.0.0/16'"
    )
