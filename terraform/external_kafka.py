"""The Terraform configuration of one blueprint in one environment: on each external Kafka
cluster with something to manage, its topics, the ACLs edastack's bridges need and the quotas
on their principal — what CloudFormation cannot manage on a cluster outside AWS.

Terraform reaches each cluster with a ``kafka`` provider configuration of its own (aliased by
the cluster's name) and credentials of its own: Terraform variables, sensitive, never values.
It administers the cluster (creates topics, writes ACLs), which the bridges' principal may not,
so it does not read the bridges' secret.
"""

from __future__ import annotations

from typing import Any

from cdktf import LocalBackend, TerraformStack, TerraformVariable
from constructs import Construct

from edastack.blueprints import model as m
from edastack.blueprints.kafka_access import cluster_grants
from edastack.terraform.kafka_provider import KafkaAcl, KafkaProvider, KafkaQuota, KafkaTopic
from edastack.terraform.plan import (
    managed_clusters,
    quota_config,
    resource_name,
    topic_config,
    variable_name,
)

# Local state beside the assembly folder, not in it: `edastack synth` replaces that folder
# whole, state included. As cdktf keeps `terraform.<stack>.tfstate` beside its cdktf.out, but
# relative to the stack's folder (<out>/terraform/stacks/<stack>), not an absolute path of the
# machine that synthesizes. A `*_override.tf.json` there chooses a shared backend instead.
STATE_PATH = "../../../../terraform.{stack}.tfstate"


class ExternalKafkaStack(TerraformStack):
    """Topics, ACLs and quotas of ``blueprint``'s external clusters (``managed_clusters``).

    Terraform names are the blueprint's: ``kafka_topic.<topic>``, ``kafka_acl.topic_<topic>_
    <operation>`` and ``group_<bridge>_read``, ``kafka_quota.<cluster>``. A topic's
    ``prevent_destroy`` refuses every plan that deletes it (fewer partitions, a new name in
    Kafka, ``terraform destroy``) but one: a renamed key is a resource Terraform no longer
    sees, so move its state first (``terraform state mv``).
    """

    def __init__(self, scope: Construct, construct_id: str, *, blueprint: m.Blueprint) -> None:
        super().__init__(scope, construct_id)
        LocalBackend(self, path=STATE_PATH.format(stack=construct_id))
        self.blueprint = blueprint
        for cluster in managed_clusters(blueprint):
            provider = self._provider(cluster)
            self._topics(cluster, provider)
            self._acls(cluster, provider)
            if cluster.quota is not None and cluster.principal is not None:
                self._quota(cluster, cluster.quota, cluster.principal, provider)

    def _provider(self, c: m.KafkaCluster) -> KafkaProvider:
        """TLS always (the provider's default, written out); how Terraform signs in follows
        the cluster's auth."""
        return KafkaProvider(
            self,
            f"Provider-{c.name}",
            bootstrap_servers=c.bootstrap_servers,
            alias=resource_name(c.name),
            tls_enabled=True,
            **self._sign_in(c),
        )

    def _sign_in(self, c: m.KafkaCluster) -> dict[str, Any]:
        """SASL/SCRAM, mutual TLS or MSK's IAM, as the cluster's clients use."""
        if c.auth == ("iam",):
            assert c.arn is not None  # validate requires it with iam
            # signed by whoever runs Terraform (its AWS profile or role): nothing to store
            return {"sasl_mechanism": "aws-iam", "sasl_aws_region": c.arn.split(":")[3]}
        ca_cert = self._variable(
            c,
            "ca_cert",
            "PEM of the CA that signs the brokers' certificates, or a path to it; empty: the "
            "system's roots",
            sensitive=False,
        )
        if c.auth == ("scram",):
            return {
                "sasl_mechanism": "scram-sha512",
                "sasl_username": self._variable(c, "sasl_username", "SCRAM user Terraform uses"),
                "sasl_password": self._variable(c, "sasl_password", "that user's password"),
                "ca_cert": ca_cert,
            }
        return {
            "client_cert": self._variable(
                c, "client_cert", "PEM client certificate Terraform uses (or a path)"
            ),
            "client_key": self._variable(c, "client_key", "PEM key of the certificate (or a path)"),
            "ca_cert": ca_cert,
        }

    def _variable(
        self, c: m.KafkaCluster, what: str, description: str, *, sensitive: bool = True
    ) -> str:
        """``${var.<cluster>_<what>}``: set it with ``TF_VAR_<cluster>_<what>``."""
        name = variable_name(c.name, what)
        variable = TerraformVariable(
            self,
            f"Variable-{c.name}-{what}",
            type="string",
            description=f"Kafka cluster {c.name}: {description}",
            sensitive=sensitive or None,
            default=None if sensitive else "",
        )
        variable.override_logical_id(name)
        return variable.string_value

    def _topics(self, c: m.KafkaCluster, provider: KafkaProvider) -> None:
        for name in sorted(self.blueprint.topics):
            t = self.blueprint.topics[name]
            if t.cluster != c.name:
                continue
            KafkaTopic(
                self,
                f"Topic-{name}",
                provider=provider,
                name=t.topic_name,
                partitions=t.partitions,
                replication_factor=t.replication,
                config=topic_config(t),
            ).override_logical_id(resource_name(name))

    def _acls(self, c: m.KafkaCluster, provider: KafkaProvider) -> None:
        """Exactly what each bridge needs (``kafka_access.cluster_grants``), for the principal
        they all authenticate as."""
        if c.principal is None:
            return  # iam: the roles are granted in IAM; scram or mtls: validate warns (no-acls)
        for grant in cluster_grants(self.blueprint, c.name):
            kind = grant.resource_type.lower()
            name = f"{kind}_{resource_name(grant.owner)}_{grant.operation.lower()}"
            KafkaAcl(
                self,
                f"Acl-{name}",
                provider=provider,
                resource_type=grant.resource_type,
                resource_name=grant.resource_name,
                acl_principal=c.principal,
                acl_operation=grant.operation,
            ).override_logical_id(name)

    def _quota(
        self, c: m.KafkaCluster, quota: m.ClientQuota, principal: str, provider: KafkaProvider
    ) -> None:
        KafkaQuota(
            self,
            f"Quota-{c.name}",
            provider=provider,
            entity_type="user",
            entity_name=principal.removeprefix("User:"),
            config=quota_config(quota),
        ).override_logical_id(resource_name(c.name))
