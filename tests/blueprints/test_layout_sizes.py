"""The stack sizes ``validate`` counts from the model are the sizes synthesis produces.

Each blueprint, the examples and a seeded set of generated ones covering every option of
clusters, topics, the network, buses, rules, queues, bridges and contracts, is synthesized
in-process with the project's ``cdk.json`` context; for every stack the resources, outputs and
parameters of the template must equal ``layout_sizes.stack_sizes`` of the model.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App

from edastack.blueprints.layout_sizes import stack_sizes
from edastack.stacks.app import add_blueprint, blueprints_for, project_context

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = ("commerce", "partner-ingress", "serverless-kafka", "ledger-v2")
SEEDS = range(48)
ACCOUNT = "111111111111"
REGION = "eu-west-1"
# What every bridge kind may need from a created VPC without internet access.
_BRIDGE_ENDPOINTS = ["events", "lambda", "secretsmanager", "sqs", "sts"]

Sizes = dict[str, tuple[int, int, int]]


def _synthesized(path: Path) -> tuple[Sizes, Sizes]:
    """(what the model says, what the templates hold) for every stack of every environment."""
    # Bundling the functions' code changes no count; skipping it keeps the test fast.
    app = App(context={**project_context(REPO), "aws:cdk:bundling-stacks": []})
    expected: Sizes = {}
    for blueprint in blueprints_for(path, None):
        add_blueprint(app, blueprint)
        for size in stack_sizes(blueprint):
            expected[size.name] = (size.resources, size.outputs, size.parameters)
    actual: Sizes = {}
    for stack in app.synth().stacks:
        template = stack.template
        actual[stack.stack_name] = tuple(  # type: ignore[assignment]
            len(template.get(section, {})) for section in ("Resources", "Outputs", "Parameters")
        )
    return expected, actual


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_stack_sizes_are_counted_exactly(name: str) -> None:
    expected, actual = _synthesized(REPO / "blueprints" / "examples" / f"{name}.yaml")
    assert expected == actual


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: f"generated-{seed:02d}")
def test_generated_stack_sizes_are_counted_exactly(seed: int, tmp_path: Path) -> None:
    path = tmp_path / f"gen{seed}.yaml"
    path.write_text(json.dumps(generate(seed), indent=1), encoding="utf-8")
    expected, actual = _synthesized(path)
    assert expected == actual


def test_generated_blueprints_pin_topics_to_topics_stacks() -> None:
    """The generated set covers topics stacks: of several clusters, with bridges on them."""
    pinned = [
        t
        for seed in SEEDS
        for t in generate(seed).get("kafka", {}).get("topics", {}).values()
        if "stack" in t
    ]
    assert len(pinned) >= 10


# --- a seeded generator of valid blueprints --------------------------------------------------


def _arn(service: str, resource: str, region: str = REGION) -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{resource}"


class _Generator:
    """One blueprint: each section draws its options from the seeded ``rng``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.agnostic = seed % 7 == 3  # a few environment-agnostic blueprints
        self.azs = 3
        self.clusters: dict[str, dict[str, Any]] = {}
        self.topics: dict[str, dict[str, Any]] = {}
        self.buses: dict[str, dict[str, Any]] = {}
        self.queues: dict[str, dict[str, Any]] = {}

    def chance(self, p: float = 0.5) -> bool:
        return self.rng.random() < p

    def blueprint(self) -> dict[str, Any]:
        bp: dict[str, Any] = {"blueprint": f"gen{self.seed}", "owner": "team"}
        if not self.agnostic:
            bp["environments"] = {"dev": {"account": ACCOUNT, "region": REGION}}
        bp["alarms"] = self.alarms()
        if self.seed % 5 != 4:
            bp["network"] = self.network()
            bp["kafka"] = {"clusters": self.cluster_section(), "topics": self.topics}
        bp["queues"] = self.queue_section()
        bp["eventbridge"] = {"buses": self.bus_section(), "rules": self.rules()}
        bp["bridges"] = self.bridges()
        bp["contracts"] = self.contracts()
        return {k: v for k, v in bp.items() if v or k == "blueprint"}

    def alarms(self) -> dict[str, Any]:
        pick = self.rng.choice(["one", "two", "sns", "none"])
        if pick == "none":
            return {}
        if pick == "sns":
            return {"notify": {"sns": _arn("sns", "ops")}}
        emails = ["a@example.com", "b@example.com"][: 1 if pick == "one" else 2]
        return {"notify": {"email": emails if len(emails) > 1 or self.chance() else emails[0]}}

    def network(self) -> dict[str, Any]:
        if self.chance(0.3):
            return {}  # the default network: 3 zones and the endpoints the bridges need
        self.azs = self.rng.choice([2, 3, 3])
        endpoints = self.rng.sample(["logs", "kafka", "s3", "pipes-data"], 2)
        if self.chance(0.25):
            ids = [f"subnet-0000000{i}" for i in range(self.azs)]
            zones = [f"{REGION}{z}" for z in "abc"[: self.azs]]
            imported = {"vpc_id": "vpc-01234567", "private_subnet_ids": ids, "cidr": "10.1.0.0/16"}
            return {
                "vpc": {"import": {**imported, "availability_zones": zones}},
                "endpoints": endpoints,
            }
        create: dict[str, Any] = {"azs": self.azs}
        if self.chance():
            create["flow_logs"] = self.rng.choice(["forever", "30d", "365d"])
        if self.chance(0.3):
            create["cidr"] = "10.20.0.0/20"
        return {"vpc": {"create": create}, "endpoints": [*_BRIDGE_ENDPOINTS, *endpoints]}

    def cluster_section(self) -> dict[str, Any]:
        # Standard clusters have the most options: drawn three times as often.
        kinds = ["standard"] * 3 + ["express", "serverless", "external"]
        for index in range(self.rng.randint(1, 3)):
            kind = self.rng.choice([k for k in kinds if self.azs == 3 or k != "express"])
            name = f"{kind[:3]}{index}"
            self.clusters[name] = getattr(self, f"_{kind}")()
            for t in range(self.rng.randint(1, 3)):
                self.topics[f"{name}-t{t}"] = self.topic(name, kind)
                # pinned to a topics stack without a draw, so the other options stay as they were
                if kind in ("standard", "express") and (self.seed + t) % 3 == 0:
                    self.topics[f"{name}-t{t}"]["stack"] = f"s{(self.seed + index) % 2}"
        return self.clusters

    def _standard(self) -> dict[str, Any]:
        brokers: dict[str, Any] = {
            "type": "kafka.m7g.large",
            "count": self.azs * 2,
            "storage": "100GiB",
        }
        if self.chance():
            brokers["autoscale"] = self.rng.choice(["500GiB", {"max": "1000GiB", "target": 70}])
        modes = self.rng.choice(
            [["iam"], ["scram"], ["iam", "scram"], ["iam", "mtls"], ["scram", "mtls"]]
        )
        cluster: dict[str, Any] = {"type": "standard", "brokers": brokers, "auth": modes}
        if "mtls" in modes:
            cluster["certificate_authorities"] = [_arn("acm-pca", "certificate-authority/ca-1")]
        if self.chance(0.3):
            cluster["encryption"] = {"key": _arn("kms", "key/0000")}
        if self.chance(0.3):
            cluster["logging"] = {"retention": self.rng.choice(["7d", "forever"])}
            cluster["monitoring"] = self.rng.choice(["default", "per-topic-per-broker"])
        if self.chance(0.3):
            cluster["configuration"] = {"auto.create.topics.enable": False, "num.io.threads": 8}
        return cluster

    def _express(self) -> dict[str, Any]:
        return {
            "type": "express",
            "brokers": {"type": "express.m7g.large", "count": 3},
            "auth": "iam",
        }

    def _serverless(self) -> dict[str, Any]:
        return {"type": "serverless", "auth": "iam"}

    def _external(self) -> dict[str, Any]:
        if self.chance():
            return {
                "type": "external",
                "bootstrap_servers": ["b-1.example.com:9098"],
                "auth": "iam",
                "arn": _arn("kafka", "cluster/ext/0123abcd-0123-4567-89ab-0123456789ab-1"),
            }
        return {
            "type": "external",
            "bootstrap_servers": ["b-1.example.com:9096", "b-2.example.com:9096"],
            "auth": "scram",
            "secret": _arn("secretsmanager", "secret:AmazonMSK_ext-AbCdEf"),
            "principal": "User:edastack",
        }

    def topic(self, cluster: str, kind: str) -> dict[str, Any]:
        topic: dict[str, Any] = {"cluster": cluster, "partitions": self.rng.choice([1, 6, 12])}
        if self.chance():
            topic["retention"] = self.rng.choice(["1d", "forever", "30d"])
        if self.chance(0.3):
            topic["cleanup"] = self.rng.choice(["compact", ["compact", "delete"]])
        if self.chance(0.3):
            topic["max_message_size"] = "1MB"
        if self.chance(0.2):
            topic["configs"] = {"segment.ms": "3600000"}
        if self.chance(0.2):
            topic["name"] = f"custom.{cluster}.{self.rng.randint(0, 99)}"
        if kind in ("standard", "express") and self.chance(0.3):
            topic.update(replication=3, min_insync=2)
        return topic

    def queue_section(self) -> dict[str, Any]:
        for index in range(self.rng.randint(0, 3)):
            queue: dict[str, Any] = {}
            if self.chance(0.3):
                queue["fifo"] = True
            if self.chance():
                queue.update(retention="2d", visibility_timeout="2m", max_receives=10)
            self.queues[f"q{index}"] = queue
        return self.queues

    def bus_section(self) -> dict[str, Any]:
        for index in range(self.rng.randint(1, 3)):
            bus: dict[str, Any] = {}
            pick = self.rng.random()
            if pick < 0.15 and index:
                bus["import"] = _arn("events", f"event-bus/shared{index}")
            else:
                if self.chance(0.3):
                    bus["encryption"] = {"key": "create" if self.chance() else _arn("kms", "key/1")}
                elif self.chance(0.3):
                    bus["schema_discovery"] = True
                if self.chance(0.3):
                    bus["policy"] = {"accounts": ["222222222222"]}
                if self.chance(0.3):
                    bus.setdefault("policy", {})["organizations"] = ["o-a1b2c3d4e5"]
                if self.chance():
                    bus["archive"] = self.rng.choice(
                        ["30d", {"retention": "forever", "pattern": {"source": ["x"]}}]
                    )
            self.buses[f"bus{index}"] = bus
        return self.buses

    def _own_buses(self) -> list[str]:
        return [name for name, bus in self.buses.items() if "import" not in bus]

    def _standard_queues(self) -> list[str]:
        return [name for name, q in self.queues.items() if not q.get("fifo")]

    def rules(self) -> dict[str, Any]:
        rules: dict[str, Any] = {}
        for index in range(self.rng.randint(0, 6)):
            bus = self.rng.choice(list(self.buses))
            rule: dict[str, Any] = {"bus": bus, "pattern": {"source": [f"s{index}"]}}
            rule["targets"] = {f"t{i}": self.target(i) for i in range(self.rng.randint(1, 4))}
            dlqs: list[Any] = ["stack", "rule", *([{"queue": q} for q in self._standard_queues()])]
            if bus in self._own_buses():
                dlqs.append("bus")
            if self.chance(0.6):
                rule["dlq"] = self.rng.choice(dlqs)
            if self.chance(0.3):
                rule["stack"] = self.rng.choice(["pinned", "other"])
            if self.chance(0.3):
                rule["retry"] = {"attempts": 10, "max_age": "1h"}
            rules[f"r{index}"] = rule
        return rules

    def target(self, index: int) -> dict[str, Any]:
        kinds = ["lambda", "lambda", "sns", "stepfunctions", "kinesis", "api", "bus", "sqs"]
        kind = self.rng.choice(kinds)
        fn = self.rng.choice(["f1", "f2"])
        target: dict[str, Any]
        if kind == "lambda":
            account = self.rng.choice([ACCOUNT, ACCOUNT, "333333333333"])
            target = {"lambda": f"arn:aws:lambda:{REGION}:{account}:function:{fn}"}
        elif kind == "api":
            secret = _arn("secretsmanager", "secret:api-AbCdEf")
            auth = self.rng.choice(
                [
                    {"api_key": {"header": "X-Key", "secret": secret}},
                    {"basic": {"username": "u", "secret": secret}},
                ]
            )
            target = {"api": {"url": f"https://example.com/{index}", "auth": auth, "rate_limit": 5}}
        elif kind == "bus":
            target = {"bus": self.rng.choice([*self.buses, _arn("events", "event-bus/far")])}
        elif kind == "sqs":
            name = self.rng.choice([*self.queues, _arn("sqs", "far")])
            target = {"sqs": name}
            if name in self.queues and self.queues[name].get("fifo"):
                target["message_group"] = "g"
        elif kind == "kinesis":
            target = {"kinesis": _arn("kinesis", f"stream/{fn}"), "partition_key": "$.id"}
        else:
            service = {"sns": "sns", "stepfunctions": "states"}[kind]
            target = {kind: _arn(service, fn if kind == "sns" else f"stateMachine:{fn}")}
        if self.chance(0.2):
            target["input"] = {"paths": {"id": "$.id"}, "template": '{"id": <id>}'}
        if self.chance(0.2):
            target["retry"] = {"attempts": 3}
        return target

    def bridges(self) -> dict[str, Any]:
        bridges: dict[str, Any] = {}
        own = self._own_buses()
        for index, (name, topic) in enumerate(self.topics.items()):
            if not own or self.chance(0.3):
                continue
            bridge = self.bridge(name, topic, self.rng.choice(own), index)
            if bridge is not None:
                bridges[f"b{index}"] = bridge
        return bridges

    def bridge(
        self, name: str, topic: dict[str, Any], bus: str, index: int
    ) -> dict[str, Any] | None:
        cluster = self.clusters[topic["cluster"]]
        modes = cluster["auth"] if isinstance(cluster["auth"], list) else [cluster["auth"]]
        options = ["lambda"] if modes[0] != "mtls" else []
        if "iam" in modes:
            options.append("to-topic")  # an external cluster with an ARN included
            if cluster["type"] != "external":
                options.append("pipe")
            if cluster["type"] in ("standard", "express"):
                options.append("connector")
        if not options:
            return None
        via = self.rng.choice(options)
        if via == "to-topic":
            bridge: dict[str, Any] = {
                "from": {"bus": bus, "pattern": {"source": [f"p{index}"]}},
                "to": {"topic": name},
            }
            if self.chance():
                bridge["to"]["key"] = "$.detail.id"
            dlqs: list[Any] = ["rule", "bus", *({"queue": q} for q in self._standard_queues())]
            if self.chance(0.7):
                bridge["dlq"] = self.rng.choice(dlqs)
            return bridge
        bridge = {
            "from": {"topic": name},
            "to": {"bus": bus, "detail_type": f"D{index}", "source": f"src.{index}"},
            "via": via,
        }
        if via == "lambda":
            bridge["lambda"] = self._lambda_options(name, topic["cluster"])
        elif via == "pipe":
            bridge["pipe"] = self._pipe_options()
            if self.chance():
                bridge["acknowledge"] = {"pipe-no-dlq": "replayable from the source system"}
        else:
            bridge["connector"] = self._connector_options(index)
            bridge["to"]["source"] = f"kafka-connect.b{index}"
        return bridge

    def _lambda_options(self, topic: str, cluster: str) -> dict[str, Any]:
        options: dict[str, Any] = {"batch_size": self.rng.choice([10, 100, 500]), "retries": 2}
        others = [t for t, spec in self.topics.items() if spec["cluster"] == cluster and t != topic]
        if others and self.chance():
            options["on_failure"] = {"topic": self.rng.choice(others)}
        if self.chance(0.3):
            options.update(batch_window="5s", starting_position="trim_horizon", consumer_group="cg")
        return options

    def _pipe_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"batch_size": 10}
        if self.chance():
            options["filter"] = {"value": {"kind": ["a"]}}
        if self.chance():
            options["enrichment"] = _arn("lambda", "function:enrich")
        if self.chance(0.3):
            options.update(
                batch_window="10s", starting_position="trim_horizon", consumer_group="pg"
            )
        return options

    def _connector_options(self, index: int) -> dict[str, Any]:
        options: dict[str, Any] = {"plugin": "s3://plugins/eventbridge-sink.zip", "workers": 2}
        if self.chance():
            options["autoscale"] = {"max_workers": 4}
        if self.chance():
            options["offload_bucket"] = "offload-bucket"
        if self.chance():
            options["dlq_topic"] = f"connector-{index}.dlq"
        return options

    def contracts(self) -> dict[str, Any]:
        return {
            f"C{index}": {
                "source": f"c.{index}",
                "detail_type": f"Contract{index}",
                "version": index + 1,
                "schema": {"type": "object", "properties": {"id": {"type": "string"}}},
            }
            for index in range(self.rng.randint(0, 2))
        }


def generate(seed: int) -> dict[str, Any]:
    """A valid blueprint drawn from ``seed``."""
    return _Generator(seed).blueprint()
