"""Blueprints of any size, for tests and benchmarks of what a large platform synthesizes to.

``platform_blueprint(rules=600, buses=3, topics=300, bridges=20)`` is the text of a valid
blueprint shaped like a real platform: two environments, two MSK clusters, rules with one to
three targets of every common kind (each Lambda target a function of its own, the costliest
case for permissions), queues, topic → bus and bus → topic bridges (rule ``rule-<b>`` takes
what bridge ``bridge-<b>`` puts on its bus). The same arguments and seed give the same text.
``contracts`` and ``every_operator`` add what validation spends its time on: event contracts,
and patterns that use every EventBridge operator (the validate benchmark asks for both).
"""

from __future__ import annotations

import random

DETAIL_TYPES = ("Created", "Updated", "Cancelled", "Shipped", "Refunded", "Failed")


def platform_blueprint(
    rules: int = 600,
    buses: int = 3,
    topics: int = 300,
    bridges: int = 20,
    queues: int = 30,
    seed: int = 11,
    name: str = "platform",
    environments: int = 2,
    contracts: int = 0,
    every_operator: bool = False,
) -> str:
    """The text of a valid blueprint of this size (see the module docstring); without topics
    and bridges it has no Kafka at all, and ``environments=1`` keeps only ``dev``.
    ``every_operator`` gives rules patterns with ``$or`` and every kind of matcher instead of a
    ``numeric`` one on every fourth rule."""
    rng = random.Random(seed)
    bus_names = [f"bus-{b}" for b in range(buses)]
    envs = [
        '  dev: {account: "111111111111", region: eu-west-1}',
        '  prod: {account: "222222222222", region: eu-west-1, production: true}',
    ]
    out = [
        f"blueprint: {name}",
        "owner: platform-team",
        "environments:",
        *envs[:environments],
        "alarms: {notify: {email: [oncall@example.com]}}",
    ]
    if topics or bridges:
        out += [
            "kafka:",
            "  clusters:",
            "    core-a: {brokers: {count: 3, storage: 1000GiB}}",
            "    core-b: {brokers: {count: 3, storage: 1000GiB}}",
            "  topics:",
        ]
        out += [
            f"    topic-{t:03d}: {{cluster: core-{'ab'[t % 2]}, "
            f"partitions: {rng.choice((3, 6, 12))}}}"
            for t in range(topics)
        ]
    out += ["eventbridge:", "  buses:"]
    out += [f"    {bus}: {{archive: {{retention: 7d}}}}" for bus in bus_names]
    out.append("  rules:")
    for r in range(rules):
        out += _rule(rng, r, bus_names[r % buses], queues, every_operator)
    out.append("queues:")
    out += [f"  queue-{q:02d}: {{}}" for q in range(queues)]
    if bridges:
        out.append("bridges:")
    for b in range(bridges):
        out += _bridge(b, bus_names[b % buses], topics)
    if contracts:
        out.append("contracts:")
    for c in range(contracts):
        out += _contract(c)
    return "\n".join(out) + "\n"


def _rule(rng: random.Random, r: int, bus: str, queues: int, every_operator: bool) -> list[str]:
    lines = [
        f"    rule-{r:04d}:",
        f"      bus: {bus}",
        "      pattern:",
        f"        source: [com.example.svc{r % 23}]",
        f"        detail-type: [{DETAIL_TYPES[r % len(DETAIL_TYPES)]}]",
    ]
    if every_operator:
        lines += _detail_matchers(r)
    elif r % 4 == 0:
        lines += ["        detail:", f"          total: [{{numeric: ['>=', {r}]}}]"]
    lines.append("      targets:")
    for n in range(rng.randint(1, 3)):
        kind = (r + n) % 4
        if kind == 0:
            lines.append(
                f'        t{n}: {{lambda: "arn:${{partition}}:lambda:${{region}}:${{account}}:'
                f'function:consumer-{r}-{n}"}}'
            )
        elif kind == 1:
            lines.append(f"        t{n}: {{sqs: queue-{(r + n) % queues:02d}}}")
        elif kind == 2:
            lines.append(
                f'        t{n}: {{sns: "arn:${{partition}}:sns:${{region}}:${{account}}:'
                f'alerts-{r % 7}", retry: {{attempts: 3}}}}'
            )
        else:
            lines += [
                f"        t{n}:",
                f'          stepfunctions: "arn:${{partition}}:states:${{region}}:${{account}}:'
                f'stateMachine:flow-{r % 11}"',
                "          input: {paths: {id: $.detail.id}, template: '{\"id\": <id>}'}",
            ]
    return lines


def _detail_matchers(r: int) -> list[str]:
    """The ``detail`` of rule ``r``'s pattern: one of four with every operator, or none."""
    kind = r % 5
    if kind == 0:
        return [
            "        detail:",
            f"          total: [{{numeric: ['>=', {r}, '<', {r * 10 + 1}]}}]",
        ]
    if kind == 1:
        return ["        detail:", f"          region: [{{prefix: eu-}}, {{suffix: -zone{r % 3}}}]"]
    if kind == 2:
        return [
            "        detail:",
            "          status: [{anything-but: [test, draft]}]",
            "          customer: {tier: [gold, platinum], id: [{exists: true}]}",
        ]
    if kind == 3:
        return [
            "        detail:",
            "          $or:",
            f"            - channel: [{{equals-ignore-case: web}}, {{wildcard: 'app*{r % 4}'}}]",
            "            - ip: [{cidr: 10.0.0.0/8}]",
        ]
    return []


def _contract(c: int) -> list[str]:
    return [
        f"  Event{c}:",
        f"    version: {c + 1}",
        "    source: com.example.orders",
        f"    detail_type: {DETAIL_TYPES[c % len(DETAIL_TYPES)]}",
        "    schema: {type: object, required: [id], properties: {id: {type: string}}}",
        f"    examples: [{{id: e-{c}}}]",
    ]


def _bridge(b: int, bus: str, topics: int) -> list[str]:
    if b % 4 == 3:  # a bus → topic producer
        return [
            f"  bridge-{b:02d}:",
            f"    from: {{bus: {bus}, pattern: {{source: [com.example.svc{b}]}}}}",
            f"    to: {{topic: topic-{(b * 7) % topics:03d}}}",
        ]
    return [
        f"  bridge-{b:02d}:",
        f"    from: {{topic: topic-{(b * 7) % topics:03d}}}",
        f"    to: {{bus: {bus}, detail_type: {DETAIL_TYPES[b % len(DETAIL_TYPES)]}, "
        f"source: com.example.svc{b % 23}}}",
    ]
