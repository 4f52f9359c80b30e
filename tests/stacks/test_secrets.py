"""The README's secrets table, as the templates have it: which secret each resource names and
which of its keys AWS reads."""

from __future__ import annotations

import json

from aws_cdk.assertions import Match, Template

from tests.stacks.conftest import Build

SECRET = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:hook-AbCdEf"
HEAD = """\
blueprint: s
environments:
  dev: {account: "111111111111", region: eu-west-1}
"""
API = (
    HEAD
    + """\
eventbridge:
  buses: {main: {}}
  rules:
    r:
      pattern: {source: [shop]}
      targets:
        key:
          api: {url: "https://h.example.com/a", auth: {api_key: {header: X-Key, secret: "SECRET"}}}
        basic:
          api: {url: "https://h.example.com/b", auth: {basic: {username: u, secret: "SECRET"}}}
""".replace("SECRET", SECRET)
)
EXTERNAL = (
    HEAD
    + """\
kafka:
  clusters:
    dc:
      type: external
      bootstrap_servers: ["kafka-1.dc.example.com:9096"]
      auth: AUTH
      secret: "SECRET"
      principal: User:edastack
      acknowledge: {external-network: "hosted brokers with public addresses, for this test"}
  topics: {orders: {cluster: dc}}
eventbridge:
  buses: {main: {archive: 7d}}
  rules:
    r:
      pattern: {source: [shop]}
      targets: {fn: {lambda: "arn:aws:lambda:eu-west-1:111111111111:function:f"}}
bridges:
  in: {from: {topic: orders}, to: {bus: main, detail_type: Order, source: shop}}
""".replace("SECRET", SECRET)
)
SCRAM_MSK = (
    HEAD
    + """\
kafka:
  clusters:
    core: {brokers: {count: 3}, auth: scram}
"""
)


def test_an_api_destination_reads_the_whole_secret_string(synth: Build) -> None:
    stacks = synth(API)
    (rules,) = [s for name, s in stacks.items() if "-rules-" in name]
    connections = Template.from_stack(rules).find_resources("AWS::Events::Connection")
    reference = f"{{{{resolve:secretsmanager:{SECRET}:SecretString:::}}}}"
    found = sorted(json.dumps(c["Properties"]["AuthParameters"]) for c in connections.values())
    assert found == sorted(
        [
            json.dumps({"ApiKeyAuthParameters": {"ApiKeyName": "X-Key", "ApiKeyValue": reference}}),
            json.dumps({"BasicAuthParameters": {"Password": reference, "Username": "u"}}),
        ]
    )


def _mapping_access(synth: Build, auth: str) -> list[dict[str, str]]:
    events = Template.from_stack(synth(EXTERNAL.replace("AUTH", auth))["s-dev-events"])
    (mapping,) = events.find_resources("AWS::Lambda::EventSourceMapping").values()
    access: list[dict[str, str]] = mapping["Properties"]["SourceAccessConfigurations"]
    events.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": Match.array_with(["secretsmanager:GetSecretValue"]),
                                "Resource": SECRET,
                            }
                        )
                    ]
                )
            }
        },
    )
    return access


def test_an_external_scram_cluster_s_secret_is_the_pollers_scram_512_user(synth: Build) -> None:
    assert _mapping_access(synth, "scram") == [{"Type": "SASL_SCRAM_512_AUTH", "URI": SECRET}]


def test_an_external_mtls_cluster_s_secret_is_the_client_certificate_and_no_root_ca(
    synth: Build,
) -> None:
    assert _mapping_access(synth, "mtls") == [
        {"Type": "CLIENT_CERTIFICATE_TLS_AUTH", "URI": SECRET}
    ]


def test_a_scram_msk_cluster_gets_a_generated_username_and_password(synth: Build) -> None:
    kafka = Template.from_stack(synth(SCRAM_MSK)["s-dev-kafka"])
    (secret,) = kafka.find_resources("AWS::SecretsManager::Secret").values()
    properties = secret["Properties"]
    assert properties["Name"] == "AmazonMSK_s-dev-core_client"
    generated = properties["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {"username": "client"}
    assert (generated["GenerateStringKey"], generated["PasswordLength"]) == ("password", 32)
    assert generated["ExcludePunctuation"] is True
    assert "KmsKeyId" in properties
