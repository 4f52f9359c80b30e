"""What the parts of a plan share: units, rounding and capacity warnings.

A capacity warning is a validate warning (code ``capacity``) that an entity may acknowledge;
the plan lists it with the reason when one is given, ``validate`` only when none is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from edastack.blueprints.findings import Finding, Path, warning

CAPACITY = "capacity"
MIB = 2**20
GIB = 2**30
MB = 10**6
GB = 10**9
DAY_S = 86_400


@dataclass(frozen=True, slots=True)
class CapacityWarning:
    finding: Finding
    acknowledged: str | None  # the entity's reason, when it acknowledges "capacity"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.finding.code,
            "path": self.finding.json_path,
            "message": self.finding.message,
            "acknowledged": self.acknowledged,
        }


def warn(entity: Any, suffix: Path, message: str) -> CapacityWarning:
    """A capacity warning on ``entity`` (anything with ``path`` and ``acknowledged``)."""
    reason = entity.acknowledged.get(CAPACITY)
    return CapacityWarning(warning(CAPACITY, (*entity.path, *suffix), message), reason)


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def up_to_multiple(value: int, step: int) -> int:
    """The smallest multiple of ``step`` (at least one step) that is ``value`` or more."""
    return max(step, math.ceil(value / step) * step)
