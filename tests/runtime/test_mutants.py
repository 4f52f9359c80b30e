"""The runtime tests catch the defects that lose events: each mutant is a copy of the runtime
with one such defect, and the forwarder's tests must fail on it (issue #12's audit found a
handler that swallowed forwarding errors unnoticed)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "constructs" / "runtime"
TESTS = Path(__file__).resolve().parent / "test_kafka_forwarder.py"

MUTANTS = {
    "swallows_a_failed_dead_letter": (
        "kafka_forwarder/handler.py",
        "        store.dead_letter(rejection, bus=settings.event_bus_name, source_arn=source_arn)",
        "        try:\n"
        "            store.dead_letter(\n"
        "                rejection, bus=settings.event_bus_name, source_arn=source_arn\n"
        "            )\n"
        "        except Exception:\n"
        "            pass",
    ),
    "forgets_unsent_records": (
        "kafka_forwarder/handler.py",
        "    for f in outcome.unsent:\n",
        "    for f in ():\n",
    ),
    "retries_a_rejected_entry": (
        "shared/put_events.py",
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "RedactionFailure"})',
        "REJECTED_CODES: frozenset[str] = frozenset()",
    ),
    "gives_up_on_throttling": (
        "shared/put_events.py",
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "RedactionFailure"})',
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "ThrottlingException"})',
    ),
    "drops_oversized_records": (
        "kafka_forwarder/entries.py",
        "and value is not None and claim_check:",
        "and value is not None and claim_check and False:",
    ),
    "waits_on_a_hung_endpoint": (
        "kafka_forwarder/handler.py",
        "READ_TIMEOUT_S = 5\n",
        "READ_TIMEOUT_S = 60\n",
    ),
    "sends_before_isolating_poison": (
        "kafka_forwarder/handler.py",
        "        except Exception as error:",
        "        except KeyError as error:",
    ),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_the_forwarder_tests_kill_the_mutant(name: str, tmp_path: Path) -> None:
    path, original, mutated = MUTANTS[name]
    runtime = tmp_path / "runtime"
    shutil.copytree(RUNTIME, runtime)
    source = (runtime / path).read_text()
    assert source.count(original) == 1, f"{name}: the code it mutates has changed"
    (runtime / path).write_text(source.replace(original, mutated))

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(TESTS)],
        env={**os.environ, "EDASTACK_RUNTIME_ROOT": str(runtime)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 1, f"{name} survived:\n{run.stdout[-2000:]}"
