"""What the semantic checks of every section share: the blueprint, and checks of values that
several sections hold (references, retry policies, dead letters, log retention, foreign buses).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from edastack.aws import limits
from edastack.aws import retry as aws_retry
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding, Path, did_you_mean, error, one_of
from edastack.blueprints.units import human_seconds


class Checks:
    """The blueprint of one environment under check, and the checks its sections share."""

    def __init__(self, bp: m.Blueprint, broken: set[tuple[str, str]]) -> None:
        self.bp = bp
        self.broken = broken

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

    def azs(self) -> int:
        vpc = self.bp.network.vpc
        return len(vpc.availability_zones) if isinstance(vpc, m.ImportVpc) else vpc.azs

    def source_cluster(self, topic: str) -> m.KafkaCluster | None:
        t = self.bp.topics.get(topic)
        return self.bp.clusters.get(t.cluster) if t is not None else None

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

    def bus_region(self, bus: m.EventBus | None, path: Path, what: str) -> Iterator[Finding]:
        """Rules and subscribers live in their bus's Region: one on an imported bus of another
        Region would be created in this one, on no bus or on another bus of the same name."""
        region = self.bp.environment.region
        if bus is None or bus.import_arn is None or region is None:
            return
        home = bus.import_arn.split(":")[3]
        if home != region:
            yield error(
                "foreign-bus",
                path,
                f"bus '{bus.name}' is in Region {home}; {what} can only be created in the bus's "
                f"own Region, not {region} (declare it in an environment of {home}, from where "
                "a rule can forward the events to a bus here with a target bus: <arn>)",
            )

    def log_retention(self, days: int | None, path: Path) -> Iterator[Finding]:
        if days is not None and days not in limits.LOG_RETENTION_DAYS:
            allowed = ", ".join(f"{d}d" for d in limits.LOG_RETENTION_DAYS)
            yield error(
                "log-retention",
                path,
                f"CloudWatch Logs cannot keep logs for {days} days (allowed: {allowed}, forever)",
            )
