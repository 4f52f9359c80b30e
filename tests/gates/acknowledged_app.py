"""``acknowledged.yaml`` with its queue weakened as the blueprint's acknowledgements accept.

Run as ``python acknowledged_app.py OUTDIR [BLUEPRINT]`` (a fresh process, as
``weakened_app.py``; the blueprint defaults to ``acknowledged.yaml``). The
weakenings are escape hatches on the queue the blueprint builds, so the acknowledgements
``acknowledge`` put on its constructs are what must silence each gate.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aws_cdk import CfnResource

from edastack.constructs.target_queue import TargetQueue
from edastack.stacks.app import build_app
from edastack.testing.gates import gated_app

BLUEPRINT = Path(__file__).with_name("acknowledged.yaml")
EVENTS_STACK = "acknowledged-dev-events"


def main(outdir: str, blueprint: str = str(BLUEPRINT)) -> None:
    app = gated_app(outdir=outdir)
    build_app(blueprint, app=app)
    target = app.node.find_child(EVENTS_STACK).node.find_child("Queue-audit")
    assert isinstance(target, TargetQueue)
    queue = target.queue.node.default_child
    dead_letters = target.dead_letter_queue.queue.node.default_child
    assert isinstance(queue, CfnResource) and isinstance(dead_letters, CfnResource)
    queue.add_property_deletion_override("KmsMasterKeyId")
    queue.add_property_override("SqsManagedSseEnabled", False)
    # A DependsOn the redrive policy's GetAtt already implies: cfn-lint W3005.
    queue.add_resource_dependency(dead_letters)
    app.synth()


if __name__ == "__main__":
    main(*sys.argv[1:3])
