"""What an ARN says about itself, read without the CDK."""

from __future__ import annotations


def account_of(arn: str) -> str | None:
    """The account of an ARN (``arn:partition:service:region:account:resource``), or None when
    it has none (S3 buckets) or it is not a literal account id."""
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4].isdigit() else None
