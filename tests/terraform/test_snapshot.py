"""One snapshot per environment of the hybrid blueprint: its whole ``cdk.tf.json``, on top of
the assertions of ``test_external_kafka``. Review a diff, then accept it with
``pytest tests/terraform/test_snapshot.py --snapshot-update``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.terraform.conftest import Config


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_hybrid_matches_snapshot(
    hybrid: Callable[[str], Config], snapshot: SnapshotAssertion, env: str
) -> None:
    assert hybrid(env) == snapshot(extension_class=JSONSnapshotExtension)
