"""A contract naming a file the file system cannot even look up is a finding, not a crash
(found by exporting the fuzz mutants of the examples to AsyncAPI)."""

from collections.abc import Callable

from edastack.blueprints.validate import FileReport


def test_fails_when_a_contract_file_name_is_too_long_for_the_file_system(
    report: Callable[..., FileReport],
) -> None:
    result = report(
        "blueprint: b\n"
        "eventbridge: {buses: {main: {}}}\n"
        "contracts:\n"
        "  C: {source: s, detail_type: d, schema: " + "x" * 10_000 + "}\n"
    )
    assert [f.format() for f in result.errors] == [
        "bp.yaml:4:42: $.contracts.C.schema: schema file name cannot be used: File name too long"
    ]
