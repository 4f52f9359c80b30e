"""The blueprint's alarm topic (``alarms.notify``) as the stacks other than ``-events`` address
it: by ARN, the one the blueprint names or the one the events stack creates for its e-mails
(``layout.alarm_topic_name``), never through an export."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_sns as sns

from edastack.blueprints import layout
from edastack.blueprints import model as m


def alarm_topic_by_name(stack: Stack, blueprint: m.Blueprint) -> sns.ITopic | None:
    """``AlarmTopic`` in ``stack``: the blueprint's topic, or None when alarms notify nobody.

    A stack deployed before ``-events`` (the Kafka stack) may name the topic before it exists:
    CloudWatch checks an alarm action's ARN only when the alarm fires.
    """
    alarms = blueprint.alarms
    arn = alarms.sns_topic_arn
    if not arn and alarms.emails:
        name = layout.alarm_topic_name(blueprint)
        arn = stack.format_arn(service="sns", resource=name, resource_name=None)
    return sns.Topic.from_topic_arn(stack, "AlarmTopic", arn) if arn else None
