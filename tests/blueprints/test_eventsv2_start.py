"""A v2 rule's ``start`` time is meant to lie within its bus's retention: one older reads from
the oldest event kept, one in the future skips what is published until then. Both are
warnings told against the time validate runs (``checks_eventbridge_v2.clock``, pinned here)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from edastack.blueprints import checks_eventbridge_v2

Messages = Callable[..., list[str]]
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
RULE = """\
blueprint: st
eventbridge:
  buses:
    v: {{type: v2, retention: 30d}}
    shared:
      type: v2
      import: "arn:aws:events:eu-west-1:111111111111:event-busv2/shared/0123456789abcdefghijklmno"
  rules:
    r:
      bus: {bus}
      start: "{start}"
      pattern: {{source: [a]}}
      targets: {{fn: {{lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}}}}
"""
AT = "bp.yaml:11:14: $.eventbridge.rules.r.start: warning: start "
OLD = (
    "2020-01-01T00:00:00Z is 2,616d before 2027-03-01T12:00:00Z, when validate ran, and bus 'v' "
    "keeps events 30d: the subscriber starts at the oldest event the bus keeps, as with start: "
    "horizon; write horizon, or a time within the retention"
)
FUTURE = (
    "2031-01-01T00:00:00Z is after 2027-03-01T12:00:00Z, when validate ran: the subscriber "
    "delivers only what is published from then on, and skips every event published until "
    "then; write latest, or a time in the past"
)


@pytest.fixture(autouse=True)
def _now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks_eventbridge_v2, "clock", lambda: NOW)


@pytest.mark.parametrize(
    ("bus", "start", "expected"),
    [
        pytest.param("v", "2020-01-01T00:00:00Z", AT + OLD, id="older_than_the_retention"),
        pytest.param("v", "2031-01-01T00:00:00Z", AT + FUTURE, id="in_the_future"),
        pytest.param("shared", "2031-01-01T00:00:00Z", AT + FUTURE, id="imported_in_the_future"),
        pytest.param("v", "2027-01-31T12:00:01Z", None, id="just_within_the_retention"),
        pytest.param("v", "2027-03-01T12:00:00+01:00", None, id="an_hour_ago_in_another_zone"),
        pytest.param("shared", "2020-01-01T00:00:00Z", None, id="imported_retention_unknown"),
    ],
)
def test_warns_when_a_start_is_outside_the_retention(
    messages: Messages, bus: str, start: str, expected: str | None
) -> None:
    """Both were accepted silently: a mistyped future year delivered nothing for years."""
    assert messages(RULE.format(bus=bus, start=start)) == ([expected] if expected else [])


def test_the_start_warning_is_acknowledged_on_the_rule(messages: Messages) -> None:
    text = RULE.format(bus="v", start="2031-01-01T00:00:00Z").replace(
        "      bus: v\n", "      bus: v\n      acknowledge: {v2-start: backfill from 2031}\n"
    )
    assert messages(text) == []
