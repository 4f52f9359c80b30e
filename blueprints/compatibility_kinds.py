"""The kinds of difference the compatibility check reports, and which of them break a reader.

The names are Confluent Schema Registry's ``Difference.Type`` values in snake_case
(json-schema-provider .../json/diff/Difference.java @794611bd), so a finding can be looked up
in Confluent's documentation. ``COMPATIBLE`` is Confluent's ``COMPATIBLE_CHANGES_STRICT`` set
(SchemaDiff.java, the default ``compatibilityPolicy``): a difference whose kind is not in it
breaks the direction it was found in. docs/contracts-compatibility.md explains every kind.
"""

from __future__ import annotations

_BOUNDS = ("max_length", "maximum", "exclusive_maximum", "max_properties", "max_items")
_LOWER_BOUNDS = ("min_length", "minimum", "exclusive_minimum", "min_properties", "min_items")

COMPATIBLE: frozenset[str] = frozenset(
    {
        "id_changed",
        "description_changed",
        "title_changed",
        "default_changed",
        "schema_removed",
        "type_extended",
        *(f"{b}_{c}" for b in (*_BOUNDS, "max_contains") for c in ("removed", "increased")),
        *(f"{b}_{c}" for b in (*_LOWER_BOUNDS, "min_contains") for c in ("removed", "decreased")),
        "pattern_removed",
        "multiple_of_removed",
        "multiple_of_reduced",
        "required_attribute_with_default_added",
        "required_attribute_removed",
        "additional_properties_added",
        "additional_properties_extended",
        "unevaluated_properties_added",
        "unevaluated_properties_extended",
        "dependency_array_removed",
        "dependency_array_narrowed",
        "dependency_schema_removed",
        "property_with_empty_schema_added_to_open_content_model",
        "required_property_with_default_added_to_unopen_content_model",
        "optional_property_added_to_unopen_content_model",
        "property_removed_from_open_content_model",
        "property_with_false_removed_from_closed_content_model",
        "property_removed_is_covered_by_partially_open_content_model",
        "property_added_is_covered_by_partially_open_content_model",
        "unique_items_removed",
        "additional_items_added",
        "additional_items_extended",
        "unevaluated_items_added",
        "unevaluated_items_extended",
        "item_with_empty_schema_added_to_open_content_model",
        "item_added_to_closed_content_model",
        "item_removed_from_open_content_model",
        "item_with_false_removed_from_closed_content_model",
        "item_removed_is_covered_by_partially_open_content_model",
        "item_added_is_covered_by_partially_open_content_model",
        "enum_array_extended",
        "combined_type_extended",
        "product_type_narrowed",
        "sum_type_extended",
        "not_type_narrowed",
        # Not one of Confluent's types: Confluent does not compare `format` at all (validators
        # treat it as an annotation by default), so edastack only mentions it.
        "format_changed",
    }
)


def breaks(kind: str) -> bool:
    """Whether a difference of this kind breaks the reader of the direction it was found in."""
    return kind not in COMPATIBLE
