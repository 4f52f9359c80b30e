"""validate --baseline against a corpus of before/after blueprints: every dangerous change
named with its exact finding, every safe one silent.

Each case edits ``BASE`` (``(old, new)`` text replacements, first occurrence each) into the
new blueprint; ``old=`` edits the baseline instead of leaving it ``BASE``; ``swap=True``
compares ``BASE`` against the edited blueprint as its baseline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from edastack.blueprints.validate import validate_file
from edastack.cli.baseline import compare_with_baseline

BASE = """\
blueprint: shop
environments:
  dev: {account: "111111111111", region: eu-west-1}
network:
  vpc: {create: {azs: 3, cidr: 10.0.0.0/16}}
  endpoints: [events, lambda, sts, s3, logs]
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
    stream: {type: serverless}
  topics:
    orders: {cluster: core, partitions: 6}
    readings: {cluster: stream, partitions: 6}
eventbridge:
  buses:
    main: {archive: {retention: 30d}}
  rules:
    audit:
      pattern: {source: [shop]}
      dlq: rule
      targets: {q: {sqs: inbox}}
    notify:
      pattern: {source: [shop]}
      targets: {q: {sqs: inbox}}
queues:
  inbox: {}
bridges:
  b:
    from: {topic: orders}
    to: {bus: main, detail_type: Order, source: shop}
    via: pipe
    pipe: {consumer_group: g1}
    acknowledge: {pipe-no-dlq: accepted for this test blueprint}
  l:
    from: {topic: readings}
    to: {bus: main, detail_type: Reading, source: shop.readings}
    acknowledge: {bridge-feeds-nothing: read by another account}
  c:
    from: {topic: orders}
    to: {bus: main, detail_type: Paid, source: kafka-connect.shop-payments}
    via: connector
    connector: {plugin: s3://shop-artifacts/plugins/eventbridge-kafka-connector-1.4.1.zip}
    acknowledge: {bridge-feeds-nothing: read by another account}
"""
CODES = {"replacement", "stack-move", "shrink"}


# A bus -> topic bridge on the classic bus: a rule and a producer function with its own DLQ.
PRODUCER = """\
  {name}:
    from: {{bus: main, pattern: {{source: [shop.refunds]}}}}
    to: {{topic: orders}}
"""


# The consumers of topic 'orders' acknowledge their replacement when it is renamed in Kafka.
ACKNOWLEDGED_CONSUMERS = [
    (
        "    pipe: {consumer_group: g1}\n    acknowledge: {",
        "    pipe: {consumer_group: g1}\n    acknowledge: {replacement: replays from the start, ",
    ),
    (
        "eventbridge-kafka-connector-1.4.1.zip}\n    acknowledge: {",
        "eventbridge-kafka-connector-1.4.1.zip}\n    acknowledge: {replacement: its dead "
        "letters are kept elsewhere, ",
    ),
]
# Topic 'readings' moved to cluster 'core': a new topic, read by a new mapping of bridge 'l'.
READINGS_MOVED = [
    "warning: $.kafka.topics.readings.cluster: changing $.kafka.topics.readings.cluster "
    "replaces bridge 'l': the new consumer starts from its starting position, so records "
    "are skipped or read again; acknowledge: {replacement: <reason>}",
    "warning: $.kafka.topics.readings.cluster: changing the cluster of topic 'readings' "
    "replaces it: a new, empty topic is created and the old one stays in Kafka with its "
    "records, no longer managed; acknowledge: {replacement: <reason>}",
]


def case(
    name: str,
    expected: list[str],
    edits: list[tuple[str, str]],
    old: list[tuple[str, str]] | None = None,
    swap: bool = False,
) -> Any:
    return pytest.param(edits, old or [], swap, expected, id=name)


def edit(text: str, edits: list[tuple[str, str]]) -> str:
    for before, after in edits:
        assert before in text, before
        text = text.replace(before, after, 1)
    return text


def findings(tmp_path: Path, old: str, new: str) -> list[str]:
    """What ``validate new --baseline old`` says about the change, as ``severity: path: "
    "message``."""
    (tmp_path / "old.yaml").write_text(old, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    assert validate_file(tmp_path / "old.yaml").ok
    report = validate_file(tmp_path / "new.yaml")
    assert report.ok, [f.format() for f in report.findings]
    compare_with_baseline(report, tmp_path / "new.yaml", str(tmp_path / "old.yaml"))
    return [f"{f.severity}: {f.json_path}: {f.message}" for f in report.findings if f.code in CODES]


DANGEROUS = [
    case(
        "topic_renamed_in_kafka",
        [
            "warning: $.kafka.topics.orders.name: changing $.kafka.topics.orders.name replaces "
            "bridge 'b': the new consumer starts from its starting position, so records are "
            "skipped or read again; acknowledge: {replacement: <reason>}",
            "warning: $.kafka.topics.orders.name: changing $.kafka.topics.orders.name replaces "
            "the dead-letter topic of bridge 'c': a new, empty topic is created and the old one "
            "stays in Kafka with its records, no longer managed; acknowledge: {replacement: "
            "<reason>}",
            "warning: $.kafka.topics.orders.name: changing the name of topic 'orders' replaces "
            "it: a new, empty topic is created and the old one stays in Kafka with its records, "
            "no longer managed; acknowledge: {replacement: <reason>}",
        ],
        [
            (
                "orders: {cluster: core, partitions: 6}",
                "orders: {cluster: core, partitions: 6, name: orders2}",
            )
        ],
    ),
    case(
        "topic_replication_changed",
        [
            "error: $.kafka.topics.orders.replication: changing the replication of topic 'orders' "
            "replaces it, but the name 'orders' of topic 'orders' stays: CloudFormation creates "
            "the replacement before it deletes the old one, the name is taken and the update "
            "fails (the stack rolls back). Keep it as deployed, or declare a new topic under a "
            "new name and move producers and consumers to it (Kafka changes a topic's replication "
            "by partition reassignment, outside CloudFormation)"
        ],
        [
            (
                "orders: {cluster: core, partitions: 6}",
                "orders: {cluster: core, partitions: 6, replication: 2, min_insync: 1, "
                "acknowledge: {low-replication: replayable from S3}}",
            )
        ],
    ),
    case(
        "fewer_partitions",
        [
            "error: $.kafka.topics.orders.partitions: topic 'orders' goes from 6 to 3 partitions; "
            "Kafka only adds partitions, so the deployment will fail"
        ],
        [("orders: {cluster: core, partitions: 6}", "orders: {cluster: core, partitions: 3}")],
    ),
    case(
        "topic_key_renamed",
        [
            "warning: $.kafka.topics.orders-v2: topic 'orders-v2' is new and topic 'orders' is "
            "gone: if this is a rename, a new resource is created empty and the old one is "
            "retained but no longer managed; acknowledge: {replacement: <reason>}",
            "warning: $.bridges.b.from.topic: changing the topic of bridge 'b' replaces it: the "
            "new consumer starts from its starting position, so records are skipped or read "
            "again; acknowledge: {replacement: <reason>}",
            "warning: $.bridges.c.from.topic: changing the topic of bridge 'c' replaces the "
            "dead-letter topic of bridge 'c': a new, empty topic is created and the old one stays "
            "in Kafka with its records, no longer managed; acknowledge: {replacement: <reason>}",
        ],
        [
            ("    orders: {cluster: core", "    orders-v2: {cluster: core"),
            ("from: {topic: orders}", "from: {topic: orders-v2}"),
            ("from: {topic: orders}", "from: {topic: orders-v2}"),
        ],
    ),
    case(
        "topic_moves_cluster",
        READINGS_MOVED,
        [
            (
                "readings: {cluster: stream, partitions: 6}",
                "readings: {cluster: core, partitions: 6}",
            )
        ],
    ),
    case(
        "topic_moves_cluster_with_fewer_partitions",
        READINGS_MOVED,
        [
            (
                "readings: {cluster: stream, partitions: 6}",
                "readings: {cluster: core, partitions: 3}",
            )
        ],
    ),
    case(
        "cluster_encryption_key",
        [
            "error: $.kafka.clusters.core.encryption: changing the encryption of cluster 'core' "
            "replaces it, but the name 'shop-dev-core' of cluster 'core' stays: CloudFormation "
            "creates the replacement before it deletes the old one, the name is taken and the "
            "update fails (the stack rolls back). Keep it as deployed, or declare a new cluster "
            "under a new key, move topics and clients to it, then remove the old one"
        ],
        [
            (
                "core: {brokers: {count: 3, storage: 100GiB}}",
                "core: {brokers: {count: 3, storage: 100GiB}, encryption: {key: "
                "'arn:aws:kms:eu-west-1:111111111111:key/abc'}}",
            )
        ],
    ),
    case(
        "cluster_key_renamed",
        [
            "warning: $.kafka.clusters.main-cluster: cluster 'main-cluster' is new and cluster "
            "'core' is gone: if this is a rename, a new resource is created empty and the old one "
            "is retained but no longer managed; acknowledge: {replacement: <reason>}",
            "warning: $.kafka.topics.orders.cluster: changing $.kafka.topics.orders.cluster "
            "replaces bridge 'b': the new consumer starts from its starting position, so records "
            "are skipped or read again; acknowledge: {replacement: <reason>}",
            "error: $.kafka.topics.orders.cluster: changing $.kafka.topics.orders.cluster "
            "replaces bridge 'c' and the dead-letter topic of bridge 'c', but the name "
            "'shop-payments' of bridge 'c' stays: CloudFormation creates the replacement before "
            "it deletes the old one, the name is taken and the update fails (the stack rolls "
            "back). Keep it as deployed, or give the bridge a new connector id (to.source: "
            "kafka-connect.<id>), which names a new connector and plugin beside the old ones",
            "warning: $.kafka.topics.orders.cluster: changing the cluster of topic 'orders' "
            "replaces it: a new, empty topic is created and the old one stays in Kafka with its "
            "records, no longer managed; acknowledge: {replacement: <reason>}",
        ],
        [
            ("    core: {brokers", "    main-cluster: {brokers"),
            ("cluster: core", "cluster: main-cluster"),
        ],
    ),
    case(
        "cluster_type_changed",
        [
            "error: $.kafka.clusters.stream.type: changing the type of cluster 'stream' replaces "
            "it, but the name 'shop-dev-stream' of cluster 'stream' stays: CloudFormation creates "
            "the replacement before it deletes the old one, the name is taken and the update "
            "fails (the stack rolls back). Keep it as deployed, or declare a new cluster under a "
            "new key, move topics and clients to it, then remove the old one"
        ],
        [("stream: {type: serverless}", "stream: {brokers: {count: 3, storage: 100GiB}}")],
    ),
    case(
        "smaller_volumes",
        [
            "error: $.kafka.clusters.core.brokers.storage: broker storage of cluster 'core' goes "
            "down from 100 to 50 GiB; MSK volumes only grow, so the deployment will fail"
        ],
        [("storage: 100GiB", "storage: 50GiB")],
    ),
    case(
        "volumes_grow_by_less_than_10_gib",
        [
            "error: $.kafka.clusters.core.brokers.storage: broker storage of cluster 'core' grows "
            "by 5 GiB, from 100 to 105; MSK refuses an increase of less than 10 GiB, so the "
            "deployment will fail: declare at least 110 GiB"
        ],
        [("storage: 100GiB", "storage: 105GiB")],
    ),
    case(
        "autoscaled_volumes_change",
        [
            "warning: $.kafka.clusters.core.brokers.storage: cluster 'core' scales its storage "
            "automatically (up to 400 GiB), so its live volumes may be larger than the 100 GiB "
            "declared; MSK refuses a size not at least 10 GiB above the live one, so the update "
            "to 200 GiB fails unless it is. Read the live size (aws kafka describe-cluster-v2: "
            "EBSStorageInfo VolumeSize) and declare at least 10 GiB more, or leave storage at 100 "
            "GiB; acknowledge: {replacement: <reason>}"
        ],
        [("storage: 100GiB}", "storage: 200GiB, autoscale: 400GiB}")],
        old=[("storage: 100GiB}", "storage: 100GiB, autoscale: 400GiB}")],
    ),
    case(
        "vpc_cidr_changed",
        [
            "error: $.network.vpc.create.cidr: changing $.network.vpc.create.cidr replaces "
            "cluster 'core', but the name 'shop-dev-core' of cluster 'core' stays: CloudFormation "
            "creates the replacement before it deletes the old one, the name is taken and the "
            "update fails (the stack rolls back). Keep it as deployed, or declare a new cluster "
            "under a new key, move topics and clients to it, then remove the old one",
            "error: $.network.vpc.create.cidr: changing $.network.vpc.create.cidr replaces "
            "cluster 'stream', but the name 'shop-dev-stream' of cluster 'stream' stays: "
            "CloudFormation creates the replacement before it deletes the old one, the name is "
            "taken and the update fails (the stack rolls back). Keep it as deployed, or declare a "
            "new cluster under a new key, move topics and clients to it, then remove the old one",
        ],
        [("cidr: 10.0.0.0/16", "cidr: 10.1.0.0/16")],
    ),
    case(
        "serverless_cluster_tags",
        [
            "error: $.tags: changing $.tags replaces cluster 'stream', but the name "
            "'shop-dev-stream' of cluster 'stream' stays: CloudFormation creates the replacement "
            "before it deletes the old one, the name is taken and the update fails (the stack "
            "rolls back). Keep it as deployed, or declare a new cluster under a new key, move "
            "topics and clients to it, then remove the old one"
        ],
        [("blueprint: shop\n", "blueprint: shop\ntags: {team: data}\n")],
    ),
    case(
        "bus_renamed",
        [
            "warning: $.eventbridge.buses.orders: bus 'orders' is new and bus 'main' is gone: if "
            "this is a rename, a new resource is created empty and the old one is retained but no "
            "longer managed; acknowledge: {replacement: <reason>}",
            "warning: $.eventbridge.rules: stack shop-dev-rules-main-1 no longer holds any rule "
            "and leaves the app: cdk deploy does not delete a stack, so its rules stay until you "
            "run cdk destroy shop-dev-rules-main-1",
            "warning: $.eventbridge.rules.audit: rule 'audit' moves from stack "
            "shop-dev-rules-main-1 to shop-dev-rules-orders-1: CloudFormation deletes it from the "
            "first and creates it in the second, so for a few minutes between the two deployments "
            "no rule (or two rules) deliver its events; acknowledge: {stack-move: <reason>}",
            "warning: $.eventbridge.rules.notify: rule 'notify' moves from stack "
            "shop-dev-rules-main-1 to shop-dev-rules-orders-1: CloudFormation deletes it from the "
            "first and creates it in the second, so for a few minutes between the two deployments "
            "no rule (or two rules) deliver its events; acknowledge: {stack-move: <reason>}",
        ],
        [
            ("    main: {archive", "    orders: {archive"),
            ("bus: main", "bus: orders"),
            ("bus: main", "bus: orders"),
            ("bus: main", "bus: orders"),
        ],
    ),
    case(
        "archive_removed",
        [
            "warning: $.eventbridge.buses.main: the archive of bus 'main' leaves the blueprint: "
            "it is retained with what it holds but no longer managed, nothing reads it any more; "
            "empty and delete it by hand; acknowledge: {replacement: <reason>}"
        ],
        [("main: {archive: {retention: 30d}}", "main: {}")],
    ),
    case(
        "rule_with_own_dlq_renamed",
        [
            "warning: $.eventbridge.rules.audit-all: rule 'audit-all' is new and rule 'audit' is "
            "gone: if this is a rename, its dead-letter queue is created anew and the old one is "
            "retained with the failed events it holds, no longer managed; acknowledge: "
            "{replacement: <reason>}"
        ],
        [("    audit:\n", "    audit-all:\n")],
    ),
    case(
        "rule_dlq_from_rule_to_stack",
        [
            "warning: $.eventbridge.rules.audit: the dead-letter queue of rule 'audit' leaves the "
            "blueprint: it is retained with what it holds but no longer managed, nothing reads it "
            "any more; empty and delete it by hand; acknowledge: {replacement: <reason>}"
        ],
        [("      dlq: rule\n", "")],
    ),
    case(
        "rule_dlq_from_stack_to_rule",
        [
            "warning: $.eventbridge.rules: the dead-letter queue shared by the rules of "
            "shop-dev-rules-main-1 leaves the blueprint: it is retained with what it holds but no "
            "longer managed, nothing reads it any more; empty and delete it by hand; acknowledge: "
            "{replacement: <reason>} (on one of the stack's rules)"
        ],
        [
            (
                "    notify:\n      pattern: {source: [shop]}\n",
                "    notify:\n      pattern: {source: [shop]}\n      dlq: rule\n",
            )
        ],
    ),
    case(
        "queue_becomes_fifo",
        [
            "warning: $.queues.inbox.fifo: changing the fifo of queue 'inbox' replaces it and the "
            "dead-letter queue of queue 'inbox': a new, empty queue is created and the old one is "
            "retained with its messages, no longer managed; acknowledge: {replacement: <reason>}"
        ],
        [
            ("  inbox: {}", "  inbox: {fifo: true}"),
            ("q: {sqs: inbox}", "q: {sqs: inbox, message_group: shop}"),
            ("q: {sqs: inbox}", "q: {sqs: inbox, message_group: shop}"),
        ],
    ),
    case(
        "producer_bridge_renamed",
        [
            "warning: $.bridges.p2: bridge 'p2' is new and bridge 'p' is gone: if this is a "
            "rename, its dead-letter queue is created anew and the old one is retained with the "
            "failed events it holds, no longer managed; acknowledge: {replacement: <reason>}"
        ],
        [("bridges:\n", f"bridges:\n{PRODUCER.format(name='p2')}")],
        old=[("bridges:\n", f"bridges:\n{PRODUCER.format(name='p')}")],
    ),
    case(
        "queue_renamed",
        [
            "warning: $.queues.inbox2: queue 'inbox2' is new and queue 'inbox' is gone: if this "
            "is a rename, a new resource is created empty and the old one is retained but no "
            "longer managed; acknowledge: {replacement: <reason>}"
        ],
        [
            ("  inbox: {}", "  inbox2: {}"),
            ("q: {sqs: inbox}", "q: {sqs: inbox2}"),
            ("q: {sqs: inbox}", "q: {sqs: inbox2}"),
        ],
    ),
    case(
        "pipe_consumer_group",
        [
            "warning: $.bridges.b.pipe.consumer_group: changing the consumer group of bridge 'b' "
            "replaces it: the new consumer starts from its starting position, so records are "
            "skipped or read again; acknowledge: {replacement: <reason>}"
        ],
        [("consumer_group: g1", "consumer_group: g2")],
    ),
    case(
        "pipe_starting_position",
        [
            "warning: $.bridges.b.pipe.starting_position: changing the starting position of "
            "bridge 'b' replaces it: the new consumer starts from its starting position, so "
            "records are skipped or read again; acknowledge: {replacement: <reason>}"
        ],
        [
            (
                "pipe: {consumer_group: g1}",
                "pipe: {consumer_group: g1, starting_position: trim_horizon}",
            )
        ],
    ),
    case(
        "lambda_consumer_group",
        [
            "warning: $.bridges.l.lambda.consumer_group: changing the consumer group of bridge "
            "'l' cannot be deployed: Lambda never updates an event source mapping's consumer "
            "group or topic and CloudFormation does not replace it (a new group fails the update; "
            "a new topic is ignored, the old one is still read). Keep it as deployed, or rename "
            "the bridge: a new mapping, reading from its starting_position; acknowledge: "
            "{replacement: <reason>}"
        ],
        [
            (
                "    acknowledge: {bridge-feeds-nothing",
                "    lambda: {consumer_group: readers}\n    acknowledge: {bridge-feeds-nothing",
            )
        ],
    ),
    case(
        "lambda_topic",
        [
            "warning: $.bridges.l.from.topic: changing the topic of bridge 'l' cannot be "
            "deployed: Lambda never updates an event source mapping's consumer group or topic and "
            "CloudFormation does not replace it (a new group fails the update; a new topic is "
            "ignored, the old one is still read). Keep it as deployed, or rename the bridge: a "
            "new mapping, reading from its starting_position; acknowledge: {replacement: "
            "<reason>}"
        ],
        [
            ("from: {topic: readings}", "from: {topic: readings2}"),
            (
                "    readings: {cluster: stream, partitions: 6}",
                "    readings: {cluster: stream, partitions: 6}\n    readings2: {cluster: stream, "
                "partitions: 6}",
            ),
        ],
    ),
    case(
        "lambda_starting_position",
        [
            "error: $.bridges.l.lambda.starting_position: changing the starting position of "
            "bridge 'l' replaces it, but the consumer group of bridge 'l' stays: CloudFormation "
            "creates the replacement before it deletes the old one, the consumer group is taken "
            "and the update fails (the stack rolls back). Keep it as deployed, or give the bridge "
            "a new consumer_group (a new mapping that starts from its starting_position)"
        ],
        [
            (
                "    acknowledge: {bridge-feeds-nothing",
                "    lambda: {starting_position: trim_horizon}\n    acknowledge: "
                "{bridge-feeds-nothing",
            )
        ],
    ),
    case(
        "bridge_via_changes",
        [
            "warning: $.bridges.b.via: changing the via of bridge 'b' replaces it: the new "
            "consumer starts from its starting position, so records are skipped or read again; "
            "acknowledge: {replacement: <reason>}"
        ],
        [("    via: pipe\n    pipe: {consumer_group: g1}\n", "")],
    ),
    case(
        "connector_plugin_upgrade",
        [
            "error: $.bridges.c.connector.plugin: changing the plugin of bridge 'c' replaces the "
            "connector plugin of bridge 'c', but the name 'shop-payments-eventbridge-sink' of the "
            "connector plugin of bridge 'c' stays: CloudFormation creates the replacement before "
            "it deletes the old one, the name is taken and the update fails (the stack rolls "
            "back). Keep it as deployed, or give the bridge a new connector id (to.source: "
            "kafka-connect.<id>), which names a new connector and plugin beside the old ones"
        ],
        [("connector-1.4.1.zip", "connector-1.5.0.zip")],
    ),
    case(
        "connector_id_changed",
        [
            "warning: $.bridges.c.to.source: changing the source of bridge 'c' replaces it: the "
            "new consumer starts from its starting position, so records are skipped or read "
            "again; acknowledge: {replacement: <reason>}"
        ],
        [("source: kafka-connect.shop-payments", "source: kafka-connect.shop-ledger")],
    ),
    case(
        "blueprint_renamed",
        [
            "warning: $.blueprint: renaming the blueprint from 'shop' to 'store' renames every "
            "stack (shop-<env>-* becomes store-<env>-*) and every physical name: cdk deploy "
            "creates them all anew and empty (clusters, topics, queues, archives), and the stacks "
            "of 'shop' stay deployed with what they hold, still consuming and delivering, until "
            "you cdk destroy them. Keep the name, or deploy the new stacks, move clients and "
            "data, then destroy the old ones"
        ],
        [("blueprint: shop", "blueprint: store")],
    ),
    case(
        "environment_renamed",
        [
            "warning: $.environments.development: environment 'development' is new where the "
            "baseline has environment 'dev' (shop-dev-*): if this is a rename, every stack is "
            "created anew as shop-development-*, empty (clusters, topics, queues, archives), and "
            "the old stacks stay deployed with what they hold, still consuming and delivering, "
            "until you cdk destroy them (cdk deploy deletes no stack). Keep the name, or deploy "
            "the new stacks, move clients and data, then destroy the old ones"
        ],
        [("  dev: {account", "  development: {account")],
    ),
    case(
        "environment_moves_region",
        [
            "warning: $.environments.dev: environment 'dev' moves from account 111111111111 in "
            "eu-west-1 to account 111111111111 in eu-central-1: every stack (shop-dev-*) is "
            "created anew there, empty, and the stacks in account 111111111111 in eu-west-1 stay "
            "deployed with what they hold, still consuming and delivering, until you cdk destroy "
            "them (cdk deploy deletes no stack)"
        ],
        [("region: eu-west-1}", "region: eu-central-1}")],
    ),
    case(
        "environments_declared",
        [
            "warning: $.environments.dev: environment 'dev' is new where the baseline has no "
            "environment (shop-*): if this is a rename, every stack is created anew as "
            "shop-dev-*, empty (clusters, topics, queues, archives), and the old stacks stay "
            "deployed with what they hold, still consuming and delivering, until you cdk destroy "
            "them (cdk deploy deletes no stack). Keep the name, or deploy the new stacks, move "
            "clients and data, then destroy the old ones"
        ],
        [('environments:\n  dev: {account: "111111111111", region: eu-west-1}\n', "")],
        swap=True,
    ),
    case(
        "rule_with_shared_dlq_renamed",
        [
            "warning: $.eventbridge.rules: the dead-letter queue shared by the rules of "
            "shop-dev-rules-main-1 leaves the blueprint: it is retained with what it holds but no "
            "longer managed, nothing reads it any more; empty and delete it by hand; acknowledge: "
            "{replacement: <reason>} (on one of the stack's rules)"
        ],
        [("    notify:\n", "    notify-all:\n")],
    ),
]

SAFE = [
    case(
        "more_partitions",
        [],
        [("orders: {cluster: core, partitions: 6}", "orders: {cluster: core, partitions: 12}")],
    ),
    case(
        "topic_retention",
        [],
        [
            (
                "orders: {cluster: core, partitions: 6}",
                "orders: {cluster: core, partitions: 6, retention: 3d}",
            )
        ],
    ),
    case("volumes_grow", [], [("storage: 100GiB", "storage: 200GiB")]),
    case("autoscale_added", [], [("storage: 100GiB}", "storage: 100GiB, autoscale: 400GiB}")]),
    case("more_brokers", [], [("count: 3, storage", "count: 6, storage")]),
    case(
        "rule_pattern",
        [],
        [
            (
                "      pattern: {source: [shop]}\n      dlq: rule",
                "      pattern: {source: [shop, shop.audit]}\n      dlq: rule",
            )
        ],
    ),
    case(
        "rule_retry", [], [("      dlq: rule\n", "      dlq: rule\n      retry: {attempts: 10}\n")]
    ),
    case(
        "rule_added",
        [],
        [
            (
                "  rules:\n",
                "  rules:\n    extra:\n      pattern: {source: [x]}\n      targets: {q: {sqs: "
                "inbox}}\n",
            )
        ],
    ),
    case("queue_retention", [], [("  inbox: {}", "  inbox: {retention: 14d}")]),
    case("archive_retention", [], [("retention: 30d", "retention: 90d")]),
    case(
        "topic_added",
        [],
        [("    readings: {cluster", "    audit: {cluster: core}\n    readings: {cluster")],
    ),
    case(
        "pipe_batch_size",
        [],
        [("pipe: {consumer_group: g1}", "pipe: {consumer_group: g1, batch_size: 10}")],
    ),
    case(
        "lambda_batch_size",
        [],
        [
            (
                "    acknowledge: {bridge-feeds-nothing",
                "    lambda: {batch_size: 10}\n    acknowledge: {bridge-feeds-nothing",
            )
        ],
    ),
    case(
        "endpoint_added",
        [],
        [
            (
                "endpoints: [events, lambda, sts, s3, logs]",
                "endpoints: [events, lambda, sts, s3, logs, kafka]",
            )
        ],
    ),
    case(
        "description_and_owner_without_serverless",
        [],
        [
            ("blueprint: shop\n", "blueprint: shop\nowner: team\n"),
            ("    stream: {type: serverless}\n", ""),
            (
                "    readings: {cluster: stream, partitions: 6}\n",
                "    readings: {cluster: core, partitions: 6}\n",
            ),
        ],
        old=[
            ("    stream: {type: serverless}\n", ""),
            (
                "    readings: {cluster: stream, partitions: 6}\n",
                "    readings: {cluster: core, partitions: 6}\n",
            ),
        ],
    ),
    case(
        "environment_added",
        [],
        [
            (
                "  dev: {account",
                '  prod: {account: "222222222222", region: eu-west-1}\n  dev: {account',
            )
        ],
    ),
    case(
        "acknowledged_topic_rename",
        [],
        [
            (
                "orders: {cluster: core, partitions: 6}",
                "orders: {cluster: core, partitions: 6, name: orders2, acknowledge: {replacement: "
                "empty in dev}}",
            ),
            *ACKNOWLEDGED_CONSUMERS,
        ],
    ),
    case(
        # a new name is a new topic: nothing shrinks (review 5, item 6)
        "acknowledged_topic_rename_with_fewer_partitions",
        [],
        [
            (
                "orders: {cluster: core, partitions: 6}",
                "orders: {cluster: core, partitions: 3, name: orders2, acknowledge: {replacement: "
                "empty in dev}}",
            ),
            *ACKNOWLEDGED_CONSUMERS,
        ],
    ),
    case(
        "alarm_email_changed",
        [],
        [("network:\n", "alarms: {notify: {email: ops@example.com}}\nnetwork:\n")],
        old=[("network:\n", "alarms: {notify: {email: oncall@example.com}}\nnetwork:\n")],
    ),
]


@pytest.mark.parametrize(("edits", "old_edits", "swap", "expected"), DANGEROUS + SAFE)
def test_baseline_names_every_dangerous_change_and_nothing_else(
    tmp_path: Path,
    edits: list[tuple[str, str]],
    old_edits: list[tuple[str, str]],
    swap: bool,
    expected: list[str],
) -> None:
    old, new = edit(BASE, old_edits), edit(BASE, edits)
    if swap:
        old, new = new, BASE
    assert findings(tmp_path, old, new) == expected
