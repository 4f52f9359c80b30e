"""A ``load`` as blueprints write it (on a topic or a bus) → the model's :class:`Load`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from edastack.aws import defaults
from edastack.blueprints import model as m
from edastack.blueprints.units import size_bytes


def load(spec: Mapping[str, Any] | None) -> m.Load | None:
    """``{events_per_second: 10000, event_size: 1200B, peak_factor: 2}``; None when absent."""
    if spec is None:
        return None
    return m.Load(
        events_per_s=float(spec["events_per_second"]),
        event_size_bytes=size_bytes(spec["event_size"]),
        peak_factor=float(spec.get("peak_factor", defaults.LOAD_PEAK_FACTOR)),
    )
