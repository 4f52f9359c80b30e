"""The loader: YAML safety, positions, includes, environment overrides and ``${variables}``."""

from __future__ import annotations

import math
import textwrap
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from edastack.blueprints import loader
from edastack.blueprints.loader import load_tree, to_data
from edastack.blueprints.validate import FileReport

Messages = Callable[..., list[str]]
Report = Callable[..., FileReport]

TAGS_ALLOWED = "(allowed: !!str, !!int, !!float, !!bool, !!null, !!map, !!seq)"


# --- reading and composing -------------------------------------------------------------------


def _billion_laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        items = ", ".join([f"*l{i - 1}"] * 9)
        lines.append(f"l{i}: &l{i} [{items}]")
    return "\n".join(lines) + "\n"


BOMB_MESSAGE = (
    "aliases expand to more than 10,000 values; refusing what looks like a YAML bomb "
    "(write the values out or use include:)"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "blueprint: demo\nkafka: [clusters\n",
            [
                "bp.yaml:3:1: $: invalid YAML: did not find expected ',' or ']' "
                "(while parsing a flow sequence at line 2, column 8)"
            ],
            id="unclosed_flow_sequence",
        ),
        pytest.param(
            "blueprint: demo\n  owner: x\n",
            ["bp.yaml:2:8: $: invalid YAML: mapping values are not allowed in this context"],
            id="bad_indentation",
        ),
        pytest.param(
            "blueprint: demo\n\towner: x\n",
            [
                "bp.yaml:2:1: $: invalid YAML: found a tab character that violates indentation "
                "(while scanning a plain scalar at line 1, column 12)"
            ],
            id="tab_indentation",
        ),
        pytest.param(
            "blueprint: demo\n---\nblueprint: other\n",
            ["bp.yaml:2:1: $: a blueprint is one YAML document; found a second one (---)"],
            id="two_documents",
        ),
        pytest.param(
            "blueprint: demo\nowner: a\nowner: b\n",
            ["bp.yaml:3:1: $.owner: duplicate key 'owner' (first defined at line 2, column 1)"],
            id="duplicate_top_level_key",
        ),
        pytest.param(
            "blueprint: demo\nqueues:\n  inbox: {}\n  inbox: {fifo: true}\n",
            [
                "bp.yaml:4:3: $.queues.inbox: duplicate key 'inbox' "
                "(first defined at line 3, column 3)"
            ],
            id="duplicate_nested_key",
        ),
        pytest.param(
            "blueprint: demo\ntags: &t {team: a}\nowner: x\nqueues:\n  q:\n    <<: {fifo: true}\n",
            [
                "bp.yaml:6:5: $.queues.q: merge keys (<<) are not supported; use include: or "
                "repeat the keys"
            ],
            id="merge_key",
        ),
        pytest.param(
            "blueprint: demo\ntags: &t {team: a}\nqueues:\n  q: {}\nalarms: {}\nowner: *t\n",
            ["bp.yaml:2:7: $.owner: expected a string, found a mapping"],
            id="alias_keeps_the_anchor_position",
        ),
        pytest.param(
            "",
            ["bp.yaml:1:1: $: the file is empty"],
            id="empty_file",
        ),
        pytest.param(
            "# nothing but a comment\n\n",
            ["bp.yaml:1:1: $: the file is empty"],
            id="comments_only",
        ),
        pytest.param(
            "- blueprint: demo\n",
            ["bp.yaml:1:1: $: a blueprint is a mapping of sections, found a list"],
            id="top_level_list",
        ),
        pytest.param(
            "demo\n",
            ["bp.yaml:1:1: $: a blueprint is a mapping of sections, found the scalar 'demo'"],
            id="top_level_scalar",
        ),
        pytest.param(
            "blueprint: demo\n~: x\n",
            ["bp.yaml:2:1: $: mapping keys must be plain strings"],
            id="null_key",
        ),
        pytest.param(
            "blueprint: demo\n? [a, b]\n: x\n",
            ["bp.yaml:2:3: $: mapping keys must be plain strings"],
            id="list_key",
        ),
        pytest.param(
            "blueprint: demo\ntags:\n  x: &a\n    y: *a\n",
            ["bp.yaml:4:8: $.tags.x.y: recursive alias: a value contains itself"],
            id="recursive_alias",
        ),
        pytest.param(
            _billion_laughs(),
            # the alias *l3 that overruns the budget: "l4: &l4 [*l3" puts it in column 10
            [f"bp.yaml:5:10: $.l4[0]: {BOMB_MESSAGE}"],
            id="billion_laughs",
        ),
    ],
)
def test_fails_when_yaml_is_broken(messages: Messages, text: str, expected: list[str]) -> None:
    assert messages(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "blueprint: demo\ndescription: !!python/object/apply:os.system [echo pwned]\n",
            [
                "bp.yaml:2:14: $.description: unsupported YAML tag "
                f"'!!python/object/apply:os.system'; blueprints are plain YAML {TAGS_ALLOWED}"
            ],
            id="python_object_apply",
        ),
        pytest.param(
            "blueprint: demo\ndescription: !Ref OrdersTopic\n",
            [
                "bp.yaml:2:14: $.description: unsupported YAML tag '!Ref'; blueprints are "
                f"plain YAML {TAGS_ALLOWED}"
            ],
            id="cloudformation_ref",
        ),
        pytest.param(
            "blueprint: demo\nqueues: !!set {a, b}\n",
            [
                "bp.yaml:2:9: $.queues: unsupported YAML tag '!!set'; blueprints are plain "
                f"YAML {TAGS_ALLOWED}"
            ],
            id="set_tag",
        ),
    ],
)
def test_fails_when_a_tag_is_not_plain(messages: Messages, text: str, expected: list[str]) -> None:
    assert messages(text) == expected


def test_unsafe_tag_never_runs(report: Report, workdir: Path) -> None:
    marker = workdir / "pwned"
    text = f"blueprint: demo\ndescription: !!python/object/apply:os.system ['touch {marker}']\n"
    found = report(text)
    assert "yaml-tag" in [f.code for f in found.findings]
    assert not marker.exists()


def test_accepts_explicit_plain_tags(report: Report) -> None:
    found = report("blueprint: demo\nowner: !!str 123\ndescription: !!str yes\n")
    assert found.findings == []
    assert found.blueprints["default"].owner == "123"
    assert found.blueprints["default"].description == "yes"


def test_refuses_billion_laughs_without_expanding_it(report: Report) -> None:
    text = _billion_laughs()
    tracemalloc.start()
    try:
        found = report(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [(f.code, f.json_path, f.message) for f in found.findings] == [
        ("yaml-alias", "$.l4[0]", BOMB_MESSAGE)
    ]
    # 9**9 = 387 million strings if expanded; the budget stops it long before.
    assert peak < 50 * 2**20, f"peak memory {peak / 2**20:.1f} MiB"


def test_aliases_within_the_budget_are_expanded(report: Report) -> None:
    text = """\
    blueprint: demo
    eventbridge:
      buses:
        main: {}
      rules:
        a:
          pattern: &p {source: [shop], detail-type: [OrderPlaced]}
          targets: {q: {sqs: inbox}}
        b:
          pattern: *p
          targets: {q: {sqs: inbox}}
    queues:
      inbox: {}
    """
    found = report(textwrap.dedent(text))
    assert found.findings == []
    rules = found.blueprints["default"].rules
    assert (
        rules["b"].pattern
        == rules["a"].pattern
        == {
            "source": ["shop"],
            "detail-type": ["OrderPlaced"],
        }
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(
            b"blueprint: demo\nowner: a\x00b\n",
            "bp.yaml:2:9: $: binary file (NUL byte); blueprints are UTF-8 YAML text",
            id="nul_byte",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "bp.yaml:3:1: $: binary file (NUL byte); blueprints are UTF-8 YAML text",
            id="png_file",
        ),
        pytest.param(
            b"blueprint: demo\nowner: caf\xe9\n",
            "bp.yaml:2:11: $: invalid UTF-8 (byte 0xe9); blueprints must be UTF-8 text",
            id="latin1_byte",
        ),
        pytest.param(
            b"blueprint: demo\ndescription: \xff\xfe\n",
            "bp.yaml:2:14: $: invalid UTF-8 (byte 0xff); blueprints must be UTF-8 text",
            id="invalid_start_byte",
        ),
    ],
)
def test_fails_when_bytes_are_not_utf8_text(
    messages: Messages, content: bytes, expected: str
) -> None:
    assert messages(content) == [expected]


def test_accepts_utf8_with_bom_and_non_ascii(report: Report) -> None:
    found = report("\ufeffblueprint: demo\ndescription: Café ☕ €\n".encode())
    assert found.findings == []
    assert found.blueprints["default"].description == "Café ☕ €"


def test_fails_when_file_is_over_the_size_cap(messages: Messages) -> None:
    size = loader.MAX_FILE_BYTES + 1
    head = b"blueprint: demo\n"
    content = head + b"#" * (size - len(head) - 1) + b"\n"
    assert messages(content) == [
        f"bp.yaml:1:1: $: file is {size:,} bytes; blueprints are limited to "
        f"{loader.MAX_FILE_BYTES:,} bytes (split it with include:)"
    ]


def test_accepts_a_file_exactly_at_the_size_cap(report: Report) -> None:
    head = b"blueprint: demo\n"
    content = head + b"#" * (loader.MAX_FILE_BYTES - len(head) - 1) + b"\n"
    assert len(content) == loader.MAX_FILE_BYTES
    assert report(content).findings == []


def test_size_cap_refuses_before_parsing(report: Report) -> None:
    # A huge file of deeply nested flow collections would be slow to parse; the cap answers
    # from the file size. (No timing assertion: the finding's code shows which path ran.)
    content = b"blueprint: demo\nx: " + b"[" * (loader.MAX_FILE_BYTES + 10)
    found = report(content)
    assert [f.code for f in found.findings] == ["file-too-large"]


# --- YAML 1.2 core scalars -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        pytest.param("no", "no", id="no_is_a_string"),
        pytest.param("yes", "yes", id="yes_is_a_string"),
        pytest.param("on", "on", id="on_is_a_string"),
        pytest.param("Off", "Off", id="Off_is_a_string"),
        pytest.param("y", "y", id="y_is_a_string"),
        pytest.param("2026-01-01", "2026-01-01", id="date_is_a_string"),
        pytest.param("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z", id="timestamp_is_a_string"),
        pytest.param("12:30", "12:30", id="sexagesimal_is_a_string"),
        pytest.param("1_000", "1_000", id="underscore_number_is_a_string"),
        pytest.param("-0x1F", "-0x1F", id="signed_hex_is_a_string"),
        pytest.param("0b101", "0b101", id="binary_is_a_string"),
        pytest.param("0x1F", 31, id="hex_is_an_int"),
        pytest.param("0o17", 15, id="octal_0o_is_an_int"),
        pytest.param("010", 10, id="leading_zero_is_decimal"),
        pytest.param("+12", 12, id="plus_sign_int"),
        pytest.param("-7", -7, id="negative_int"),
        pytest.param("1.5", 1.5, id="float"),
        pytest.param("1e3", 1000.0, id="exponent_float"),
        pytest.param("-.inf", -math.inf, id="negative_infinity"),
        pytest.param("true", True, id="true"),
        pytest.param("False", False, id="False"),
        pytest.param("~", None, id="tilde_null"),
        pytest.param("null", None, id="null"),
        pytest.param("", None, id="empty_is_null"),
        pytest.param("'0x1F'", "0x1F", id="quoted_hex_is_a_string"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(
    workdir: Path, scalar: str, expected: object
) -> None:
    (workdir / "s.yaml").write_text(f"value: {scalar}\n", encoding="utf-8")
    tree, findings = load_tree(Path("s.yaml"))
    assert findings == []
    assert tree is not None
    value = to_data(tree)["value"]
    assert value == expected
    assert type(value) is type(expected)


def test_nan_is_a_float(workdir: Path) -> None:
    (workdir / "s.yaml").write_text("value: .nan\n", encoding="utf-8")
    tree, _ = load_tree(Path("s.yaml"))
    assert tree is not None
    assert math.isnan(to_data(tree)["value"])


def test_norway_stays_a_string_in_the_model(report: Report) -> None:
    found = report("blueprint: demo\ndescription: no\nowner: NO\ntags: {country: no}\n")
    assert found.findings == []
    bp = found.blueprints["default"]
    assert (bp.description, bp.owner, dict(bp.tags)) == ("no", "NO", {"country": "no"})


# --- includes --------------------------------------------------------------------------------

INCLUDED_BASE = """\
blueprint: base
owner: base-team
tags: {cost-center: cc1, team: base}
network:
  endpoints: [sts, logs]
  vpc: {create: {azs: 2}}
kafka:
  clusters:
    core:
      brokers: {count: 2}
      configuration: {default.replication.factor: 2, min.insync.replicas: 1}
      acknowledge: {low-replication: a two-broker sandbox}
  topics:
    orders: {cluster: core, retention: 3d, replication: 2, min_insync: 1}
"""


def test_include_merges_maps_and_replaces_scalars_and_lists(report: Report) -> None:
    found = report(
        textwrap.dedent(
            """\
            include: shared/base.yaml
            blueprint: demo
            tags: {team: top}
            network:
              endpoints: [events]
            kafka:
              topics:
                orders: {cluster: core, partitions: 12}
            """
        ),
        files={"shared/base.yaml": INCLUDED_BASE},
    )
    assert found.findings == []
    bp = found.blueprints["default"]
    assert bp.name == "demo"  # scalar: the including file wins
    assert bp.owner == "base-team"  # only in the included file
    assert dict(bp.tags) == {"cost-center": "cc1", "team": "top"}  # maps merge by key
    assert bp.network.endpoints == ("events",)  # lists are replaced, not concatenated
    assert bp.network.vpc.azs == 2  # untouched nested map survives  # type: ignore[union-attr]
    orders = bp.topics["orders"]
    assert (orders.partitions, orders.replication, orders.min_insync) == (12, 2, 1)
    assert orders.retention_ms == 3 * 86_400_000


def test_include_list_applies_in_order(report: Report) -> None:
    found = report(
        "include: [one.yaml, two.yaml]\nblueprint: demo\n",
        files={
            "one.yaml": "owner: one\ndescription: from one\n",
            "two.yaml": "owner: two\n",
        },
    )
    assert found.findings == []
    bp = found.blueprints["default"]
    assert (bp.owner, bp.description) == ("two", "from one")


def test_nested_includes_are_resolved_relative_to_each_file(report: Report) -> None:
    found = report(
        "include: [layers/a.yaml]\nblueprint: demo\n",
        files={
            "layers/a.yaml": "include: deeper/b.yaml\nowner: from-a\n",
            "layers/deeper/b.yaml": "owner: from-b\ndescription: from b\n",
        },
    )
    assert found.findings == []
    bp = found.blueprints["default"]
    assert (bp.owner, bp.description) == ("from-a", "from b")


@pytest.mark.parametrize(
    ("text", "files", "expected"),
    [
        pytest.param(
            "include: a.yaml\nblueprint: demo\n",
            {"a.yaml": "include: b.yaml\n", "b.yaml": "include: bp.yaml\n"},
            ["b.yaml:1:10: $.include: include cycle: bp.yaml -> a.yaml -> b.yaml -> bp.yaml"],
            id="include_cycle_names_the_chain",
        ),
        pytest.param(
            "include: bp.yaml\nblueprint: demo\n",
            {},
            ["bp.yaml:1:10: $.include: include cycle: bp.yaml -> bp.yaml"],
            id="include_itself",
        ),
        pytest.param(
            "include: [shared.yaml, nope.yaml]\nblueprint: demo\n",
            {"shared.yaml": "owner: x\n"},
            ["bp.yaml:1:24: $.include[1]: included file 'nope.yaml' not found"],
            id="missing_include",
        ),
        pytest.param(
            "include: 5\nblueprint: demo\n",
            {},
            ["bp.yaml:1:10: $.include: expected a file path (string)"],
            id="include_not_a_string",
        ),
        pytest.param(
            "include: a.yaml\nblueprint: demo\n",
            {"a.yaml": "owner: [x\n"},
            [
                "a.yaml:2:1: $: invalid YAML: did not find expected ',' or ']' "
                "(while parsing a flow sequence at line 1, column 8)"
            ],
            id="syntax_error_in_included_file",
        ),
        pytest.param(
            "include: a.yaml\nblueprint: demo\n",
            {"a.yaml": "kafka:\n  topics:\n    t1: {cluster: nope}\n"},
            ["a.yaml:3:19: $.kafka.topics.t1.cluster: no cluster named 'nope' (clusters: (none))"],
            id="error_positioned_in_included_file",
        ),
        pytest.param(
            "include: .\nblueprint: demo\n",
            {},
            ["bp.yaml:1:10: $.include: included file '.' is not a file"],
            id="include_a_folder",
        ),
    ],
)
def test_fails_when_include_is_wrong(
    messages: Messages, text: str, files: dict[str, str], expected: list[str]
) -> None:
    assert messages(text, files) == expected


# --- environment overrides -------------------------------------------------------------------

ENVIRONMENTS = """\
blueprint: demo
environments:
  dev:
    account: "111111111111"
    region: eu-west-1
    overrides:
      kafka:
        topics:
          orders: {partitions: PARTITIONS}
  prod:
    account: "222222222222"
    region: eu-west-1
kafka:
  clusters:
    core: {brokers: {count: 3}}
  topics:
    orders: {cluster: core, partitions: 6}
"""


def test_override_applies_to_its_environment_only(report: Report) -> None:
    found = report(ENVIRONMENTS.replace("PARTITIONS", "3"))
    assert found.findings == []
    assert found.blueprints["dev"].topics["orders"].partitions == 3
    assert found.blueprints["prod"].topics["orders"].partitions == 6
    # the override merges into the topic: what it does not set is kept
    assert found.blueprints["dev"].topics["orders"].cluster == "core"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(
            "0",
            "bp.yaml:9:32: $.kafka.topics.orders.partitions: a topic needs at least 1 "
            "partition, found 0 (in environment dev)",
            id="semantic_error_in_override",
        ),
        pytest.param(
            "six",
            "bp.yaml:9:32: $.kafka.topics.orders.partitions: expected an integer, found "
            "string 'six' (in environment dev)",
            id="schema_error_in_override",
        ),
    ],
)
def test_fails_at_the_overriding_value(messages: Messages, value: str, expected: str) -> None:
    assert messages(ENVIRONMENTS.replace("PARTITIONS", value)) == [expected]


def test_fails_when_overriding_a_section_that_cannot_be_overridden(messages: Messages) -> None:
    allowed = (
        "alarms, bridges, contracts, description, eventbridge, kafka, network, owner, queues, tags"
    )
    text = ENVIRONMENTS.replace("PARTITIONS", "3").replace(
        "    overrides:\n", "    overrides:\n      blueprint: other\n      variables: {x: 1}\n"
    )
    assert messages(text) == [
        "bp.yaml:7:7: $.environments.dev.overrides.blueprint: 'blueprint' cannot be set here "
        f"(allowed: {allowed})",
        "bp.yaml:8:7: $.environments.dev.overrides.variables: 'variables' cannot be set here "
        f"(allowed: {allowed})",
    ]


# --- ${variables} ----------------------------------------------------------------------------

VARIABLES = """\
blueprint: demo
variables:
  team: alpha
  replicas: 3
  strict: true
environments:
  dev:
    account: "111111111111"
    region: eu-west-1
  prod:
    account: "222222222222"
    region: cn-north-1
    variables: {team: beta}
owner: OWNER
"""


@pytest.mark.parametrize(
    ("owner", "dev", "prod"),
    [
        pytest.param("${env}", "dev", "prod", id="env"),
        pytest.param("${account}", "111111111111", "222222222222", id="account"),
        pytest.param("${region}", "eu-west-1", "cn-north-1", id="region"),
        pytest.param("${partition}", "aws", "aws-cn", id="partition"),
        pytest.param("${blueprint}", "demo", "demo", id="blueprint"),
        pytest.param("${team}", "alpha", "beta", id="user_and_environment_variable"),
        pytest.param("n=${replicas},s=${strict}", "n=3,s=true", "n=3,s=true", id="non_strings"),
        pytest.param("$${literal}", "${literal}", "${literal}", id="dollar_escape"),
        pytest.param(
            "arn:${partition}:sns:${region}:${account}:${blueprint}-${env}",
            "arn:aws:sns:eu-west-1:111111111111:demo-dev",
            "arn:aws-cn:sns:cn-north-1:222222222222:demo-prod",
            id="several_in_one_string",
        ),
    ],
)
def test_variables_are_substituted_per_environment(
    report: Report, owner: str, dev: str, prod: str
) -> None:
    found = report(VARIABLES.replace("OWNER", f'"{owner}"'))
    assert found.findings == []
    assert found.blueprints["dev"].owner == dev
    assert found.blueprints["prod"].owner == prod


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            VARIABLES.replace("OWNER", '"${tema}"'),
            [
                "bp.yaml:14:8: $.owner: unknown variable '${tema}' (variables: account, "
                "blueprint, env, partition, region, replicas, strict, team); did you mean "
                "'team'?"
            ],
            id="unknown_variable_did_you_mean",
        ),
        pytest.param(
            VARIABLES.replace("OWNER", '"${nothing_like_it}"'),
            [
                "bp.yaml:14:8: $.owner: unknown variable '${nothing_like_it}' (variables: "
                "account, blueprint, env, partition, region, replicas, strict, team)"
            ],
            id="unknown_variable_without_suggestion",
        ),
        pytest.param(
            VARIABLES.replace("OWNER", '"${zone}"').replace(
                "variables: {team: beta}", "variables: {team: beta, zone: z1}"
            ),
            [
                "bp.yaml:14:8: $.owner: unknown variable '${zone}' (variables: account, "
                "blueprint, env, partition, region, replicas, strict, team) "
                "(in environment dev)"
            ],
            id="variable_of_one_environment_only",
        ),
        pytest.param(
            "blueprint: demo\nowner: 'arn:${partition}:x:${region}:${account}'\n",
            [
                "bp.yaml:2:8: $.owner: variable 'account' has no value: the blueprint "
                "declares no environments (add environments: with account and region)",
                "bp.yaml:2:8: $.owner: variable 'partition' has no value: the blueprint "
                "declares no environments (add environments: with account and region)",
                "bp.yaml:2:8: $.owner: variable 'region' has no value: the blueprint "
                "declares no environments (add environments: with account and region)",
            ],
            id="account_without_environments",
        ),
    ],
)
def test_fails_when_a_variable_has_no_value(
    messages: Messages, text: str, expected: list[str]
) -> None:
    assert messages(text) == expected


def test_env_is_default_without_environments(report: Report) -> None:
    found = report("blueprint: demo\nowner: '${blueprint}-${env}'\n")
    assert found.findings == []
    assert found.blueprints["default"].owner == "demo-default"


def test_fails_when_a_variable_is_not_closed(messages: Messages) -> None:
    assert messages("blueprint: demo\nowner: 'team-${account'\n") == [
        "bp.yaml:2:8: $.owner: unclosed '${' (write ${name}, or $${ for a literal '${')"
    ]


def test_fails_at_the_first_alias_over_budget_however_deep_the_bomb(
    messages: Messages,
) -> None:
    # Thirty levels would expand to 9**30 values; the budget stops at the fourth, so nothing
    # is expanded (or hangs) past the alias that overran it.
    assert messages(_billion_laughs(levels=30)) == [f"bp.yaml:5:10: $.l4[0]: {BOMB_MESSAGE}"]
