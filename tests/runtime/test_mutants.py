"""The runtime tests catch the defects that lose events: each mutant is a copy of the runtime
with one such defect, and its handler's tests must fail on it (issue #12's audit found a
handler that swallowed forwarding errors unnoticed)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

RUNTIME = Path(__file__).resolve().parents[2] / "constructs" / "runtime"
HERE = Path(__file__).resolve().parent
FORWARDER = "test_kafka_forwarder.py"

# name: (the tests that must kill it, the file, the code, the defect)
MUTANTS = {
    "swallows_a_failed_dead_letter": (
        FORWARDER,
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
        FORWARDER,
        "kafka_forwarder/handler.py",
        "    for f in outcome.unsent:\n",
        "    for f in ():\n",
    ),
    "retries_a_rejected_entry": (
        FORWARDER,
        "shared/put_events.py",
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "RedactionFailure"})',
        "REJECTED_CODES: frozenset[str] = frozenset()",
    ),
    "gives_up_on_throttling": (
        FORWARDER,
        "shared/put_events.py",
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "RedactionFailure"})',
        'REJECTED_CODES = frozenset({"MalformedDetail", "InvalidArgument", "ThrottlingException"})',
    ),
    "drops_oversized_records": (
        FORWARDER,
        "kafka_forwarder/entries.py",
        "and value is not None and claim_check:",
        "and value is not None and claim_check and False:",
    ),
    "waits_on_a_hung_endpoint": (
        FORWARDER,
        "kafka_forwarder/handler.py",
        "READ_TIMEOUT_S = 5\n",
        "READ_TIMEOUT_S = 60\n",
    ),
    "sends_before_isolating_poison": (
        FORWARDER,
        "kafka_forwarder/handler.py",
        "        except Exception as error:",
        "        except KeyError as error:",
    ),
    "forwards_an_undecodable_glue_value_raw": (
        "test_kafka_forwarder_glue.py",
        "kafka_forwarder/entries.py",
        "    glue = glue_wire.decode(value) if shape.glue_values and value is not None else None\n",
        "    try:\n"
        "        glue = glue_wire.decode(value) if shape.glue_values "
        "and value is not None else None\n"
        "    except glue_wire.GlueWireError:\n"
        "        glue = None\n",
    ),
    "producer_swallows_a_kafka_error": (
        "test_bus_producer.py",
        "bus_producer/handler.py",
        "        discard_producer()\n"
        "        logger.exception(\n"
        '            "producing the event failed", extra={"event_id": event["id"], '
        '"topic": settings.topic}\n'
        "        )\n"
        "        raise\n",
        "        discard_producer()\n        return None\n",
    ),
}


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_the_handler_tests_kill_the_mutant(name: str, tmp_path: Path) -> None:
    tests, path, original, mutated = MUTANTS[name]
    runtime = tmp_path / "runtime"
    shutil.copytree(RUNTIME, runtime)
    source = (runtime / path).read_text()
    assert source.count(original) == 1, f"{name}: the code it mutates has changed"
    (runtime / path).write_text(source.replace(original, mutated))

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", str(HERE / tests)],
        env={**os.environ, "EDASTACK_RUNTIME_ROOT": str(runtime)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert run.returncode == 1, f"{name} survived:\n{run.stdout[-2000:]}"
