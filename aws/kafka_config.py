"""Kafka broker configuration: edastack's durable defaults and what may override them.

No CDK import: ``KafkaCluster`` builds its MSK configuration with :func:`broker_configuration`,
and ``edastack validate`` calls the same function, so a configuration the construct would refuse
is reported at the blueprint's line instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from edastack.aws import defaults, limits

# The Standard-broker defaults edastack changes for durability (aws-facts.md, "MSK").
DURABLE_SERVER_PROPERTIES: Mapping[str, str] = {
    "auto.create.topics.enable": "false",
    "default.replication.factor": "3",
    "min.insync.replicas": "2",
    "unclean.leader.election.enable": "false",
}
# On Express brokers MSK fixes these at durable values and rejects them in a configuration
# (MSK developer guide, "Express brokers read-only configurations").
EXPRESS_READ_ONLY_PROPERTIES: Mapping[str, str] = {
    "default.replication.factor": str(limits.EXPRESS_REPLICATION_FACTOR),
    "min.insync.replicas": str(limits.EXPRESS_MIN_INSYNC_REPLICAS),
    "unclean.leader.election.enable": "false",
}


def durable_properties(broker_count: int) -> dict[str, str]:
    """:data:`DURABLE_SERVER_PROPERTIES` for ``broker_count`` Standard brokers: fewer than 3
    hold one replica per broker and acknowledge a write with all but one of them
    (``defaults.topic_replication``, ``defaults.topic_min_insync``), so that edastack's own
    configuration is valid and passes edastack's rules on a 2-broker cluster."""
    replication = defaults.topic_replication(broker_count if broker_count >= 1 else None)
    return {
        **DURABLE_SERVER_PROPERTIES,
        "default.replication.factor": str(replication),
        "min.insync.replicas": str(defaults.topic_min_insync(replication)),
    }


def broker_configuration(
    *,
    is_express: bool,
    overrides: Mapping[str, str | int | bool],
    allow_weaker: bool,
    broker_count: int,
) -> tuple[dict[str, str], list[str]]:
    """The broker properties (durable defaults with ``overrides`` on top) and what is wrong.

    Express brokers: MSK fixes replication, min.insync and unclean election; overriding them is
    an error. Standard brokers: a weaker value for a durable default is an error unless
    ``allow_weaker``; the default replication factor must fit the brokers, and min.insync must
    stay below it (or both be 1).
    """
    errors: list[str] = []
    rendered = {key: render(value) for key, value in overrides.items()}
    if is_express:
        for key, fixed in EXPRESS_READ_ONLY_PROPERTIES.items():
            if key in rendered:
                errors.append(
                    f"server_properties cannot set {key} on express brokers: MSK fixes it "
                    f"at {fixed}"
                )
        durable = {"auto.create.topics.enable": "false"}
    else:
        durable = durable_properties(broker_count)
    merged = {**durable, **rendered}
    if not allow_weaker:
        weaker = [
            f"{key}={merged[key]}"
            for key in sorted(durable)
            if _is_weaker(key, merged[key], durable[key])
        ]
        if weaker:
            errors.append(
                f"server_properties weakens durability ({', '.join(weaker)}); keep "
                + ", ".join(f"{k}={v}" for k, v in sorted(durable.items()))
                + " or pass allow_weaker_durability=True"
            )
    if not is_express:
        replication = as_int(merged["default.replication.factor"])
        insync = as_int(merged["min.insync.replicas"])
        for key, number in (
            ("default.replication.factor", replication),
            ("min.insync.replicas", insync),
        ):
            if number is None:
                errors.append(f"{key} must be a whole number, got {merged[key]!r}")
        if replication is not None and broker_count >= 1 and replication > broker_count:
            errors.append(
                f"default.replication.factor {replication} is greater than the "
                f"{broker_count} brokers; add brokers or lower it"
            )
        # One replica has no lower value: Kafka accepts 1 and 1 (validate warns low-replication).
        if replication is not None and insync is not None and insync >= max(replication, 2):
            errors.append(
                f"min.insync.replicas {insync} must be lower than default.replication.factor "
                f"{replication}, or one broker down stops every acks=all producer"
            )
    return merged, errors


def weakened(overrides: Mapping[str, str | int | bool], broker_count: int) -> list[str]:
    """``key=value`` for each override weaker than edastack's durable default for
    ``broker_count`` brokers (:func:`durable_properties`)."""
    durable = durable_properties(broker_count)
    rendered = {key: render(value) for key, value in overrides.items()}
    return [
        f"{key}={rendered[key]}"
        for key in sorted(durable)
        if key in rendered and _is_weaker(key, rendered[key], durable[key])
    ]


def render(value: str | int | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _is_weaker(key: str, value: str, durable: str) -> bool:
    if key in ("unclean.leader.election.enable", "auto.create.topics.enable"):
        return value.lower() != durable
    number = as_int(value)
    return number is None or number < int(durable)
