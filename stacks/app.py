"""A blueprint → the stacks of a CDK app, for ``app.py`` (``cdk synth``) and ``edastack synth``.

Stacks per environment (which stack holds what: ``edastack.blueprints.layout``):

- ``<blueprint>-<env>-kafka``: network, MSK clusters and topics (stateful, slow to create);
- ``<blueprint>-<env>-topics-<group>``: the topics that say ``stack: <group>``, after kafka;
- ``<blueprint>-<env>-events``: buses, archives, queues, the schema registry, the alarm topic
  and the bridges (which refer to the Kafka stack's clusters: events depends on kafka);
- ``<blueprint>-<env>-rules-<group>``: the rules of one bus (or ``stack:`` group), after events.

Stateful Kafka stays away from the frequent change (a rule, a target); rules are grouped by
their own declaration so that a blueprint of any size fits CloudFormation's per-stack limits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from aws_cdk import App, Environment, Stack, Tags

from edastack.blueprints import layout
from edastack.blueprints import model as m
from edastack.blueprints.findings import Finding
from edastack.blueprints.validate import BlueprintError, validate_file
from edastack.stacks.acknowledgements import acknowledge_blueprint
from edastack.stacks.bridges import add_bridges
from edastack.stacks.dashboard import add_dashboards
from edastack.stacks.eventbridge import EventBridgeStack
from edastack.stacks.glue_schemas import add_glue_schemas, wire_bridges
from edastack.stacks.kafka import KafkaStack
from edastack.stacks.rules import RulesStack
from edastack.stacks.topics import TopicsStack

# What the CDK CLI adds to every app's context unless told otherwise (path and asset metadata,
# the AWS::CDK::Metadata resource, bundling of every stack).
CLI_CONTEXT: dict[str, Any] = {
    "aws:cdk:enable-path-metadata": True,
    "aws:cdk:enable-asset-metadata": True,
    "aws:cdk:version-reporting": True,
    "aws:cdk:bundling-stacks": ["**"],
}


# The feature flags edastack's templates are made with (CDK's recommended set when this
# version was written). They live in the package, not only in a project's cdk.json, so that
# every way of synthesizing, from any folder, writes the same templates.
FEATURE_FLAGS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "feature_flags.json").read_text(encoding="utf-8")
)


def project_context(directory: Path | str = ".") -> dict[str, Any]:
    """The context ``cdk synth`` gives an app in ``directory``: CDK CLI's defaults, edastack's
    feature flags, and over them the ``context`` of the folder's ``cdk.json`` if it has one.

    ``edastack synth`` and the test kit use it so that they synthesize exactly what
    ``cdk synth`` does in the same project, and what they would anywhere else.
    """
    path = Path(directory) / "cdk.json"
    context = {**CLI_CONTEXT, **FEATURE_FLAGS}
    if path.is_file():
        declared = json.loads(path.read_text(encoding="utf-8")).get("context", {})
        if isinstance(declared, dict):
            context.update(declared)
    return context


def _environment(env: m.Environment) -> Environment | None:
    if env.account is None and env.region is None:
        return None  # environment-agnostic: the CLI's profile decides at deploy time
    return Environment(account=env.account, region=env.region)


def _tag(stack: Stack, blueprint: m.Blueprint) -> None:
    tags = Tags.of(stack)
    tags.add("edastack:blueprint", blueprint.name)
    tags.add("edastack:environment", blueprint.environment.name)
    if blueprint.owner:
        tags.add("owner", blueprint.owner)
    for key, value in blueprint.tags.items():
        tags.add(key, value)


StackT = TypeVar("StackT", bound=Stack)


def add_blueprint(app: App, blueprint: m.Blueprint) -> list[Stack]:
    """Add the stacks of one blueprint in one environment to ``app`` (see ``layout``)."""
    common: dict[str, Any] = {
        "env": _environment(blueprint.environment),
        "termination_protection": blueprint.environment.production,
    }
    where = f"edastack {blueprint.name} ({blueprint.environment.name})"
    prefix = f"{layout.prefix(blueprint)}-"
    stacks: list[Stack] = []

    def add(stack_class: type[StackT], name: str, what: str, **props: Any) -> StackT:
        stack = stack_class(
            app, name, stack_name=name, description=f"{where}: {what}", **common, **props
        )
        stacks.append(stack)
        return stack

    kafka = (
        add(KafkaStack, layout.stack_name(blueprint, layout.KAFKA), "Kafka", blueprint=blueprint)
        if blueprint.clusters
        else None
    )
    topics = [
        add(TopicsStack, name, f"Kafka {name.removeprefix(prefix)}", kafka=kafka, topics=pinned)
        for name, pinned in layout.topic_groups(blueprint).items()
        if kafka is not None
    ]
    events_name = layout.stack_name(blueprint, layout.EVENTS)
    events = add(EventBridgeStack, events_name, "EventBridge and bridges", blueprint=blueprint)
    for topics_stack in topics:
        events.add_stack_dependency(topics_stack)  # the bridges' topics exist first
    add_glue_schemas(events)
    if kafka is not None:
        add_bridges(events, kafka)
        wire_bridges(events)
    add_dashboards(events)
    for name, rules in layout.rule_groups(blueprint).items():
        what = f"{name.removeprefix(prefix)}, {_count(rules, 'rule')}"
        rules_stack = add(RulesStack, name, what, blueprint=blueprint, rules=rules)
        # By name only (no exports): the buses, queues and key alias must exist first.
        rules_stack.add_stack_dependency(events)
    for stack in stacks:
        _tag(stack, blueprint)
    acknowledge_blueprint(blueprint, stacks)
    return stacks


def _count(things: list[Any], noun: str) -> str:
    return f"{len(things)} {noun}{'' if len(things) == 1 else 's'}"


def blueprints_for(
    path: Path | str,
    environments: Iterable[str] | None,
    on_warning: Callable[[Finding], None] | None = None,
) -> list[m.Blueprint]:
    """The valid blueprint in each wanted environment (default: all); ``BlueprintError`` if not.

    Warnings (deliberate risks not acknowledged) go to ``on_warning``; they do not stop synthesis.
    """
    report = validate_file(path, None if environments is None else list(environments))
    if not report.ok:
        raise BlueprintError(report.findings)
    if on_warning is not None:
        for finding in report.warnings:
            on_warning(finding)
    return list(report.blueprints.values())


def build_app(
    path: Path | str,
    environments: Iterable[str] | None = None,
    *,
    app: App | None = None,
    on_warning: Callable[[Finding], None] | None = None,
) -> App:
    """A CDK app holding the stacks of ``path`` in each wanted environment."""
    app = app or App()
    for blueprint in blueprints_for(path, environments, on_warning):
        add_blueprint(app, blueprint)
    return app
