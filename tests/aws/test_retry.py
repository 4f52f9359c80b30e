"""The retry-policy bounds EventBridge accepts, asked by the checks, EventRule and the rules."""

from __future__ import annotations

import pytest

from edastack.aws import retry


@pytest.mark.parametrize(
    ("attempts", "allowed"),
    [
        pytest.param(-1, False, id="negative"),
        pytest.param(0, True, id="zero"),
        pytest.param(185, True, id="maximum_185"),
        pytest.param(186, False, id="over_185"),
    ],
)
def test_attempts_bounds(attempts: int, allowed: bool) -> None:
    assert retry.attempts_allowed(attempts) is allowed


@pytest.mark.parametrize(
    ("seconds", "allowed"),
    [
        pytest.param(59, False, id="under_a_minute"),
        pytest.param(60, True, id="one_minute"),
        pytest.param(86_400, True, id="one_day"),
        pytest.param(86_401, False, id="over_a_day"),
        pytest.param(90.5, False, id="fractional_seconds"),
    ],
)
def test_max_age_bounds(seconds: float, allowed: bool) -> None:
    assert retry.max_age_allowed(seconds) is allowed


def test_ranges_read_as_the_quota() -> None:
    assert (retry.ATTEMPTS_RANGE, retry.MAX_AGE_RANGE_S) == ("0-185", "60-86400")
