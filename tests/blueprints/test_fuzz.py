"""Seeded mutations of the example blueprints: validate answers each with positioned findings.

Each case mutates one example (a type swapped, a reference broken, a key deleted, duplicated
or misspelt, a YAML trick, a huge or hostile value) and validates it under a time limit and
memory bound. Whatever the input, ``validate_file`` returns (no exception: the CLI would call
one an internal error, exit 3), within ``SECONDS`` and ``HEADROOM_BYTES``, and every finding
has a file, line and column and a message of reasonable length. The seeds are fixed, so a
failure names its case and replays.
"""

from __future__ import annotations

import os
import random
import re
import resource
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml

from edastack.blueprints.validate import validate_file

EXAMPLES = Path(__file__).resolve().parents[2] / "blueprints" / "examples"
CASES_PER_EXAMPLE = 100
SECONDS = 5  # a case validates in ~20 ms; a hang is what this catches
HEADROOM_BYTES = 512 * 1024 * 1024  # what one case may add to the address space

Data = Any
Mutation = Callable[[random.Random, str], str | bytes]

HOSTILE: list[Data] = [
    None,
    True,
    0,
    -1,
    1.5,
    float("inf"),
    9**420,  # 400+ digits: beyond float
    -(10**400),
    "",
    "x" * 10_000,
    "line\nbreak\x1b[2J\u202e\x07",
    "nul\x00byte",
    "${nope}",
    "${a}${a}${a}",
    "$${literal",
    [],
    [1, "a", None],
    {},
    {"unknown": 1},
    "arn:aws:secretsmanager:eu-west-1:111111111111:secret:no-suffix",
    "/dev/zero",
]


# --- mutations of the data ---------------------------------------------------------------------


def _slots(data: Data, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, Any]]:
    """Every (container, key) in ``data``: the places a mutation can change."""
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in list(items):
        yield data, key
        if isinstance(value, dict | list) and value:
            yield from _slots(value, (*path, key))


def _on_data(change: Callable[[random.Random, Any, Any], None]) -> Mutation:
    def mutate(rng: random.Random, text: str) -> str:
        data = yaml.safe_load(text)
        container, key = rng.choice(list(_slots(data)))
        change(rng, container, key)
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=rng.random() < 0.5)

    return mutate


def _swap_type(rng: random.Random, container: Any, key: Any) -> None:
    container[key] = rng.choice(HOSTILE)


def _break_reference(rng: random.Random, container: Any, key: Any) -> None:
    value = container[key]
    container[key] = f"{value}-gone" if isinstance(value, str) else "gone"


def _delete(rng: random.Random, container: Any, key: Any) -> None:
    del container[key]


def _rename(rng: random.Random, container: Any, key: Any) -> None:
    if isinstance(container, dict):
        container[f"{key}x"[::-1] if rng.random() < 0.5 else f"{key}_"] = container.pop(key)
    else:
        container.append(container[key])


def _variable(rng: random.Random, container: Any, key: Any) -> None:
    container[key] = rng.choice(["${v0}", "x-${v0}", "${v1}", "$${v0}", "${v0"])


def _variables(rng: random.Random, text: str) -> str:
    """Variables that cycle or double at each step, used somewhere (unless replaced)."""
    defined = {"v0": "${v1}${v1}", "v1": rng.choice(["${v0}", "${env}.x", "${v2}${v2}", 7])}
    defined |= {f"v{i}": f"${{v{i + 1}}}${{v{i + 1}}}" for i in range(2, 40)}
    data = yaml.safe_load(_on_data(_variable)(rng, text))
    data["variables"] = {**(data.get("variables") or {}), **defined}
    return yaml.safe_dump(data, sort_keys=False)


# --- mutations of the text ---------------------------------------------------------------------


def _lines(rng: random.Random, text: str) -> tuple[list[str], int]:
    lines = text.splitlines(keepends=True)
    return lines, rng.randrange(len(lines))


def _duplicate_line(rng: random.Random, text: str) -> str:
    lines, i = _lines(rng, text)
    return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def _tag(rng: random.Random, text: str) -> str:
    lines, i = _lines(rng, text)
    tag = rng.choice(
        ["!!python/object/apply:os.system ['true']", "!custom", "!!binary aGk=", "!!set"]
    )
    head, sep, tail = lines[i].partition(": ")
    lines[i] = f"{head}: {tag} {tail}" if sep else f"{tag} {lines[i]}"
    return "".join(lines)


def _bomb(rng: random.Random, text: str) -> str:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return text + "\nbombs:\n" + "".join(f"  {line}\n" for line in levels)


def _deep(rng: random.Random, text: str) -> str:
    depth = rng.choice([63, 64, 65, 1_000, 50_000])
    return text + f"\ndeep: {'[' * depth}{']' * depth}\n"


def _bytes(rng: random.Random, text: str) -> bytes:
    data = text.encode()
    at = rng.randrange(len(data))
    junk = rng.choice([b"\x00", b"\xff\xfe", b"\xc3", b"\x1b[2J", b"\r", b"\t\t", b"\xef\xbb\xbf"])
    return data[:at] + junk + data[at:]


def _huge_number(rng: random.Random, text: str) -> str:
    """About half the numbers of the text (pattern operands, counts, sizes) beyond the limits of
    float (309 digits) and of int's conversion from text (4,300 digits)."""

    def huge(number: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return number.group(0)
        return rng.choice(["", "-"]) + "9" * rng.choice([309, 400, 5_000])

    return re.sub(r"(?<=[\s\[,:])-?[0-9]+(?=[\s,\]}])", huge, text)


def _contract_file(rng: random.Random, text: str) -> str:
    """A contract whose schema or example names a device, a folder or a missing file."""
    data = yaml.safe_load(text)
    name = rng.choice(["/dev/zero", "/dev/urandom", "/dev/null", "/", "contracts", "nope.json"])
    contracts = data.setdefault("contracts", {}) or {"X": {}}
    contract = contracts.setdefault("X", {"source": "s", "detail_type": "d", "schema": {}})
    contract["schema" if rng.random() < 0.5 else "examples"] = name
    return yaml.safe_dump(data, sort_keys=False)


MUTATIONS: dict[str, Mutation] = {
    "swap_type": _on_data(_swap_type),
    "break_reference": _on_data(_break_reference),
    "delete_key": _on_data(_delete),
    "rename_key": _on_data(_rename),
    "variables": _variables,
    "duplicate_line": _duplicate_line,
    "tag": _tag,
    "alias_bomb": _bomb,
    "deep_nesting": _deep,
    "bytes": _bytes,
    "huge_number": _huge_number,
    "contract_file": _contract_file,
}


def _cases() -> Iterator[Any]:
    for example in sorted(EXAMPLES.glob("*.yaml")):
        rng = random.Random(example.name)
        for i in range(CASES_PER_EXAMPLE):
            name = rng.choice(sorted(MUTATIONS))
            yield pytest.param(example, name, rng.randrange(2**32), id=f"{example.stem}-{i}-{name}")


# --- the run ---------------------------------------------------------------------------------


def _out_of_time(signum: int, frame: FrameType | None) -> None:
    raise TimeoutError(f"validate took more than {SECONDS} s")


@contextmanager
def _bounded() -> Iterator[None]:
    """Time and memory bounds around one case: a hang is a TimeoutError, a runaway allocation a
    MemoryError (address space capped at what the process has now plus ``HEADROOM_BYTES``;
    tracemalloc would slow schema validation some thirtyfold)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    resource.setrlimit(
        resource.RLIMIT_AS, (pages * os.sysconf("SC_PAGE_SIZE") + HEADROOM_BYTES, hard)
    )
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.alarm(SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="module")
def examples_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples with their contract files, so file references resolve as in the repo."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(EXAMPLES / "contracts", root / "contracts")
    return root


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="bounds memory the Linux way")
@pytest.mark.parametrize(("example", "mutation", "seed"), list(_cases()))
def test_validate_answers_every_mutant_with_positioned_findings(
    examples_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    example: Path,
    mutation: str,
    seed: int,
) -> None:
    monkeypatch.chdir(examples_copy)
    mutant = MUTATIONS[mutation](random.Random(seed), example.read_text(encoding="utf-8"))
    target = examples_copy / "bp.yaml"
    if isinstance(mutant, bytes):
        target.write_bytes(mutant)
    else:
        target.write_text(mutant, encoding="utf-8")
    with _bounded():
        report = validate_file(target)
    unplaced = [f.format() for f in report.findings if f.mark is None or min(f.mark[1:]) < 1]
    assert unplaced == []
    assert all(len(f.message) < 2_000 for f in report.findings)
