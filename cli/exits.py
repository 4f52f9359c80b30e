"""The exit codes of the ``edastack`` commands, and the epilog that lists a command's.

Every command exits 0 when done, 1 when the blueprint has errors (or the command found what it
looks for), 2 on usage errors and 3 on a bug (``main`` says so in one line); a command words
these for what it does and may add its own (``check`` and ``diff`` exit 4).
"""

from __future__ import annotations

from collections.abc import Mapping

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3

_MEANINGS = {
    EXIT_FINDINGS: "the blueprint has errors",
    EXIT_USAGE: "usage errors (an unknown option or environment, a missing file)",
    EXIT_BUG: "an internal error (a bug)",
}


def exit_codes(meanings: Mapping[int, str], note: str = "") -> str:
    """The epilog ``exit codes: 0 ...; 1 ...``: a command's ``meanings`` over the shared ones,
    by code, then ``note``."""
    table = {**_MEANINGS, **meanings}
    listed = "; ".join(f"{code} {table[code]}" for code in sorted(table))
    return " ".join(part for part in (f"exit codes: {listed}.", note) if part)
