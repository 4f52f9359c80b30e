"""``edastack graph``: a blueprint as a diagram, Mermaid (the default) or Graphviz DOT.

Kafka clusters and their topics, the bridges, buses, rules and targets, and every failure
edge (dashed, red) to the dead-letter queue, topic or bucket that receives what fails.
"""

from __future__ import annotations

import argparse
from typing import Any

from edastack.blueprints.routing_graph import blueprint_graph, dot, mermaid
from edastack.cli.arguments import add_blueprint_command, add_format_argument
from edastack.cli.route import EXIT_OK, add_environment, load_one


def add_parser(commands: Any) -> None:
    """Register ``graph`` on the ``edastack`` command's subparsers."""
    parser = add_blueprint_command(
        commands,
        "graph",
        summary="draw a blueprint: topics, bridges, buses, rules, targets and failure paths",
        description="Print a blueprint as a diagram: Kafka clusters and topics, bridges, "
        "buses, rules and targets, with every failure edge to its dead-letter destination. "
        "Mermaid renders in GitHub and GitLab Markdown (```mermaid); DOT renders with Graphviz.",
        epilog="exit codes: 0 printed; 1 the blueprint has errors; 2 usage errors; 3 a bug.",
    )
    add_environment(parser)
    add_format_argument(parser, "mermaid", "dot")


def graph_command(args: argparse.Namespace) -> int:
    bp = load_one(args, "graph")
    if isinstance(bp, int):
        return bp
    g = blueprint_graph(bp)
    print(mermaid(g) if args.format == "mermaid" else dot(g), end="")
    return EXIT_OK
