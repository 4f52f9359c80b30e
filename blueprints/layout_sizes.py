"""The exact size of every stack of a blueprint, counted from the model: what ``validate``
holds against CloudFormation's per-stack limits before anything is synthesized.

Every count is a sum of named per-entity costs: the resources one construct of
``edastack.constructs`` creates the way ``edastack.stacks`` uses it. ``tests/blueprints/
test_layout_sizes.py`` compares them with synthesized templates covering every option, so a
construct that gains a resource fails there until its cost here follows. Outputs are each MSK
cluster's bootstrap-broker output and the exports CDK adds to the Kafka stack for what the
events stack's bridges read from it; the only parameter is CDK's ``BootstrapVersion``.
"""

from __future__ import annotations

from edastack.aws import defaults
from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.layout import (
    BOOTSTRAP_PARAMETERS,
    DEAD_LETTER_RESOURCES,
    METADATA_RESOURCES,
    StackSize,
)

# --- the Kafka stack ---------------------------------------------------------------------

# A created VPC: the VPC; per zone a subnet, its route table and their association.
VPC = 1
VPC_PER_ZONE = 3
# A created VPC's flow logs: the log group and its key, the flow log, its role and policy.
FLOW_LOGS = 5
# Interface endpoints: one security group they share (its rules are inline), then each endpoint.
ENDPOINT_SECURITY_GROUP = 1
# MSK provisioned (standard or express): security group, broker-log key and log group, broker
# configuration, cluster.
PROVISIONED_CLUSTER = 5
# Storage autoscaling (standard brokers): the scalable target and its target-tracking policy.
STORAGE_AUTOSCALING = 2
# A provisioned cluster's broker alarms: CPU, under-replicated, under-min-ISR and offline
# partitions; and on Standard brokers, which have volumes to fill, disk.
BROKER_ALARMS = 4
DISK_ALARM = 1
# SCRAM auth: the secret's key, the secret, its association with the cluster.
SCRAM = 3
# encryption: {key: create}: the cluster's key (its policy is inline).
CLUSTER_KEY = 1
# MSK Serverless: security group, cluster.
SERVERLESS_CLUSTER = 2
# Bootstrap brokers of an MSK cluster: the kafka:GetBootstrapBrokers custom resource and its
# policy, the SSM parameter (and a stack output).
BOOTSTRAP_BROKERS = 3
BOOTSTRAP_OUTPUT = 1
# Once per stack with an MSK cluster: the provider function of those custom resources, its role,
# its log group and the group's key.
SDK_CALL_PROVIDER = 4
# Once per MSK Serverless cluster with topics, its topic admin: a security group, its egress rule
# and the cluster's ingress rule for it, a log key, the admin function's role, policy, log group
# and function, the provider framework's log group and its function's role, policy and function.
TOPIC_ADMIN = 12
# A topic: AWS::MSK::Topic (provisioned) or Custom::EdastackKafkaTopic (serverless).
TOPIC = 1
# A cluster with topics in a topics stack: the SSM parameter that gives them its ARN, which each
# topics stack reads through an AWS::SSM::Parameter::Value<String> parameter.
CLUSTER_ARN_PARAMETER = 1
# A client port the cluster's security group opens to itself (for Lambda's pollers, on every
# enabled auth mode's port, and for pipes, on the IAM port): an egress and an ingress rule.
SELF_RULES = 2

# --- the events stack --------------------------------------------------------------------

# The key of every queue and DLQ of the blueprint; its alias is what the rules stacks use.
QUEUE_KEY = 1
QUEUE_KEY_ALIAS = 1
# The alarm topic (e-mail notification): the topic and its TLS-only policy; a subscription each.
ALARM_TOPIC = 2
ALARM_SUBSCRIPTION = 1
# A bus; its dead-letter queue is a DEAD_LETTER_RESOURCES of its own; its rules' alarms
# (failed, lost and throttled invocations).
BUS = 1
BUS_ALARMS = 3
# A v2 bus: the bus, its four alarms and the SSM parameter of its ARN; a created key adds the
# key and a parameter of its ARN, policy one AWS RAM share. Rules on v2 buses add the queue
# key's ARN parameter (edastack.stacks.eventbridge).
BUS_V2 = 1 + 4 + 1
PARAMETER = 1
# Options of a bus, each one resource: an archive, a schema discoverer, a created key, and an
# AWS::Events::EventBusPolicy for the accounts and one for the organizations allowed to put.
BUS_OPTION = 1
# A declared queue used as a target: the queue and its TLS-only policy, plus its redrive DLQ.
TARGET_QUEUE = 2 + DEAD_LETTER_RESOURCES
# Contracts: the schema registry, then a schema each.
SCHEMA_REGISTRY = 1
SCHEMA = 1
# Contracts of topics: the Glue registry, then a schema or schema version per version.
GLUE_REGISTRY = 1
GLUE_SCHEMA_VERSION = 1
# One of edastack's bundled functions: its role, the role's policy, log key, log group, function.
FUNCTION = 5
# A Kafka → bus bridge's consumer-lag alarm.
LAG_ALARM = 1
# Kafka → bus through Lambda: the forwarder, its errors alarm, the event source mapping, and
# the dead-letter queue of the records it cannot forward.
LAMBDA_BRIDGE = FUNCTION + 2 + DEAD_LETTER_RESOURCES
# The Lambda bridges' payload bucket, one per events stack: the bucket and its TLS-only policy.
PAYLOAD_BUCKET = 2
# Kafka → bus through a pipe: its role and policy, log key and log group, the pipe, its alarm.
PIPE_BRIDGE = 6
# Kafka → bus through MSK Connect: the dead-letter topic, the workers' security group, its egress
# rule to the cluster and the cluster's ingress rule for it, the role and policy, log key and log
# group, the custom plugin, the worker configuration, the connector.
CONNECTOR_BRIDGE = 11
# Bus → Kafka: the producer function, its asynchronous-invoke configuration (failures to the
# DLQ), its errors alarm, the rule and the rule's permission to invoke it.
PRODUCER_BRIDGE = FUNCTION + 4
# A producer in an MSK cluster's VPC: its security group; per port of the cluster's enabled auth
# modes, its egress rule and the cluster's ingress rule.
PRODUCER_SECURITY_GROUP = 1
# The security group the clients of an external cluster run in, when the blueprint has a VPC
# (its egress rules are inline).
CLIENT_SECURITY_GROUP = 1
CLIENT_RULES = 2
# The environment's dashboard: a row per MSK cluster, bridge and created bus, and another
# dashboard for every DASHBOARD_ROWS more (edastack.constructs.dashboard.MAX_ROWS).
DASHBOARD = 1
DASHBOARD_ROWS = 100


def stack_sizes(blueprint: m.Blueprint) -> list[StackSize]:
    """Every stack of ``blueprint`` (one environment), in deployment order."""
    kafka = [kafka_stack_size(blueprint), *topics_stack_sizes(blueprint)]
    return [
        *(kafka if blueprint.clusters else []),
        events_stack_size(blueprint),
        *layout.rules_stack_sizes(blueprint),
    ]


# --- the Kafka stack ---------------------------------------------------------------------


def kafka_stack_size(blueprint: m.Blueprint) -> StackSize:
    """The network, the clusters and their topics (``edastack.stacks.kafka``)."""
    managed = [c for c in blueprint.clusters.values() if _managed(c)]
    resources = METADATA_RESOURCES + _network(blueprint) + SDK_CALL_PROVIDER * bool(managed)
    resources += sum(_cluster(blueprint, c) for c in managed)
    if blueprint.needs_vpc:
        external = len(blueprint.clusters) - len(managed)
        resources += CLIENT_SECURITY_GROUP * external
    own = [t for _, t in sorted(blueprint.topics.items()) if not t.stack]  # not pinned
    resources += TOPIC * sum(1 for t in own if _managed(blueprint.clusters.get(t.cluster)))
    resources += CLUSTER_ARN_PARAMETER * len(layout.pinned_clusters(blueprint))
    outputs = BOOTSTRAP_OUTPUT * len(managed) + len(_exports(blueprint))
    entities = [f"cluster:{c}" for c in sorted(blueprint.clusters)]
    entities += [f"topic:{t.name}" for t in own]
    name = layout.stack_name(blueprint, layout.KAFKA)
    return StackSize(name, resources, tuple(entities), outputs=outputs)


def topics_stack_sizes(blueprint: m.Blueprint) -> list[StackSize]:
    """The topics pinned with ``stack:`` (``edastack.stacks.topics``): each an AWS::MSK::Topic,
    with a parameter per cluster for its ARN."""
    return [
        StackSize(
            name,
            METADATA_RESOURCES + TOPIC * len(topics),
            tuple(f"topic:{t.name}" for t in topics),
            parameters=BOOTSTRAP_PARAMETERS + len({t.cluster for t in topics}),
        )
        for name, topics in layout.topic_groups(blueprint).items()
    ]


def _network(blueprint: m.Blueprint) -> int:
    if not blueprint.needs_vpc:
        return 0
    net = blueprint.network
    count = ENDPOINT_SECURITY_GROUP + len(net.endpoints) if net.endpoints else 0
    if isinstance(net.vpc, m.CreateVpc):
        count += VPC + VPC_PER_ZONE * net.vpc.azs + FLOW_LOGS
    return count


def _cluster(blueprint: m.Blueprint, c: m.KafkaCluster) -> int:
    """An MSK cluster, with what its bridges add to its own security group."""
    count = BOOTSTRAP_BROKERS + SELF_RULES * len(_self_ports(blueprint, c))
    if c.type == "serverless":
        has_topics = any(t.cluster == c.name for t in blueprint.topics.values())
        return count + SERVERLESS_CLUSTER + TOPIC_ADMIN * has_topics
    count += PROVISIONED_CLUSTER + SCRAM * ("scram" in c.auth) + BROKER_ALARMS
    count += CLUSTER_KEY * (c.encryption_key_arn == "create")
    if c.type == "standard":
        count += DISK_ALARM + STORAGE_AUTOSCALING * (c.autoscaling is not None)
    return count


def _self_ports(blueprint: m.Blueprint, c: m.KafkaCluster) -> set[str]:
    """The auth modes whose port the cluster's security group opens to its own members."""
    modes: set[str] = set()
    for b in _bridges_on(blueprint, c):
        if isinstance(b, m.KafkaToBus) and b.via == "lambda":
            modes |= set(c.auth)
        elif isinstance(b, m.KafkaToBus) and b.via == "pipe":
            modes.add("iam")
    return modes


def _exports(blueprint: m.Blueprint) -> set[str]:
    """What the events stack reads from the Kafka stack, one export each."""
    exports: set[str] = set()
    for b in blueprint.bridges.values():
        c = blueprint.cluster_of(b)
        if c is not None and c.type == "external" and blueprint.needs_vpc:
            exports |= _external_exports(blueprint, b, c)
        if c is None or not _managed(c):
            continue  # an external cluster's ARN, servers and secret are literals
        exports.add(f"{c.name}:arn")
        if isinstance(b, m.KafkaToBus) and b.via == "lambda":
            if defaults.bridge_auth(c.auth) == "scram":  # the pollers present the secret
                exports |= {f"{c.name}:scram-secret", f"{c.name}:scram-key"}
        elif not (isinstance(b, m.KafkaToBus) and b.via == "pipe"):
            # a connector's workers or a producer function in the cluster's VPC
            exports |= {f"{c.name}:security-group", f"{c.name}:bootstrap-iam"}
            exports |= _vpc_exports(blueprint.network)
    return exports


def _external_exports(blueprint: m.Blueprint, b: m.Bridge, c: m.KafkaCluster) -> set[str]:
    """What a bridge running in the VPC reads of an external cluster's network: the clients'
    group and subnets for a self-managed cluster's pollers, the VPC and subnets for a
    producer (its own group)."""
    vpc = _vpc_exports(blueprint.network)
    if isinstance(b, m.BusToKafka):
        return vpc
    if b.via == "lambda" and not c.arn:
        return {f"{c.name}:clients-security-group", *(e for e in vpc if e != "vpc")}
    return set()


def _vpc_exports(network: m.Network) -> set[str]:
    """A created VPC's id and subnets (an imported VPC's are literals)."""
    if not isinstance(network.vpc, m.CreateVpc):
        return set()
    return {"vpc", *(f"subnet-{i}" for i in range(network.vpc.azs))}


# --- the events stack --------------------------------------------------------------------


def events_stack_size(blueprint: m.Blueprint) -> StackSize:
    """Buses, queues, contracts, the alarm topic and the bridges (``edastack.stacks
    .eventbridge`` and ``.bridges``)."""
    resources = METADATA_RESOURCES + QUEUE_KEY + QUEUE_KEY_ALIAS * bool(blueprint.rules)
    alarms = blueprint.alarms
    if alarms.emails and not alarms.sns_topic_arn:
        resources += ALARM_TOPIC + ALARM_SUBSCRIPTION * len(alarms.emails)
    resources += sum(_bus(b) for b in blueprint.buses.values())
    resources += PARAMETER * any(layout.on_v2_bus(blueprint, r) for r in blueprint.rules.values())
    dead_letters = layout.dead_letter_queues(blueprint)
    resources += sum(
        DEAD_LETTER_RESOURCES if q in dead_letters else TARGET_QUEUE for q in blueprint.queues
    )
    if blueprint.contracts:
        resources += SCHEMA_REGISTRY + SCHEMA * len(blueprint.contracts)
    if glue := blueprint.registered_contracts:
        versions = sum(len(c.history) for c in glue)
        resources += GLUE_REGISTRY + GLUE_SCHEMA_VERSION * versions
    resources += sum(_bridge(blueprint, b) for b in blueprint.bridges.values())
    resources += PAYLOAD_BUCKET * any(_lambda_bridge(b) for b in blueprint.bridges.values())
    resources += DASHBOARD * dashboards(_dashboard_rows(blueprint))
    entities = [
        f"{kind}:{name}"
        for kind, names in (
            ("bus", blueprint.buses),
            ("queue", blueprint.queues),
            ("contract", blueprint.contracts),
            ("bridge", blueprint.bridges),
        )
        for name in sorted(names)
    ]
    return StackSize(layout.stack_name(blueprint, layout.EVENTS), resources, tuple(entities))


def _bus(bus: m.EventBus) -> int:
    if bus.import_arn:
        return 0
    if bus.v2:
        shared = bool(bus.allow_accounts or bus.allow_organizations)
        return BUS_V2 + (BUS_OPTION + PARAMETER) * (bus.kms_key == "create") + BUS_OPTION * shared
    options = (
        bus.archive is not None,
        bus.schema_discovery,
        bus.kms_key == "create",
        bool(bus.allow_accounts),
        bool(bus.allow_organizations),
    )
    return BUS + DEAD_LETTER_RESOURCES + BUS_ALARMS + BUS_OPTION * sum(options)


def _lambda_bridge(b: m.Bridge) -> bool:
    return isinstance(b, m.KafkaToBus) and b.via == "lambda"


def _bridge(blueprint: m.Blueprint, b: m.Bridge) -> int:
    if isinstance(b, m.BusToKafka):
        count = PRODUCER_BRIDGE + DEAD_LETTER_RESOURCES * (b.dead_letter.scope == "rule")
        c = blueprint.cluster_of(b)
        if c is not None and _managed(c):
            count += PRODUCER_SECURITY_GROUP + CLIENT_RULES * len(set(c.auth))
        elif c is not None and blueprint.needs_vpc:  # external: egress to its brokers, inline
            count += PRODUCER_SECURITY_GROUP
        return count
    if b.via == "connector":
        return CONNECTOR_BRIDGE + LAG_ALARM
    if b.via == "pipe":
        return PIPE_BRIDGE + LAG_ALARM
    return LAMBDA_BRIDGE + LAG_ALARM


def dashboards(rows: int) -> int:
    """The dashboards ``rows`` rows take: one at least, each of DASHBOARD_ROWS rows."""
    return max(1, -(-rows // DASHBOARD_ROWS))


def _dashboard_rows(blueprint: m.Blueprint) -> int:
    """A row per MSK cluster, per bridge and per bus the blueprint creates."""
    clusters = sum(_managed(c) for c in blueprint.clusters.values())
    buses = sum(not b.import_arn for b in blueprint.buses.values())
    return clusters + len(blueprint.bridges) + buses


# --- shared --------------------------------------------------------------------------------


def _managed(c: m.KafkaCluster | None) -> bool:
    """An MSK cluster of this blueprint (not external, not a dangling reference)."""
    return c is not None and c.type != "external"


def _bridges_on(blueprint: m.Blueprint, c: m.KafkaCluster) -> list[m.Bridge]:
    topics = {t.name for t in blueprint.topics.values() if t.cluster == c.name}
    return [b for b in blueprint.bridges.values() if b.topic in topics]
