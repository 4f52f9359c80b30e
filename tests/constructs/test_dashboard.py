"""A path dashboard: a header, then a row of graphs per path, each with its alarm's line."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk.assertions import Template

from edastack.blueprints.layout_sizes import DASHBOARD_ROWS
from edastack.constructs.dashboard import MAX_ROWS, Graph, PathDashboard, Row

LAG = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="OffsetLag")
ERRORS = cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors")


def _body(**props: Any) -> dict[str, Any]:
    stack = Stack(App(), "Test")
    PathDashboard(stack, "Dashboard", header="# paths", **props)
    (dashboard,) = Template.from_stack(stack).find_resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    text = (
        body
        if isinstance(body, str)
        else "".join(p for p in body["Fn::Join"][1] if isinstance(p, str))
    )
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def test_rows_share_the_width_and_draw_the_alarm_threshold() -> None:
    row = Row(
        "bridge orders", [Graph("errors", [ERRORS]), Graph("records behind", [LAG], threshold=5)]
    )
    widgets = _body(rows=[row])["widgets"]
    assert widgets[0] == {
        "type": "text",
        "width": 24,
        "height": 2,
        "x": 0,
        "y": 0,
        "properties": {"markdown": "# paths"},
    }
    errors, lag = widgets[1:]
    assert [(w["x"], w["y"], w["width"], w["height"]) for w in (errors, lag)] == [
        (0, 2, 12, 6),
        (12, 2, 12, 6),
    ]
    assert lag["properties"]["title"] == "bridge orders: records behind"
    assert lag["properties"]["annotations"] == {
        "horizontal": [{"value": 5, "label": "alarm", "yAxis": "left"}]
    }
    assert "annotations" not in errors["properties"]


def test_the_dashboard_is_named_and_shows_three_hours() -> None:
    stack = Stack(App(), "Test")
    PathDashboard(stack, "Dashboard", dashboard_name="shop-dev-dashboard", header="# paths")
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "shop-dev-dashboard"}
    )
    assert _body()["start"] == "-PT3H"


def test_layout_counts_the_rows_a_dashboard_holds() -> None:
    assert DASHBOARD_ROWS == MAX_ROWS


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        pytest.param(
            [Row("r", [Graph("g", [LAG])])] * 101, "at most 100 rows, got 101", id="too_many_rows"
        ),
        pytest.param(
            [Row("empty", []), Row("wide", [Graph("g", [LAG])] * 5)],
            "row 'empty' must have 1 to 4 graphs, got 0; row 'wide' must have 1 to 4 graphs, got 5",
            id="rows_of_0_and_5_graphs",
        ),
    ],
)
def test_fails_when_rows_do_not_fit(
    rows: list[Row], message: str, refusal: Callable[[Callable[[], object]], str]
) -> None:
    stack = Stack(App(), "Test")
    assert refusal(lambda: PathDashboard(stack, "Dashboard", header="#", rows=rows)) == message
