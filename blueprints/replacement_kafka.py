"""The Kafka stack's resources as the baseline comparison sees them: network, clusters, topics.

Mirrors what ``edastack.stacks.kafka`` and the network construct build (subnet blocks split the
VPC's block evenly; one security group per cluster in the VPC; the cluster in every subnet).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterator
from functools import partial
from typing import Any

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Path
from edastack.blueprints.replacement_resources import Origin, Ref, Resource, settings

NETWORK = "network"
VPC = f"{NETWORK}/vpc"
_P = "/properties/"


def kafka_resources(bp: m.Blueprint) -> Iterator[Resource]:
    stack = layout.stack_name(bp, layout.KAFKA)
    vpc: Any = None
    subnets: tuple[Any, ...] = ()
    if bp.needs_vpc:
        vpc, subnets = _network_ids(bp)
        yield from _network(bp, stack, vpc)
    for name in sorted(bp.clusters):
        yield from _cluster(bp, bp.clusters[name], stack, vpc, subnets)
    for name in sorted(bp.topics):
        topic = bp.topics[name]
        if topic.cluster in bp.clusters:
            yield from _topic(bp, topic, bp.clusters[topic.cluster])


def _network_ids(bp: m.Blueprint) -> tuple[Any, tuple[Any, ...]]:
    vpc = bp.network.vpc
    if isinstance(vpc, m.ImportVpc):
        return vpc.vpc_id, vpc.private_subnet_ids
    return Ref(VPC), tuple(Ref(f"{NETWORK}/subnet-{i + 1}") for i in range(vpc.azs))


def _network(bp: m.Blueprint, stack: str, vpc_id: Any) -> Iterator[Resource]:
    own = Origin(stack, NETWORK, (NETWORK,))
    vpc = bp.network.vpc
    if isinstance(vpc, m.CreateVpc):
        created = (NETWORK, "vpc", "create")
        yield own.resource(
            "AWS::EC2::VPC",
            "the VPC",
            "vpc",
            properties={f"{_P}CidrBlock": vpc.cidr},
            sources={f"{_P}CidrBlock": (*created, "cidr")},
            settings=settings(vpc),
        )
        zones = _zones(bp, vpc.azs)
        for i, (zone, block) in enumerate(
            zip(zones, _subnet_blocks(vpc.cidr, vpc.azs), strict=True)
        ):
            yield own.resource(
                "AWS::EC2::Subnet",
                f"subnet {i + 1} of the VPC",
                f"subnet-{i + 1}",
                properties={
                    f"{_P}VpcId": vpc_id,
                    f"{_P}AvailabilityZone": zone,
                    f"{_P}CidrBlock": block,
                },
                sources={f"{_P}CidrBlock": (*created, "cidr"), f"{_P}AvailabilityZone": created},
            )
    if bp.network.endpoints:
        yield _security_group(own, "endpoints", "interface endpoints", vpc_id, "https")
    for service in bp.network.endpoints:
        yield own.resource(
            "AWS::EC2::VPCEndpoint",
            f"the {service} endpoint",
            f"endpoint:{service}",
            properties={
                f"{_P}ServiceName": service,
                f"{_P}VpcEndpointType": "Interface",
                f"{_P}VpcId": vpc_id,
            },
        )


def _zones(bp: m.Blueprint, count: int) -> list[str]:
    """The named zones of a known region, else the region's first ones (Fn::GetAZs)."""
    region = bp.environment.region
    return [
        f"{region}{z}" if region else f"Fn::GetAZs[{i}]" for i, z in enumerate("abcdef"[:count])
    ]


def _subnet_blocks(cidr: str, count: int) -> list[str]:
    """The VPC's block split evenly, as the network construct splits it."""
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return [f"{cidr}#{i}" for i in range(count)]
    extra = max(1, math.ceil(math.log2(count))) if count else 1
    blocks = [str(b) for b in network.subnets(prefixlen_diff=extra)][:count]
    return blocks + [f"{cidr}#{i}" for i in range(len(blocks), count)]


def _security_group(own: Origin, part: str, what: str, vpc_id: Any, description: str) -> Resource:
    return own.resource(
        "AWS::EC2::SecurityGroup",
        f"the security group of {what}",
        part,
        properties={f"{_P}VpcId": vpc_id, f"{_P}GroupDescription": description},
        sources={f"{_P}VpcId": (NETWORK,)},
    )


def _cluster(
    bp: m.Blueprint, c: m.KafkaCluster, stack: str, vpc: Any, subnets: tuple[Any, ...]
) -> Iterator[Resource]:
    if c.type == "external":
        return
    own = Origin(stack, f"cluster:{c.name}", c.path)
    name = layout.physical_name(bp, c.name)
    group = _security_group(own, "security-group", f"cluster '{c.name}'", vpc, name)
    yield group
    if c.type == "serverless":
        cluster_type = "AWS::MSK::ServerlessCluster"
        properties: dict[str, Any] = {
            f"{_P}ClusterName": name,
            f"{_P}VpcConfigs": (subnets, (Ref(group.key),)),
            f"{_P}ClientAuthentication": c.auth,
            f"{_P}Tags": tuple(sorted(_tags(bp).items())),
        }
        sources: dict[str, Path] = {
            "type": (*c.path, "type"),
            f"{_P}VpcConfigs": (NETWORK,),
            f"{_P}ClientAuthentication": (*c.path, "auth"),
            f"{_P}Tags": ("owner",) if bp.owner else ("tags",),
        }
    else:
        cluster_type = "AWS::MSK::Cluster"
        properties = {
            f"{_P}ClusterName": name,
            f"{_P}BrokerNodeGroupInfo/ClientSubnets": subnets,
            f"{_P}BrokerNodeGroupInfo/SecurityGroups": (Ref(group.key),),
            f"{_P}EncryptionInfo/EncryptionAtRest": c.encryption_key_arn,
        }
        sources = {
            "type": (*c.path, "type"),
            f"{_P}BrokerNodeGroupInfo/ClientSubnets": (NETWORK,),
            f"{_P}EncryptionInfo/EncryptionAtRest": (*c.path, "encryption"),
        }
    yield own.resource(
        cluster_type,
        f"cluster '{c.name}'",
        properties=properties,
        sources=sources,
        settings=settings(c),
        holds_data=True,
        name=(f"{_P}ClusterName",),
    )


def _tags(bp: m.Blueprint) -> dict[str, str]:
    """The tags every resource of the blueprint carries (``edastack.stacks.app``)."""
    tags = {"edastack:blueprint": bp.name, "edastack:environment": bp.environment.name}
    if bp.owner:
        tags["owner"] = bp.owner
    return tags | dict(bp.tags)


def _topic(bp: m.Blueprint, t: m.KafkaTopic, cluster: m.KafkaCluster) -> Iterator[Resource]:
    topic = partial(
        Origin(layout.topic_stack(bp, t), f"topic:{t.name}", t.path).resource,
        what=f"topic '{t.name}'",
        settings=settings(t),
        holds_data=True,
        depends=(f"cluster:{cluster.name}",),
    )
    if cluster.type in layout.PROVISIONED:
        yield topic(
            "AWS::MSK::Topic",
            properties={
                f"{_P}ClusterArn": Ref(f"cluster:{cluster.name}"),
                f"{_P}TopicName": t.topic_name,
                f"{_P}ReplicationFactor": t.replication,
            },
            sources={
                "type": (*t.path, "cluster"),
                f"{_P}ClusterArn": (*t.path, "cluster"),
                f"{_P}TopicName": (*t.path, "name"),
                f"{_P}ReplicationFactor": (*t.path, "replication"),
            },
            # a topic's name is unique in its cluster: a new one beside the old one collides
            name=(f"{_P}ClusterArn", f"{_P}TopicName"),
        )
    elif cluster.type == "serverless":
        yield topic(
            "Custom::EdastackKafkaTopic",
            properties={f"{_P}TopicName": t.topic_name},
            sources={"type": (*t.path, "cluster"), f"{_P}TopicName": (*t.path, "name")},
        )
