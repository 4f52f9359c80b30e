"""Props passed as typed keywords (``**props: Unpack[XxxProps]``, constructs and the gates) are
checked at run time as a signature would check them: a misspelt prop fails instead of being
dropped."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Stack

from edastack.constructs.dead_letter import DeadLetterQueue
from edastack.constructs.event_bus import EventBus
from edastack.constructs.event_bus_v2 import EventBusV2
from edastack.constructs.kafka_cluster import ServerlessKafkaCluster
from edastack.constructs.target_queue import TargetQueue
from edastack.testing.gates import run_gates


def test_fails_when_a_queue_prop_is_misspelt(new_stack: Callable[..., Stack]) -> None:
    stack = new_stack()
    props: dict[str, Any] = {"retension": Duration.days(1), "fifo": False}
    with pytest.raises(TypeError) as raised:
        DeadLetterQueue(stack, "Dlq", **props)
    assert str(raised.value) == "DeadLetterQueue() got unexpected keyword arguments: retension"


def test_fails_when_an_explicit_and_a_shared_prop_are_both_misspelt(
    new_stack: Callable[..., Stack],
) -> None:
    stack = new_stack()
    props: dict[str, Any] = {"queue_nam": "orders", "alarm_topc": None}
    with pytest.raises(TypeError) as raised:
        TargetQueue(stack, "Queue", max_receives=3, **props)
    assert str(raised.value) == (
        "TargetQueue() got unexpected keyword arguments: alarm_topc, queue_nam"
    )


def test_fails_when_a_cluster_prop_is_misspelt(
    new_stack: Callable[..., Stack],
    new_serverless_cluster: Callable[..., ServerlessKafkaCluster],
) -> None:
    with pytest.raises(TypeError) as raised:
        new_serverless_cluster(new_stack(), vpc_subnet=None)
    assert str(raised.value) == (
        "ServerlessKafkaCluster() got unexpected keyword arguments: vpc_subnet"
    )


def test_fails_when_a_gate_option_is_misspelt(tmp_path: Path) -> None:
    with pytest.raises(TypeError) as raised:
        run_gates(tmp_path / "bp.yaml", outdir=tmp_path, gate=["checkov"])  # type: ignore[call-arg]
    assert str(raised.value) == "check_blueprint() got unexpected keyword arguments: gate"


@pytest.mark.parametrize("bus", [EventBus, EventBusV2], ids=["classic", "v2"])
def test_fails_when_a_bus_prop_is_misspelt(
    new_stack: Callable[..., Stack], bus: type[EventBus | EventBusV2]
) -> None:
    props: dict[str, Any] = {"bus_nam": "orders"}
    with pytest.raises(TypeError) as raised:
        bus(new_stack(), "Bus", **props)
    assert str(raised.value) == f"{bus.__name__}() got unexpected keyword arguments: bus_nam"
