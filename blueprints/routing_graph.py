"""A blueprint as a picture: Kafka clusters and their topics, the bridges, buses, rules and
targets, and where every failure goes (``edastack graph``).

The graph is built once from the model and the delivery paths
(:func:`edastack.blueprints.delivery.delivery_paths`, the same answer ``validate --report
dlq`` gives) and written as Mermaid (GitHub and GitLab render it in Markdown) or Graphviz DOT.
Failure edges are dashed and red in both, and every rule, target, bridge, topic and
dead-letter destination appears by name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from edastack.blueprints import model as m
from edastack.blueprints.delivery import delivery_paths

FAILURE = "#c0392b"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    shape: str  # topic, bridge, bus, rule, target, queue, dlq
    group: str | None = None  # the Kafka cluster of a topic


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str = ""
    failure: bool = False


@dataclass
class Graph:
    title: str
    groups: dict[str, str] = field(default_factory=dict)  # cluster name -> label
    nodes: dict[str, Node] = field(default_factory=dict)  # by key
    edges: list[Edge] = field(default_factory=list)
    _ids: Counter[str] = field(default_factory=Counter)

    def node(self, key: str, label: str, shape: str, group: str | None = None) -> str:
        """The id of the node ``key``, added on first use."""
        if key not in self.nodes:
            prefix = {"target": "x", "queue": "q", "dlq": "d"}.get(shape, shape)
            self._ids[prefix] += 1
            self.nodes[key] = Node(f"{prefix}{self._ids[prefix]}", label, shape, group)
        return self.nodes[key].id

    def edge(self, source: str, target: str, label: str = "", failure: bool = False) -> None:
        self.edges.append(Edge(source, target, label, failure))


def blueprint_graph(bp: m.Blueprint) -> Graph:
    g = Graph(f"{bp.name} [{bp.environment.name}]")
    for c in bp.clusters.values():
        g.groups[c.name] = f"Kafka cluster {c.name} ({c.type})"
    for t in bp.topics.values():
        _topic(g, t.name, bp)
    for bus in bp.buses.values():
        _bus(g, bus)
    failures = _failures(bp)
    for b in bp.bridges.values():
        _bridge(g, bp, b, failures.get(f"bridge:{b.name}", []))
    for r in bp.rules.values():
        _rule(g, bp, r, failures.get(f"rule:{r.name}", []))
    for q in bp.queues.values():
        for dlq in failures.get(f"sqs:{q.name}", []):
            label = "failures" if dlq.startswith("none") else "redrive"
            g.edge(_queue(g, q.name), _dlq(g, dlq), label, failure=True)
    for bus in bp.buses.values():  # a bus's own DLQ: what its customer-managed key refuses
        for dlq in failures.get(f"bus:{bus.name}", []):
            g.edge(_bus(g, bus), _dlq(g, dlq), "failures", failure=True)
    return g


def _failures(bp: m.Blueprint) -> dict[str, list[str]]:
    """Failure destinations by ``rule:<name>``, ``bridge:<name>``, ``sqs:<queue>`` or
    ``bus:<name>``."""
    out: dict[str, list[str]] = {}
    for p in delivery_paths(bp):
        own = p.mechanism.startswith(("consumers", "the bus itself"))  # a queue's or a bus's
        key = p.source if own else p.mechanism.split(" (", 1)[0]
        if key.startswith("subscriber:"):  # a v2 bus: the rule's subscribers, one per target
            key = "rule:" + key.removeprefix("subscriber:").split("/", 1)[0]
        if p.failures not in out.setdefault(key, []):
            out[key].append(p.failures)
    return out


def _topic(g: Graph, name: str, bp: m.Blueprint) -> str:
    topic = bp.topics.get(name)
    group = topic.cluster if topic and topic.cluster in bp.clusters else None
    return g.node(f"topic:{name}", f"topic {name}", "topic", group)


def _bus(g: Graph, bus: m.EventBus) -> str:
    extra = " (imported)" if bus.import_arn else ""
    if bus.archive is not None:
        days = bus.archive.retention_days
        extra += f" · archive {'forever' if days is None else f'{days}d'}"
    if bus.retention_days is not None:  # a v2 bus keeps every event
        extra += f" · v2, keeps {bus.retention_days}d"
    return g.node(f"bus:{bus.name}", f"bus {bus.name}{extra}", "bus")


def _queue(g: Graph, name: str) -> str:
    return g.node(f"sqs:{name}", f"sqs {name}", "queue")


def _dlq(g: Graph, destination: str) -> str:
    label = destination.split(" (", 1)[0]
    if label.startswith("none"):
        label = "no DLQ: " + label.removeprefix("none: ")
    return g.node(f"dlq:{destination}", label, "dlq")


def _bridge(g: Graph, bp: m.Blueprint, b: m.Bridge, failures: list[str]) -> None:
    if isinstance(b, m.KafkaToBus):
        node = g.node(f"bridge:{b.name}", f"bridge {b.name} (via {b.via})", "bridge")
        g.edge(_topic(g, b.topic, bp), node)
        g.edge(node, g.node(f"bus:{b.bus}", f"bus {b.bus}", "bus"), f"{b.source} / {b.detail_type}")
    else:
        node = g.node(f"bridge:{b.name}", f"bridge {b.name} (producer)", "bridge")
        g.edge(g.node(f"bus:{b.bus}", f"bus {b.bus}", "bus"), node)
        g.edge(node, _topic(g, b.topic, bp))
    for destination in failures:
        g.edge(node, _dlq(g, destination), "failures", failure=True)


def _rule(g: Graph, bp: m.Blueprint, r: m.Rule, failures: list[str]) -> None:
    label = f"rule {r.name}" + ("" if r.enabled else " (disabled)")
    node = g.node(f"rule:{r.name}", label, "rule")
    g.edge(g.node(f"bus:{r.bus}", f"bus {r.bus}", "bus"), node)
    for t in r.targets:
        g.edge(node, _target(g, bp, r, t), t.name)
    for destination in failures:
        g.edge(node, _dlq(g, destination), "failures", failure=True)


def _target(g: Graph, bp: m.Blueprint, r: m.Rule, t: m.Target) -> str:
    if t.kind == "sqs" and t.ref in bp.queues:
        return _queue(g, t.ref)
    if t.kind == "bus" and t.ref in bp.buses:
        return g.node(f"bus:{t.ref}", f"bus {t.ref}", "bus")
    return g.node(f"target:{r.name}/{t.name}", f"{t.kind} {t.name}", "target")


_MERMAID_SHAPES = {
    "topic": '[("{}")]',
    "queue": '[("{}")]',
    "dlq": '[("{}")]',
    "bridge": '{{{{"{}"}}}}',
    "bus": '(["{}"])',
    "rule": '["{}"]',
    "target": '>"{}"]',
}
_DOT_SHAPES = {
    "topic": "cylinder",
    "queue": "cylinder",
    "dlq": "cylinder",
    "bridge": "hexagon",
    "bus": "oval",
    "rule": "box",
    "target": "cds",
}


def mermaid(g: Graph) -> str:
    """The graph as a Mermaid flowchart, left to right."""

    def text(label: str) -> str:
        return label.replace('"', "#quot;")

    def declare(n: Node, indent: str) -> str:
        return indent + n.id + _MERMAID_SHAPES[n.shape].format(text(n.label))

    lines = ["---", f"title: {text(g.title)}", "---", "flowchart LR"]
    for i, (group, label) in enumerate(g.groups.items(), 1):
        members = [n for n in g.nodes.values() if n.group == group]
        if members:
            lines.append(f'  subgraph cluster{i}["{text(label)}"]')
            lines += [declare(n, "    ") for n in members]
            lines.append("  end")
    lines += [declare(n, "  ") for n in g.nodes.values() if n.group is None]
    for e in g.edges:
        arrow = "-.->" if e.failure else "-->"
        label = f'|"{text(e.label)}"|' if e.label else ""
        lines.append(f"  {e.source} {arrow}{label} {e.target}")
    dlqs = [n.id for n in g.nodes.values() if n.shape == "dlq"]
    if dlqs:
        lines.append(f"  classDef dlq fill:#fdecea,stroke:{FAILURE},color:#000")
        lines.append(f"  class {','.join(dlqs)} dlq")
    failures = [str(i) for i, e in enumerate(g.edges) if e.failure]
    if failures:
        lines.append(f"  linkStyle {','.join(failures)} stroke:{FAILURE},stroke-dasharray:4")
    return "\n".join(lines) + "\n"


def dot(g: Graph) -> str:
    """The graph in Graphviz DOT, left to right."""

    def text(label: str) -> str:
        return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def declare(n: Node, indent: str) -> str:
        style = (
            f', style=filled, fillcolor="#fdecea", color="{FAILURE}"' if n.shape == "dlq" else ""
        )
        return f"{indent}{n.id} [label={text(n.label)}, shape={_DOT_SHAPES[n.shape]}{style}];"

    lines = [
        f"digraph {text(g.title)} {{",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for i, (group, label) in enumerate(g.groups.items(), 1):
        members = [n for n in g.nodes.values() if n.group == group]
        if members:
            lines.append(f"  subgraph cluster{i} {{")  # "cluster" makes Graphviz draw a box
            lines.append(f"    label={text(label)};")
            lines += [declare(n, "    ") for n in members]
            lines.append("  }")
    lines += [declare(n, "  ") for n in g.nodes.values() if n.group is None]
    for e in g.edges:
        attrs = [f"label={text(e.label)}"] if e.label else []
        if e.failure:
            attrs += ["style=dashed", f'color="{FAILURE}"', f'fontcolor="{FAILURE}"']
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {e.source} -> {e.target}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
