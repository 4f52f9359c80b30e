"""Every ``default`` the blueprint schema documents is the value of ``edastack.aws.defaults``
the builder applies, and a blueprint that leaves everything out gets those values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edastack.aws import defaults as d
from edastack.blueprints import model as m
from edastack.blueprints.units import retention_seconds, seconds
from edastack.blueprints.validate import FileReport


def _days(text: str) -> int | None:
    value = retention_seconds(text)
    return None if value is None else value // d.DAY_S


def _same(value: Any) -> Any:
    return value


SCHEMA = Path(d.__file__).resolve().parents[1] / "blueprints" / "schema" / "blueprint.schema.json"
D = "$defs"
# schema location of a default -> (how the schema writes it -> the table's unit, table value)
EXPECTED: dict[str, tuple[Callable[[Any], Any], Any]] = {
    f"{D}.environment.production": (_same, d.PRODUCTION),
    f"{D}.network.vpc.create.azs": (_same, d.VPC_AZS),
    f"{D}.network.vpc.create.flow_logs": (_days, d.FLOW_LOGS_RETENTION_DAYS),
    f"{D}.cluster.type": (_same, d.CLUSTER_TYPE),
    f"{D}.cluster.version": (_same, d.KAFKA_VERSION),
    f"{D}.cluster.brokers.autoscale.target": (_same, d.STORAGE_AUTOSCALING_TARGET_PERCENT),
    f"{D}.cluster.logging.retention": (_days, d.CLUSTER_LOG_RETENTION_DAYS),
    f"{D}.cluster.monitoring": (_same, d.CLUSTER_MONITORING),
    f"{D}.topic.partitions": (_same, d.TOPIC_PARTITIONS),
    f"{D}.topic.replication": (_same, d.TOPIC_REPLICATION),
    f"{D}.topic.retention": (retention_seconds, d.TOPIC_RETENTION_S),
    f"{D}.topic.cleanup": (_same, d.TOPIC_CLEANUP),
    f"{D}.bus.archive.retention": (_days, d.ARCHIVE_RETENTION_DAYS),
    f"{D}.bus.schema_discovery": (_same, d.BUS_SCHEMA_DISCOVERY),
    f"{D}.bus.type": (_same, d.BUS_TYPE),
    f"{D}.bus.retention": (_days, d.BUS_V2_RETENTION_DAYS),
    f"{D}.ruleDlq": (_same, d.RULE_DEAD_LETTER),
    f"{D}.rule.enabled": (_same, d.RULE_ENABLED),
    f"{D}.rule.ordered": (_same, d.RULE_ORDERED),
    f"{D}.rule.start": (_same, d.RULE_START),
    f"{D}.apiDestination.method": (_same, d.API_DESTINATION_METHOD),
    f"{D}.queue.fifo": (_same, d.QUEUE_FIFO),
    f"{D}.queue.retention": (seconds, d.QUEUE_RETENTION_S),
    f"{D}.queue.visibility_timeout": (seconds, d.QUEUE_VISIBILITY_TIMEOUT_S),
    f"{D}.queue.max_receives": (_same, d.QUEUE_MAX_RECEIVES),
    f"{D}.bridge.connector.workers": (_same, d.CONNECTOR_WORKERS),
    f"{D}.bridge.connector.mcu": (_same, d.CONNECTOR_MCU),
    f"{D}.bridge.pipe.batch_size": (_same, d.BATCH_SIZE),
    f"{D}.bridge.pipe.starting_position": (_same, d.STARTING_POSITION),
    f"{D}.bridge.lambda.batch_size": (_same, d.BATCH_SIZE),
    f"{D}.bridge.lambda.starting_position": (_same, d.STARTING_POSITION),
    f"{D}.bridge.lambda.retries": (_same, d.LAMBDA_BRIDGE_RETRIES),
    f"{D}.bridge.lambda.max_record_age": (seconds, d.LAMBDA_BRIDGE_MAX_RECORD_AGE_S),
    f"{D}.contract.version": (_same, d.CONTRACT_VERSION),
    f"{D}.contract.compatibility": (_same, d.CONTRACT_COMPATIBILITY),
}
# JSON Schema keywords between a property and its subschema, left out of the locations above.
_STRUCTURE = {"properties", "oneOf", "anyOf", "allOf", "items"}


def schema_defaults(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Any]]:
    """``(location, default)`` of every ``default`` in the schema."""
    if isinstance(node, dict):
        if "default" in node:
            yield ".".join(path), node["default"]
        for key, child in node.items():
            if key != "default":
                step = () if key in _STRUCTURE or key.isdigit() else (key,)
                yield from schema_defaults(child, (*path, *step))
    elif isinstance(node, list):
        for child in node:
            yield from schema_defaults(child, path)


def found() -> dict[str, Any]:
    return dict(schema_defaults(json.loads(SCHEMA.read_text(encoding="utf-8"))))


def test_every_schema_default_is_in_the_table() -> None:
    assert sorted(found()) == sorted(EXPECTED)


@pytest.mark.parametrize("location", sorted(EXPECTED))
def test_schema_default_is_the_table_value(location: str) -> None:
    convert, value = EXPECTED[location]
    assert convert(found()[location]) == value


MINIMAL = """
blueprint: shop
kafka:
  clusters:
    main: {}
  topics:
    orders: {cluster: main}
eventbridge:
  buses:
    shop: {}
queues:
  work: {}
bridges:
  orders-in:
    from: {topic: orders}
    to: {bus: shop, detail_type: OrderPlaced, source: shop.orders}
"""


def test_a_blueprint_that_leaves_everything_out_gets_the_table(
    report: Callable[..., FileReport],
) -> None:
    result = report(MINIMAL)
    assert [f.format() for f in result.errors] == []
    (bp,) = result.blueprints.values()
    cluster, topic, queue = bp.clusters["main"], bp.topics["orders"], bp.queues["work"]
    bridge = bp.bridges["orders-in"]
    assert isinstance(bp.network.vpc, m.CreateVpc) and isinstance(bridge, m.KafkaToBus)
    assert (bp.network.vpc.azs, bp.network.vpc.cidr, bp.network.vpc.flow_logs_retention_days) == (
        d.VPC_AZS,
        d.VPC_CIDR,
        d.FLOW_LOGS_RETENTION_DAYS,
    )
    assert (
        cluster.type,
        cluster.version,
        cluster.broker_type,
        cluster.broker_count,
        cluster.storage_gib,
        cluster.auth,
        cluster.log_retention_days,
        cluster.monitoring,
    ) == (
        d.CLUSTER_TYPE,
        d.KAFKA_VERSION,
        d.STANDARD_BROKER_TYPE,
        d.BROKER_COUNT,
        d.BROKER_STORAGE_GIB,
        (d.CLUSTER_AUTH,),
        d.CLUSTER_LOG_RETENTION_DAYS,
        d.CLUSTER_MONITORING,
    )
    assert (
        topic.partitions,
        topic.replication,
        topic.min_insync,
        topic.retention_ms,
        topic.cleanup,
    ) == (
        d.TOPIC_PARTITIONS,
        d.TOPIC_REPLICATION,
        d.topic_min_insync(d.TOPIC_REPLICATION),
        d.TOPIC_RETENTION_S * 1000,
        (d.TOPIC_CLEANUP,),
    )
    assert (queue.retention_s, queue.visibility_timeout_s, queue.max_receives) == (
        d.QUEUE_RETENTION_S,
        d.QUEUE_VISIBILITY_TIMEOUT_S,
        d.QUEUE_MAX_RECEIVES,
    )
    options = bridge.lambda_
    assert (bridge.via, options.batch_size, options.retries, options.max_record_age_s) == (
        d.BRIDGE_VIA,
        d.BATCH_SIZE,
        d.LAMBDA_BRIDGE_RETRIES,
        d.LAMBDA_BRIDGE_MAX_RECORD_AGE_S,
    )
