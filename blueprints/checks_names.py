"""Names that only synthesis would show colliding: the physical names of SQS queues."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.blueprints import layout
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, error


def queues(ctx: Checks) -> Iterator[Finding]:
    """Two queues with one physical name: CloudFormation creates the first and fails on the
    second (a declared ``orders-dlq`` and bus ``orders``'s dead-letter queue)."""
    seen: dict[str, layout.NamedQueue] = {}
    for queue in layout.named_queues(ctx.bp):
        first = seen.setdefault(queue.name, queue)
        # two names of one section differ only in case or separators: names() says so
        if first is queue or first.path[:-1] == queue.path[:-1]:
            continue
        yield error(
            "duplicate-name",
            queue.path,
            f"{queue.owner} and {first.owner} would both be the SQS queue '{queue.name}': "
            f"CloudFormation cannot create two queues of one name; rename {queue.owner}",
        )
