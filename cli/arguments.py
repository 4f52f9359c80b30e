"""Arguments that several ``edastack`` commands take alike."""

from __future__ import annotations

import argparse


def add_env_argument(parser: argparse.ArgumentParser, verb: str) -> None:
    """``--env NAME`` (repeatable): only these environments of the blueprint."""
    parser.add_argument(
        "--env",
        action="append",
        metavar="NAME",
        help=f"{verb} only this environment (repeatable; default: every declared one)",
    )
