"""One rule for topic names: what Kafka refuses, and what a pipe's Kafka source refuses; and
the characters of the names edastack makes."""

from __future__ import annotations

import pytest

from edastack.aws.names import name_characters, pipe_topic_name_errors, topic_name_errors


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("orders", id="plain"),
        pytest.param("a", id="one_character"),
        pytest.param("orders.v1_eu-west", id="dots_underscores_dashes"),
        pytest.param("x" * 249, id="249_characters"),
    ],
)
def test_accepts_kafka_topic_names(name: str) -> None:
    assert topic_name_errors(name) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param(
            "",
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got ''",
            id="empty",
        ),
        pytest.param(
            "x" * 250,
            f"topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got '{'x' * 250}'",
            id="250_characters",
        ),
        pytest.param(
            "orders/eu",
            "topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders/eu'",
            id="slash",
        ),
        pytest.param(
            "..", "topic_name cannot be '.' or '..' (Kafka refuses both), got '..'", id="dot_dot"
        ),
    ],
)
def test_fails_when_kafka_refuses_the_topic_name(name: str, expected: str) -> None:
    assert topic_name_errors(name) == [expected]


def test_names_the_field_it_checks() -> None:
    assert topic_name_errors("a b", field="dead_letter_topic_name") == [
        "dead_letter_topic_name must be 1 to 249 letters, digits, '.', '_' or '-', got 'a b'"
    ]


@pytest.mark.parametrize(
    "name",
    [pytest.param("a", id="one_character"), pytest.param(".orders", id="leading_dot")],
)
def test_fails_when_a_pipe_cannot_read_the_topic(name: str) -> None:
    assert pipe_topic_name_errors(name) == [
        "topic_name must be 2 to 249 letters, digits, '.', '_' or '-', not starting with '.', "
        f"got {name!r}"
    ]


def test_a_pipe_reads_an_ordinary_topic() -> None:
    assert pipe_topic_name_errors("orders.v1") == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        pytest.param("commerce-prod-orders", "commerce-prod-orders", id="already_kept"),
        pytest.param("orders.v1_eu/west", "orders-v1-eu-west", id="dot_underscore_slash"),
        pytest.param("bus:é", "bus--", id="one_dash_per_character"),
    ],
)
def test_name_characters_keep_letters_digits_and_dashes(text: str, kept: str) -> None:
    assert name_characters(text) == kept
