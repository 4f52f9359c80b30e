"""``edastack plan``: what a blueprint's declared load needs: storage, brokers, quotas,
pollers, cost.

From the load declared on topics and buses (kafka.topics.<t>.load, eventbridge.buses.<b>.load),
per environment: each topic's rate and the storage it keeps across replicas, each cluster's
brokers, partitions and storage, each bus's PutEvents and invocations against the Region's
quotas, each bridge's rate and pollers, a month's cost at us-east-1 on-demand prices, and where
the load exceeds AWS's guidance or quotas (the capacity warnings ``validate`` shows too).
Offline: no AWS credentials, no CDK. How each figure is computed: the README, "Planning for a
load".
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from typing import Any

from edastack.blueprints.plan import Plan, plan
from edastack.blueprints.plan_base import CapacityWarning
from edastack.blueprints.tree import Node, locate
from edastack.cli.arguments import (
    add_blueprint_command,
    add_env_argument,
    add_format_argument,
    validated,
)
from edastack.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


def add_parser(commands: Any) -> None:
    """Register ``plan`` on the ``edastack`` command's subparsers."""
    parser = add_blueprint_command(
        commands, "plan", __doc__, {EXIT_OK: "planned (warnings included)"}
    )
    add_env_argument(parser, "plan")
    add_format_argument(parser, "text", "json")


def plan_command(args: argparse.Namespace) -> int:
    report = validated(args, "plan", missing=EXIT_USAGE, invalid=EXIT_FINDINGS)
    if isinstance(report, int):
        return report
    plans = {env: plan(bp) for env, bp in report.blueprints.items()}
    tree = report.tree
    if args.format == "json":
        out = {env: {**p.figures, "warnings": _warnings(p, tree)} for env, p in plans.items()}
        print(json.dumps({"file": report.file, "environments": out}, indent=2))
    else:
        for env, p in plans.items():
            print(_text(report.file, env, p, tree))
    return EXIT_OK


def _placed(w: CapacityWarning, tree: Node | None) -> CapacityWarning:
    if tree is None:
        return w
    return replace(w, finding=replace(w.finding, mark=locate(tree, w.finding.path)))


def _warnings(p: Plan, tree: Node | None) -> list[dict[str, Any]]:
    return [
        {**_placed(w, tree).finding.as_dict(), "acknowledged": w.acknowledged} for w in p.warnings
    ]


def _n(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _text(file: str, env: str, p: Plan, tree: Node | None) -> str:
    f = p.figures
    quotas = f["quotas"]
    lines = [f"{file} [{env}]" + (f" in {quotas['region']}" if quotas else "")]
    lines += ["topics"]
    for name, t in f["topics"].items():
        lines += _topic(name, t)
    lines += ["clusters"]
    for name, c in f["clusters"].items():
        lines += _cluster(name, c)
    lines += ["buses"]
    for name, b in f["buses"].items():
        lines += _bus(name, b, quotas)
    lines += ["bridges", *(_bridge(name, b) for name, b in f["bridges"].items())]
    cost = f["monthly_cost_usd"]
    lines += ["monthly cost (USD)"]
    lines += [f"  {k:<20} {_n(v, 2):>12}" for k, v in cost.items() if k != "total"]
    lines += [f"  {'total':<20} {_n(cost['total'], 2):>12}"]
    lines += ["notes", *(f"  - {note}" for note in f["notes"])]
    lines += ["warnings" if p.warnings else "warnings: none"]
    for w in p.warnings:
        text = "  " + _placed(w, tree).finding.format()
        lines.append(text if w.acknowledged is None else f"{text} (acknowledged: {w.acknowledged})")
    return "\n".join(lines) + "\n"


def _topic(name: str, t: dict[str, Any]) -> list[str]:
    lines = [
        f"  {name}: {_n(t['events_per_s'])} ev/s (peak {_n(t['peak_events_per_s'])}) x "
        f"{_n(t['event_size_bytes'])} B = {_n(t['ingress_mib_per_s'], 2)} MiB/s, "
        f"{t['partitions']} partitions"
    ]
    if t["storage_gib"] is not None:
        lines.append(
            f"    storage {_n(t['storage_gib'], 1)} GiB ({_n(t['retention_days'], 1)} days x "
            f"{t['replication']} replicas)"
        )
    return lines


def _cluster(name: str, c: dict[str, Any]) -> list[str]:
    brokers = f"{c['brokers']} x {c['broker_type']}" if c["brokers"] else c["type"]
    lines = [f"  {name}: {brokers} (needed: {_n(c['brokers_needed'])})"]
    ingress = (
        f"    ingress {_n(c['ingress_mib_per_s'], 2)} MiB/s "
        f"(peak {_n(c['peak_ingress_mib_per_s'], 2)})"
    )
    if c["peak_write_mib_per_s_per_broker"] is not None:
        ingress += f", peak write per broker {_n(c['peak_write_mib_per_s_per_broker'], 1)} MiB/s"
    lines.append(ingress)
    lines.append(
        f"    storage {_n(c['storage_gib'], 1)} GiB of {_n(c['storage_ceiling_gib'])}, "
        f"partitions per broker {_n(c['partitions_per_broker'])} of "
        f"{_n(c['recommended_partitions_per_broker'])}"
    )
    return lines


def _bus(name: str, b: dict[str, Any], quotas: dict[str, Any] | None) -> list[str]:
    put_quota = f"; quota {_n(quotas['put_events_per_s'])}" if quotas else ""
    call_quota = f"; quota {_n(quotas['invocations_per_s'])}" if quotas else ""
    if "quota_events_per_s" in b:  # a v2 bus: its own fixed quotas, not the account's
        put_quota = (
            f"; quota {_n(b['quota_events_per_s'])} a bus, "
            f"{_n(b['quota_events_per_s_per_group'])} an event group"
        )
        call_quota = ""
    lines = [
        f"  {name}: put {_n(b['put_events_per_s'])} ev/s (peak {_n(b['peak_put_events_per_s'])}"
        f"{put_quota})",
        f"    invocations {_n(b['invocations_per_s'])}/s (peak "
        f"{_n(b['peak_invocations_per_s'])}{call_quota})",
    ]
    lines += [
        f"    rule {rule}: {_n(r['events_per_s'])} ev/s x {r['targets']} targets"
        for rule, r in b["rules"].items()
    ]
    return lines


def _bridge(name: str, b: dict[str, Any]) -> str:
    text = f"  {name}: {b['from']} -> {b['to']} via {b['via']}, {_n(b['events_per_s'])} ev/s"
    pollers = b.get("pollers")
    if pollers:
        text += (
            f", pollers {pollers['min']}-{pollers['max']} (needed at peak: "
            f"{pollers['needed_at_peak']})"
        )
    return text
