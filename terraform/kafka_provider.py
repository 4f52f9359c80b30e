"""A typed layer over cdktf's generic classes for the ``Mongey/kafka`` Terraform provider.

No prebuilt cdktf binding exists for this provider, so these classes do what a generated one
would: keyword-only, typed arguments named as the provider documents them (its ``docs/`` at
v0.13.1: ``index.md``, ``resources/topic.md``, ``acl.md``, ``quota.md``), rendered as the
resource's attributes; an argument left ``None`` is left out, so the provider's default applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from cdktf import (
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformResourceLifecycle,
)
from constructs import Construct

PROVIDER_SOURCE = "Mongey/kafka"
# Pinned exactly: `terraform init` installs this release (its newest, 2025-09).
PROVIDER_VERSION = "0.13.1"

SaslMechanism = Literal["plain", "scram-sha256", "scram-sha512", "aws-iam", "oauthbearer"]
AclResourceType = Literal["Topic", "Group", "Cluster", "TransactionalID"]
AclOperation = Literal[
    "All",
    "Read",
    "Write",
    "Create",
    "Delete",
    "Alter",
    "Describe",
    "ClusterAction",
    "DescribeConfigs",
    "AlterConfigs",
    "IdempotentWrite",
]
QuotaEntityType = Literal["user", "client-id", "ip"]


def _present(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attributes.items() if value is not None}


class KafkaProvider(TerraformProvider):
    """``provider "kafka"``: how Terraform reaches and authenticates to one cluster.

    Credentials are Terraform expressions (``var.x``), never values: whatever is given here is
    written into the configuration as it is.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bootstrap_servers: Sequence[str],
        alias: str | None = None,
        tls_enabled: bool = True,
        sasl_mechanism: SaslMechanism | None = None,
        sasl_username: str | None = None,
        sasl_password: str | None = None,
        sasl_aws_region: str | None = None,
        client_cert: str | None = None,
        client_key: str | None = None,
        ca_cert: str | None = None,
    ) -> None:
        """
        :param bootstrap_servers: ``host:port`` of the brokers
        :param alias: the provider configuration's alias, for a configuration that reaches
            several clusters. Default: - none (the default configuration)
        :param tls_enabled: TLS to the brokers. Default: - True
        :param sasl_mechanism: SASL mechanism. Default: - none: no SASL unless a username,
            password or ``aws-iam`` is given (then the provider's ``plain``)
        :param sasl_username: Default: - none
        :param sasl_password: Default: - none
        :param sasl_aws_region: the MSK cluster's region, with ``aws-iam``. Default: - none
        :param client_cert: PEM certificate (or a path to one), for mutual TLS. Default: - none
        :param client_key: PEM key of ``client_cert`` (or a path). Default: - none
        :param ca_cert: PEM of the CA that signs the brokers' certificates (or a path).
            Default: - the system's roots
        """
        self._alias = alias  # read by cdktf while the provider is constructed
        super().__init__(
            scope,
            construct_id,
            terraform_resource_type="kafka",
            terraform_generator_metadata=TerraformProviderGeneratorMetadata(
                provider_name="kafka", provider_version=PROVIDER_VERSION
            ),
            terraform_provider_source=PROVIDER_SOURCE,
        )
        self._attributes = _present(
            {
                "bootstrap_servers": list(bootstrap_servers),
                "tls_enabled": tls_enabled,
                "sasl_mechanism": sasl_mechanism,
                "sasl_username": sasl_username,
                "sasl_password": sasl_password,
                "sasl_aws_region": sasl_aws_region,
                "client_cert": client_cert,
                "client_key": client_key,
                "ca_cert": ca_cert,
            }
        )

    # cdktf's TerraformProvider leaves alias to the generated binding, which overrides it.
    @property
    def alias(self) -> str | None:
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes


class _KafkaResource(TerraformResource):
    """A resource of the kafka provider whose attributes are given once, at construction."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        resource_type: str,
        provider: KafkaProvider,
        attributes: Mapping[str, Any],
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            terraform_resource_type=resource_type,
            provider=provider,
            lifecycle=lifecycle,
        )
        self._attributes = _present(attributes)

    def _synthesize_attributes(self) -> Mapping[str, Any]:
        return self._attributes


class KafkaTopic(_KafkaResource):
    """``resource "kafka_topic"``: a topic with its partitions, replication and configs.

    Kafka only adds partitions: the provider replaces a topic whose count goes down, which
    ``prevent_destroy`` turns into a failed plan instead of an empty topic.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: KafkaProvider,
        name: str,
        partitions: int,
        replication_factor: int,
        config: Mapping[str, str] | None = None,
        prevent_destroy: bool = True,
    ) -> None:
        """
        :param name: the topic's name in Kafka; renaming replaces the topic
        :param partitions: at least 1; can only grow
        :param replication_factor: copies of each partition (the provider reassigns replicas
            in place when it changes)
        :param config: topic configs such as ``{"retention.ms": "604800000"}``. Default: - the
            brokers' defaults
        :param prevent_destroy: refuse any plan that destroys the topic (and its records).
            Default: - True
        """
        super().__init__(
            scope,
            construct_id,
            "kafka_topic",
            provider,
            {
                "name": name,
                "partitions": partitions,
                "replication_factor": replication_factor,
                "config": dict(config) if config else None,
            },
            TerraformResourceLifecycle(prevent_destroy=True) if prevent_destroy else None,
        )


class KafkaAcl(_KafkaResource):
    """``resource "kafka_acl"``: one operation on one resource for one principal."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: KafkaProvider,
        resource_type: AclResourceType,
        resource_name: str,
        acl_principal: str,
        acl_operation: AclOperation,
        acl_permission_type: Literal["Allow", "Deny"] = "Allow",
        acl_host: str = "*",
        resource_pattern_type_filter: Literal["Literal", "Prefixed"] = "Literal",
    ) -> None:
        """
        :param resource_name: the topic, group or transactional id (with ``Prefixed``, the
            prefix); ``kafka-cluster`` for the cluster
        :param acl_principal: ``User:<name>`` (SCRAM, PLAIN) or ``User:<certificate subject>``
        :param acl_permission_type: Default: - Allow
        :param acl_host: the client host it applies to. Default: - ``*``, any host
        :param resource_pattern_type_filter: Default: - Literal: exactly ``resource_name``
        """
        super().__init__(
            scope,
            construct_id,
            "kafka_acl",
            provider,
            {
                "resource_type": resource_type,
                "resource_name": resource_name,
                "resource_pattern_type_filter": resource_pattern_type_filter,
                "acl_principal": acl_principal,
                "acl_host": acl_host,
                "acl_operation": acl_operation,
                "acl_permission_type": acl_permission_type,
            },
        )


class KafkaQuota(_KafkaResource):
    """``resource "kafka_quota"``: client quotas on a user, a client id or an IP address."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        provider: KafkaProvider,
        entity_type: QuotaEntityType,
        config: Mapping[str, int],
        entity_name: str | None = None,
    ) -> None:
        """
        :param config: ``producer_byte_rate``, ``consumer_byte_rate`` (bytes per second per
            broker), ``request_percentage`` (of one broker thread), ``connection_creation_rate``
        :param entity_name: the user (without ``User:``), client id or address. Default: -
            none: the default quota of every entity of ``entity_type``
        """
        super().__init__(
            scope,
            construct_id,
            "kafka_quota",
            provider,
            {"entity_type": entity_type, "entity_name": entity_name, "config": dict(config)},
        )
