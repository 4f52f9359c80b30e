"""Bridges in the model: topic → bus (via lambda, pipe or connector) and bus → topic."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.build_base import Builder, strings
from edastack.blueprints.build_events import dead_letter, retry
from edastack.blueprints.findings import Path
from edastack.blueprints.units import seconds

_MECHANISMS = ("lambda", "connector", "pipe")


def bridge(builder: Builder, name: str, spec: Mapping[str, Any], path: Path) -> m.Bridge | None:
    src, dst = spec["from"], spec["to"]
    if "topic" in src and "bus" in dst and "bus" not in src and "topic" not in dst:
        return _kafka_to_bus(builder, name, spec, path)
    if "bus" in src and "topic" in dst and "topic" not in src and "bus" not in dst:
        return _bus_to_kafka(builder, name, spec, path)
    builder.report(
        "bridge-direction",
        path,
        "a bridge goes from a topic to a bus (from: {topic}, to: {bus}) or from a bus to "
        f"a topic (from: {{bus, pattern}}, to: {{topic}}); found from: "
        f"{{{', '.join(sorted(src))}}}, to: {{{', '.join(sorted(dst))}}}",
    )
    return None


def _misplaced(
    builder: Builder, spec: Mapping[str, Any], path: Path, keys: Iterable[str], why: str
) -> bool:
    """Report each of ``keys`` that ``spec`` has but should not; True if any."""
    bad = [k for k in keys if k in spec]
    for key in bad:
        builder.report("bridge-option", (*path, key), f"'{key}' {why}")
    return bool(bad)


def _kafka_to_bus_errors(builder: Builder, spec: Mapping[str, Any], path: Path, via: str) -> bool:
    """Report what a topic → bus bridge has that belongs elsewhere, or lacks; True if any."""
    src, dst = spec["from"], spec["to"]
    bad = _misplaced(builder, src, (*path, "from"), ["pattern"], "applies to bus -> topic bridges")
    bad |= _misplaced(builder, dst, (*path, "to"), ["key"], "applies to bus -> topic bridges")
    bad |= _misplaced(
        builder, spec, path, ["retry", "dlq"], "applies to bus -> topic bridges (rule delivery)"
    )
    others = [k for k in _MECHANISMS if k != via]
    bad |= _misplaced(builder, spec, path, others, f"configures another mechanism than via: {via}")
    for key in ("detail_type", "source"):
        if key not in dst:
            builder.report("bridge-option", (*path, "to"), f"missing required key '{key}'")
            bad = True
    if via == "connector" and "connector" not in spec:
        builder.report(
            "bridge-option",
            path,
            "via: connector needs a connector: {plugin: s3://...} block with the "
            "EventBridge sink connector plugin",
        )
        bad = True
    return bad


def _kafka_to_bus(
    builder: Builder, name: str, spec: Mapping[str, Any], path: Path
) -> m.KafkaToBus | None:
    via = spec.get("via", defaults.BRIDGE_VIA)
    if _kafka_to_bus_errors(builder, spec, path, via):
        return None
    src, dst = spec["from"], spec["to"]
    return m.KafkaToBus(
        name=name,
        path=path,
        topic=src["topic"],
        bus=dst["bus"],
        detail_type=dst["detail_type"],
        source=dst["source"],
        via=via,
        connector=_connector(spec["connector"]) if via == "connector" else None,
        pipe=_pipe(spec.get("pipe", {})) if via == "pipe" else None,
        lambda_=_lambda(spec.get("lambda", {})) if via == "lambda" else m.LambdaOptions(),
        acknowledged=strings(spec.get("acknowledge")),
    )


def _connector(spec: Mapping[str, Any]) -> m.ConnectorOptions:
    return m.ConnectorOptions(
        plugin=spec["plugin"],
        workers=spec.get("workers", defaults.CONNECTOR_WORKERS),
        mcu=spec.get("mcu", defaults.CONNECTOR_MCU),
        max_workers=spec.get("autoscale", {}).get("max_workers"),
        dlq_topic=spec.get("dlq_topic"),
        offload_bucket=spec.get("offload_bucket"),
    )


def _pipe(spec: Mapping[str, Any]) -> m.PipeOptions:
    return m.PipeOptions(
        batch_size=spec.get("batch_size", defaults.BATCH_SIZE),
        batch_window_s=seconds(spec["batch_window"]) if "batch_window" in spec else None,
        starting_position=spec.get("starting_position", defaults.STARTING_POSITION),
        consumer_group=spec.get("consumer_group"),
        filter=spec.get("filter"),
        enrichment_arn=spec.get("enrichment"),
    )


def _lambda(spec: Mapping[str, Any]) -> m.LambdaOptions:
    on_failure = spec.get("on_failure", defaults.LAMBDA_BRIDGE_ON_FAILURE)
    pollers = spec.get("pollers", {})
    # min alone: max is its default or min, whichever is larger (the default min is 1)
    low = pollers.get("min", defaults.LAMBDA_MIN_POLLERS)
    high = pollers.get("max", max(defaults.LAMBDA_MAX_POLLERS, low))
    return m.LambdaOptions(
        batch_size=spec.get("batch_size", defaults.BATCH_SIZE),
        batch_window_s=seconds(spec["batch_window"]) if "batch_window" in spec else None,
        starting_position=spec.get("starting_position", defaults.STARTING_POSITION),
        consumer_group=spec.get("consumer_group"),
        retries=spec.get("retries", defaults.LAMBDA_BRIDGE_RETRIES),
        on_failure_topic=on_failure["topic"] if isinstance(on_failure, dict) else None,
        max_record_age_s=(
            seconds(spec["max_record_age"])
            if "max_record_age" in spec
            else defaults.LAMBDA_BRIDGE_MAX_RECORD_AGE_S
        ),
        min_pollers=low,
        max_pollers=high,
        pollers_declared="pollers" in spec,
    )


def _bus_to_kafka(
    builder: Builder, name: str, spec: Mapping[str, Any], path: Path
) -> m.BusToKafka | None:
    src, dst = spec["from"], spec["to"]
    bad = _misplaced(
        builder, dst, (*path, "to"), ["detail_type", "source"], "applies to topic -> bus bridges"
    )
    bad |= _misplaced(
        builder,
        spec,
        path,
        ["via", "connector", "pipe", "lambda"],
        "applies to topic -> bus bridges (bus -> topic always uses a producer function)",
    )
    if "pattern" not in src:
        builder.report(
            "bridge-option",
            (*path, "from"),
            "missing required key 'pattern': which events of the bus go to the topic",
        )
        bad = True
    if bad:
        return None
    return m.BusToKafka(
        name=name,
        path=path,
        bus=src["bus"],
        pattern=src["pattern"],
        topic=dst["topic"],
        key=dst.get("key"),
        retry=retry(spec.get("retry"), m.RetryPolicy()),
        dead_letter=dead_letter(spec.get("dlq")),
        acknowledged=strings(spec.get("acknowledge")),
    )
