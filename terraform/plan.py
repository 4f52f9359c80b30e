"""What a blueprint's Terraform configuration holds, decided without cdktf: the external
clusters it manages, the names it gives their things, a topic's configs.

``edastack synth`` asks :func:`managed_clusters` whether there is anything to write before it
loads cdktf, so a blueprint without external topics never pays for it.
"""

from __future__ import annotations

from edastack.blueprints import model as m

# A topic's retention.ms that keeps records forever (Apache Kafka topic configuration).
RETENTION_FOREVER_MS = -1


def managed_clusters(blueprint: m.Blueprint) -> list[m.KafkaCluster]:
    """The external clusters with topics or a quota, in name order: CloudFormation manages
    neither on a cluster outside AWS, the Terraform configuration does."""
    used = {t.cluster for t in blueprint.topics.values()}
    return [
        blueprint.clusters[name]
        for name in sorted(blueprint.clusters)
        if blueprint.clusters[name].type == "external"
        and (name in used or blueprint.clusters[name].quota is not None)
    ]


def resource_name(name: str) -> str:
    """A blueprint name as a Terraform resource or provider name ('.' is not allowed there).
    Blueprint names differing only in separators are refused, so names stay distinct."""
    return name.replace(".", "_")


def variable_name(cluster: str, what: str) -> str:
    """``<cluster>_<what>``, in the letters a shell variable takes (``TF_VAR_<name>``)."""
    return f"{cluster.replace('.', '_').replace('-', '_')}_{what}"


def topic_config(topic: m.KafkaTopic) -> dict[str, str]:
    """The topic's configs: the keys edastack gives an MSK topic, then its own ``configs``."""
    retention = RETENTION_FOREVER_MS if topic.retention_ms is None else topic.retention_ms
    config = {
        "cleanup.policy": ",".join(sorted(topic.cleanup)),
        "min.insync.replicas": str(topic.min_insync),
        "retention.ms": str(retention),
    }
    if topic.max_message_bytes is not None:
        config["max.message.bytes"] = str(topic.max_message_bytes)
    return {**config, **topic.configs}


def quota_config(quota: m.ClientQuota) -> dict[str, int]:
    """A ``kafka_quota``'s config: the rates the blueprint sets, by Kafka's names."""
    rates = {
        "producer_byte_rate": quota.produce_bytes_per_s,
        "consumer_byte_rate": quota.consume_bytes_per_s,
        "request_percentage": quota.request_percentage,
    }
    return {key: value for key, value in rates.items() if value is not None}
