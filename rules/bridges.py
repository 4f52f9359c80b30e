"""Bridge rules: a bus fed from Kafka keeps an archive (EDA006); a Kafka pipe, which has no
dead-letter queue, is a decision acknowledged on it (EDA007)."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.rules.rule import Rule, RuleFinding, finding, rule
from edastack.rules.templates import ResourceRef, Templates

BUS_ENV_VARIABLE = "EVENT_BUS_NAME"
CONNECTOR_BUS_KEY = "aws.eventbridge.eventbus.arn"
KAFKA_SOURCE_KEYS = ("ManagedStreamingKafkaParameters", "SelfManagedKafkaParameters")


def _bridged_buses(templates: Templates) -> dict[tuple[str, str], tuple[ResourceRef, str]]:
    """Buses that a Kafka bridge (pipe, connector, forwarder Lambda) puts events on."""
    found: dict[tuple[str, str], tuple[ResourceRef, str]] = {}

    def add(bus: ResourceRef | None, source: ResourceRef) -> None:
        if bus is not None:
            found.setdefault(bus.key, (bus, source.logical_id))

    for pipe in templates.of_type("AWS::Pipes::Pipe"):
        add(templates.bus(pipe.stack, pipe.properties.get("Target")), pipe)
    for connector in templates.of_type("AWS::KafkaConnect::Connector"):
        config = connector.properties.get("ConnectorConfiguration")
        if isinstance(config, dict):
            add(templates.bus(connector.stack, config.get(CONNECTOR_BUS_KEY)), connector)
    for function in templates.of_type("AWS::Lambda::Function"):
        environment = function.properties.get("Environment")
        variables = environment.get("Variables") if isinstance(environment, dict) else None
        if isinstance(variables, dict) and BUS_ENV_VARIABLE in variables:
            add(templates.bus(function.stack, variables[BUS_ENV_VARIABLE]), function)
    return found


@rule(
    "EDA006",
    "An event bus that receives events bridged from Kafka has no archive",
)
def bridged_bus_archive(templates: Templates) -> Iterator[RuleFinding]:
    """A bridge moves a record from Kafka onto a bus; once the Kafka retention passes, the bus
    is the only place the event ever existed. An ``AWS::Events::Archive`` whose ``SourceArn``
    is the bus keeps every event so it can be replayed to a repaired consumer
    (``edastack.constructs.event_bus.EventBus`` archives by default). A bus counts as bridged
    when an ``AWS::Pipes::Pipe`` targets it, an ``AWS::KafkaConnect::Connector`` names it in
    ``aws.eventbridge.eventbus.arn``, or a Lambda function names it in ``EVENT_BUS_NAME``.
    ``edastack validate`` warns about the same bus from the blueprint, as ``EDA006``, before any
    synthesis (a classic bus that a bridge feeds, without ``archive``); acknowledging ``EDA006``
    on the bus silences both."""
    archived: set[tuple[str, str]] = set()
    for archive in templates.of_type("AWS::Events::Archive"):
        bus = templates.bus(archive.stack, archive.properties.get("SourceArn"))
        if bus is not None:
            archived.add(bus.key)
    for key, (bus, source) in sorted(_bridged_buses(templates).items()):
        if key not in archived:
            name = bus.properties.get("Name", bus.logical_id)
            yield finding(
                "EDA006",
                bus,
                f"bus {name!r} receives events bridged by {source} but no AWS::Events::Archive "
                "has it as SourceArn",
                "Properties",
            )


@rule(
    "EDA007",
    "An EventBridge pipe reads from Kafka: no dead-letter queue and no retry limit",
    severity="warning",
)
def kafka_pipe_acknowledged(templates: Templates) -> Iterator[RuleFinding]:
    """EventBridge Pipes cannot send a failing Kafka batch to a dead-letter queue and have no
    retry limit for Kafka sources: a record the target rejects is retried until it expires
    from the topic, and its partition stalls behind it. That can be the right trade (no code,
    no connector to run) when the target is an event bus that accepts any JSON, but it is a
    decision: acknowledge this rule on the pipe with the reason, or bridge with a Lambda event
    source mapping (on-failure destination, retry limit, bisect) or MSK Connect instead."""
    for pipe in templates.of_type("AWS::Pipes::Pipe"):
        parameters = pipe.properties.get("SourceParameters")
        if not isinstance(parameters, dict):
            continue
        for key in KAFKA_SOURCE_KEYS:
            if key in parameters:
                yield finding(
                    "EDA007",
                    pipe,
                    f"pipe {pipe.logical_id} reads Kafka ({key}): a record its target rejects "
                    "stalls its partition until it expires",
                    f"Properties/SourceParameters/{key}",
                )


FAMILY: tuple[Rule, ...] = (bridged_bus_archive, kafka_pipe_acknowledged)
