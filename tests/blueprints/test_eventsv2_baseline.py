"""``--baseline`` on a v2 rule whose subscriber is replaced (deleted, then created): what it
costs depends on where the new subscriber starts, and the warning says which."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from edastack.blueprints.replacement import replacements
from edastack.blueprints.validate import FileReport

Report = Callable[..., FileReport]
RULE = """\
blueprint: ledger
eventbridge:
  buses:
    ledger: {{type: v2, retention: 30d}}
  rules:
    postings:
      start: {start}
      pattern: {{source: [ledger.postings]}}
      targets:
        book: {{lambda: "arn:aws:lambda:eu-west-1:111111111111:function:book"}}
"""
CHANGED = (
    "changing $.eventbridge.rules.postings.start replaces subscriber 'postings/book': it is "
    "deleted, then created: the new subscriber starts at "
)
ACK = "; acknowledge: {replacement: <reason>}"


@pytest.mark.parametrize(
    ("old", "new", "cost"),
    [
        pytest.param(
            "horizon",
            "latest",
            "latest, so it misses what is published meanwhile and its undelivered backlog is "
            "dropped (start it from a time before the deploy, or add the new one beside the old "
            "and remove the old one in a second deploy)",
            id="to_latest",
        ),
        pytest.param(
            "latest",
            "horizon",
            "horizon, so its target receives again every event the bus keeps, those the old "
            "one delivered included (make the target tolerate duplicates, or start it from a "
            "time just before the deploy)",
            id="to_horizon",
        ),
        pytest.param(
            "latest",
            "2026-12-01T00:00:00Z",
            "2026-12-01T00:00:00Z, so its target receives again the events the bus keeps from "
            "that time on, those the old one delivered included (make the target tolerate "
            "duplicates, and a time after the deploy misses what is published until then)",
            id="to_a_time",
        ),
    ],
)
def test_baseline_says_what_the_new_start_costs(
    report: Report, old: str, new: str, cost: str
) -> None:
    """A subscriber starting at horizon was said to miss what is published meanwhile."""
    before = report(RULE.format(start=old)).blueprints["default"]
    after = report(RULE.format(start=new)).blueprints["default"]
    assert [f.message for f in replacements(before, after)] == [CHANGED + cost + ACK]
