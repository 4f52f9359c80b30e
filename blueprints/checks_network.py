"""Semantic checks of the network: an imported VPC's shape, a created VPC's CIDR and flow logs,
and the interface endpoints bridges need in a VPC without internet access."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, Path, error, warning


def bridge_endpoints(bp: m.Blueprint, b: m.KafkaToBus) -> list[str]:
    """The interface endpoints a bridge needs in a VPC edastack creates (no internet access).

    Lambda's pollers call Lambda and STS (and Secrets Manager when they authenticate with a
    secret: SCRAM, or an external cluster's mutual TLS), and its S3 on-failure destination S3
    (Lambda developer guide, "Configuring your Amazon MSK cluster and Amazon VPC network"; the
    same for a self-managed cluster reached through the VPC); the forwarder function itself
    runs outside the VPC. The EventBridge sink connector calls EventBridge.
    """
    cluster = bp.cluster_of(b)
    if not isinstance(bp.network.vpc, m.CreateVpc) or cluster is None:
        return []
    if cluster.type == "external" and cluster.arn:
        return []  # an MSK source: the pollers run in that cluster's own VPC
    if b.via == "connector":
        return ["events"]
    if b.via != "lambda":
        return []
    needed = ["lambda", "sts"]
    auth = defaults.bridge_auth(cluster.auth)  # the one mode the pollers use, as synthesized
    if auth == "scram" or (cluster.type == "external" and auth == "mtls"):
        needed.append("secretsmanager")
    if b.lambda_.on_failure_topic is None:
        needed.append("s3")
    return needed


def external_clients(ctx: Checks, b: m.Bridge) -> Iterator[Finding]:
    """A bridge whose Kafka connections leave from outside any VPC: a self-managed cluster's
    pollers, or a producer, when the blueprint declares no network to run them in."""
    cluster = ctx.bp.cluster_of(b)
    declared = ctx.bp.network.declared or ("network", "network") in ctx.broken
    if cluster is None or cluster.type != "external" or declared:
        return
    producer = isinstance(b, m.BusToKafka)
    if not producer and cluster.arn:
        return  # an MSK source: Lambda's pollers run in that cluster's VPC
    if ctx.acknowledged(b.acknowledged, "external-network"):
        return
    who = "its producer function reaches" if producer else "its event pollers reach"
    yield warning(
        "external-network",
        (*b.path, "from" if not producer else "to"),
        f"bridge '{b.name}': {who} external cluster '{cluster.name}' from outside any "
        "VPC, so only brokers on the internet are reachable: declare network.vpc (create or "
        "import the VPC that reaches the brokers) or, for brokers meant to be public, "
        "acknowledge: {external-network: <reason>}",
    )


def network(ctx: Checks) -> Iterator[Finding]:
    vpc = ctx.bp.network.vpc
    where: Path = ("network", "vpc")
    if isinstance(vpc, m.ImportVpc):
        if len(vpc.private_subnet_ids) != len(vpc.availability_zones):
            yield error(
                "network",
                (*where, "import"),
                "give one availability zone per private subnet, in the same order: "
                f"{len(vpc.private_subnet_ids)} subnets, {len(vpc.availability_zones)} zones",
            )
        if ctx.bp.network.endpoints and vpc.cidr is None:
            yield error(
                "network",
                ("network", "endpoints"),
                "interface endpoints in an imported VPC need its cidr (network.vpc.import."
                "cidr): their security group admits HTTPS from it",
            )
    else:
        try:
            block = ipaddress.ip_network(vpc.cidr)
            if not block.is_private:
                yield error(
                    "network",
                    (*where, "create", "cidr"),
                    f"{vpc.cidr} is not a private network; use 10.0.0.0/8, 172.16.0.0/12 "
                    "or 192.168.0.0/16",
                )
        except ValueError:
            yield error(
                "network",
                (*where, "create", "cidr"),
                f"{vpc.cidr} is not a network address (host bits set, or not IPv4); "
                "e.g. 10.0.0.0/16",
            )
    if isinstance(vpc, m.CreateVpc):
        yield from ctx.log_retention(
            vpc.flow_logs_retention_days, ("network", "vpc", "create", "flow_logs")
        )


def endpoints(ctx: Checks, b: m.KafkaToBus) -> Iterator[Finding]:
    """A created VPC has no internet access: what a bridge calls must have an endpoint."""
    if not ctx.bp.network.declared:
        return  # the default network has the endpoints the bridges need
    declared = ctx.bp.network.endpoints
    missing = [e for e in bridge_endpoints(ctx.bp, b) if e not in declared]
    if "s3" in missing and "sqs" in declared:
        # Before S3 held failed batches, the on-failure destination was SQS: a network that
        # validated with sqs keeps validating, with a warning until s3 is added.
        missing.remove("s3")
        if not ctx.acknowledged(b.acknowledged, "endpoint-moved"):
            yield warning(
                "endpoint-moved",
                b.path,
                f"bridge '{b.name}' sends batches that still fail to S3 now (with their "
                "payloads), no longer to SQS: the created VPC has no internet access, so add "
                "s3 to network.endpoints (sqs is no longer needed for it), or acknowledge: "
                "{endpoint-moved: <reason>}",
            )
    cluster = ctx.bp.cluster_of(b)
    if missing and cluster is not None and cluster.type == "external":
        # Bridges of external clusters ran outside the VPC before 0.2: a blueprint that
        # validated keeps validating, with a warning.
        if not ctx.acknowledged(b.acknowledged, "external-network"):
            yield warning(
                "external-network",
                b.path,
                f"bridge '{b.name}' reads external cluster '{cluster.name}' from the created VPC, "
                f"whose subnets have no internet access: add {', '.join(missing)} to "
                "network.endpoints, or acknowledge: {external-network: <reason>}",
            )
        return
    if missing:
        yield error(
            "bridge-network",
            b.path,
            f"bridge '{b.name}' (via {b.via}) runs in the created VPC, whose subnets have no "
            f"internet access: add {', '.join(missing)} to network.endpoints",
        )
