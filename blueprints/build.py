"""Schema-valid blueprint data → the typed model, applying every default and shorthand.

The builder only sees data the JSON schema accepted, except in one way: when a file has schema
errors, entities whose subtree has an error are left out (and their names remembered), so the
semantic checks still run on everything else and a user sees all of a file's errors at once
without follow-on noise about references to the broken entities.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path as FsPath
from types import MappingProxyType
from typing import Any, TypeVar, cast

from edastack.blueprints import model as m
from edastack.blueprints.checks import bridge_endpoints
from edastack.blueprints.findings import Finding, Path, error
from edastack.blueprints.units import retention_seconds, seconds, size_bytes

T = TypeVar("T")

TARGET_KINDS: tuple[m.TargetKind, ...] = (
    "lambda",
    "sqs",
    "sns",
    "stepfunctions",
    "kinesis",
    "api",
    "bus",
)
GIB = 2**30


@dataclass
class Built:
    blueprint: m.Blueprint
    findings: list[Finding] = field(default_factory=list)
    # (section, name) of entities left out because of schema errors: never "dangling"
    broken: set[tuple[str, str]] = field(default_factory=set)


def _strings(mapping: Mapping[str, Any] | None) -> Mapping[str, str]:
    if not mapping:
        return m.EMPTY
    return MappingProxyType(
        {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in mapping.items()}
    )


def _days(retention: str | None, default: int | None) -> int | None:
    if retention is None:
        return default
    value = retention_seconds(retention)
    return None if value is None else max(1, value // 86_400)


class _Builder:
    def __init__(
        self,
        data: Mapping[str, Any],
        environment: m.Environment,
        source: str,
        base_dir: FsPath,
        bad_paths: Iterable[Path],
    ) -> None:
        self.data = data
        self.environment = environment
        self.source = source
        self.base_dir = base_dir
        self.bad = set(bad_paths)
        self.bad_prefixes = {p[:i] for p in self.bad for i in range(len(p) + 1)}
        self.findings: list[Finding] = []
        self.broken: set[tuple[str, str]] = set()

    def ok(self, path: Path, nested: tuple[str, ...] = ()) -> bool:
        """True when no schema error lies at, above or below ``path``.

        Errors inside the ``nested`` collections of the entity (e.g. a rule's ``targets``) are
        the nested entities' own: they are checked one by one.
        """
        if any(path[:i] in self.bad for i in range(len(path))):
            return False
        if not nested:
            return path not in self.bad_prefixes
        n = len(path)
        # an error inside one entry of a nested collection (len > n + 1) is that entry's own;
        # an error on the collection itself (e.g. targets written as a list) is the entity's
        return not any(p[:n] == path and not (len(p) > n + 1 and p[n] in nested) for p in self.bad)

    def section(
        self,
        path: Path,
        kind: str,
        make: Callable[[str, Mapping[str, Any], Path], T | None],
        nested: tuple[str, ...] = (),
    ) -> Mapping[str, T]:
        node: Any = self.data
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            return m.EMPTY
        out: dict[str, T] = {}
        for name, spec in node.items():
            where = (*path, name)
            if not self.ok(where, nested) or not isinstance(spec, dict):
                self.broken.add((kind, name))
                continue
            built = make(name, spec, where)
            if built is None:
                self.broken.add((kind, name))
            else:
                out[name] = built
        return MappingProxyType(out)

    # --- sections ----------------------------------------------------------------------------

    def build(self) -> m.Blueprint:
        d = self.data
        buses = self.section(("eventbridge", "buses"), "buses", self.bus)
        self.bus_names = {*buses, *(n for k, n in self.broken if k == "buses")}
        return m.Blueprint(
            name=d.get("blueprint", "") if self.ok(("blueprint",)) else "",
            source=self.source,
            environment=self.environment,
            description=d.get("description"),
            owner=d.get("owner"),
            tags=_strings({**d.get("tags", {}), **self.environment.tags})
            if self.ok(("tags",))
            else m.EMPTY,
            network=self.network(d.get("network")) if self.ok(("network",)) else m.Network(),
            alarms=self.alarms(d.get("alarms", {})) if self.ok(("alarms",)) else m.Alarms(),
            clusters=self.section(("kafka", "clusters"), "clusters", self.cluster),
            topics=self.section(("kafka", "topics"), "topics", self.topic),
            buses=buses,
            rules=self.section(("eventbridge", "rules"), "rules", self.rule, ("targets",)),
            queues=self.section(("queues",), "queues", self.queue),
            bridges=self.section(("bridges",), "bridges", self.bridge),
            contracts=self.section(("contracts",), "contracts", self.contract),
            environments=tuple(d.get("environments", {}) or ()),
        )

    def network(self, spec: Mapping[str, Any] | None) -> m.Network:
        if spec is None:
            return m.Network()
        vpc_spec = spec.get("vpc", {})
        vpc: m.CreateVpc | m.ImportVpc
        if "import" in vpc_spec:
            imp = vpc_spec["import"]
            vpc = m.ImportVpc(
                vpc_id=imp["vpc_id"],
                private_subnet_ids=tuple(imp["private_subnet_ids"]),
                availability_zones=tuple(imp["availability_zones"]),
                cidr=imp.get("cidr"),
            )
            if "create" in vpc_spec:
                self.findings.append(
                    error(
                        "network",
                        ("network", "vpc"),
                        "give either create or import, not both",
                    )
                )
        else:
            create = vpc_spec.get("create", {})
            vpc = m.CreateVpc(
                azs=create.get("azs", 3),
                cidr=create.get("cidr", "10.0.0.0/16"),
                flow_logs_retention_days=_days(create.get("flow_logs"), 90),
            )
        return m.Network(vpc=vpc, endpoints=tuple(spec.get("endpoints", ())), declared=True)

    def alarms(self, spec: Mapping[str, Any]) -> m.Alarms:
        notify = spec.get("notify", {})
        email = notify.get("email", ())
        return m.Alarms(
            emails=(email,) if isinstance(email, str) else tuple(email),
            sns_topic_arn=notify.get("sns"),
        )

    def cluster(self, name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaCluster:
        kind = spec.get("type", "standard")
        brokers = spec.get("brokers", {})
        provisioned = kind in ("standard", "express")
        default_type = "express.m7g.large" if kind == "express" else "kafka.m7g.large"
        storage = brokers.get("storage", "1000GiB" if kind == "standard" else None)
        autoscale = brokers.get("autoscale")
        scaling = None
        if isinstance(autoscale, str):
            scaling = m.StorageAutoscaling(max_gib=size_bytes(autoscale) // GIB)
        elif isinstance(autoscale, dict):
            scaling = m.StorageAutoscaling(
                max_gib=size_bytes(autoscale["max"]) // GIB,
                target_percent=autoscale.get("target", 60),
            )
        auth = spec.get("auth", "iam")
        return m.KafkaCluster(
            name=name,
            path=path,
            type=kind,
            version=str(spec.get("version", "3.9.x")),
            broker_type=brokers.get("type", default_type) if provisioned else brokers.get("type"),
            broker_count=brokers.get("count", 3) if provisioned else brokers.get("count"),
            storage_gib=size_bytes(storage) // GIB if storage else None,
            autoscaling=scaling,
            auth=cast(tuple[m.AuthMode, ...], (auth,) if isinstance(auth, str) else tuple(auth)),
            certificate_authorities=tuple(spec.get("certificate_authorities", ())),
            encryption_key_arn=spec.get("encryption", {}).get("key"),
            log_retention_days=_days(spec.get("logging", {}).get("retention"), 30),
            monitoring=spec.get("monitoring", "per-broker"),
            configuration=_strings(spec.get("configuration")),
            bootstrap_servers=tuple(spec.get("bootstrap_servers", ())),
            secret_arn=spec.get("secret"),
            arn=spec.get("arn"),
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def topic(self, name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaTopic:
        replication = spec.get("replication", 3)
        cleanup = spec.get("cleanup", "delete")
        retention_s = retention_seconds(spec.get("retention", "7d"))
        size = spec.get("max_message_size")
        return m.KafkaTopic(
            name=name,
            path=path,
            cluster=spec["cluster"],
            topic_name=spec.get("name", name),
            partitions=spec.get("partitions", 6),
            replication=replication,
            min_insync=spec.get("min_insync", 2 if replication >= 3 else 1),
            retention_ms=None if retention_s is None else retention_s * 1000,
            cleanup=(cleanup,) if isinstance(cleanup, str) else tuple(cleanup),
            max_message_bytes=size_bytes(size) if size else None,
            configs=_strings(spec.get("configs")),
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def bus(self, name: str, spec: Mapping[str, Any], path: Path) -> m.EventBus:
        archive_spec = spec.get("archive")
        archive = None
        if isinstance(archive_spec, str):
            archive = m.Archive(retention_days=_days(archive_spec, None))
        elif isinstance(archive_spec, dict):
            archive = m.Archive(
                retention_days=_days(archive_spec.get("retention"), None),
                pattern=archive_spec.get("pattern"),
            )
        policy = spec.get("policy", {})
        if "import" in spec:
            own = sorted(set(spec) - {"import", "acknowledge"})
            if own:
                self.findings.append(
                    error(
                        "imported-bus",
                        (*path, own[0]),
                        f"an imported bus is configured by its owner; remove {', '.join(own)} "
                        "or stop importing it",
                    )
                )
        return m.EventBus(
            name=name,
            path=path,
            import_arn=spec.get("import"),
            kms_key=spec.get("encryption", {}).get("key"),
            allow_accounts=tuple(policy.get("accounts", ())),
            allow_organizations=tuple(policy.get("organizations", ())),
            archive=archive,
            schema_discovery=spec.get("schema_discovery", False),
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def retry(self, spec: Mapping[str, Any] | None, base: m.RetryPolicy) -> m.RetryPolicy:
        if not spec:
            return base
        return m.RetryPolicy(
            attempts=spec.get("attempts", base.attempts),
            max_age_s=seconds(spec["max_age"]) if "max_age" in spec else base.max_age_s,
        )

    def dead_letter(self, spec: Any) -> m.DeadLetter:
        if isinstance(spec, dict):
            return m.DeadLetter(scope="queue", queue=spec["queue"])
        return m.DeadLetter(scope=spec or "rule")

    def default_bus(self, spec: Mapping[str, Any], path: Path) -> str | None:
        if "bus" in spec:
            return cast(str, spec["bus"])
        if len(self.bus_names) == 1:
            return next(iter(self.bus_names))
        self.findings.append(
            error(
                "missing-bus",
                path,
                "missing key 'bus': the blueprint declares "
                + (f"{len(self.bus_names)} buses" if self.bus_names else "no bus")
                + ", so say which one",
            )
        )
        return None

    def rule(self, name: str, spec: Mapping[str, Any], path: Path) -> m.Rule | None:
        retry = self.retry(spec.get("retry"), m.RetryPolicy())
        targets = []
        for target_name, target_spec in spec["targets"].items():
            where = (*path, "targets", target_name)
            if not self.ok(where):
                continue
            target = self.target(target_name, target_spec, where, retry)
            if target is not None:
                targets.append(target)
        bus = self.default_bus(spec, path)
        if bus is None:
            return None
        return m.Rule(
            name=name,
            path=path,
            bus=bus,
            pattern=spec["pattern"],
            targets=tuple(targets),
            retry=retry,
            dead_letter=self.dead_letter(spec.get("dlq")),
            description=spec.get("description"),
            enabled=spec.get("enabled", True),
        )

    def target(
        self, name: str, spec: Mapping[str, Any], path: Path, retry: m.RetryPolicy
    ) -> m.Target | None:
        kinds = [k for k in TARGET_KINDS if k in spec]
        if len(kinds) != 1:
            found = f"found {' and '.join(kinds)}" if kinds else "found none"
            self.findings.append(
                error(
                    "target-kind",
                    path,
                    f"a target needs exactly one of {', '.join(TARGET_KINDS)}; {found}",
                )
            )
            return None
        kind = kinds[0]
        extras = {"partition_key": "kinesis", "message_group": "sqs"}
        for option, owner in extras.items():
            if option in spec and kind != owner:
                self.findings.append(
                    error(
                        "target-option",
                        (*path, option),
                        f"'{option}' applies to {owner} targets only, not to {kind}",
                    )
                )
        api = None
        ref = spec[kind]
        if kind == "api":
            api = self.api_destination(spec["api"])
            ref = api.url
        return m.Target(
            name=name,
            path=path,
            kind=kind,
            ref=ref,
            retry=self.retry(spec.get("retry"), retry),
            api=api,
            partition_key=spec.get("partition_key"),
            message_group=spec.get("message_group"),
            input=self.input(spec.get("input")),
        )

    def api_destination(self, spec: Mapping[str, Any]) -> m.ApiDestination:
        ((auth_kind, auth),) = spec["auth"].items()
        return m.ApiDestination(
            url=spec["url"],
            method=spec.get("method", "POST"),
            auth=auth_kind,
            secret_arn=auth["secret"],
            header=auth.get("header"),
            username=auth.get("username"),
            rate_limit=spec.get("rate_limit"),
        )

    def input(self, spec: Mapping[str, Any] | None) -> m.InputTransform | None:
        if spec is None:
            return None
        return m.InputTransform(paths=_strings(spec.get("paths")), template=spec["template"])

    def queue(self, name: str, spec: Mapping[str, Any], path: Path) -> m.Queue:
        return m.Queue(
            name=name,
            path=path,
            fifo=spec.get("fifo", False),
            retention_s=seconds(spec.get("retention", "4d")),
            visibility_timeout_s=seconds(spec.get("visibility_timeout", "30s")),
            max_receives=spec.get("max_receives", 5),
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def bridge(self, name: str, spec: Mapping[str, Any], path: Path) -> m.Bridge | None:
        src, dst = spec["from"], spec["to"]
        if "topic" in src and "bus" in dst and "bus" not in src and "topic" not in dst:
            return self.kafka_to_bus(name, spec, path)
        if "bus" in src and "topic" in dst and "topic" not in src and "bus" not in dst:
            return self.bus_to_kafka(name, spec, path)
        self.findings.append(
            error(
                "bridge-direction",
                path,
                "a bridge goes from a topic to a bus (from: {topic}, to: {bus}) or from a bus to "
                f"a topic (from: {{bus, pattern}}, to: {{topic}}); found from: "
                f"{{{', '.join(sorted(src))}}}, to: {{{', '.join(sorted(dst))}}}",
            )
        )
        return None

    def misplaced(self, spec: Mapping[str, Any], path: Path, keys: Iterable[str], why: str) -> bool:
        bad = [k for k in keys if k in spec]
        for key in bad:
            self.findings.append(error("bridge-option", (*path, key), f"'{key}' {why}"))
        return bool(bad)

    def kafka_to_bus(self, name: str, spec: Mapping[str, Any], path: Path) -> m.KafkaToBus | None:
        src, dst = spec["from"], spec["to"]
        via = spec.get("via", "lambda")
        bad = self.misplaced(src, (*path, "from"), ["pattern"], "applies to bus -> topic bridges")
        bad |= self.misplaced(dst, (*path, "to"), ["key"], "applies to bus -> topic bridges")
        bad |= self.misplaced(
            spec, path, ["retry", "dlq"], "applies to bus -> topic bridges (rule delivery)"
        )
        others = [k for k in ("lambda", "connector", "pipe") if k != via]
        bad |= self.misplaced(spec, path, others, f"configures another mechanism than via: {via}")
        missing = [k for k in ("detail_type", "source") if k not in dst]
        for key in missing:
            self.findings.append(
                error("bridge-option", (*path, "to"), f"missing required key '{key}'")
            )
        if via == "connector" and "connector" not in spec:
            self.findings.append(
                error(
                    "bridge-option",
                    path,
                    "via: connector needs a connector: {plugin: s3://...} block with the "
                    "EventBridge sink connector plugin",
                )
            )
            bad = True
        if bad or missing:
            return None
        connector = pipe = None
        lam = m.LambdaOptions()
        if via == "connector":
            c = spec["connector"]
            connector = m.ConnectorOptions(
                plugin=c["plugin"],
                workers=c.get("workers", 1),
                mcu=c.get("mcu", 1),
                max_workers=c.get("autoscale", {}).get("max_workers"),
                dlq_topic=c.get("dlq_topic"),
                offload_bucket=c.get("offload_bucket"),
            )
        elif via == "pipe":
            p = spec.get("pipe", {})
            pipe = m.PipeOptions(
                batch_size=p.get("batch_size", 100),
                batch_window_s=seconds(p["batch_window"]) if "batch_window" in p else None,
                starting_position=p.get("starting_position", "latest"),
                consumer_group=p.get("consumer_group"),
                filter=p.get("filter"),
                enrichment_arn=p.get("enrichment"),
            )
        else:
            opts = spec.get("lambda", {})
            on_failure = opts.get("on_failure", "sqs")
            lam = m.LambdaOptions(
                batch_size=opts.get("batch_size", 100),
                batch_window_s=seconds(opts["batch_window"]) if "batch_window" in opts else None,
                starting_position=opts.get("starting_position", "latest"),
                consumer_group=opts.get("consumer_group"),
                retries=opts.get("retries", 3),
                on_failure_topic=on_failure["topic"] if isinstance(on_failure, dict) else None,
            )
        return m.KafkaToBus(
            name=name,
            path=path,
            topic=src["topic"],
            bus=dst["bus"],
            detail_type=dst["detail_type"],
            source=dst["source"],
            via=via,
            connector=connector,
            pipe=pipe,
            lambda_=lam,
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def bus_to_kafka(self, name: str, spec: Mapping[str, Any], path: Path) -> m.BusToKafka | None:
        src, dst = spec["from"], spec["to"]
        bad = self.misplaced(
            dst, (*path, "to"), ["detail_type", "source"], "applies to topic -> bus bridges"
        )
        bad |= self.misplaced(
            spec,
            path,
            ["via", "connector", "pipe", "lambda"],
            "applies to topic -> bus bridges (bus -> topic always uses a producer function)",
        )
        if "pattern" not in src:
            self.findings.append(
                error(
                    "bridge-option",
                    (*path, "from"),
                    "missing required key 'pattern': which events of the bus go to the topic",
                )
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
            retry=self.retry(spec.get("retry"), m.RetryPolicy()),
            dead_letter=self.dead_letter(spec.get("dlq")),
            acknowledged=_strings(spec.get("acknowledge")),
        )

    def json_file(self, value: Any, path: Path, what: str) -> Mapping[str, Any] | None:
        """An inline object, or the JSON object in the file a string names."""
        if isinstance(value, dict):
            return value
        file = (self.base_dir / value).resolve()
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.findings.append(error("dangling-file", path, f"{what} file '{value}' not found"))
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.findings.append(
                error("contract-file", path, f"{what} file '{value}' is not valid JSON: {exc}")
            )
            return None
        if not isinstance(loaded, dict):
            self.findings.append(
                error("contract-file", path, f"{what} file '{value}' must hold a JSON object")
            )
            return None
        return cast(Mapping[str, Any], loaded)

    def contract(self, name: str, spec: Mapping[str, Any], path: Path) -> m.Contract | None:
        schema = self.json_file(spec["schema"], (*path, "schema"), "schema")
        examples = []
        for i, example in enumerate(spec.get("examples", ())):
            loaded = self.json_file(example, (*path, "examples", i), "example")
            if loaded is not None:
                examples.append(loaded)
        if schema is None:
            return None
        return m.Contract(
            name=name,
            path=path,
            source=spec["source"],
            detail_type=spec["detail_type"],
            schema=schema,
            version=spec.get("version", 1),
            description=spec.get("description"),
            schema_file=spec["schema"] if isinstance(spec["schema"], str) else None,
            examples=tuple(examples),
        )


def build(
    data: Mapping[str, Any],
    environment: m.Environment,
    *,
    source: str,
    base_dir: FsPath,
    bad_paths: Iterable[Path] = (),
) -> Built:
    """The model of ``data`` (schema-valid except at ``bad_paths``) in ``environment``."""
    builder = _Builder(data, environment, source, base_dir, bad_paths)
    blueprint = builder.build()
    if not blueprint.network.declared:
        # The default network is a created VPC with the endpoints the bridges need.
        needed = {
            e
            for b in blueprint.bridges.values()
            if isinstance(b, m.KafkaToBus)
            for e in bridge_endpoints(blueprint, b)
        }
        network = replace(blueprint.network, endpoints=tuple(sorted(needed)))
        blueprint = replace(blueprint, network=network)
    return Built(blueprint, builder.findings, builder.broken)
