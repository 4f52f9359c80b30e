"""The reference's ``type: external`` section says what synth makes of an external cluster, as
the README's "Kafka outside AWS" and its Terraform part do (review 5, item 12)."""

from __future__ import annotations

import re

import pytest

from edastack.cli.reference import EXTERNAL, reference_markdown


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_reference_prints_the_external_section() -> None:
    assert EXTERNAL in reference_markdown()


@pytest.mark.parametrize(
    "claim",
    [
        pytest.param(
            "`edastack synth` writes each as a `kafka_topic` in a Terraform configuration",
            id="topics_written_as_terraform",
        ),
        pytest.param(
            "`partitions`, `replication`, `retention` and the rest", id="topic_settings_applied"
        ),
        pytest.param(
            "When the blueprint declares a `network` (created or imported), its clients run in "
            "that VPC",
            id="clients_in_the_declared_vpc",
        ),
        pytest.param(
            "in a created VPC, `validate` names the endpoints the pollers call",
            id="endpoints_named",
        ),
    ],
)
def test_the_external_section_says_what_synth_makes(claim: str) -> None:
    assert claim in flat(EXTERNAL)


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param("its owners create the topic", id="topics_not_created"),
        pytest.param("validated as values but not applied", id="settings_not_applied"),
        pytest.param("`network` adds no endpoints", id="no_endpoints"),
    ],
)
def test_the_external_section_contradicts_nothing_the_readme_says(wrong: str) -> None:
    assert wrong not in flat(EXTERNAL)
