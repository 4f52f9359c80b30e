"""What AsyncAPI 3.0 requires of a document beyond its JSON Schema (which checks shapes only):

- every ``$ref`` resolves, in the document (the export makes no other kind);
- an operation's ``channel`` is a channel of the document, and each of its ``messages`` is a
  message of that channel (``#/channels/<channel>/messages/<message>``);
- every message example validates against the message's payload (a draft-07 schema, with the
  document as the base of its references).

``document_problems`` returns one line per breach; ``edastack asyncapi`` refuses to write a
document with any, and the tests hold every export to these rules and the official schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT7

# Values that are data, not part of the document's structure: a "$ref" in them is not one.
_DATA_KEYS = frozenset({"examples", "enum", "const", "default"})
_DOCUMENT_URI = "urn:edastack:asyncapi-document"
# Payload formats that are JSON Schema draft-07 or AsyncAPI's superset of it.
_JSON_SCHEMA_FORMATS = frozenset(
    {
        "application/schema+json;version=draft-07",
        "application/schema+yaml;version=draft-07",
        "application/vnd.aai.asyncapi;version=3.0.0",
        "application/vnd.aai.asyncapi+json;version=3.0.0",
        "application/vnd.aai.asyncapi+yaml;version=3.0.0",
    }
)


def document_problems(document: Mapping[str, Any]) -> list[str]:
    """Every breach of the rules above, each naming where it is."""
    return [
        *_unresolved(document),
        *_operation_messages(document),
        *_invalid_examples(document),
    ]


def resolve(document: Mapping[str, Any], ref: str) -> Any:
    """The value a local ``$ref`` (``#/a/b``) points at; ``KeyError`` when there is none."""
    if not ref.startswith("#"):
        raise KeyError(ref)
    node: Any = document
    for raw in ref[1:].split("/")[1:] if ref != "#" else ():
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def _refs(node: Any, at: str) -> Iterator[tuple[str, str]]:
    """``(where, $ref)`` for every reference in ``node``, data and extensions left out."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield at, ref
        for name, value in node.items():
            if name not in _DATA_KEYS and not str(name).startswith("x-"):
                yield from _refs(value, f"{at}/{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{at}/{index}")


def _unresolved(document: Mapping[str, Any]) -> Iterator[str]:
    for at, ref in _refs(document, "#"):
        try:
            resolve(document, ref)
        except KeyError:
            yield f"{at}: $ref {ref!r} does not resolve in the document"


def _operation_messages(document: Mapping[str, Any]) -> Iterator[str]:
    channels = document.get("channels") or {}
    for name, op in (document.get("operations") or {}).items():
        where = f"#/operations/{name}"
        ref = (op.get("channel") or {}).get("$ref", "")
        channel = ref.removeprefix("#/channels/")
        if not ref.startswith("#/channels/") or "/" in channel or channel not in channels:
            yield f"{where}/channel: {ref!r} is not a channel of the document"
            continue
        own = channels[channel].get("messages") or {}
        for i, message in enumerate(op.get("messages") or ()):
            ref = message.get("$ref", "")
            if ref.removeprefix(f"#/channels/{channel}/messages/") not in own:
                yield (
                    f"{where}/messages/{i}: {ref!r} is not a message of its channel "
                    f"'{channel}' (one of {sorted(own)})"
                )


def _invalid_examples(document: Mapping[str, Any]) -> Iterator[str]:
    registry = Registry().with_resource(
        _DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT7)
    )
    for where, message in _message_objects(document):
        pointer = _payload_schema(document, f"{where}/payload")
        if pointer is None:
            continue
        validator = Draft7Validator({"$ref": _DOCUMENT_URI + pointer}, registry=registry)
        for i, example in enumerate(message.get("examples") or ()):
            if "payload" not in example:
                continue
            try:
                problems = list(validator.iter_errors(example["payload"]))
            except Unresolvable:  # a dangling reference, reported as such
                break
            for problem in problems:
                at = "".join(f"/{p}" for p in problem.absolute_path)
                yield (
                    f"{where}/examples/{i}/payload{at}: does not match the payload schema: "
                    f"{problem.message}"
                )


def _message_objects(document: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every message object written out (not a reference), with its pointer."""
    for name, message in ((document.get("components") or {}).get("messages") or {}).items():
        yield f"#/components/messages/{name}", message
    for channel, body in (document.get("channels") or {}).items():
        for name, message in (body.get("messages") or {}).items():
            if "$ref" not in message:
                yield f"#/channels/{channel}/messages/{name}", message


def _payload_schema(document: Mapping[str, Any], pointer: str) -> str | None:
    """The pointer of the JSON Schema a payload is, following references; None for a schema
    of another format or one that does not resolve (reported as such)."""
    try:
        payload = resolve(document, pointer)
        while isinstance(payload, Mapping) and isinstance(payload.get("$ref"), str):
            pointer = payload["$ref"]
            payload = resolve(document, pointer)
    except KeyError:
        return None
    if isinstance(payload, Mapping) and "schemaFormat" in payload:
        if payload["schemaFormat"] not in _JSON_SCHEMA_FORMATS:
            return None
        return f"{pointer}/schema"
    return pointer
