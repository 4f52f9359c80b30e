"""``edastack route``: where an event goes: matching rules, what each target receives, its DLQs.

Route one event through a blueprint as EventBridge would, offline: the bus it lands on, every
rule (and bus-to-topic bridge) whose pattern matches it, what each target receives after its
input transformer and where its failures go, and whether the bus's archive keeps it. With
--topic, EVENT.json holds a Kafka record value, and the event is the one that topic's bridge
puts on its bus.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from edastack.blueprints import model as m
from edastack.blueprints.routing_input import route_input
from edastack.blueprints.routing_route import Route, RouteError
from edastack.cli.arguments import add_blueprint_command, add_format_argument, validated
from edastack.cli.exits import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE

EXITS = {
    EXIT_OK: "routed (whether or not a rule matches)",
    EXIT_USAGE: "usage errors (an unreadable event, an unknown environment, bus or topic)",
}


def add_parser(commands: Any) -> None:
    """Register ``route`` on the ``edastack`` command's subparsers."""
    parser = add_blueprint_command(commands, "route", __doc__, EXITS)
    parser.add_argument(
        "event",
        metavar="EVENT.json",
        help="an event, or a PutEvents entry (Source, DetailType, Detail); with --topic, a "
        "Kafka record value; - reads standard input",
    )
    add_environment(parser)
    parser.add_argument("--bus", metavar="NAME", help="the bus (default: the only one)")
    parser.add_argument(
        "--topic",
        metavar="T",
        help="EVENT.json is a record value of topic T: route the event its bridge puts",
    )
    add_format_argument(parser, "text", "json")


def add_environment(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env", metavar="NAME", help="the environment (default: the first one declared)"
    )


def load_one(args: argparse.Namespace, command: str) -> m.Blueprint | int:
    """The blueprint of ``args`` in ``args.env`` (default: its first environment), or the exit
    code after saying why it cannot be had."""
    one = argparse.Namespace(blueprint=args.blueprint, env=None if args.env is None else [args.env])
    report = validated(one, command, missing=EXIT_USAGE, invalid=EXIT_FINDINGS)
    return report if isinstance(report, int) else next(iter(report.blueprints.values()))


def route_command(args: argparse.Namespace) -> int:
    bp = load_one(args, "route")
    if isinstance(bp, int):
        return bp
    try:
        data = sys.stdin.buffer.read() if args.event == "-" else Path(args.event).read_bytes()
        result = route_input(bp, data, bus=args.bus, topic=args.topic)
    except (OSError, RouteError) as exc:
        print(f"edastack route: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.format == "json":
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_route(result))
    return EXIT_OK


def format_route(r: Route) -> str:
    """The route as text: the event, its bus, then each rule and target."""
    head = f"event: source {r.event.get('source')}, detail-type {r.event.get('detail-type')}"
    lines = [head + (f" (put by bridge {r.via})" if r.via else "")]
    kept = f"kept {r.kept}" if r.kept else f"archived: {'yes' if r.archived else 'no'}"
    lines.append(f"bus: {r.bus} ({kept})")
    whole = json.dumps(dict(r.event), ensure_ascii=False)
    for rule in r.rules:
        lines.append(f"{'bridge' if rule.bridge else 'rule'} {rule.rule}")
        for t in rule.targets:
            lines.append(f"  -> {t.target} ({t.kind} {t.destination})")
            if t.payload.text is None:
                lines.append(f"     receives nothing: {t.payload.problem}")
            else:
                shown = "the whole event" if t.payload.text == whole else t.payload.text
                lines.append(f"     input: {shown}")
            lines.append(f"     failures: {t.dead_letter}")
    if not r.rules:
        lines.append("no rule matches: EventBridge delivers the event nowhere")
    if r.disabled:
        lines.append(f"disabled rules that would match: {', '.join(r.disabled)}")
    lines += [f"note: {n}" for n in r.notes]
    return "\n".join(lines)
