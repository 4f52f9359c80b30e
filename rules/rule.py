"""What a rule of the pack is, and what it reports: :class:`Rule` and :class:`RuleFinding`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from edastack.rules.templates import ResourceRef, Templates

PLUGIN_NAME = "edastack"
PLUGIN_VERSION = "0.1.0"
DOCS = "docs/rules.md"


@dataclass(frozen=True)
class RuleFinding:
    """One resource breaking one rule.

    ``rule_name`` is what CDK reports and what an acknowledgement names after ``edastack::``:
    the rule id, plus ``[detail]`` when the rule can fire more than once on one resource.
    """

    rule_id: str
    stack: str
    template_path: str
    logical_id: str
    message: str
    location: str
    detail: str | None = None

    @property
    def rule_name(self) -> str:
        return f"{self.rule_id}[{self.detail}]" if self.detail else self.rule_id

    @property
    def acknowledgement_id(self) -> str:
        return f"{PLUGIN_NAME}::{self.rule_name}"


def finding(
    rule_id: str, ref: ResourceRef, message: str, location: str, detail: str | None = None
) -> RuleFinding:
    """A finding of ``rule_id`` on the resource ``ref``; ``location`` is a path in it."""
    return RuleFinding(
        rule_id=rule_id,
        stack=ref.stack.name,
        template_path=ref.stack.template_path,
        logical_id=ref.logical_id,
        message=message,
        location=location,
        detail=detail,
    )


Check = Callable[[Templates], Iterable[RuleFinding]]


@dataclass(frozen=True)
class Rule:
    """A rule of the pack: ``info`` is one line, ``explanation`` why it matters and the fix."""

    id: str
    name: str
    info: str
    explanation: str
    severity: str
    check: Check = field(repr=False)

    @property
    def doc(self) -> str:
        return f"{DOCS}#{self.id.lower()}"


def rule(rule_id: str, info: str, *, severity: str = "error") -> Callable[[Check], Rule]:
    """Make a check a rule: its name is the check's (``dead_letter_queue_alarm`` is
    ``DeadLetterQueueAlarm``), its docstring the rule's explanation."""

    def make(check: Check) -> Rule:
        name = "".join(word.capitalize() for word in check.__name__.split("_"))
        explanation = " ".join((check.__doc__ or "").split())
        return Rule(rule_id, name, info, explanation, severity, check)

    return make
