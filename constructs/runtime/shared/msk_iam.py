"""IAM authentication for kafka-python clients of Amazon MSK (SASL/OAUTHBEARER over TLS).

Bundled next to the handlers that talk to Kafka. Each SASL handshake signs a fresh token with
the function's role (``aws-msk-iam-sasl-signer-python``); the role needs the
``kafka-cluster:*`` actions that ``IKafkaCluster.grant_produce`` and friends grant.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from aws_msk_iam_sasl_signer import MSKAuthTokenProvider  # type: ignore[import-untyped]
from kafka.net.sasl.oauth import AbstractTokenProvider  # type: ignore[import-untyped]

BOOTSTRAP_TIMEOUT_MS = 10_000


class MskIamTokenProvider(AbstractTokenProvider):  # type: ignore[misc]
    """A kafka-python OAUTHBEARER token provider signing MSK IAM tokens for ``region``."""

    def __init__(self, region: str) -> None:
        super().__init__()
        self.region = region

    def token(self) -> str:
        """A token valid for 15 minutes; signing is local, so every handshake gets a new one."""
        token, _expiry_ms = MSKAuthTokenProvider.generate_auth_token(self.region)
        return str(token)


def iam_client_config(
    bootstrap_servers: str, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """kafka-python settings to reach MSK brokers on their IAM port.

    :param bootstrap_servers: comma-separated ``host:port`` list (port 9098 for MSK IAM)
    :param environ: where to read ``AWS_REGION`` (set by Lambda). Default: - ``os.environ``
    """
    env = os.environ if environ is None else environ
    servers = [server.strip() for server in bootstrap_servers.split(",") if server.strip()]
    if not servers:
        raise ValueError(f"bootstrap servers must list host:port pairs, got {bootstrap_servers!r}")
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    if not region:
        raise ValueError("AWS_REGION must be set to sign MSK IAM tokens")
    return {
        "bootstrap_servers": servers,
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "OAUTHBEARER",
        "sasl_oauth_token_provider": MskIamTokenProvider(region),
        # kafka-python waits 30 s for a first broker by default; a Lambda has better uses.
        "bootstrap_timeout_ms": BOOTSTRAP_TIMEOUT_MS,
    }
