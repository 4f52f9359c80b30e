"""The EventBridge side of the model: buses, rules and their targets, queues, defaults applied."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from edastack.aws import defaults
from edastack.blueprints import build_events_v2 as v2
from edastack.blueprints import model as m
from edastack.blueprints.build_base import Builder, days, strings
from edastack.blueprints.findings import Path
from edastack.blueprints.load import load
from edastack.blueprints.units import seconds

TARGET_KINDS: tuple[m.TargetKind, ...] = (
    "lambda",
    "sqs",
    "sns",
    "stepfunctions",
    "kinesis",
    "api",
    "bus",
)
# Target options that only one kind of target takes.
_OPTION_OWNERS = {"partition_key": "kinesis", "message_group": "sqs"}


def bus(builder: Builder, name: str, spec: Mapping[str, Any], path: Path) -> m.EventBus:
    policy = spec.get("policy", {})
    own = sorted(set(spec) - {"import", "acknowledge", "load", "type"})
    if "import" in spec and own:
        builder.report(
            "imported-bus",
            (*path, own[0]),
            f"an imported bus is configured by its owner; remove {', '.join(own)} "
            "or stop importing it",
        )
    return m.EventBus(
        name=name,
        path=path,
        type=v2.bus_type(builder, name, spec, path),
        retention_days=v2.retention_days(builder, spec, path) if "import" not in spec else None,
        import_arn=spec.get("import"),
        kms_key=spec.get("encryption", {}).get("key"),
        allow_accounts=tuple(policy.get("accounts", ())),
        allow_organizations=tuple(policy.get("organizations", ())),
        archive=_archive(spec.get("archive")),
        schema_discovery=spec.get("schema_discovery", defaults.BUS_SCHEMA_DISCOVERY),
        acknowledged=strings(spec.get("acknowledge")),
        load=load(spec.get("load")),
    )


def _archive(spec: str | Mapping[str, Any] | None) -> m.Archive | None:
    """``archive: 30d`` or ``archive: {retention: 30d, pattern: {...}}``."""
    if isinstance(spec, str):
        return m.Archive(retention_days=days(spec, defaults.ARCHIVE_RETENTION_DAYS))
    if isinstance(spec, Mapping):
        return m.Archive(
            retention_days=days(spec.get("retention"), defaults.ARCHIVE_RETENTION_DAYS),
            pattern=spec.get("pattern"),
        )
    return None


def retry(spec: Mapping[str, Any] | None, base: m.RetryPolicy) -> m.RetryPolicy:
    """``spec`` on top of ``base`` (a target's retry refines its rule's)."""
    if not spec:
        return base
    return m.RetryPolicy(
        attempts=spec.get("attempts", base.attempts),
        max_age_s=seconds(spec["max_age"]) if "max_age" in spec else base.max_age_s,
    )


def dead_letter(spec: Any, default: m.DeadLetterScope = "rule") -> m.DeadLetter:
    """A ``dlq`` value; by default a rule shares its stack's queue, a bridge has its own."""
    if isinstance(spec, dict):
        return m.DeadLetter(scope="queue", queue=spec["queue"])
    return m.DeadLetter(scope=spec or default)


def _rule_bus(builder: Builder, spec: Mapping[str, Any], path: Path) -> str | None:
    """The rule's ``bus``, or the blueprint's only bus when it names none."""
    if "bus" in spec:
        return cast(str, spec["bus"])
    if len(builder.bus_names) == 1:
        return next(iter(builder.bus_names))
    declared = f"{len(builder.bus_names)} buses" if builder.bus_names else "no bus"
    builder.report(
        "missing-bus",
        path,
        f"missing key 'bus': the blueprint declares {declared}, so say which one",
    )
    return None


def rule(builder: Builder, name: str, spec: Mapping[str, Any], path: Path) -> m.Rule | None:
    policy = retry(spec.get("retry"), m.RetryPolicy())
    targets = []
    for target_name, target_spec in spec["targets"].items():
        where = (*path, "targets", target_name)
        built = (
            target(builder, target_name, target_spec, where, policy) if builder.ok(where) else None
        )
        if built is not None:
            targets.append(built)
    rule_bus = _rule_bus(builder, spec, path)
    if rule_bus is None:
        return None
    v2_dead_letter = v2.dead_letter_scope(builder, rule_bus, spec, path)
    return m.Rule(
        name=name,
        path=path,
        bus=rule_bus,
        pattern=spec["pattern"],
        targets=tuple(targets),
        retry=policy,
        dead_letter=v2_dead_letter or dead_letter(spec.get("dlq"), defaults.RULE_DEAD_LETTER),
        description=spec.get("description"),
        enabled=spec.get("enabled", defaults.RULE_ENABLED),
        stack=spec.get("stack"),
        acknowledged=strings(spec.get("acknowledge")),
        **v2.subscriber_options(builder, rule_bus, spec, path),
    )


def target(
    builder: Builder, name: str, spec: Mapping[str, Any], path: Path, rule_retry: m.RetryPolicy
) -> m.Target | None:
    kinds = [k for k in TARGET_KINDS if k in spec]
    if len(kinds) != 1:
        found = f"found {' and '.join(kinds)}" if kinds else "found none"
        builder.report(
            "target-kind", path, f"a target needs exactly one of {', '.join(TARGET_KINDS)}; {found}"
        )
        return None
    kind = kinds[0]
    for option, owner in _OPTION_OWNERS.items():
        if option in spec and kind != owner:
            builder.report(
                "target-option",
                (*path, option),
                f"'{option}' applies to {owner} targets only, not to {kind}",
            )
    api = _api_destination(spec["api"]) if kind == "api" else None
    return m.Target(
        name=name,
        path=path,
        kind=kind,
        ref=api.url if api is not None else spec[kind],
        retry=retry(spec.get("retry"), rule_retry),
        api=api,
        partition_key=spec.get("partition_key"),
        message_group=spec.get("message_group"),
        input=_input(spec.get("input")),
    )


def _api_destination(spec: Mapping[str, Any]) -> m.ApiDestination:
    ((auth_kind, auth),) = spec["auth"].items()
    return m.ApiDestination(
        url=spec["url"],
        method=spec.get("method", defaults.API_DESTINATION_METHOD),
        auth=auth_kind,
        secret_arn=auth["secret"],
        header=auth.get("header"),
        username=auth.get("username"),
        rate_limit=spec.get("rate_limit"),
    )


def _input(spec: Mapping[str, Any] | None) -> m.InputTransform | None:
    if spec is None:
        return None
    return m.InputTransform(paths=strings(spec.get("paths")), template=spec["template"])


def queue(name: str, spec: Mapping[str, Any], path: Path) -> m.Queue:
    return m.Queue(
        name=name,
        path=path,
        fifo=spec.get("fifo", defaults.QUEUE_FIFO),
        retention_s=seconds(spec["retention"])
        if "retention" in spec
        else defaults.QUEUE_RETENTION_S,
        visibility_timeout_s=seconds(spec["visibility_timeout"])
        if "visibility_timeout" in spec
        else defaults.QUEUE_VISIBILITY_TIMEOUT_S,
        max_receives=spec.get("max_receives", defaults.QUEUE_MAX_RECEIVES),
        acknowledged=strings(spec.get("acknowledge")),
    )
