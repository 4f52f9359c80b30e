"""How Kafka clients authenticate: IAM, SCRAM or mutual TLS.

Which modes a cluster enables and which one its bridges use, how an MSK provisioned cluster
declares them (``ClientAuthentication``) and the SCRAM credentials it is associated with.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence

from aws_cdk import Acknowledgment, RemovalPolicy, Token, Validations
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_msk as msk
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from edastack.aws import defaults, limits
from edastack.constructs.encryption_key import new_key


class KafkaAuth(enum.Enum):
    """How Kafka clients authenticate; the value is the key of ``limits.KAFKA_PORTS``."""

    IAM = "iam"
    SCRAM = "scram"
    MTLS = "mtls"

    @property
    def port(self) -> int:
        return limits.KAFKA_PORTS[self.value]


# Which auth a bridge uses when several are enabled: one rule, which validate asks too.
AUTH_PREFERENCE = tuple(KafkaAuth(mode) for mode in defaults.BRIDGE_AUTH_PREFERENCE)


def preferred_auth(modes: Sequence[KafkaAuth]) -> KafkaAuth:
    """The mode clients of bridges use among the enabled ``modes``."""
    return KafkaAuth(defaults.bridge_auth(mode.value for mode in modes))


def check_client_auth(client_auth: Sequence[KafkaAuth], errors: list[str]) -> tuple[KafkaAuth, ...]:
    """The enabled modes in order of preference; none at all is an error."""
    modes = tuple(mode for mode in AUTH_PREFERENCE if mode in client_auth)
    if not modes:
        errors.append(
            "client_auth must name at least one of iam, scram, mtls, got none; "
            "unauthenticated access is never allowed"
        )
    return modes


def check_credentials(
    modes: Sequence[KafkaAuth],
    mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority],
    scram_secrets: Sequence[secretsmanager.ISecret] | None,
    errors: list[str],
) -> None:
    """Certificate authorities come with mtls and only with it; SCRAM secrets likewise with
    scram, and MSK only associates secrets named ``AmazonMSK_*``."""
    if KafkaAuth.MTLS in modes and not mtls_certificate_authorities:
        errors.append("client_auth mtls needs mtls_certificate_authorities, got none")
    if mtls_certificate_authorities and KafkaAuth.MTLS not in modes:
        errors.append("mtls_certificate_authorities is set but client_auth lacks mtls")
    if scram_secrets is None:
        return
    if KafkaAuth.SCRAM not in modes:
        errors.append("scram_secrets is set but client_auth lacks scram")
    if not scram_secrets:
        errors.append("scram_secrets must hold at least one secret, got none")
    for secret in scram_secrets:
        secret_name = _secret_name(secret)
        if secret_name is not None and not secret_name.startswith("AmazonMSK_"):
            errors.append(f"scram secret names must start with AmazonMSK_, got {secret_name!r}")


def client_authentication(
    modes: Sequence[KafkaAuth],
    mtls_certificate_authorities: Sequence[acmpca.ICertificateAuthority],
) -> msk.CfnCluster.ClientAuthenticationProperty:
    """The provisioned cluster's ``ClientAuthentication``: the enabled modes, never
    unauthenticated."""
    sasl = (
        msk.CfnCluster.SaslProperty(
            iam=msk.CfnCluster.IamProperty(enabled=True) if KafkaAuth.IAM in modes else None,
            scram=(
                msk.CfnCluster.ScramProperty(enabled=True) if KafkaAuth.SCRAM in modes else None
            ),
        )
        if KafkaAuth.IAM in modes or KafkaAuth.SCRAM in modes
        else None
    )
    tls = (
        msk.CfnCluster.TlsProperty(
            enabled=True,
            certificate_authority_arn_list=[
                ca.certificate_authority_arn for ca in mtls_certificate_authorities
            ],
        )
        if KafkaAuth.MTLS in modes
        else None
    )
    return msk.CfnCluster.ClientAuthenticationProperty(
        sasl=sasl,
        tls=tls,
        unauthenticated=msk.CfnCluster.UnauthenticatedProperty(enabled=False),
    )


def associate_scram_secrets(
    cluster: Construct,
    *,
    cluster_arn: str,
    cluster_name: str,
    scram_secrets: Sequence[secretsmanager.ISecret] | None,
    removal_policy: RemovalPolicy,
) -> list[secretsmanager.ISecret]:
    """Associate ``scram_secrets`` (or one created secret) with the cluster; returns them."""
    secrets = (
        list(scram_secrets)
        if scram_secrets is not None
        else [_create_scram_secret(cluster, cluster_name, removal_policy)]
    )
    msk.CfnBatchScramSecret(
        cluster,
        "ScramSecrets",
        cluster_arn=cluster_arn,
        secret_arn_list=[secret.secret_arn for secret in secrets],
    )
    return secrets


def _create_scram_secret(
    cluster: Construct, cluster_name: str, removal_policy: RemovalPolicy
) -> secretsmanager.ISecret:
    # MSK refuses SCRAM secrets encrypted with the AWS managed Secrets Manager key.
    key = new_key(
        cluster,
        "ScramSecretKey",
        description=f"Encrypts the SCRAM credentials of MSK cluster {cluster_name}",
        removal_policy=removal_policy,
    )
    secret = secretsmanager.Secret(
        cluster,
        "ScramSecret",
        secret_name=f"AmazonMSK_{cluster_name}_client",
        description=f"SCRAM user of MSK cluster {cluster_name}",
        encryption_key=key,
        generate_secret_string=secretsmanager.SecretStringGenerator(
            secret_string_template=json.dumps({"username": "client"}),
            generate_string_key="password",
            exclude_punctuation=True,
            password_length=32,
        ),
        removal_policy=removal_policy,
    )
    Validations.of(secret).acknowledge(
        Acknowledgment(
            id="AwsSolutions::AwsSolutions-SMG4",
            reason=(
                "the SCRAM credentials of an MSK cluster: Secrets Manager has no rotation "
                "function for them, and a rotation must update every client at once; rotate by "
                "writing a new password to the secret (MSK reads it on association)"
            ),
        )
    )
    return secret


def _secret_name(secret: secretsmanager.ISecret) -> str | None:
    """The secret's name when known at synth time (imported by name, or created with a name)."""
    if not Token.is_unresolved(secret.secret_name):
        return secret.secret_name
    child = secret.node.default_child
    if isinstance(child, secretsmanager.CfnSecret) and child.name is not None:
        return None if Token.is_unresolved(child.name) else child.name
    return None
