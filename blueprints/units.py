"""Durations (``7d``) and sizes (``1000GiB``) as blueprints write them.

The schema checks the form; these only convert.
"""

from __future__ import annotations

import re

_DURATION = re.compile(r"^([0-9]+)(s|m|h|d|w)$")
_SIZE = re.compile(r"^([0-9]+)(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")

_SECONDS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_BYTES = {
    "B": 1,
    "KB": 10**3,
    "MB": 10**6,
    "GB": 10**9,
    "TB": 10**12,
    "KiB": 2**10,
    "MiB": 2**20,
    "GiB": 2**30,
    "TiB": 2**40,
}
FOREVER = "forever"


def seconds(text: str) -> int:
    """``'6h'`` → 21600."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return int(m.group(1)) * _SECONDS[m.group(2)]


def retention_seconds(text: str) -> int | None:
    """A retention in seconds, ``None`` for ``forever``."""
    return None if text == FOREVER else seconds(text)


def size_bytes(text: str) -> int:
    """``'1MB'`` → 1000000, ``'1MiB'`` → 1048576."""
    m = _SIZE.match(text)
    if not m:
        raise ValueError(f"not a size: {text!r}")
    return int(m.group(1)) * _BYTES[m.group(2)]


def human_seconds(value: int) -> str:
    """The largest whole unit: 86400 → ``1d``, 90 → ``90s``."""
    for unit in ("w", "d", "h", "m"):
        if value and value % _SECONDS[unit] == 0:
            return f"{value // _SECONDS[unit]}{unit}"
    return f"{value}s"
