"""Semantic checks: what the JSON schema cannot say, each with its own code.

They run on the typed model of one environment. Errors make ``validate`` fail; warnings are
deliberate-risk notices that an entity can acknowledge with a reason
(``acknowledge: {<code>: <reason>}``), which keeps the decision visible in review.
"""

from __future__ import annotations

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import SchemaError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource, Unresolvable

from edastack.aws import limits
from edastack.aws import retry as aws_retry
from edastack.aws.bridge_checks import consumer_errors, event_errors
from edastack.aws.draft4 import SchemaConversionError, to_draft4
from edastack.aws.kafka_config import broker_configuration, weakened
from edastack.aws.names import pipe_topic_name_errors
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, Path, did_you_mean, error, one_of, warning
from edastack.blueprints.patterns import check_pattern, matches
from edastack.blueprints.units import human_seconds

_CONNECTOR_ID = re.compile(limits.KAFKA_CONNECTOR_ID_PATTERN)

# Topic properties with a typed blueprint key of their own.
TYPED_TOPIC_CONFIGS = {
    "cleanup.policy": "cleanup",
    "min.insync.replicas": "min_insync",
    "retention.ms": "retention",
    "max.message.bytes": "max_message_size",
}

# Warning codes an entity may acknowledge, with what each means.
WARNINGS = {
    "low-replication": "a topic on a cluster of 3 or more brokers has replication below 3",
    "pipe-no-dlq": "a Kafka-sourced EventBridge Pipe has no dead-letter queue",
    "bridge-feeds-nothing": "no rule on the bus matches the events a bridge puts there",
    "replacement": "a change replaces or strands a resource that holds data (validate --baseline)",
}


def bridge_endpoints(bp: m.Blueprint, b: m.KafkaToBus) -> list[str]:
    """The interface endpoints a bridge needs in a VPC edastack creates (no internet access).

    Lambda's MSK pollers call Lambda and STS (and Secrets Manager with SCRAM), and its SQS
    on-failure destination SQS (Lambda developer guide, "Configuring your Amazon MSK cluster and
    Amazon VPC network"); the EventBridge sink connector calls EventBridge.
    """
    topic = bp.topics.get(b.topic)
    cluster = bp.clusters.get(topic.cluster) if topic is not None else None
    if not isinstance(bp.network.vpc, m.CreateVpc) or cluster is None or cluster.type == "external":
        return []
    if b.via == "connector":
        return ["events"]
    if b.via != "lambda":
        return []
    needed = ["lambda", "sts"]
    if "scram" in cluster.auth:
        needed.append("secretsmanager")
    if b.lambda_.on_failure_topic is None:
        needed.append("sqs")
    return needed


def check(blueprint: m.Blueprint, broken: set[tuple[str, str]]) -> list[Finding]:
    """Every semantic finding of ``blueprint``; references to ``broken`` entities are skipped."""
    return list(_Checks(blueprint, broken).run())


def _ref(exc: Unresolvable) -> str:
    ref = str(getattr(exc, "ref", exc))
    return f"#{ref}" if ref.startswith("/") else ref  # a JSON pointer, as the schema wrote it


def _no_retrieval(uri: str) -> Resource[Any]:
    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # attrs-made __init__


class _Checks:
    def __init__(self, bp: m.Blueprint, broken: set[tuple[str, str]]) -> None:
        self.bp = bp
        self.broken = broken

    def run(self) -> Iterator[Finding]:
        yield from self.names()
        yield from self.network()
        yield from self.clusters()
        yield from self.topics()
        yield from self.buses()
        yield from self.rules()
        yield from self.bridges()
        yield from self.contracts()
        yield from self.queues()
        yield from self.stack_size()
        yield from self.acknowledgements()

    # --- helpers -----------------------------------------------------------------------------

    def ref(
        self, path: Path, kind: str, noun: str, name: str, names: Iterable[str]
    ) -> Iterator[Finding]:
        """A dangling-reference error when ``name`` is not among ``names`` (nor broken)."""
        known = set(names)
        if name in known or (kind, name) in self.broken:
            return
        yield error(
            "dangling-reference",
            path,
            f"no {noun} named '{name}' ({kind}: {one_of(known)})" + did_you_mean(name, known),
        )

    def retry(self, retry: m.RetryPolicy, path: Path) -> Iterator[Finding]:
        if not aws_retry.attempts_allowed(retry.attempts):
            yield error(
                "retry-attempts",
                (*path, "retry", "attempts"),
                f"{retry.attempts} retry attempts is outside what EventBridge allows "
                f"({aws_retry.ATTEMPTS_RANGE})",
            )
        if not aws_retry.max_age_allowed(retry.max_age_s):
            yield error(
                "retry-max-age",
                (*path, "retry", "max_age"),
                f"a maximum event age of {human_seconds(retry.max_age_s)} is outside what "
                "EventBridge allows (60s-24h)",
            )

    def dead_letter(self, dl: m.DeadLetter, path: Path) -> Iterator[Finding]:
        if dl.scope != "queue" or dl.queue is None:
            return
        where = (*path, "dlq", "queue")
        yield from self.ref(where, "queues", "queue", dl.queue, self.bp.queues)
        queue = self.bp.queues.get(dl.queue)
        if queue is not None and queue.fifo:
            yield error(
                "fifo-dlq",
                where,
                f"queue '{dl.queue}' is FIFO; EventBridge dead-letter queues must be standard "
                "SQS queues",
            )

    def acknowledged(self, acknowledged: Mapping[str, str], code: str) -> bool:
        return code in acknowledged

    # --- checks ------------------------------------------------------------------------------

    def names(self) -> Iterator[Finding]:
        """Names that differ only in case or '-' vs '_' would collide as construct ids."""
        sections: dict[str, Mapping[str, Any]] = {
            "kafka.clusters": self.bp.clusters,
            "kafka.topics": self.bp.topics,
            "eventbridge.buses": self.bp.buses,
            "eventbridge.rules": self.bp.rules,
            "queues": self.bp.queues,
            "bridges": self.bp.bridges,
            "contracts": self.bp.contracts,
        }
        for entities in sections.values():
            seen: dict[str, str] = {}
            for name, entity in entities.items():
                folded = re.sub(r"[-_.]", "-", name.lower())
                if folded in seen:
                    yield error(
                        "duplicate-name",
                        entity.path,
                        f"'{name}' and '{seen[folded]}' differ only in case or separators; "
                        "they would name the same resources",
                    )
                else:
                    seen[folded] = name
        topic_names: dict[tuple[str, str], str] = {}
        for topic in self.bp.topics.values():
            key = (topic.cluster, topic.topic_name)
            if key in topic_names:
                yield error(
                    "duplicate-name",
                    topic.path,
                    f"topics '{topic_names[key]}' and '{topic.name}' are both named "
                    f"'{topic.topic_name}' on cluster '{topic.cluster}'",
                )
            else:
                topic_names[key] = topic.name
        events: dict[tuple[str, str, int], str] = {}
        for contract in self.bp.contracts.values():
            ckey = (contract.source, contract.detail_type, contract.version)
            if ckey in events:
                yield error(
                    "duplicate-name",
                    contract.path,
                    f"contracts '{events[ckey]}' and '{contract.name}' both describe version "
                    f"{contract.version} of {contract.source} / {contract.detail_type}",
                )
            else:
                events[ckey] = contract.name

    def network(self) -> Iterator[Finding]:
        vpc = self.bp.network.vpc
        where: Path = ("network", "vpc")
        if isinstance(vpc, m.ImportVpc):
            if len(vpc.private_subnet_ids) != len(vpc.availability_zones):
                yield error(
                    "network",
                    (*where, "import"),
                    "give one availability zone per private subnet, in the same order: "
                    f"{len(vpc.private_subnet_ids)} subnets, {len(vpc.availability_zones)} zones",
                )
            if self.bp.network.endpoints and vpc.cidr is None:
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
            yield from self.log_retention(
                vpc.flow_logs_retention_days, ("network", "vpc", "create", "flow_logs")
            )

    def azs(self) -> int:
        vpc = self.bp.network.vpc
        return len(vpc.availability_zones) if isinstance(vpc, m.ImportVpc) else vpc.azs

    def clusters(self) -> Iterator[Finding]:
        for c in self.bp.clusters.values():
            p = c.path
            provisioned = c.type in ("standard", "express")
            if c.type == "serverless" and c.auth != ("iam",):
                yield error(
                    "serverless-auth",
                    (*p, "auth"),
                    f"MSK Serverless supports only IAM authentication, found {', '.join(c.auth)}",
                )
            if c.certificate_authorities and "mtls" not in c.auth:
                yield error(
                    "cluster-option",
                    (*p, "certificate_authorities"),
                    "certificate_authorities apply to mtls auth, which this cluster does not "
                    f"enable ({', '.join(c.auth)})",
                )
            if c.type == "external" and len(c.auth) > 1:
                yield error(
                    "cluster-option",
                    (*p, "auth"),
                    "an external cluster is reached with one auth mode; name the one its clients "
                    f"use, found {', '.join(c.auth)}",
                )
            if c.type == "external" and c.auth == ("iam",) and c.secret_arn:
                yield error(
                    "cluster-option",
                    (*p, "secret"),
                    "iam auth uses no secret; secret applies to scram and mtls",
                )
            if "mtls" in c.auth and not c.certificate_authorities and c.type != "external":
                yield error(
                    "cluster-option",
                    (*p, "auth"),
                    "mtls needs certificate_authorities: the ACM Private CA ARNs that sign "
                    "client certificates",
                )
            if not provisioned and (
                c.broker_type or c.broker_count or c.storage_gib or c.autoscaling
            ):
                yield error(
                    "cluster-option",
                    (*p, "brokers"),
                    f"{c.type} clusters have no brokers to configure; remove brokers",
                )
            if c.type == "external" and not c.bootstrap_servers:
                yield error(
                    "cluster-option",
                    p,
                    "an external cluster needs bootstrap_servers (host:port, ...)",
                )
            if c.type != "external" and (c.bootstrap_servers or c.secret_arn or c.arn):
                key = next(
                    k
                    for k, v in (
                        ("bootstrap_servers", c.bootstrap_servers),
                        ("secret", c.secret_arn),
                        ("arn", c.arn),
                    )
                    if v
                )
                yield error(
                    "cluster-option",
                    (*p, key),
                    f"'{key}' applies to external clusters; MSK provides its own",
                )
            if c.type == "external":
                if "iam" in c.auth and not c.arn:
                    yield error(
                        "cluster-option",
                        (*p, "auth"),
                        "an external cluster with iam auth needs arn: the MSK cluster ARN that "
                        "client permissions are scoped to",
                    )
                if ("scram" in c.auth or "mtls" in c.auth) and not c.secret_arn:
                    yield error(
                        "cluster-option",
                        (*p, "auth"),
                        "an external cluster with scram or mtls auth needs secret: the Secrets "
                        "Manager secret holding the client credentials",
                    )
            else:
                yield from self.log_retention(c.log_retention_days, (*p, "logging", "retention"))
                low, high = (
                    (limits.MSK_SERVERLESS_SUBNETS_MIN, limits.MSK_SERVERLESS_SUBNETS_MAX)
                    if c.type == "serverless"
                    else (limits.MSK_PROVISIONED_SUBNETS_MIN, limits.MSK_PROVISIONED_SUBNETS_MAX)
                )
                if not low <= self.azs() <= high:
                    yield error(
                        "cluster-network",
                        p,
                        f"{c.type} MSK clusters use {low} to {high} availability zones; the "
                        f"network has {self.azs()}",
                    )
            if not provisioned:
                continue
            yield from self.broker_configuration(c)
            broker_type = c.broker_type or ""
            if c.type == "express" and not broker_type.startswith("express.m7g."):
                yield error(
                    "broker-type",
                    (*p, "brokers", "type"),
                    f"express clusters use express.m7g.* broker types (e.g. express.m7g.large), "
                    f"found {broker_type}",
                )
            if c.type == "standard" and not broker_type.startswith("kafka."):
                yield error(
                    "broker-type",
                    (*p, "brokers", "type"),
                    f"standard clusters use kafka.* broker types (e.g. kafka.m7g.large), "
                    f"found {broker_type}",
                )
            if c.type == "express" and self.azs() != 3:
                yield error(
                    "broker-count",
                    p,
                    f"express clusters span exactly 3 availability zones; the network has "
                    f"{self.azs()}",
                )
            if c.type == "express" and c.storage_gib is not None:
                yield error(
                    "cluster-option",
                    (*p, "brokers", "storage"),
                    "express brokers manage their own storage; remove storage",
                )
            count = c.broker_count or 0
            if count % self.azs():
                yield error(
                    "broker-count",
                    (*p, "brokers", "count"),
                    f"{count} brokers cannot spread evenly over {self.azs()} availability "
                    f"zones; use a multiple of {self.azs()}",
                )
            if c.autoscaling is not None:
                if c.type == "express":
                    yield error(
                        "cluster-option",
                        (*p, "brokers", "autoscale"),
                        "express brokers scale storage themselves; remove autoscale",
                    )
                elif c.autoscaling.max_gib > limits.BROKER_STORAGE_MAX_GIB:
                    yield error(
                        "storage",
                        (*p, "brokers", "autoscale"),
                        f"{c.autoscaling.max_gib} GiB is more than MSK's "
                        f"{limits.BROKER_STORAGE_MAX_GIB} GiB per broker",
                    )
                elif c.storage_gib is not None and c.autoscaling.max_gib <= c.storage_gib:
                    yield error(
                        "storage",
                        (*p, "brokers", "autoscale"),
                        f"autoscale max ({c.autoscaling.max_gib} GiB) must be above the "
                        f"initial storage ({c.storage_gib} GiB)",
                    )
            if c.storage_gib is not None and not (
                limits.BROKER_STORAGE_MIN_GIB <= c.storage_gib <= limits.BROKER_STORAGE_MAX_GIB
            ):
                yield error(
                    "storage",
                    (*p, "brokers", "storage"),
                    f"{c.storage_gib} GiB per broker is outside "
                    f"1-{limits.BROKER_STORAGE_MAX_GIB} GiB",
                )

    def broker_configuration(self, c: m.KafkaCluster) -> Iterator[Finding]:
        """The MSK configuration the cluster would get: durable defaults, then ``configuration``."""
        where = (*c.path, "configuration")
        _, problems = broker_configuration(
            is_express=c.type == "express",
            overrides=c.configuration,
            allow_weaker=True,  # weakening is a warning here, acknowledged or not
            broker_count=c.broker_count or 0,
        )
        for problem in problems:
            yield error(
                "cluster-configuration",
                where,
                problem.replace("server_properties", "configuration"),
            )
        weak = weakened(c.configuration) if c.type == "standard" else []
        if weak and not self.acknowledged(c.acknowledged, "low-replication"):
            yield warning(
                "low-replication",
                where,
                f"configuration weakens edastack's durable defaults ({', '.join(weak)}): a broker "
                "failure can lose acknowledged writes; acknowledge: {low-replication: <reason>}",
            )

    def log_retention(self, days: int | None, path: Path) -> Iterator[Finding]:
        if days is not None and days not in limits.LOG_RETENTION_DAYS:
            allowed = ", ".join(f"{d}d" for d in limits.LOG_RETENTION_DAYS)
            yield error(
                "log-retention",
                path,
                f"CloudWatch Logs cannot keep logs for {days} days (allowed: {allowed}, forever)",
            )

    def topics(self) -> Iterator[Finding]:
        for t in self.bp.topics.values():
            p = t.path
            yield from self.ref((*p, "cluster"), "clusters", "cluster", t.cluster, self.bp.clusters)
            for key in sorted(set(t.configs) & set(TYPED_TOPIC_CONFIGS)):
                yield error(
                    "topic-config",
                    (*p, "configs", key),
                    f"set {key} with {TYPED_TOPIC_CONFIGS[key]}, not in configs",
                )
            if t.max_message_bytes is not None and t.max_message_bytes < 1:
                yield error(
                    "topic-config",
                    (*p, "max_message_size"),
                    f"max_message_size must be at least 1 byte, found {t.max_message_bytes}",
                )
            if t.partitions < 1:
                yield error(
                    "partitions",
                    (*p, "partitions"),
                    f"a topic needs at least 1 partition, found {t.partitions}",
                )
            if t.replication < 1:
                yield error(
                    "replication",
                    (*p, "replication"),
                    f"replication must be at least 1, found {t.replication}",
                )
            if t.min_insync < 1:
                yield error(
                    "min-insync",
                    (*p, "min_insync"),
                    f"min_insync must be at least 1, found {t.min_insync}",
                )
            elif t.min_insync > t.replication or t.min_insync == t.replication > 1:
                yield error(
                    "min-insync",
                    (*p, "min_insync"),
                    f"min_insync ({t.min_insync}) must be below replication ({t.replication}): "
                    "otherwise one broker down stops every write",
                )
            cluster = self.bp.clusters.get(t.cluster)
            if cluster is None:
                continue
            if cluster.type == "serverless":
                # Created through the Kafka admin API (edastack's topic custom resource); MSK
                # Serverless fixes replication and min.insync.replicas.
                for key, value, fixed in (
                    ("replication", t.replication, limits.SERVERLESS_REPLICATION_FACTOR),
                    ("min_insync", t.min_insync, limits.SERVERLESS_MIN_INSYNC_REPLICAS),
                ):
                    if value != fixed:
                        yield error(
                            "replication",
                            (*p, key),
                            f"MSK Serverless fixes {key} at {fixed}, found {value}",
                        )
            elif (
                cluster.type in ("standard", "express")
                and cluster.version_tuple < limits.MSK_TOPIC_MIN_KAFKA_VERSION
            ):
                yield error(
                    "topic-support",
                    (*p, "cluster"),
                    f"cluster '{cluster.name}' runs Kafka {cluster.version}: CloudFormation "
                    "creates topics only on Kafka 3.6 or later (AWS::MSK::Topic); upgrade the "
                    "cluster or create the topic with the Kafka admin API",
                )
            if cluster.type == "express" and t.replication != limits.EXPRESS_REPLICATION_FACTOR:
                yield error(
                    "replication",
                    (*p, "replication"),
                    f"express clusters fix replication at {limits.EXPRESS_REPLICATION_FACTOR}, "
                    f"found {t.replication}",
                )
            brokers = cluster.broker_count
            if brokers is not None and t.replication > brokers:
                yield error(
                    "replication",
                    (*p, "replication"),
                    f"replication {t.replication} needs {t.replication} brokers; cluster "
                    f"'{cluster.name}' has {brokers}",
                )
            elif (
                brokers is not None
                and brokers >= 3
                and 1 <= t.replication < 3
                and not self.acknowledged(t.acknowledged, "low-replication")
            ):
                yield warning(
                    "low-replication",
                    (*p, "replication"),
                    f"replication {t.replication} on a {brokers}-broker cluster loses data when "
                    + ("a broker fails" if t.replication == 1 else f"{t.replication} brokers fail")
                    + "; use 3, or acknowledge: {low-replication: <reason>}",
                )

    def buses(self) -> Iterator[Finding]:
        for b in self.bp.buses.values():
            if b.schema_discovery and b.kms_key:
                yield error(
                    "bus-option",
                    (*b.path, "schema_discovery"),
                    "EventBridge cannot discover schemas on a bus encrypted with a "
                    "customer-managed key; remove schema_discovery or encryption",
                )
            if b.archive is not None and b.archive.pattern is not None:
                yield from check_pattern(b.archive.pattern, (*b.path, "archive", "pattern"))

    def rules(self) -> Iterator[Finding]:
        per_bus: dict[str, list[Path]] = defaultdict(list)
        for r in self.bp.rules.values():
            p = r.path
            per_bus[r.bus].append(p)
            yield from self.ref((*p, "bus"), "buses", "bus", r.bus, self.bp.buses)
            yield from check_pattern(r.pattern, (*p, "pattern"))
            yield from self.dead_letter(r.dead_letter, p)
            bus = self.bp.buses.get(r.bus)
            yield from self.foreign_bus(bus, (*p, "bus"), "a rule")
            if r.dead_letter.scope == "bus" and bus is not None and bus.import_arn:
                yield error(
                    "dlq-scope",
                    (*p, "dlq"),
                    f"bus '{r.bus}' is imported, so it has no shared DLQ here; use dlq: rule",
                )
            if len(r.targets) > limits.RULE_TARGETS_MAX:
                yield error(
                    "too-many-targets",
                    (*p, "targets"),
                    f"{len(r.targets)} targets; EventBridge allows at most "
                    f"{limits.RULE_TARGETS_MAX} per rule (split the rule)",
                )
            yield from self.retry(r.retry, p)
            for t in r.targets:
                yield from self.target(t, r.retry)
        for b in self.bp.bridges.values():
            if isinstance(b, m.BusToKafka):
                per_bus[b.bus].append(b.path)
        for bus_name, paths in per_bus.items():
            if len(paths) > limits.RULES_PER_BUS_MAX:
                yield error(
                    "too-many-rules",
                    paths[limits.RULES_PER_BUS_MAX],
                    f"bus '{bus_name}' has {len(paths)} rules (bus -> topic bridges count); "
                    f"EventBridge allows {limits.RULES_PER_BUS_MAX} per bus by default",
                )

    def target(self, t: m.Target, inherited: m.RetryPolicy) -> Iterator[Finding]:
        if t.retry != inherited:
            yield from self.retry(t.retry, t.path)
        where = (*t.path, t.kind)
        if t.kind == "sqs":
            if not t.is_arn:
                yield from self.ref(where, "queues", "queue", t.ref, self.bp.queues)
            queue = self.bp.queues.get(t.ref)
            fifo = t.ref.endswith(".fifo") if t.is_arn else (queue is not None and queue.fifo)
            if (t.is_arn or queue is not None) and fifo and not t.message_group:
                yield error(
                    "target-option",
                    t.path,
                    f"queue '{t.ref}' is FIFO: the target needs message_group",
                )
            if (t.is_arn or queue is not None) and not fifo and t.message_group:
                yield error(
                    "target-option",
                    (*t.path, "message_group"),
                    f"queue '{t.ref}' is a standard queue: message_group applies to FIFO queues",
                )
        if t.kind == "bus" and not t.is_arn:
            yield from self.ref(where, "buses", "bus", t.ref, self.bp.buses)
        if t.input is not None and len(t.input.paths) > limits.INPUT_TRANSFORMER_VARIABLES_MAX:
            yield error(
                "input",
                (*t.path, "input", "paths"),
                f"{len(t.input.paths)} input variables; EventBridge allows "
                f"{limits.INPUT_TRANSFORMER_VARIABLES_MAX}",
            )
        if t.input is not None and t.input.paths:
            used = set(re.findall(r"<([A-Za-z0-9_.-]+)>", t.input.template))
            for name in sorted(
                used
                - set(t.input.paths)
                - {
                    "aws.events.rule-arn",
                    "aws.events.rule-name",
                    "aws.events.event",
                    "aws.events.event.json",
                    "aws.events.event.ingestion-time",
                }
            ):
                yield error(
                    "input",
                    (*t.path, "input", "template"),
                    f"the template uses <{name}>, which paths does not define "
                    f"(paths: {one_of(t.input.paths)})",
                )

    def bridges(self) -> Iterator[Finding]:
        for b in self.bp.bridges.values():
            p = b.path
            if isinstance(b, m.KafkaToBus):
                yield from self.ref(
                    (*p, "from", "topic"), "topics", "topic", b.topic, self.bp.topics
                )
                yield from self.ref((*p, "to", "bus"), "buses", "bus", b.bus, self.bp.buses)
                if b.lambda_.on_failure_topic:
                    yield from self.ref(
                        (*p, "lambda", "on_failure", "topic"),
                        "topics",
                        "topic",
                        b.lambda_.on_failure_topic,
                        self.bp.topics,
                    )
                if b.pipe is not None and b.pipe.filter is not None:
                    yield from check_pattern(b.pipe.filter, (*p, "pipe", "filter"))
                topic = self.bp.topics.get(b.topic)
                if topic is not None:
                    size = topic.max_message_bytes
                    if size is not None and size > limits.PUT_EVENTS_ENTRY_MAX_BYTES:
                        yield error(
                            "message-size",
                            (*topic.path, "max_message_size"),
                            f"topic '{b.topic}' allows {size:,}-byte records but is bridged "
                            f"to EventBridge by '{b.name}', which takes at most "
                            f"{limits.PUT_EVENTS_ENTRY_MAX_BYTES:,} bytes per event; lower "
                            "max_message_size",
                        )
                if b.via == "pipe" and not self.acknowledged(b.acknowledged, "pipe-no-dlq"):
                    yield warning(
                        "pipe-no-dlq",
                        (*p, "via"),
                        "a pipe with a Kafka source has no dead-letter queue: a record that keeps "
                        "failing is retried until it expires and stalls its partition; use via: "
                        "lambda, or acknowledge: {pipe-no-dlq: <reason>}",
                    )
                yield from self.feeds(b)
                yield from self.mechanism(b)
            else:
                yield from self.producer(b)
                yield from self.ref((*p, "from", "bus"), "buses", "bus", b.bus, self.bp.buses)
                yield from self.ref((*p, "to", "topic"), "topics", "topic", b.topic, self.bp.topics)
                yield from check_pattern(b.pattern, (*p, "from", "pattern"))
                yield from self.retry(b.retry, p)
                yield from self.dead_letter(b.dead_letter, p)

    def source_cluster(self, topic: str) -> m.KafkaCluster | None:
        t = self.bp.topics.get(topic)
        return self.bp.clusters.get(t.cluster) if t is not None else None

    def mechanism(self, b: m.KafkaToBus) -> Iterator[Finding]:
        """What each Kafka -> bus mechanism requires of the cluster and the event."""
        cluster = self.source_cluster(b.topic)
        if cluster is None:
            return
        p = b.path
        if b.via in ("connector", "pipe"):
            kinds = (
                ("standard", "express")
                if b.via == "connector"
                else ("standard", "express", "serverless")
            )
            what = "MSK Connect" if b.via == "connector" else "a pipe"
            if cluster.type not in kinds or "iam" not in cluster.auth:
                yield error(
                    "bridge-mechanism",
                    (*p, "via"),
                    f"via: {b.via} needs an MSK cluster ({', '.join(kinds)}) with iam auth, "
                    f"which {what} authenticates with; topic '{b.topic}' is on {cluster.type} "
                    f"cluster '{cluster.name}' ({', '.join(cluster.auth)})",
                )
        topic = self.bp.topics[b.topic]
        if b.via == "pipe" and pipe_topic_name_errors(topic.topic_name):
            yield error(
                "bridge-mechanism",
                (*p, "via"),
                f"a pipe cannot read topic '{topic.topic_name}': Pipes takes topic names of 2 to "
                "249 characters not starting with '.'; rename the topic (name:) or use via: lambda",
            )
        if b.via == "connector":
            prefix = limits.KAFKA_CONNECT_SOURCE_PREFIX
            connector_id = b.source.removeprefix(prefix)
            if not b.source.startswith(prefix) or not _CONNECTOR_ID.match(connector_id):
                suggestion = re.sub(r"[^A-Za-z0-9-]+", "-", b.name).strip("-") or "bridge"
                yield error(
                    "bridge-source",
                    (*p, "to", "source"),
                    "the EventBridge sink connector sets every event's source to "
                    f"kafka-connect.<connector id>, found '{b.source}'; write source: "
                    f"kafka-connect.{suggestion} (and match it in rules)",
                )
        yield from self.endpoints(b)
        yield from self.bridge_options(b, cluster)
        if b.lambda_.on_failure_topic:
            failure = self.bp.topics.get(b.lambda_.on_failure_topic)
            where = (*p, "lambda", "on_failure", "topic")
            if b.lambda_.on_failure_topic == b.topic:
                yield error(
                    "bridge-on-failure",
                    where,
                    "the on-failure topic cannot be the source topic (Lambda refuses the loop)",
                )
            elif failure is not None and failure.cluster != cluster.name:
                yield error(
                    "bridge-on-failure",
                    where,
                    f"the on-failure topic must be on the source's cluster '{cluster.name}', "
                    f"found '{failure.cluster}'",
                )

    def foreign_bus(self, bus: m.EventBus | None, path: Path, what: str) -> Iterator[Finding]:
        """Rules live in their bus's account: none can be made on another account's bus."""
        if bus is None or bus.import_arn is None or self.bp.environment.account is None:
            return
        owner = bus.import_arn.split(":")[4]
        if owner != self.bp.environment.account:
            yield error(
                "foreign-bus",
                path,
                f"bus '{bus.name}' belongs to account {owner}; {what} can only be created in the "
                f"bus's own account, not {self.bp.environment.account} (send events there with a "
                "target bus: <arn> instead)",
            )

    def endpoints(self, b: m.KafkaToBus) -> Iterator[Finding]:
        """A created VPC has no internet access: what a bridge calls must have an endpoint."""
        if not self.bp.network.declared:
            return  # the default network has the endpoints the bridges need
        missing = [e for e in bridge_endpoints(self.bp, b) if e not in self.bp.network.endpoints]
        if missing:
            yield error(
                "bridge-network",
                (*b.path, "via"),
                f"bridge '{b.name}' (via {b.via}) runs in the created VPC, whose subnets have no "
                f"internet access: add {', '.join(missing)} to network.endpoints",
            )

    def bridge_options(self, b: m.KafkaToBus, cluster: m.KafkaCluster) -> Iterator[Finding]:
        """What the bridge constructs would refuse, reported at the bridge."""
        p = b.path
        for problem in event_errors(b.detail_type, b.source):
            yield error("bridge-option", (*p, "to"), problem)
        options = {"lambda": b.lambda_, "pipe": b.pipe}.get(b.via)
        if isinstance(options, m.LambdaOptions | m.PipeOptions):
            for problem in consumer_errors(options.consumer_group, options.starting_position):
                yield error("bridge-option", (*p, b.via), problem)
            window = options.batch_window_s
            if window is not None and window > limits.BATCH_WINDOW_MAX_S:
                yield error(
                    "bridge-option",
                    (*p, b.via, "batch_window"),
                    f"batch_window is at most {limits.BATCH_WINDOW_MAX_S}s, found {window}s",
                )
        if b.via == "lambda" and cluster.type != "external" and cluster.auth == ("mtls",):
            yield error(
                "bridge-mechanism",
                (*p, "via"),
                f"cluster '{cluster.name}' allows only mtls: a Lambda event source mapping "
                "needs a client certificate secret edastack does not manage; enable iam (or "
                "scram) on the cluster",
            )
        if b.via == "connector" and b.connector is not None:
            c = b.connector
            if any(ch in b.detail_type for ch in ",:"):
                yield error(
                    "bridge-option",
                    (*p, "to", "detail_type"),
                    "the connector lists topics as topic:detail-type,...; a detail_type cannot "
                    f"contain ',' or ':', found {b.detail_type!r}",
                )
            if c.max_workers is not None and c.max_workers <= c.workers:
                yield error(
                    "bridge-option",
                    (*p, "connector", "autoscale", "max_workers"),
                    f"max_workers ({c.max_workers}) must be above workers ({c.workers})",
                )
            topic = self.bp.topics[b.topic]
            dlq = c.dlq_topic or f"{topic.topic_name}.dlq"
            if dlq == topic.topic_name:
                yield error(
                    "bridge-option",
                    (*p, "connector", "dlq_topic"),
                    "the dead-letter topic must differ from the topic it protects",
                )
            clash = [
                t.name
                for t in self.bp.topics.values()
                if t.cluster == topic.cluster and t.topic_name == dlq
            ]
            if clash:
                yield error(
                    "duplicate-name",
                    (*p, "connector"),
                    f"the connector creates dead-letter topic '{dlq}', which topic '{clash[0]}' "
                    "already names; set connector.dlq_topic",
                )

    def producer(self, b: m.BusToKafka) -> Iterator[Finding]:
        bus = self.bp.buses.get(b.bus)
        if b.dead_letter.scope == "bus" and bus is not None and bus.import_arn:
            yield error(
                "dlq-scope",
                (*b.path, "dlq"),
                f"bus '{b.bus}' is imported, so it has no shared DLQ here; use dlq: rule",
            )
        yield from self.foreign_bus(
            self.bp.buses.get(b.bus), (*b.path, "from", "bus"), "a bridge rule"
        )
        cluster = self.source_cluster(b.topic)
        if cluster is not None and "iam" not in cluster.auth:
            yield error(
                "bridge-mechanism",
                (*b.path, "to", "topic"),
                f"the producer function authenticates with IAM; topic '{b.topic}' is on cluster "
                f"'{cluster.name}', which allows {', '.join(cluster.auth)} only",
            )

    def feeds(self, b: m.KafkaToBus) -> Iterator[Finding]:
        if b.bus not in self.bp.buses or self.acknowledged(b.acknowledged, "bridge-feeds-nothing"):
            return
        event = {"source": b.source, "detail-type": b.detail_type}
        patterns = [r.pattern for r in self.bp.rules.values() if r.bus == b.bus]
        patterns += [
            x.pattern
            for x in self.bp.bridges.values()
            if isinstance(x, m.BusToKafka) and x.bus == b.bus
        ]
        if not any(matches(pattern, event) for pattern in patterns):
            yield warning(
                "bridge-feeds-nothing",
                (*b.path, "to"),
                f"no rule on bus '{b.bus}' matches source '{b.source}' and detail-type "
                f"'{b.detail_type}': the bridged events reach no target",
            )

    def contracts(self) -> Iterator[Finding]:
        for c in self.bp.contracts.values():
            where = (*c.path, "schema")
            dialect = c.schema.get("$schema")
            if dialect is not None and not isinstance(dialect, str):
                yield error(
                    "contract-schema",
                    where,
                    f"$schema names the JSON Schema dialect as a URI string, found {dialect!r}",
                )
                continue
            try:
                yield from self.contract(c, where)
            except RecursionError:
                yield error(
                    "contract-schema",
                    where,
                    "the schema refers to itself without end ($ref cycle with nothing in between)",
                )

    def contract(self, c: m.Contract, where: Path) -> Iterator[Finding]:
        cls = validators.validator_for(c.schema, default=validators.Draft202012Validator)
        try:
            cls.check_schema(dict(c.schema))
        except SchemaError as exc:
            yield error("contract-schema", where, f"not a valid JSON Schema: {exc.message}")
            return
        try:
            to_draft4(dict(c.schema))
        except SchemaConversionError as exc:
            yield error(
                "contract-schema",
                where,
                "EventBridge's schema registry cannot take this schema: " + "; ".join(exc.errors),
            )
        # Only references inside the contract's schema: validate never goes to the network.
        validator = cls(dict(c.schema), registry=Registry(retrieve=_no_retrieval))  # type: ignore[call-arg]
        for i, example in enumerate(c.examples):
            try:
                problems = sorted(validator.iter_errors(example), key=lambda e: list(e.path))
            except Unresolvable as exc:
                yield error(
                    "contract-schema",
                    where,
                    f"cannot resolve $ref '{_ref(exc)}': a contract schema "
                    "may only refer to its own definitions",
                )
                break
            if problems:
                first = problems[0]
                at = "".join(f"[{x!r}]" if isinstance(x, int) else f".{x}" for x in first.path)
                yield error(
                    "contract-example",
                    (*c.path, "examples", i),
                    f"example does not match the schema: detail{at}: {first.message}",
                )

    def queues(self) -> Iterator[Finding]:
        for q in self.bp.queues.values():
            if not limits.SQS_RETENTION_MIN_S <= q.retention_s <= limits.SQS_RETENTION_MAX_S:
                yield error(
                    "queue-option",
                    (*q.path, "retention"),
                    f"SQS keeps messages 60s to 14d, found {human_seconds(q.retention_s)}",
                )
            if q.visibility_timeout_s > limits.SQS_VISIBILITY_TIMEOUT_MAX_S:
                yield error(
                    "queue-option",
                    (*q.path, "visibility_timeout"),
                    "SQS visibility timeouts are at most 12h, found "
                    f"{human_seconds(q.visibility_timeout_s)}",
                )

    def stack_size(self) -> Iterator[Finding]:
        """The events stack is one CloudFormation stack: at most 500 resources.

        A lower bound, counted from what every rule, target, queue, bus and bridge always
        creates (a rule and its own DLQ queue, policy and alarm; a permission or role per
        target; ...): above 500, synthesis is certain to fail.
        """
        rules = list(self.bp.rules.values())
        count = sum(1 + (3 if r.dead_letter.scope == "rule" else 0) + len(r.targets) for r in rules)
        count += 5 * len(self.bp.queues)
        count += sum(4 for b in self.bp.buses.values() if b.import_arn is None)
        count += 6 * len(self.bp.bridges)
        if count > limits.STACK_RESOURCES_MAX:
            yield warning(
                "stack-size",
                ("eventbridge", "rules"),
                f"the events stack would hold at least {count:,} resources; CloudFormation "
                f"refuses more than {limits.STACK_RESOURCES_MAX} in one stack, so synthesis "
                "will fail: split the blueprint (e.g. one blueprint per bus)",
            )

    def acknowledgements(self) -> Iterator[Finding]:
        entities: list[Any] = [
            *self.bp.clusters.values(),
            *self.bp.topics.values(),
            *self.bp.buses.values(),
            *self.bp.queues.values(),
            *self.bp.bridges.values(),
        ]
        for entity in entities:
            for code in entity.acknowledged:
                if code not in WARNINGS:
                    yield error(
                        "acknowledge",
                        (*entity.path, "acknowledge", code),
                        f"'{code}' is not a warning edastack gives (warnings: "
                        f"{one_of(WARNINGS)})" + did_you_mean(code, WARNINGS),
                        at_key=True,
                    )
