"""``layout.named_queues`` (what validate checks for collisions) lists exactly the SQS queues
with a physical name in the synthesized templates: read from the examples' snapshots."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template

from edastack.blueprints import layout
from edastack.blueprints.validate import load_blueprint
from tests.stacks.conftest import Build

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = sorted(
    (Path(__file__).parent / "__snapshots__" / "test_examples_snapshot").glob("*.json")
)


def _queue_names(templates: Mapping[str, Mapping[str, Any]]) -> list[str]:
    return sorted(
        str(resource["Properties"]["QueueName"])
        for template in templates.values()
        for resource in template.get("Resources", {}).values()
        if resource["Type"] == "AWS::SQS::Queue" and "QueueName" in resource["Properties"]
    )


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem.split("[")[1].rstrip("]"))
def test_named_queues_are_the_queues_synthesis_names(snapshot: Path) -> None:
    example, env = snapshot.stem.split("[")[1].rstrip("]").rsplit("-", 1)
    blueprint = load_blueprint(ROOT / "blueprints" / "examples" / f"{example}.yaml", env)
    templates = json.loads(snapshot.read_text(encoding="utf-8"))
    assert sorted(q.name for q in layout.named_queues(blueprint)) == _queue_names(templates)


# Every kind of queue and dead-letter queue the examples lack: an imported bus, a v2 bus, a
# rule with its own DLQ, a bus -> topic bridge with a declared DLQ, a FIFO queue.
EVERY_QUEUE = """\
blueprint: nq
environments:
  dev: {account: "111111111111", region: eu-west-1}
kafka:
  clusters:
    core: {type: serverless}
  topics:
    out: {cluster: core}
eventbridge:
  buses:
    main: {}
    fresh: {type: v2}
    shared: {import: "arn:aws:events:eu-west-1:111111111111:event-bus/shared"}
  rules:
    own: {bus: main, pattern: {source: [a]}, dlq: rule, targets: {q: {sqs: inbox}}}
    on-shared: {bus: shared, dlq: rule, pattern: {source: [b]}, targets: {q: {sqs: inbox}}}
    ordered:
      bus: fresh
      ordered: true
      pattern: {source: [c]}
      targets: {q: {sqs: journal, message_group: g}}
queues:
  inbox: {}
  journal: {fifo: true}
  dead: {}
bridges:
  to-kafka:
    from: {bus: main, pattern: {source: [d]}}
    to: {topic: out}
    dlq: {queue: dead}
"""


def test_named_queues_cover_every_kind_of_queue(tmp_path: Path, synth: Build) -> None:
    stacks = synth(EVERY_QUEUE)
    templates = {name: Template.from_stack(s).to_json() for name, s in stacks.items()}
    blueprint = load_blueprint(tmp_path / "bp.yaml", "dev")
    names = sorted(q.name for q in layout.named_queues(blueprint))
    assert names == _queue_names(templates)
    assert names == ["nq-dev-dead", "nq-dev-inbox", "nq-dev-journal.fifo", "nq-dev-main-dlq"]
