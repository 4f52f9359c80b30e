"""A checksum for names that must be the same in every process and on every machine."""

from __future__ import annotations


def fnv1a(text: str) -> str:
    """The 32-bit FNV-1a checksum of ``text`` as 8 hex digits (``hash()`` differs per process)."""
    value = 2166136261
    for byte in text.encode():
        value = ((value ^ byte) * 16777619) & 0xFFFFFFFF
    return f"{value:08x}"
