from collections.abc import Callable
from types import ModuleType
from typing import Any, ClassVar

import pytest
from kafka.admin import AlterConfigOp, KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError, UnknownTopicOrPartitionError

BOOTSTRAP = "b-1.serverless:9098"


class FakeAdmin:
    """An in-memory cluster behind kafka-python's KafkaAdminClient surface."""

    topics: ClassVar[dict[str, dict[str, Any]]] = {}
    instances: ClassVar[list["FakeAdmin"]] = []
    alter_outcome: ClassVar[str] = "OK"

    def __init__(self, **config: Any) -> None:
        self.config = config
        self.calls: list[tuple[str, Any]] = []
        self.closed = False
        FakeAdmin.instances.append(self)

    def create_topics(self, new_topics: dict[str, Any], timeout_ms: int | None = None) -> Any:
        self.calls.append(("create_topics", new_topics))
        for name, spec in new_topics.items():
            if name in self.topics:
                raise TopicAlreadyExistsError(name)
            self.topics[name] = {
                "partitions": spec["num_partitions"],
                "configs": dict(spec["configs"]),
            }
        return {"topics": []}

    def describe_topics(self, topics: list[str] | None = None) -> list[dict[str, Any]]:
        self.calls.append(("describe_topics", topics))
        out = []
        for name in topics or []:
            topic = self.topics.get(name)
            out.append(
                {"name": name, "error_code": 3, "partitions": []}
                if topic is None
                else {
                    "name": name,
                    "error_code": 0,
                    "partitions": [
                        {"partition_index": i, "replica_nodes": [1, 2, 3]}
                        for i in range(topic["partitions"])
                    ],
                }
            )
        return out

    def create_partitions(
        self, topic_partitions: dict[str, int], timeout_ms: int | None = None
    ) -> Any:
        self.calls.append(("create_partitions", topic_partitions))
        for name, count in topic_partitions.items():
            self.topics[name]["partitions"] = count

    def alter_configs(self, config_resources: list[Any], raise_on_unknown: bool = True) -> Any:
        self.calls.append(
            ("alter_configs", [(r.resource_type.name, r.name, r.configs) for r in config_resources])
        )
        return {"topic": {r.name: FakeAdmin.alter_outcome for r in config_resources}}

    def delete_topics(self, topics: list[str], timeout_ms: int | None = None) -> Any:
        self.calls.append(("delete_topics", topics))
        for name in topics:
            if name not in self.topics:
                raise UnknownTopicOrPartitionError(name)
            del self.topics[name]

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def admin(load_handler: Callable[[str], ModuleType], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = load_handler("topic_admin")
    FakeAdmin.topics = {}
    FakeAdmin.instances = []
    FakeAdmin.alter_outcome = "OK"
    monkeypatch.setattr(module, "admin_class", FakeAdmin)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.delenv("BOOTSTRAP_SERVERS", raising=False)
    return module


def props(**overrides: Any) -> dict[str, Any]:
    # CloudFormation delivers every scalar as a string.
    base: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:eu-west-1:111111111111:function:provider",
        "BootstrapServers": BOOTSTRAP,
        "TopicName": "orders",
        "NumPartitions": "6",
        "Configs": {"retention.ms": "86400000", "cleanup.policy": "delete"},
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def calls(kind: str) -> list[Any]:
    return [args for admin in FakeAdmin.instances for name, args in admin.calls if name == kind]


def test_create_makes_the_topic_and_returns_its_name_as_physical_id(admin: ModuleType) -> None:
    response = admin.on_event({"RequestType": "Create", "ResourceProperties": props()}, None)

    assert response == {
        "PhysicalResourceId": "orders",
        "Data": {"TopicName": "orders", "NumPartitions": 6},
    }
    assert calls("create_topics") == [
        {
            "orders": {
                "num_partitions": 6,
                "replication_factor": -1,
                "configs": {"retention.ms": "86400000", "cleanup.policy": "delete"},
            }
        }
    ]
    assert calls("alter_configs") == []
    (client,) = FakeAdmin.instances
    assert client.closed
    assert client.config["sasl_mechanism"] == "OAUTHBEARER"
    assert client.config["bootstrap_servers"] == [BOOTSTRAP]


def test_every_admin_setting_is_a_kafka_python_setting(admin: ModuleType) -> None:
    spec = admin.TopicSpec.from_properties(props())
    assert set(admin.admin_config(spec)) <= set(KafkaAdminClient.DEFAULT_CONFIG)


def test_create_of_an_existing_topic_grows_it_and_sets_only_listed_configs(
    admin: ModuleType,
) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 3, "configs": {"max.message.bytes": "2000000"}}}

    response = admin.on_event({"RequestType": "Create", "ResourceProperties": props()}, None)

    assert response["PhysicalResourceId"] == "orders"
    assert calls("create_partitions") == [{"orders": 6}]
    assert calls("alter_configs") == [
        [("TOPIC", "orders", {"retention.ms": "86400000", "cleanup.policy": "delete"})]
    ]


def test_update_grows_partitions_sets_configs_and_resets_removed_ones(admin: ModuleType) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    event = {
        "RequestType": "Update",
        "PhysicalResourceId": "orders",
        "OldResourceProperties": props(),
        "ResourceProperties": props(NumPartitions="12", Configs={"retention.ms": "3600000"}),
    }

    response = admin.on_event(event, None)

    assert response == {
        "PhysicalResourceId": "orders",
        "Data": {"TopicName": "orders", "NumPartitions": 12},
    }
    assert calls("create_partitions") == [{"orders": 12}]
    assert calls("alter_configs") == [
        [
            (
                "TOPIC",
                "orders",
                {"retention.ms": "3600000", "cleanup.policy": (AlterConfigOp.DELETE, None)},
            )
        ]
    ]


def test_update_recreates_a_topic_missing_from_a_replaced_cluster(admin: ModuleType) -> None:
    event = {
        "RequestType": "Update",
        "PhysicalResourceId": "orders",
        "OldResourceProperties": props(BootstrapServers="old:9098"),
        "ResourceProperties": props(),
    }
    admin.on_event(event, None)
    assert FakeAdmin.topics["orders"]["partitions"] == 6


def test_fails_when_partitions_would_shrink(admin: ModuleType) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 12, "configs": {}}}
    event = {
        "RequestType": "Update",
        "PhysicalResourceId": "orders",
        "OldResourceProperties": props(NumPartitions="12"),
        "ResourceProperties": props(NumPartitions="6"),
    }
    with pytest.raises(admin.TopicAdminError) as raised:
        admin.on_event(event, None)
    assert str(raised.value) == (
        "topic 'orders' has 12 partitions and partitions can only grow, got NumPartitions 6"
    )
    assert calls("create_partitions") == [] and calls("alter_configs") == []
    assert all(client.closed for client in FakeAdmin.instances)


def test_fails_when_the_replication_factor_changes_in_place(admin: ModuleType) -> None:
    event = {
        "RequestType": "Update",
        "PhysicalResourceId": "orders",
        "OldResourceProperties": props(ReplicationFactor="3"),
        "ResourceProperties": props(ReplicationFactor="2"),
    }
    with pytest.raises(admin.InvalidPropertiesError) as raised:
        admin.on_event(event, None)
    assert str(raised.value) == (
        "ReplicationFactor of topic 'orders' cannot change in place (3 to 2); "
        "create a topic with a new TopicName instead"
    )
    assert FakeAdmin.instances == []


def test_renaming_creates_the_new_topic_and_leaves_the_old_to_delete(admin: ModuleType) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    event = {
        "RequestType": "Update",
        "PhysicalResourceId": "orders",
        "OldResourceProperties": props(ReplicationFactor="3"),
        "ResourceProperties": props(TopicName="orders-v2", ReplicationFactor="3"),
    }
    response = admin.on_event(event, None)
    assert response["PhysicalResourceId"] == "orders-v2"
    assert set(FakeAdmin.topics) == {"orders", "orders-v2"}
    assert calls("delete_topics") == []


def test_fails_when_altering_configs_is_refused(admin: ModuleType) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    FakeAdmin.alter_outcome = "InvalidConfigurationError: [Error 40] unknown"
    with pytest.raises(admin.TopicAdminError) as raised:
        admin.on_event({"RequestType": "Create", "ResourceProperties": props()}, None)
    assert str(raised.value) == (
        "altering configs ['cleanup.policy', 'retention.ms'] of topic 'orders': "
        "InvalidConfigurationError: [Error 40] unknown"
    )


def test_delete_retains_the_topic_by_default(admin: ModuleType) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    event = {"RequestType": "Delete", "PhysicalResourceId": "orders", "ResourceProperties": props()}
    assert admin.on_event(event, None) == {"PhysicalResourceId": "orders"}
    assert "orders" in FakeAdmin.topics
    assert FakeAdmin.instances == []


@pytest.mark.parametrize("existing", [True, False], ids=["present", "already_gone"])
def test_delete_with_destroy_deletes_the_topic(admin: ModuleType, existing: bool) -> None:
    if existing:
        FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    event = {
        "RequestType": "Delete",
        "PhysicalResourceId": "orders",
        "ResourceProperties": props(RemovalPolicy="destroy"),
    }
    assert admin.on_event(event, None) == {"PhysicalResourceId": "orders"}
    assert calls("delete_topics") == [["orders"]]
    assert FakeAdmin.topics == {}
    assert all(client.closed for client in FakeAdmin.instances)


@pytest.mark.parametrize(
    ("physical_id", "properties"),
    [
        pytest.param("2026/11/25/[$LATEST]abc", props(RemovalPolicy="destroy"), id="failed_create"),
        pytest.param("orders", props(RemovalPolicy="destroy", NumPartitions="0"), id="invalid"),
    ],
)
def test_delete_with_destroy_leaves_topics_it_did_not_create(
    admin: ModuleType, physical_id: str, properties: dict[str, Any]
) -> None:
    FakeAdmin.topics = {"orders": {"partitions": 6, "configs": {}}}
    event = {
        "RequestType": "Delete",
        "PhysicalResourceId": physical_id,
        "ResourceProperties": properties,
    }
    assert admin.on_event(event, None) == {"PhysicalResourceId": physical_id}
    assert "orders" in FakeAdmin.topics


def test_fails_listing_every_invalid_property(admin: ModuleType) -> None:
    bad = props(
        BootstrapServers=None,
        TopicName="orders/eu",
        NumPartitions="0",
        ReplicationFactor="three",
        Configs={"retention.ms": {"nested": 1}},
        RemovalPolicy="snapshot",
    )
    with pytest.raises(admin.InvalidPropertiesError) as raised:
        admin.on_event({"RequestType": "Create", "ResourceProperties": bad}, None)
    assert str(raised.value) == (
        "BootstrapServers must be set (or the function's BOOTSTRAP_SERVERS); "
        "TopicName must be 1 to 249 letters, digits, '.', '_' or '-', got 'orders/eu'; "
        "NumPartitions must be at least 1, got 0; "
        "ReplicationFactor must be a whole number, got 'three'; "
        "Configs.retention.ms must be a string, got {'nested': 1}; "
        "RemovalPolicy must be 'retain' or 'destroy', got 'snapshot'"
    )


def test_bootstrap_servers_may_come_from_the_function_environment(
    admin: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOOTSTRAP_SERVERS", "env-broker:9098")
    admin.on_event(
        {"RequestType": "Create", "ResourceProperties": props(BootstrapServers=None)}, None
    )
    assert FakeAdmin.instances[0].config["bootstrap_servers"] == ["env-broker:9098"]
