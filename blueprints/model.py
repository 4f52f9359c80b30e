"""The typed model of one blueprint in one environment: the single input to everything downstream.

Frozen dataclasses, built only by ``edastack.blueprints.build`` from data that passed the JSON
schema, with every default and shorthand already applied: consumers never see raw YAML, never
parse a duration and never guess a default. Each entity keeps ``path``, its JSON path in the
blueprint, so later stages can point at the line that declared it.

Units are in the field names: ``*_s`` seconds, ``*_bytes`` bytes, ``*_gib`` GiB, ``*_days`` days.
Name-to-value maps are read-only proxies; JSON documents the blueprint carries (event patterns,
contract schemas and examples) are plain data that nothing downstream may modify.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from edastack.blueprints.findings import Path

# Contracts are their own module (what flows, not what is deployed); reached as m.Contract too.
from edastack.blueprints.model_contracts import Contract as Contract
from edastack.blueprints.model_contracts import ExampleRoute as ExampleRoute
from edastack.blueprints.model_contracts import PublishedSchema as PublishedSchema

ClusterType = Literal["standard", "express", "serverless", "external"]
AuthMode = Literal["iam", "scram", "mtls"]
TargetKind = Literal["lambda", "sqs", "sns", "stepfunctions", "kinesis", "api", "bus"]
BridgeMechanism = Literal["lambda", "connector", "pipe"]
StartingPosition = Literal["latest", "trim_horizon"]
BusType = Literal["classic", "v2"]

EMPTY: Mapping[str, Any] = MappingProxyType({})


def _empty() -> Mapping[str, Any]:
    return EMPTY


# The environment of a blueprint that declares none (its stacks are environment-agnostic).
DEFAULT_ENVIRONMENT = "default"


@dataclass(frozen=True, slots=True)
class Environment:
    name: str
    account: str | None
    region: str | None
    production: bool = False
    tags: Mapping[str, str] = field(default_factory=_empty)

    @property
    def partition(self) -> str:
        region = self.region or ""
        if region.startswith("cn-"):
            return "aws-cn"
        if region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"


@dataclass(frozen=True, slots=True)
class CreateVpc:
    azs: int = 3
    cidr: str = "10.0.0.0/16"
    flow_logs_retention_days: int | None = 90


@dataclass(frozen=True, slots=True)
class ImportVpc:
    vpc_id: str
    private_subnet_ids: tuple[str, ...]
    availability_zones: tuple[str, ...]
    cidr: str | None = None  # needed for interface endpoints


@dataclass(frozen=True, slots=True)
class Network:
    vpc: CreateVpc | ImportVpc = field(default_factory=CreateVpc)
    endpoints: tuple[str, ...] = ()
    declared: bool = False  # False when the blueprint has no network section (defaults apply)


@dataclass(frozen=True, slots=True)
class Alarms:
    emails: tuple[str, ...] = ()
    sns_topic_arn: str | None = None

    @property
    def notifies(self) -> bool:
        return bool(self.emails or self.sns_topic_arn)


@dataclass(frozen=True, slots=True)
class Load:
    """What producers write to a topic (or put on a bus from outside the bridges), on average;
    ``edastack plan`` sizes storage, brokers, quotas and cost from it."""

    events_per_s: float
    event_size_bytes: int
    peak_factor: float = 1.0  # the peak rate is the average times this


@dataclass(frozen=True, slots=True)
class StorageAutoscaling:
    max_gib: int
    target_percent: int = 60


@dataclass(frozen=True, slots=True)
class ClientQuota:
    """Kafka client quotas on a principal's user (an external cluster's ``kafka_quota``)."""

    produce_bytes_per_s: int | None = None
    consume_bytes_per_s: int | None = None
    request_percentage: int | None = None


@dataclass(frozen=True, slots=True)
class KafkaCluster:
    name: str
    path: Path
    type: ClusterType = "standard"
    version: str = "3.9.x"
    broker_type: str | None = None
    broker_count: int | None = None
    storage_gib: int | None = None
    autoscaling: StorageAutoscaling | None = None
    auth: tuple[AuthMode, ...] = ("iam",)
    certificate_authorities: tuple[str, ...] = ()
    encryption_key_arn: str | None = None  # a KMS key ARN, or "create" for a new key
    log_retention_days: int | None = 30
    monitoring: str = "per-broker"
    configuration: Mapping[str, str] = field(default_factory=_empty)
    bootstrap_servers: tuple[str, ...] = ()
    secret_arn: str | None = None
    arn: str | None = None  # external MSK clusters
    principal: str | None = None  # external clusters: the Kafka principal of edastack's clients
    quota: ClientQuota | None = None  # external clusters: quotas on that principal
    acknowledged: Mapping[str, str] = field(default_factory=_empty)

    @property
    def version_tuple(self) -> tuple[int, int]:
        major, minor = self.version.split(".")[:2]
        return int(major), int(minor)


@dataclass(frozen=True, slots=True)
class KafkaTopic:
    name: str  # the blueprint key
    path: Path
    cluster: str
    topic_name: str  # the name in Kafka
    partitions: int = 6
    replication: int = 3
    min_insync: int = 2
    retention_ms: int | None = 7 * 86_400_000  # None: forever
    cleanup: tuple[str, ...] = ("delete",)
    max_message_bytes: int | None = None
    configs: Mapping[str, str] = field(default_factory=_empty)
    acknowledged: Mapping[str, str] = field(default_factory=_empty)
    stack: str | None = None  # the topics stack it is pinned to; None: the Kafka stack
    load: Load | None = None
    contract: str | None = None  # the contract of its record values (registered in Glue)


@dataclass(frozen=True, slots=True)
class Archive:
    retention_days: int | None = None  # None: forever
    pattern: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class EventBus:
    name: str
    path: Path
    type: BusType = "classic"
    retention_days: int | None = None  # v2: how long the bus keeps events; classic: None
    import_arn: str | None = None
    kms_key: str | None = None  # None: AWS-owned key; "create"; or a key ARN
    allow_accounts: tuple[str, ...] = ()
    allow_organizations: tuple[str, ...] = ()
    archive: Archive | None = None
    schema_discovery: bool = False
    acknowledged: Mapping[str, str] = field(default_factory=_empty)
    load: Load | None = None  # events put from outside the bridges

    @property
    def v2(self) -> bool:
        return self.type == "v2"


@dataclass(frozen=True, slots=True)
class Batch:
    """How a v2 subscriber batches: ``size`` None is the target's largest batch."""

    size: int | None = None
    window_s: int = 0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 185
    max_age_s: int = 86_400


DeadLetterScope = Literal["rule", "bus", "queue", "stack"]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """Where failed deliveries of a rule (or bridge) go: its own queue ("rule"), the bus's,
    a declared queue, or (rules only, their default) the queue shared by its rules stack."""

    scope: DeadLetterScope = "rule"
    queue: str | None = None  # a declared queue, with scope "queue"


@dataclass(frozen=True, slots=True)
class InputTransform:
    """An EventBridge input transformer: ``<name>`` in the template takes ``paths[name]``."""

    template: str
    paths: Mapping[str, str] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class ApiDestination:
    url: str
    method: str
    auth: Literal["api_key", "basic"]
    secret_arn: str
    header: str | None = None  # api_key
    username: str | None = None  # basic
    rate_limit: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    path: Path
    kind: TargetKind
    ref: str  # an ARN, or the name of a declared queue or bus
    retry: RetryPolicy
    api: ApiDestination | None = None
    partition_key: str | None = None
    message_group: str | None = None
    input: InputTransform | None = None

    @property
    def is_arn(self) -> bool:
        return self.ref.startswith("arn:")


@dataclass(frozen=True, slots=True)
class BusSubscription:
    """What takes the events of a bus that match a pattern: a rule or a bus → topic bridge."""

    name: str
    path: Path
    bus: str
    pattern: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Rule(BusSubscription):
    targets: tuple[Target, ...]
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # targets inherit it
    dead_letter: DeadLetter = field(default_factory=lambda: DeadLetter(scope="stack"))
    description: str | None = None
    enabled: bool = True
    stack: str | None = None  # the rules stack it is pinned to; None: its bus's
    acknowledged: Mapping[str, str] = field(default_factory=_empty)
    # Rules on a v2 bus (their targets are subscribers):
    ordered: bool = False  # FIFO subscribers
    start: str = "latest"  # "latest", "horizon" or an ISO 8601 time
    batch: Batch | None = None  # None: one event per invocation for functions and machines


@dataclass(frozen=True, slots=True)
class Queue:
    name: str
    path: Path
    fifo: bool = False
    retention_s: int = 4 * 86_400
    visibility_timeout_s: int = 30
    max_receives: int = 5
    acknowledged: Mapping[str, str] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class ConnectorOptions:
    plugin: str
    workers: int = 1
    mcu: int = 1
    max_workers: int | None = None  # autoscaling when set
    dlq_topic: str | None = None
    offload_bucket: str | None = None


@dataclass(frozen=True, slots=True)
class ConsumerOptions:
    """How a Kafka-to-bus bridge reads its topic, by a pipe or by a function alike."""

    batch_size: int = 100
    batch_window_s: int | None = None
    starting_position: StartingPosition = "latest"
    consumer_group: str | None = None


@dataclass(frozen=True, slots=True)
class PipeOptions(ConsumerOptions):
    filter: Mapping[str, Any] | None = None
    enrichment_arn: str | None = None


@dataclass(frozen=True, slots=True)
class LambdaOptions(ConsumerOptions):
    retries: int = 3
    on_failure_topic: str | None = None  # None: the payload bucket (S3)
    max_record_age_s: int = 604_800  # older records go to the on-failure destination
    # provisioned event pollers: lambda.pollers, else sized from the topic's load
    min_pollers: int = 1
    max_pollers: int = 2
    pollers_declared: bool = False  # True: from lambda.pollers, never sized


@dataclass(frozen=True, slots=True)
class KafkaToBus:
    """Records of a topic become events on a bus."""

    name: str
    path: Path
    topic: str
    bus: str
    detail_type: str
    source: str
    via: BridgeMechanism = "lambda"
    connector: ConnectorOptions | None = None
    pipe: PipeOptions | None = None
    lambda_: LambdaOptions = field(default_factory=LambdaOptions)
    acknowledged: Mapping[str, str] = field(default_factory=_empty)


@dataclass(frozen=True, slots=True)
class BusToKafka(BusSubscription):
    """Events matching a pattern on a bus are produced to a topic by a producer function."""

    topic: str
    key: str | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    dead_letter: DeadLetter = field(default_factory=DeadLetter)
    acknowledged: Mapping[str, str] = field(default_factory=_empty)


Bridge = KafkaToBus | BusToKafka


@dataclass(frozen=True, slots=True)
class Blueprint:
    """One blueprint resolved for one environment."""

    name: str
    source: str  # the file it was loaded from, as shown in messages
    environment: Environment
    description: str | None = None
    owner: str | None = None
    tags: Mapping[str, str] = field(default_factory=_empty)
    network: Network = field(default_factory=Network)
    alarms: Alarms = field(default_factory=Alarms)
    clusters: Mapping[str, KafkaCluster] = field(default_factory=_empty)
    topics: Mapping[str, KafkaTopic] = field(default_factory=_empty)
    buses: Mapping[str, EventBus] = field(default_factory=_empty)
    rules: Mapping[str, Rule] = field(default_factory=_empty)
    queues: Mapping[str, Queue] = field(default_factory=_empty)
    bridges: Mapping[str, Bridge] = field(default_factory=_empty)
    contracts: Mapping[str, Contract] = field(default_factory=_empty)
    environments: tuple[str, ...] = ()  # every environment the blueprint declares

    @property
    def needs_vpc(self) -> bool:
        """MSK clusters live in the VPC; clients of external clusters run in it when the
        blueprint declares one (its brokers are reached through it: peering, Direct Connect)."""
        external = [c.type == "external" for c in self.clusters.values()]
        return not all(external) or (self.network.declared and any(external))

    @property
    def registered_contracts(self) -> tuple[Contract, ...]:
        """The declared contracts a topic names (``contract``): those registered in Glue."""
        names = {t.contract for t in self.topics.values()}
        return tuple(c for name, c in sorted(self.contracts.items()) if name in names)

    def cluster_of(self, bridge: Bridge) -> KafkaCluster | None:
        """The cluster of a bridge's topic; None when a reference dangles (its own error)."""
        topic = self.topics.get(bridge.topic)
        return self.clusters.get(topic.cluster) if topic is not None else None
