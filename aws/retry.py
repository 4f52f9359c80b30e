"""The bounds of an EventBridge target's retry policy, checked in one place (no CDK import).

``RetryPolicy`` takes ``MaximumRetryAttempts`` 0-185 and ``MaximumEventAgeInSeconds``
60-86,400, whole seconds (AWS::Events::Rule RetryPolicy). The blueprint checks, ``EventRule``
and the rule pack ask these functions and word the answer for their readers.
"""

from __future__ import annotations

from edastack.aws import limits

ATTEMPTS_RANGE = f"{limits.RETRY_ATTEMPTS_MIN}-{limits.RETRY_ATTEMPTS_MAX}"
MAX_AGE_RANGE_S = f"{limits.RETRY_MAX_AGE_MIN_S}-{limits.RETRY_MAX_AGE_MAX_S}"


def attempts_allowed(attempts: int) -> bool:
    """Whether EventBridge accepts ``attempts`` as a target's maximum retry attempts."""
    return limits.RETRY_ATTEMPTS_MIN <= attempts <= limits.RETRY_ATTEMPTS_MAX


def max_age_allowed(seconds: float) -> bool:
    """Whether EventBridge accepts ``seconds`` as a target's maximum event age."""
    within = limits.RETRY_MAX_AGE_MIN_S <= seconds <= limits.RETRY_MAX_AGE_MAX_S
    return within and seconds == int(seconds)
