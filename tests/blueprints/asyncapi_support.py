"""The official AsyncAPI 3.0.0 JSON Schema, as npm installs it, and an assertion that holds a
document to it and to the rules it cannot express (``edastack.blueprints.asyncapi_rules``).

The schema is read from ``node_modules/@asyncapi/specs`` (pinned in package.json, installed by
``make``'s ``npm ci``), never fetched: the tests run offline. Without it they fail and say how
to install it, rather than skip, so that a document that stops validating cannot go unseen.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from edastack.blueprints.asyncapi_rules import document_problems

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "node_modules" / "@asyncapi" / "specs"
SCHEMA = SPECS / "schemas" / "3.0.0.json"


@functools.cache
def official_validator() -> Draft7Validator:
    if not SCHEMA.is_file():
        pytest.fail(f"{SCHEMA} is missing: run `make install` (npm ci installs @asyncapi/specs)")
    schema = json.loads(SCHEMA.read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(document: Any) -> list[str]:
    """The official schema's complaints, each with where in the document."""
    errors = sorted(official_validator().iter_errors(document), key=lambda e: e.json_path)
    return [f"{e.json_path}: {e.message[:300]}" for e in errors]


def assert_valid_asyncapi(document: Any) -> None:
    assert schema_errors(document) == []
    assert document_problems(document) == []
