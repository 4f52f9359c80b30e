"""The synthesized templates of an app, as the rules read them: resources and references.

CDK-free: the rules run on template files as well as inside ``cdk synth``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class StackTemplate:
    """One synthesized stack: its name, its template file and the parsed template."""

    name: str
    template_path: str
    template: Mapping[str, Any]

    @property
    def resources(self) -> Mapping[str, Mapping[str, Any]]:
        resources = self.template.get("Resources", {})
        return resources if isinstance(resources, dict) else {}


@dataclass(frozen=True)
class ResourceRef:
    """A resource of the app: the stack it is in and its logical id."""

    stack: StackTemplate
    logical_id: str

    @property
    def resource(self) -> Mapping[str, Any]:
        return self.stack.resources[self.logical_id]

    @property
    def type(self) -> str:
        return str(self.resource.get("Type", ""))

    @property
    def properties(self) -> Mapping[str, Any]:
        properties = self.resource.get("Properties", {})
        return properties if isinstance(properties, dict) else {}

    @property
    def key(self) -> tuple[str, str]:
        return (self.stack.template_path, self.logical_id)


class Templates:
    """Every template of an app, with references resolved across stacks."""

    def __init__(self, stacks: Sequence[StackTemplate]) -> None:
        self.stacks = list(stacks)
        # CDK writes cross-stack references as an Output with an Export in the producing
        # stack and Fn::ImportValue of the export's (literal) name in the consuming one.
        self._exports: dict[str, tuple[StackTemplate, Any]] = {}
        for stack in self.stacks:
            outputs = stack.template.get("Outputs", {})
            for output in outputs.values() if isinstance(outputs, dict) else ():
                name = output.get("Export", {}).get("Name") if isinstance(output, dict) else None
                if isinstance(name, str):
                    self._exports[name] = (stack, output.get("Value"))
        # A stack can also read another's value through an SSM parameter (edastack's topics
        # stacks read a cluster's ARN so): the parameter resource, by its name.
        self._parameters: dict[str, tuple[StackTemplate, Any]] = {}
        for ref in self.of_type("AWS::SSM::Parameter"):
            name = ref.properties.get("Name")
            if isinstance(name, str):
                self._parameters[name] = (ref.stack, ref.properties.get("Value"))

    def of_type(self, *types: str) -> Iterator[ResourceRef]:
        for stack in self.stacks:
            for logical_id, resource in stack.resources.items():
                if isinstance(resource, dict) and resource.get("Type") in types:
                    yield ResourceRef(stack, logical_id)

    def resolve(self, stack: StackTemplate, value: Any) -> ResourceRef | None:
        """The resource ``value`` (a Ref, Fn::GetAtt or Fn::ImportValue) points at, if any."""
        if not isinstance(value, dict) or len(value) != 1:
            return None
        ((function, argument),) = value.items()
        logical_id: Any = None
        if function == "Ref":
            read = self._read_from_ssm(stack, argument)
            if read is not None:
                return self.resolve(*read)
            logical_id = argument
        elif function == "Fn::GetAtt":
            if isinstance(argument, list) and argument:
                logical_id = argument[0]
            elif isinstance(argument, str):
                logical_id = argument.split(".", 1)[0]
        elif function == "Fn::ImportValue" and isinstance(argument, str):
            exported = self._exports.get(argument)
            return None if exported is None else self.resolve(*exported)
        if isinstance(logical_id, str) and logical_id in stack.resources:
            return ResourceRef(stack, logical_id)
        return None

    def _read_from_ssm(
        self, stack: StackTemplate, parameter: Any
    ) -> tuple[StackTemplate, Any] | None:
        """The value behind a template parameter that reads an SSM parameter of this app."""
        parameters = stack.template.get("Parameters", {})
        declared = parameters.get(parameter) if isinstance(parameters, dict) else None
        if not isinstance(declared, dict) or "SSM::Parameter::Value" not in str(
            declared.get("Type")
        ):
            return None
        return self._parameters.get(str(declared.get("Default")))

    def bus(self, stack: StackTemplate, value: Any) -> ResourceRef | None:
        """The ``AWS::Events::EventBus`` that ``value`` (reference, name or ARN) names."""
        found = self.resolve(stack, value)
        if found is not None:
            return found if found.type == "AWS::Events::EventBus" else None
        if not isinstance(value, str):
            return None
        name = value.rsplit("event-bus/", 1)[-1] if value.startswith("arn:") else value
        for bus in self.of_type("AWS::Events::EventBus"):
            if bus.properties.get("Name") == name:
                return bus
        return None


def _stack_name(template_path: str) -> str:
    name = Path(template_path).name
    return name.removesuffix(".json").removesuffix(".template")


def load_templates(template_paths: Iterable[str | Path]) -> Templates:
    """The templates at ``template_paths`` (``cdk.out/*.template.json``), parsed."""
    stacks = []
    for path in template_paths:
        text = Path(path).read_text(encoding="utf-8")
        stacks.append(StackTemplate(_stack_name(str(path)), str(path), json.loads(text)))
    return Templates(stacks)


def int_value(value: Any) -> int | None:
    """A template integer, literal or a string of digits; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def kafka_properties(text: str) -> dict[str, str]:
    """Kafka ``key=value`` lines (server.properties, topic configs)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "!")):
            continue
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def topic_configs(value: Any) -> dict[str, str] | None:
    """``AWS::MSK::Topic`` Configs (Base64 of the properties text); None if not a literal."""
    if not isinstance(value, str):
        return None
    try:
        return kafka_properties(base64.b64decode(value, validate=True).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError):
        return None
