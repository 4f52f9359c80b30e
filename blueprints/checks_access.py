"""Semantic checks of an external cluster's access: the principal edastack's bridges
authenticate as, which the Terraform configuration grants their ACLs, and the quotas on it."""

from __future__ import annotations

from collections.abc import Iterator

from edastack.blueprints import model as m
from edastack.blueprints.checks_base import Checks
from edastack.blueprints.findings import Finding, error, warning
from edastack.blueprints.kafka_access import cluster_grants


def access(ctx: Checks) -> Iterator[Finding]:
    for c in ctx.bp.clusters.values():
        yield from _cluster_access(ctx, c)


def _cluster_access(ctx: Checks, c: m.KafkaCluster) -> Iterator[Finding]:
    bp = ctx.bp
    p = c.path
    given = [key for key, value in (("principal", c.principal), ("quota", c.quota)) if value]
    if c.type != "external":
        for key in given:
            yield error(
                "cluster-option",
                (*p, key),
                f"'{key}' applies to external clusters, whose ACLs and quotas edastack writes "
                "as Terraform; edastack's clients of an MSK cluster authenticate with IAM",
            )
    elif "iam" in c.auth:
        for key in given:
            yield error(
                "cluster-option",
                (*p, key),
                "iam clients of MSK are authorized by their role's IAM policy, which edastack "
                f"grants, not by Kafka ACLs or quotas on a principal; remove {key}",
            )
    elif c.quota is not None and c.principal is None:
        yield error(
            "cluster-option",
            (*p, "quota"),
            "quota applies to the principal edastack's bridges authenticate as; set principal",
        )
    elif (
        c.principal is None
        and (grants := cluster_grants(bp, c.name))
        and not ctx.acknowledged(c.acknowledged, "no-acls")
    ):
        # A warning, not an error: such blueprints validated before edastack wrote ACLs.
        bridges = ", ".join(sorted({f"'{b}'" for g in grants for b in g.bridges}))
        who = "the secret's SCRAM username" if c.auth == ("scram",) else "the certificate's subject"
        yield warning(
            "no-acls",
            p,
            f"cluster '{c.name}' has no principal, so the Terraform configuration edastack synth "
            f"writes grants its bridges ({bridges}) no ACLs: add principal: User:<{who}>, or "
            "acknowledge: {no-acls: <reason>} (ACLs managed elsewhere)",
        )
