"""Typed keywords (``**props: Unpack[SomeProps]``, CDK's props interfaces) checked at run time
as a plain signature would check them. CDK-free, so the gates can use it before they load CDK."""

from __future__ import annotations

from collections.abc import Callable, Mapping


def reject_unknown_props(
    owner: Callable[..., object], props: Mapping[str, object], kind: type[Mapping[str, object]]
) -> None:
    """Raise ``TypeError`` for a keyword ``kind`` does not declare, as a plain signature of
    ``owner`` (a construct class, a function) would: ``**props`` accepts any name at run time,
    and a misspelt prop must not be dropped."""
    known: frozenset[str] = kind.__required_keys__ | kind.__optional_keys__  # type: ignore[attr-defined]
    unknown = sorted(set(props) - known)
    if unknown:
        raise TypeError(
            f"{owner.__name__}() got unexpected keyword arguments: {', '.join(unknown)}"
        )
