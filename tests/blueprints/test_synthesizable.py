"""What the constructs would refuse, validate refuses first: a valid blueprint synthesizes.

Each case is one change to a valid blueprint that used to pass validate and then fail in a
construct at synthesis time ("internal error"); validate now reports it at the line that holds it.
"""
# ruff: noqa: E501  (a table of whole blueprint lines and whole messages reads better unwrapped)

from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file

BASE = """\
blueprint: fz
environments: {dev: {account: "111111111111", region: eu-west-1}}
network: {vpc: {create: {azs: 3}}, endpoints: [events, lambda, sts, sqs]}
kafka:
  clusters: {core: {brokers: {type: kafka.m7g.large, count: 3}}}
  topics: {orders: {cluster: core}}
eventbridge:
  buses: {main: {}}
  rules:
    r1: {pattern: {source: [app.orders]}, targets: {t1: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}}}
bridges:
  b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}
"""

CASES = [
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                "core: {type: express, brokers: {type: express.r7g.large, count: 3}}",
            )
        ],
        [
            "bp.yaml:5:52: $.kafka.clusters.core.brokers.type: express clusters use express.m7g.* broker types (e.g. express.m7g.large), found express.r7g.large"
        ],
        id="express_r7g",
    ),
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                'core: {brokers: {type: kafka.m7g.large, count: 3}, certificate_authorities: ["arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x"]}',
            )
        ],
        [
            "bp.yaml:5:90: $.kafka.clusters.core.certificate_authorities: certificate_authorities apply to mtls auth, which this cluster does not enable (iam)"
        ],
        id="cas_without_mtls",
    ),
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                'core: {brokers: {type: kafka.m7g.large, count: 3}, auth: mtls, certificate_authorities: ["arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/x"]}',
            )
        ],
        [
            "bp.yaml:12:7: $.bridges.b1.via: cluster 'core' allows only mtls: a Lambda event source mapping needs a client certificate secret edastack does not manage; enable iam (or scram) on the cluster"
        ],
        id="mtls_only_cluster_with_a_lambda_bridge",
    ),
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                'core: {brokers: {type: kafka.m7g.large, count: 3}, configuration: {min.insync.replicas: x}, acknowledge: {low-replication: "testing a bad value"}}',
            )
        ],
        [
            "bp.yaml:5:80: $.kafka.clusters.core.configuration: min.insync.replicas must be a whole number, got 'x'"
        ],
        id="configuration_not_a_number",
    ),
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                'core: {type: external, bootstrap_servers: ["k:9098"], auth: iam, arn: "arn:aws:kafka:eu-west-1:111111111111:cluster/x/abc-1", secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf"}',
            )
        ],
        [
            "bp.yaml:5:148: $.kafka.clusters.core.secret: iam auth uses no secret; secret applies to scram and mtls"
        ],
        id="external_iam_with_a_secret",
    ),
    pytest.param(
        [
            (
                "core: {brokers: {type: kafka.m7g.large, count: 3}}",
                'core: {type: external, bootstrap_servers: ["k:9098"], auth: [iam, scram], arn: "arn:aws:kafka:eu-west-1:111111111111:cluster/x/abc-1", secret: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s-AbCdEf"}',
            )
        ],
        [
            "bp.yaml:5:74: $.kafka.clusters.core.auth: an external cluster is reached with one auth mode; name the one its clients use, found iam, scram"
        ],
        id="external_with_two_auth_modes",
    ),
    pytest.param(
        [("{cluster: core}", "{cluster: core, max_message_size: 0B}")],
        [
            "bp.yaml:6:54: $.kafka.topics.orders.max_message_size: max_message_size must be at least 1 byte, found 0"
        ],
        id="max_message_size_zero",
    ),
    pytest.param(
        [("bridges:", "queues: {q: {retention: 30d}}\nbridges:")],
        ["bp.yaml:11:25: $.queues.q.retention: SQS keeps messages 60s to 14d, found 30d"],
        id="queue_retention_above_14d",
    ),
    pytest.param(
        [("bridges:", "queues: {q: {visibility_timeout: 13h}}\nbridges:")],
        [
            "bp.yaml:11:34: $.queues.q.visibility_timeout: SQS visibility timeouts are at most 12h, found 13h"
        ],
        id="visibility_timeout_above_12h",
    ),
    pytest.param(
        [
            (
                't1: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}',
                "t1: {sqs: q, message_group: g}",
            ),
            ("bridges:", "queues: {q: {}}\nbridges:"),
        ],
        [
            "bp.yaml:10:81: $.eventbridge.rules.r1.targets.t1.message_group: queue 'q' is a standard queue: message_group applies to FIFO queues"
        ],
        id="message_group_on_a_standard_queue",
    ),
    pytest.param(
        [
            (
                't1: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}',
                't1: {sqs: "arn:aws:sqs:eu-west-1:111111111111:q.fifo"}',
            )
        ],
        [
            "bp.yaml:10:57: $.eventbridge.rules.r1.targets.t1: queue 'arn:aws:sqs:eu-west-1:111111111111:q.fifo' is FIFO: the target needs message_group"
        ],
        id="fifo_queue_arn_without_message_group",
    ),
    pytest.param(
        [
            (
                "source: [app.orders]}, targets",
                "source: [app.orders], n: [{numeric: ['>', .nan]}]}, targets",
            )
        ],
        [
            'bp.yaml:10:56: $.eventbridge.rules.r1.pattern.n[0].numeric: numeric takes [op, number] or [>/>=, number, </<=, number] with op one of <, <=, =, >, >=, found list [">", NaN]'
        ],
        id="nan_in_a_numeric_pattern",
    ),
    pytest.param(
        [
            (
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}",
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}, lambda: {batch_window: 10m}}",
            )
        ],
        [
            "bp.yaml:12:111: $.bridges.b1.lambda.batch_window: batch_window is at most 300s, found 600s"
        ],
        id="lambda_batch_window_above_300s",
    ),
    pytest.param(
        [
            (
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}",
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}, lambda: {consumer_group: team/orders}}",
            )
        ],
        [
            "bp.yaml:12:96: $.bridges.b1.lambda: consumer_group must be 1 to 200 letters, digits or ':_+=.@-', got 'team/orders'"
        ],
        id="consumer_group_with_a_slash",
    ),
    pytest.param(
        [("source: app.orders}}", "source: aws.orders}}")],
        [
            "bp.yaml:12:35: $.bridges.b1.to: source must not start with 'aws.' (reserved for AWS), got 'aws.orders'"
        ],
        id="source_in_the_aws_namespace",
    ),
    pytest.param(
        [
            (
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}",
                'b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: kafka-connect.fz}, via: connector, connector: {plugin: "s3://bucket-abc/p.zip", workers: 3, autoscale: {max_workers: 3}}}',
            )
        ],
        [
            "bp.yaml:12:192: $.bridges.b1.connector.autoscale.max_workers: max_workers (3) must be above workers (3)"
        ],
        id="connector_max_workers_not_above_workers",
    ),
    pytest.param(
        [
            (
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}",
                'b1: {from: {topic: orders}, to: {bus: main, detail_type: "Order:Created", source: kafka-connect.fz}, via: connector, connector: {plugin: "s3://bucket-abc/p.zip"}}',
            )
        ],
        [
            "bp.yaml:12:60: $.bridges.b1.to.detail_type: the connector lists topics as topic:detail-type,...; a detail_type cannot contain ',' or ':', found 'Order:Created'"
        ],
        id="connector_detail_type_with_a_colon",
    ),
    pytest.param(
        [
            (
                "b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: app.orders}}",
                'b1: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: kafka-connect.fz}, via: connector, connector: {plugin: "s3://bucket-abc/p.zip"}}',
            ),
            (
                "topics: {orders: {cluster: core}}",
                "topics: {orders: {cluster: core}, orders-dlq: {cluster: core, name: orders.dlq}}",
            ),
        ],
        [
            "bp.yaml:12:121: $.bridges.b1.connector: the connector creates dead-letter topic 'orders.dlq', which topic 'orders-dlq' already names; set connector.dlq_topic"
        ],
        id="connector_dlq_topic_already_declared",
    ),
    pytest.param(
        [
            (
                "network: {vpc: {create: {azs: 3}}, endpoints: [events, lambda, sts, sqs]}",
                "network: {vpc: {import: {vpc_id: vpc-0abc12345, private_subnet_ids: [subnet-0aaa11111, subnet-0bbb22222, subnet-0ccc33333], availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c]}}, endpoints: [lambda, sts, sqs]}",
            )
        ],
        [
            "bp.yaml:3:196: $.network.endpoints: interface endpoints in an imported VPC need its cidr (network.vpc.import.cidr): their security group admits HTTPS from it"
        ],
        id="imported_vpc_with_endpoints_and_no_cidr",
    ),
    pytest.param(
        [
            (
                "network: {vpc: {create: {azs: 3}}, endpoints: [events, lambda, sts, sqs]}",
                "network: {vpc: {import: {vpc_id: vpc-0abc12345, private_subnet_ids: [subnet-0aaa11111, subnet-0bbb22222], availability_zones: [eu-west-1a, eu-west-1b, eu-west-1c], cidr: 10.0.0.0/16}}, endpoints: [lambda, sts, sqs]}",
            )
        ],
        [
            "bp.yaml:3:25: $.network.vpc.import: give one availability zone per private subnet, in the same order: 2 subnets, 3 zones"
        ],
        id="imported_vpc_with_fewer_subnets_than_zones",
    ),
    pytest.param(
        [("{create: {azs: 3}}", "{create: {azs: 3, cidr: 8.8.0.0/16}}")],
        [
            "bp.yaml:3:40: $.network.vpc.create.cidr: 8.8.0.0/16 is not a private network; use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16"
        ],
        id="public_cidr",
    ),
    pytest.param(
        [("{create: {azs: 3}}", "{create: {azs: 3, cidr: 10.0.0.1/16}}")],
        [
            "bp.yaml:3:40: $.network.vpc.create.cidr: 10.0.0.1/16 is not a network address (host bits set, or not IPv4); e.g. 10.0.0.0/16"
        ],
        id="cidr_with_host_bits",
    ),
]


def errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    Path("bp.yaml").write_text(text, encoding="utf-8")
    return [f.format() for f in validate_file("bp.yaml").errors]


def test_the_base_blueprint_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert errors(tmp_path, monkeypatch, BASE) == []


@pytest.mark.parametrize(("changes", "expected"), CASES)
def test_fails_at_validate_not_at_synth(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    changes: list[tuple[str, str]],
    expected: list[str],
) -> None:
    text = BASE
    for old, new in changes:
        assert old in text
        text = text.replace(old, new, 1)
    assert errors(tmp_path, monkeypatch, text) == expected
