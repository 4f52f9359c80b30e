"""Contract evolution judged through ``edastack validate NEW --baseline OLD``: blueprints written
as before/after pairs, with their schema files, each case naming the rule it encodes."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from edastack.cli.main import main

BLUEPRINT = """\
blueprint: shop
kafka:
  clusters:
    core: {brokers: {count: 3, storage: 100GiB}}
  topics:
    orders: {cluster: core, partitions: 6TOPIC}
contracts:
  Order:
    version: VERSION
    source: shop.orders
    detail_type: OrderPlaced
    schema: SCHEMA
"""
C = "$.contracts.Order"

# An open content model (additionalProperties absent) and a closed one.
OPEN = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
CLOSED = {**OPEN, "additionalProperties": False}


def _with(schema: dict[str, Any], **properties: Any) -> dict[str, Any]:
    return {**schema, "properties": {**schema["properties"], **properties}}


def blueprint(
    version: int = 1,
    schema: str = "order.json",
    extra: str = "",
    topic: str = "",
) -> str:
    text = BLUEPRINT.replace("VERSION", str(version)).replace("SCHEMA", schema)
    return text.replace("TOPIC", topic) + extra


@dataclass
class Pair:
    """A baseline and a new blueprint, each with its own schema files."""

    old: str
    new: str
    old_files: dict[str, Any] = field(default_factory=dict)
    new_files: dict[str, Any] = field(default_factory=dict)


def run(tmp_path: Path, pair: Pair, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    for side, text, files in (("old", pair.old, pair.old_files), ("new", pair.new, pair.new_files)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "bp.yaml").write_text(text, encoding="utf-8")
        for name, schema in files.items():
            (tmp_path / side / name).write_text(json.dumps(schema), encoding="utf-8")
    code = main(
        ["validate", "--baseline", str(tmp_path / "old/bp.yaml"), str(tmp_path / "new/bp.yaml")]
    )
    out = capsys.readouterr().out.replace(f"{tmp_path}/new/", "")
    return code, out


def evolve(old: dict[str, Any], new: dict[str, Any], *, mode: str = "", version: int = 2) -> Pair:
    """Version 1 with ``old`` as the baseline, version ``version`` with ``new``."""
    extra = f"    compatibility: {mode}\n" if mode else ""
    return Pair(
        blueprint(1, extra=extra),
        blueprint(version, extra=extra),
        {"order.json": old},
        {"order.json": new},
    )


# --- needing no compatibility check -----------------------------------------------------------


VALID = "0 errors, 0 warnings; 1 file valid"
ACK = "or acknowledge: {contract-evolution: <reason>}"
GLUE = ", contract: Order"
NONE = "    compatibility: none\n"
V2_NOTE = _with(OPEN, note={"type": "string"})


@pytest.mark.parametrize(
    ("pair", "first"),
    [
        pytest.param(
            evolve(CLOSED, _with(CLOSED, note={}), version=1),
            f"bp.yaml:12:13: {C}.schema: contract 'Order' changes its schema (order.json) under "
            f"the same version 1: a published version is immutable; give the change version 2, "
            f"{ACK}",
            id="immutable_version",
        ),
        pytest.param(
            Pair(blueprint(3), blueprint(2), {"order.json": OPEN}, {"order.json": OPEN}),
            f"bp.yaml:9:14: {C}.version: contract 'Order' goes down from version 3 to 2: "
            "versions only go up (producers, consumers and the registries know the published "
            f"one); give the schema version 4 or more, {ACK}",
            id="version_down",
        ),
        pytest.param(evolve(OPEN, OPEN, version=1), VALID, id="same_schema_and_version"),
        pytest.param(
            Pair(
                blueprint(1),
                blueprint(1, extra="    acknowledge: {contract-evolution: nobody read v1 yet}\n"),
                {"order.json": OPEN},
                {"order.json": _with(OPEN, note={})},
            ),
            VALID,
            id="acknowledged",
        ),
        pytest.param(
            Pair(
                blueprint(1, topic=GLUE, extra=NONE),
                blueprint(2, "order-v2.json", topic=GLUE, extra=NONE),
                {"order.json": OPEN},
                {"order-v2.json": V2_NOTE},
            ),
            f"bp.yaml:9:5: {C}.previous: contract 'Order' is registered in Glue by a topic, "
            "whose schema versions are kept in order and never rewritten: list the baseline's "
            f"earlier schemas in previous, oldest first (previous: [order.json]), {ACK}",
            id="glue_versions_rewritten",
        ),
        pytest.param(
            Pair(
                blueprint(1, topic=GLUE, extra=NONE),
                blueprint(
                    2, "order-v2.json", topic=GLUE, extra=NONE + "    previous: [order.json]\n"
                ),
                {"order.json": OPEN},
                {"order.json": OPEN, "order-v2.json": V2_NOTE},
            ),
            VALID,
            id="glue_versions_kept",
        ),
        pytest.param(
            Pair(
                blueprint(2, "v2.json", topic=GLUE, extra=NONE + "    previous: [v1.json]\n"),
                blueprint(2, "v2.json", topic=GLUE, extra=NONE),
                {"v1.json": OPEN, "v2.json": V2_NOTE},
                {"v2.json": V2_NOTE},
            ),
            f"bp.yaml:9:5: {C}.previous: contract 'Order' is registered in Glue by a topic, "
            "whose schema versions are kept in order and never rewritten: list the baseline's "
            f"earlier schemas in previous, oldest first (previous: [v1.json]), {ACK}",
            id="glue_version_dropped",
        ),
    ],
)
def test_versions_are_immutable_go_up_and_stay_in_glue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pair: Pair, first: str
) -> None:
    code, out = run(tmp_path, pair, capsys)
    assert (code, out.splitlines()[0]) == (0 if first == VALID else 1, first)


def test_a_contract_that_loaded_is_judged_beside_other_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A version gone down shows with an unrelated error, not once that one is fixed; a contract
    whose schema did not load is not compared."""
    broken = "  Broken: {source: s, detail_type: B, schema: missing.json}\n"
    pair = Pair(
        blueprint(3), blueprint(2, extra=broken), {"order.json": OPEN}, {"order.json": OPEN}
    )
    code, out = run(tmp_path, pair, capsys)
    assert code == 1
    assert [line.split(": ")[1] for line in out.splitlines()[:-1]] == [
        f"{C}.version",
        "$.contracts.Broken.schema",
    ]


def test_a_git_baseline_reads_the_schema_files_of_its_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The schema file edited in place is compared with its committed content."""
    monkeypatch.chdir(tmp_path)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    Path("bp.yaml").write_text(blueprint(1), encoding="utf-8")
    Path("order.json").write_text(json.dumps(OPEN), encoding="utf-8")
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "v1"], check=True)
    Path("order.json").write_text(json.dumps(_with(OPEN, note={})), encoding="utf-8")
    assert main(["validate", "--baseline", "git:HEAD", "bp.yaml"]) == 1
    assert "changes its schema (order.json) under the same version 1" in capsys.readouterr().out


def test_a_topics_contract_is_a_checked_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "order.json").write_text(json.dumps(OPEN), encoding="utf-8")
    (tmp_path / "bp.yaml").write_text(blueprint(topic=", contract: Ordr"), encoding="utf-8")
    assert main(["validate", str(tmp_path / "bp.yaml")]) == 1
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .endswith(
            "bp.yaml:6:54: $.kafka.topics.orders.contract: no contract named 'Ordr' "
            "(contracts: Order); did you mean 'Order'?"
        )
    )


# --- judged by the compatibility check (edastack.blueprints.compatibility) ----------------------

BREAKING_TYPE = _with(OPEN, id={"type": "integer"})


def test_a_breaking_version_names_the_contract_file_and_pointer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(tmp_path, evolve(OPEN, BREAKING_TYPE), capsys)
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(
        f"bp.yaml:12:13: {C}.schema: contract 'Order' version 2 (order.json) is not "
        "backward-compatible with the baseline's version 1: #/properties/id ("
    )
    assert first.endswith(
        "make the change compatible, ship it as a new contract (a new detail-type) beside "
        "this one, or change compatibility, or acknowledge: {contract-evolution: <reason>}"
    )


@pytest.mark.parametrize(
    ("name", "old", "new", "mode", "breaks"),
    [
        # backward: the new schema reads what the old one wrote
        (
            "optional_added_to_closed_backward",
            CLOSED,
            _with(CLOSED, note={"type": "string"}),
            "backward",
            False,
        ),
        (
            "optional_added_to_open_backward",
            OPEN,
            _with(OPEN, note={"type": "string"}),
            "backward",
            True,
        ),
        # forward: the roles swapped, so the same changes judge the other way
        (
            "optional_added_to_closed_forward",
            CLOSED,
            _with(CLOSED, note={"type": "string"}),
            "forward",
            True,
        ),
        (
            "optional_added_to_open_forward",
            OPEN,
            _with(OPEN, note={"type": "string"}),
            "forward",
            False,
        ),
        # full: both; none: anything
        ("optional_added_to_open_full", OPEN, _with(OPEN, note={"type": "string"}), "full", True),
        ("type_changed_none", OPEN, BREAKING_TYPE, "none", False),
        ("type_changed_backward", OPEN, BREAKING_TYPE, "backward", True),
        (
            "type_widened_backward",
            _with(OPEN, n={"type": "integer"}),
            _with(OPEN, n={"type": "number"}),
            "backward",
            False,
        ),
    ],
)
def test_the_mode_decides(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    mode: str,
    breaks: bool,
) -> None:
    code, out = run(tmp_path, evolve(old, new, mode=mode), capsys)
    assert code == (1 if breaks else 0), out
    assert ("is not " in out) is breaks


# An earlier break (v1 -> v2, once acknowledged) that only a transitive mode sees again.
V1 = _with(CLOSED, n={"type": "integer"})
V2 = _with(CLOSED, n={"type": "string"})
V3 = _with(V2, note={"type": "string"})  # an optional property added to a closed model


def previous(tmp_path: Path, mode: str, *schemas: dict[str, Any]) -> int:
    """Validate version len(schemas) with the others as previous, oldest first."""
    names = [f"v{i}.json" for i in range(1, len(schemas) + 1)]
    for name, schema in zip(names, schemas, strict=True):
        (tmp_path / name).write_text(json.dumps(schema), encoding="utf-8")
    extra = f"    compatibility: {mode}\n    previous: [{', '.join(names[:-1])}]\n"
    text = blueprint(len(schemas), names[-1], extra=extra)
    (tmp_path / "bp.yaml").write_text(text, encoding="utf-8")
    return main(["validate", str(tmp_path / "bp.yaml")])


@pytest.mark.parametrize(("mode", "breaks"), [("backward", False), ("backward_transitive", True)])
def test_backward_transitive_checks_every_earlier_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, breaks: bool
) -> None:
    """v3 reads v2's events (backward), not v1's integers (backward_transitive)."""
    code = previous(tmp_path, mode, V1, V2, V3)
    out = capsys.readouterr().out
    assert code == (1 if breaks else 0), out
    assert ("with v1.json: #/properties/n" in out) is breaks
    assert "with v2.json" not in out


@pytest.mark.parametrize(("mode", "breaks"), [("forward", False), ("forward_transitive", True)])
def test_forward_transitive_checks_every_earlier_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: str, breaks: bool
) -> None:
    """Forward: readers of an earlier version read the new one's events. v2's readers (an
    open model) ignore v3's new property; v1's readers (closed) refuse it."""
    v2 = _with(OPEN, note={"type": "string"})
    code = previous(tmp_path, mode, CLOSED, v2, _with(v2, more={"type": "string"}))
    out = capsys.readouterr().out
    assert code == (1 if breaks else 0), out
    assert ("with v1.json" in out) is breaks


def _validate(tmp_path: Path, text: str, files: dict[str, Any]) -> int:
    for name, schema in files.items():
        (tmp_path / name).write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "bp.yaml").write_text(text, encoding="utf-8")
    return main(["validate", str(tmp_path / "bp.yaml")])


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"v1.json": OPEN},
            "the same schema as a later version of contract 'Order': each version is listed "
            "once, the current one in schema only",
            id="repeated_version",
        ),
        pytest.param(
            {"v1.json": {"type": "object", "if": {"required": ["a"]}, "then": {}}},
            "$.if: 'if' cannot be expressed in JSON Schema Draft 4",
            id="version_no_registry_takes",
        ),
        pytest.param(
            {"v1.json": {"type": "objekt"}},
            "not a valid JSON Schema: 'objekt' is not valid under any of the given schemas",
            id="not_a_schema",
        ),
    ],
)
def test_each_previous_version_is_a_schema_of_its_own(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, Any], message: str
) -> None:
    text = blueprint(2, "order.json", extra="    previous: [v1.json]\n")
    assert _validate(tmp_path, text, {"order.json": OPEN, **files}) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"{tmp_path}/bp.yaml:13:16: {C}.previous[0]: ")
    assert message in first


@pytest.mark.parametrize("via", ["pipe", "connector"])
def test_only_a_lambda_bridge_reads_a_contract_topic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], via: str
) -> None:
    options = {
        "pipe": "    via: pipe\n    acknowledge: {pipe-no-dlq: records replay from Kafka}\n",
        "connector": "    via: connector\n    connector: {plugin: s3://bucket-1/plugin.zip}\n",
    }[via]
    source = "kafka-connect.orders" if via == "connector" else "shop.orders"
    bridge = (
        "eventbridge:\n  buses:\n    main: {}\nbridges:\n  to-bus:\n    from: {topic: orders}\n"
        f"    to: {{bus: main, detail_type: OrderPlaced, source: {source}}}\n{options}"
    )
    text = blueprint(topic=", contract: Order").replace("shop.orders", source) + bridge
    assert _validate(tmp_path, text, {"order.json": OPEN}) == 1
    assert (
        f"$.bridges.to-bus.via: topic 'orders' holds records of contract 'Order' in the Glue "
        f"Schema Registry's wire format, which a {via} cannot decode: use via: lambda"
    ) in capsys.readouterr().out


def test_a_glue_schema_takes_ten_tags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tags = "tags: {" + ", ".join(f"t{i}: v" for i in range(9)) + "}\n"
    text = tags + blueprint(topic=", contract: Order")
    assert _validate(tmp_path, text, {"order.json": OPEN}) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{tmp_path}/bp.yaml:1:7: $.tags: the stacks tag every resource with 11 tags "
        "(edastack:blueprint, edastack:environment, owner and tags), and an AWS::Glue::Schema "
        "takes at most 10: topics register contract(s) Order in Glue; declare fewer tags"
    )


def test_a_glue_definition_has_at_most_170_000_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = {"type": "object", "description": "x" * 170_000}
    text = blueprint(topic=", contract: Order")
    assert _validate(tmp_path, text, {"order.json": huge}) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{tmp_path}/bp.yaml:12:13: {C}.schema: Glue takes a schema definition of at most "
        "170,000 characters; this version of contract 'Order' is 170,086 in draft-07 form"
    )


@pytest.mark.parametrize(
    ("selected", "ok"),
    [
        ("[OrderPlaced]", True),
        ("[{equals-ignore-case: orderplaced}]", True),
        ("[OrderPlaced, Refund]", False),
        ("[{prefix: Order}]", False),
        (None, False),
    ],
)
def test_a_producer_to_a_contract_topic_selects_the_contracts_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], selected: str | None, ok: bool
) -> None:
    pattern = f"{{detail-type: {selected}}}" if selected else "{source: [shop.orders]}"
    bridge = (
        "eventbridge:\n  buses:\n    main: {}\nbridges:\n  to-kafka:\n"
        f"    from: {{bus: main, pattern: {pattern}}}\n    to: {{topic: orders}}\n"
    )
    text = blueprint(topic=", contract: Order") + bridge
    assert _validate(tmp_path, text, {"order.json": OPEN}) == 0
    assert (
        "$.bridges.to-kafka.from.pattern: warning: topic 'orders' holds contract 'Order' "
        "(detail-type OrderPlaced) in Glue's wire format, and bridge 'to-kafka' writes each "
        "event's detail with its version id: select that detail-type alone (detail-type: "
        "[OrderPlaced]) in the pattern, or acknowledge: {contract-producer: <reason>} when the "
        "others share its shape" in capsys.readouterr().out
    ) is not ok
    acknowledged = text + "    acknowledge: {contract-producer: refunds carry an order's shape}\n"
    assert _validate(tmp_path, acknowledged, {"order.json": OPEN}) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings; 1 file valid\n"
