"""``validate --report dlq`` and the templates agree: every failure destination the report names
exists in the synthesized templates with the retention, alarm and redrive the report claims.

Run on every example and test blueprint (tests/blueprints/corpus.py), in every environment.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.delivery import DeliveryPath, delivery_paths
from edastack.blueprints.validate import validate_file
from edastack.stacks.app import build_app, project_context
from tests.blueprints.corpus import REPO, blueprint_files

DAY = 86_400
SQS_DEFAULT_RETENTION = 4 * DAY  # what a queue without MessageRetentionPeriod keeps


@dataclass(frozen=True)
class Resource:
    stack: str
    logical_id: str
    type: str
    path: str
    properties: dict[str, Any]


class Templates:
    """Every resource of a blueprint's stacks, found by physical name or construct path."""

    def __init__(self, templates: dict[str, dict[str, Any]]) -> None:
        self.resources = [
            Resource(
                stack,
                logical_id,
                r["Type"],
                r.get("Metadata", {}).get("aws:cdk:path", ""),
                r.get("Properties", {}),
            )
            for stack, template in templates.items()
            for logical_id, r in template.get("Resources", {}).items()
        ]
        self.alarmed = {
            (r.stack, _get_att(d["Value"]))
            for r in self.resources
            if r.type == "AWS::CloudWatch::Alarm" and r.properties.get("Namespace") == "AWS/SQS"
            for d in r.properties.get("Dimensions", [])
            if d.get("Name") == "QueueName"
        }

    def find(self, kind: str, where: str) -> Resource:
        """The one resource of ``kind`` named ``where``: its physical name (QueueName,
        TopicName) or the construct path it is under."""
        name_key = {"AWS::SQS::Queue": "QueueName", "AWS::MSK::Topic": "TopicName"}.get(kind)
        found = [
            r
            for r in self.resources
            if r.type == kind
            and (
                (name_key and r.properties.get(name_key) == where) or r.path.startswith(where + "/")
            )
        ]
        assert len(found) == 1, f"{kind} {where}: {[r.path for r in found]}"
        return found[0]


def _get_att(value: Any) -> str | None:
    return value["Fn::GetAtt"][0] if isinstance(value, dict) and "Fn::GetAtt" in value else None


def _templates(path: Path, environment: str) -> Templates:
    app = App(context=project_context(REPO))
    build_app(path, [environment], app=app)
    stacks = [c for c in app.node.children if isinstance(c, Stack)]
    return Templates({s.stack_name: Template.from_stack(s).to_json() for s in stacks})


def _seconds(kept: str | None) -> int | None:
    """``14d`` → seconds; ``None`` (forever) stays ``None``."""
    return None if kept is None else int(kept.removesuffix("d")) * DAY


def _destination(path: DeliveryPath) -> tuple[str, str]:
    kind, _, where = path.failures.split(" (", 1)[0].split(";", 1)[0].partition(":")
    return kind, where


def _cases() -> Iterator[Any]:
    for file in blueprint_files():
        report = validate_file(file)  # a test blueprint with errors has no template to check
        for environment in report.blueprints:
            yield pytest.param(file, environment, id=f"{file.relative_to(REPO)}[{environment}]")


def _check_queue(t: Templates, queue: Resource, p: DeliveryPath) -> None:
    retention = queue.properties.get("MessageRetentionPeriod", SQS_DEFAULT_RETENTION)
    assert retention == _seconds(p.kept), (p, retention)
    assert ((queue.stack, queue.logical_id) in t.alarmed) == p.alarmed, p
    assert "RedrivePolicy" not in queue.properties, f"a dead-letter queue with a redrive: {p}"


def _check_topic(bp: m.Blueprint, t: Templates, name: str, p: DeliveryPath) -> None:
    topic = next((x for x in bp.topics.values() if x.topic_name == name), None)
    cluster = bp.clusters.get(topic.cluster) if topic is not None else None
    if cluster is not None and cluster.type not in layout.PROVISIONED:
        return  # Terraform's (external) or the topic function's (serverless): no MSK::Topic
    configs = t.find("AWS::MSK::Topic", name).properties.get("Configs", "")
    lines = base64.b64decode(configs).decode() if isinstance(configs, str) else json.dumps(configs)
    kept = _seconds(p.kept)
    assert f"retention.ms={-1 if kept is None else kept * 1000}" in lines, (p, lines)


@pytest.mark.parametrize(("file", "environment"), list(_cases()))
def test_every_reported_failure_destination_is_in_the_template_as_claimed(
    file: Path, environment: str
) -> None:
    bp = validate_file(file, [environment]).blueprints[environment]
    t = _templates(file, environment)
    named: set[tuple[str, str]] = set()
    for p in delivery_paths(bp):
        for kind, where in (_destination(p), p.source.partition(":")[::2]):
            if kind == "sqs" and where in bp.queues:
                where = layout.queue_name(bp, bp.queues[where])
            if kind == "sqs":
                found = [r for r in t.resources if r.type == "AWS::SQS::Queue" and _named(r, where)]
                named |= {(r.stack, r.logical_id) for r in found}
        if p.source.startswith("sqs:"):  # a declared queue: its own redrive, or none
            queue = t.find("AWS::SQS::Queue", layout.queue_name(bp, bp.queues[p.source[4:]]))
            if p.failures.startswith("none"):
                _check_queue(t, queue, p)
                continue
            dlq = t.find("AWS::SQS::Queue", _destination(p)[1])
            _check_queue(t, dlq, p)
            redrive = queue.properties["RedrivePolicy"]
            assert _get_att(redrive["deadLetterTargetArn"]) == dlq.logical_id, p
            assert redrive["maxReceiveCount"] == bp.queues[p.source[4:]].max_receives, p
            continue
        if p.drops:
            continue
        kind, where = _destination(p)
        if kind == "sqs":
            _check_queue(t, t.find("AWS::SQS::Queue", where), p)
        elif kind == "s3":
            (rule,) = t.find("AWS::S3::Bucket", where).properties["LifecycleConfiguration"]["Rules"]
            assert rule["ExpirationInDays"] * DAY == _seconds(p.kept), p
        else:
            assert kind == "kafka", p
            _check_topic(bp, t, where, p)
    # and every alarmed queue (every dead-letter queue) is a destination the report names, but
    # the bus-level queue of a bus with an AWS-owned key, which only a rule's dlq: bus uses
    quiet = {
        layout.bus_dead_letter_name(bp, b.name)
        for b in bp.buses.values()
        if b.kms_key is None and b.import_arn is None
    }
    unreported = [
        r.path
        for r in t.resources
        if (r.stack, r.logical_id) in t.alarmed
        and (r.stack, r.logical_id) not in named
        and r.properties.get("QueueName") not in quiet
    ]
    assert unreported == []


def _named(resource: Resource, where: str) -> bool:
    return resource.properties.get("QueueName") == where or resource.path.startswith(where + "/")
