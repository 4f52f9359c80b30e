"""Every finding of ``validate`` has a place: file, line and column of the YAML that caused it,
in text and JSON, whether the blueprint declares environments or not (deleting
``environments`` is one of the variants)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from edastack.blueprints.validate import validate_file
from tests.blueprints.corpus import REPO, blueprint_files, copy_folder, deletions, write

PLACED = re.compile(r"^[^:]+:\d+:\d+: \$")


@pytest.mark.parametrize("original", blueprint_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_finding_of_every_variant_has_file_line_and_column(
    original: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    copy = copy_folder(original, tmp_path)
    unplaced = []
    for index, (label, data) in enumerate(deletions(original)):
        variant = write(data, copy.with_name(f"variant-{index}.yaml"))
        for finding in validate_file(variant).findings:
            placed = finding.as_dict()
            if not (PLACED.match(finding.format()) and placed["line"] and placed["column"]):
                unplaced.append(f"without {label}: {finding.format()}")
    assert unplaced == []
