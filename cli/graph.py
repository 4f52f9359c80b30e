"""``edastack graph``: draw a blueprint: topics, bridges, buses, rules, targets and failure
paths.

Print a blueprint as a diagram, Mermaid (the default) or Graphviz DOT: Kafka clusters and their
topics, the bridges, buses, rules and targets, and every failure edge (dashed, red) to the
dead-letter queue, topic or bucket that receives what fails. Mermaid renders in GitHub and
GitLab Markdown (```mermaid); DOT renders with Graphviz.
"""

from __future__ import annotations

import argparse
from typing import Any

from edastack.blueprints.routing_graph import blueprint_graph, dot, mermaid
from edastack.cli.arguments import add_blueprint_command, add_format_argument
from edastack.cli.exits import EXIT_OK
from edastack.cli.route import add_environment, load_one


def add_parser(commands: Any) -> None:
    """Register ``graph`` on the ``edastack`` command's subparsers."""
    parser = add_blueprint_command(commands, "graph", __doc__, {EXIT_OK: "printed"})
    add_environment(parser)
    add_format_argument(parser, "mermaid", "dot")


def graph_command(args: argparse.Namespace) -> int:
    bp = load_one(args, "graph")
    if isinstance(bp, int):
        return bp
    g = blueprint_graph(bp)
    print(mermaid(g) if args.format == "mermaid" else dot(g), end="")
    return EXIT_OK
