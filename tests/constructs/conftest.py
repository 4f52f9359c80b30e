"""Scaffolding the construct tests share: a stack in a fixed environment, a network, Kafka
clusters placed in it, and the runner of error tables.

Factories rather than ready objects: a test that synthesizes needs a stack of its own (a failed
construct call leaves a partial construct behind), and its logical ids depend on the construct
ids it picks, which the expected values spell out.
"""

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, Environment, Stack

from edastack.constructs.kafka_cluster import KafkaCluster, ServerlessKafkaCluster
from edastack.constructs.network import Network

ACCOUNT = "111111111111"
REGION = "eu-west-1"
ZONES = [f"{REGION}a", f"{REGION}b", f"{REGION}c"]


def _new_stack(name: str = "Test", app: App | None = None) -> Stack:
    return Stack(app or App(), name, env=Environment(account=ACCOUNT, region=REGION))


def _new_network(
    stack: Stack, construct_id: str = "Net", zones: list[str] | None = None, **props: Any
) -> Network:
    return Network(stack, construct_id, availability_zones=zones or ZONES, **props)


def _new_cluster(
    stack: Stack,
    construct_id: str = "Kafka",
    *,
    network_id: str = "Net",
    zones: list[str] | None = None,
    **props: Any,
) -> KafkaCluster:
    network = _new_network(stack, network_id, zones)
    return KafkaCluster(
        stack, construct_id, vpc=network.vpc, vpc_subnets=network.private_subnets, **props
    )


def _new_serverless_cluster(
    stack: Stack, construct_id: str = "Kafka", *, network_id: str = "Net", **props: Any
) -> ServerlessKafkaCluster:
    network = _new_network(stack, network_id)
    return ServerlessKafkaCluster(
        stack, construct_id, vpc=network.vpc, vpc_subnets=network.private_subnets, **props
    )


def _refusal(build: Callable[[], object]) -> str:
    with pytest.raises(ValueError) as raised:
        build()
    return str(raised.value)


@pytest.fixture(scope="session")
def new_stack() -> Callable[..., Stack]:
    """``new_stack(name="Test", app=None)``: a stack in account 111111111111, eu-west-1."""
    return _new_stack


@pytest.fixture(scope="session")
def new_network() -> Callable[..., Network]:
    """``new_network(stack, construct_id="Net", zones=None, **props)``: a ``Network`` over
    ``zones`` (default: the three zones a, b, c of eu-west-1)."""
    return _new_network


@pytest.fixture(scope="session")
def new_cluster() -> Callable[..., KafkaCluster]:
    """``new_cluster(stack, construct_id="Kafka", *, network_id="Net", zones=None, **props)``:
    a ``KafkaCluster`` in the private subnets of a network of its own."""
    return _new_cluster


@pytest.fixture(scope="session")
def new_serverless_cluster() -> Callable[..., ServerlessKafkaCluster]:
    """``new_serverless_cluster(stack, construct_id="Kafka", *, network_id="Net", **props)``:
    a ``ServerlessKafkaCluster`` in the private subnets of a network of its own."""
    return _new_serverless_cluster


@pytest.fixture(scope="session")
def refusal() -> Callable[[Callable[[], object]], str]:
    """``refusal(build)``: the message of the ``ValueError`` that ``build()`` must raise."""
    return _refusal
