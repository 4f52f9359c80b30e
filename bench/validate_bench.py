"""How long ``validate_file`` takes on a large blueprint, and how much memory it needs.

Generates (in a temporary folder) a blueprint with 1,000 rules of 1-3 targets over 4 buses,
200 topics over 2 clusters, 20 bridges, 10 contracts and 2 environments, then prints the best
and median wall time of several runs, the peak traced memory, and the time of each stage.

    .venv/bin/python bench/validate_bench.py [--runs 7] [--rules 1000] [--topics 200]

No assertions: speed is read, not gated (CONTRIBUTING.md, "Tests"). Target: well under a second.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edastack.blueprints import validate as v
from edastack.blueprints.build import build
from edastack.blueprints.checks import check
from edastack.blueprints.loader import load_tree, to_data
from edastack.blueprints.schema import validate as schema_validate

BUSES = ("orders", "payments", "logistics", "partners")
DETAIL_TYPES = ("Created", "Updated", "Cancelled", "Shipped", "Refunded", "Failed")


def _pattern(rng: random.Random, i: int) -> list[str]:
    """YAML lines (indented for a rule body) of a realistic event pattern."""
    lines = [
        "      pattern:",
        f"        source: [com.example.{rng.choice(BUSES)}.svc{i % 17}]",
        f"        detail-type: [{', '.join(rng.sample(DETAIL_TYPES, rng.randint(1, 3)))}]",
    ]
    kind = i % 5
    if kind == 0:
        lines += [
            "        detail:",
            f"          total: [{{numeric: ['>=', {i}, '<', {i * 10 + 1}]}}]",
        ]
    elif kind == 1:
        lines += ["        detail:", f"          region: [{{prefix: eu-}}, {{prefix: us-{i % 3}}}]"]
    elif kind == 2:
        lines += [
            "        detail:",
            "          status: [{anything-but: [test, draft]}]",
            "          customer: {tier: [gold, platinum], id: [{exists: true}]}",
        ]
    elif kind == 3:
        lines += [
            "        detail:",
            "          $or:",
            f"            - channel: [{{equals-ignore-case: web}}, app{i % 4}]",
            "            - ip: [{cidr: 10.0.0.0/8}]",
        ]
    return lines


def generate(rules: int = 1000, topics: int = 200, seed: int = 7) -> str:
    """The text of a large, valid blueprint."""
    rng = random.Random(seed)
    out = [
        "blueprint: bench",
        "description: A large blueprint for the validate benchmark",
        "owner: platform-team",
        "variables: {team: payments}",
        "environments:",
        "  dev:",
        '    account: "111111111111"',
        "    region: eu-west-1",
        "    overrides:",
        "      kafka: {clusters: {core-a: {brokers: {storage: 100GiB}}}}",
        "  prod:",
        '    account: "222222222222"',
        "    region: eu-west-1",
        "    production: true",
        "kafka:",
        "  clusters:",
        "    core-a: {brokers: {count: 3, storage: 1000GiB, autoscale: 4000GiB}, auth: iam}",
        "    core-b: {brokers: {count: 6, storage: 2000GiB}, auth: [iam, scram]}",
        "  topics:",
    ]
    for t in range(topics):
        cluster = "core-a" if t % 2 else "core-b"
        out.append(
            f"    topic-{t:03d}: {{cluster: {cluster}, partitions: {rng.choice((3, 6, 12, 24))}, "
            f"retention: {rng.choice(('1d', '7d', '30d'))}}}"
        )
    out += ["eventbridge:", "  buses:"]
    out += [f"    {bus}: {{archive: 30d}}" for bus in BUSES]
    out.append("  rules:")
    for r in range(rules):
        out += [f"    rule-{r:04d}:", f"      bus: {BUSES[r % len(BUSES)]}"]
        out += _pattern(rng, r)
        if r % 7 == 0:
            out.append(f"      retry: {{attempts: {r % 185}, max_age: 6h}}")
        out.append("      targets:")
        for n in range(rng.randint(1, 3)):
            kind = (r + n) % 3
            if kind == 0:
                out.append(f"        t{n}: {{sqs: queue-{(r + n) % 50:02d}}}")
            elif kind == 1:
                out.append(
                    f'        t{n}: {{lambda: "arn:${{partition}}:lambda:${{region}}:'
                    f'${{account}}:function:${{team}}-{r}-{n}"}}'
                )
            else:
                out.append(
                    f'        t{n}: {{sns: "arn:aws:sns:eu-west-1:${{account}}:alerts-{r % 9}", '
                    "retry: {attempts: 3}}"
                )
    out.append("queues:")
    out += [f"  queue-{q:02d}: {{retention: 4d, visibility_timeout: 60s}}" for q in range(50)]
    out.append("bridges:")
    for b in range(20):
        bus = BUSES[b % len(BUSES)]
        out += [
            f"  bridge-{b:02d}:",
            f"    from: {{topic: topic-{b * 3:03d}}}",
            f"    to: {{bus: {bus}, detail_type: Created, source: com.example.{bus}.svc{b % 17}}}",
            "    acknowledge: {bridge-feeds-nothing: generated benchmark data}",
        ]
    out.append("contracts:")
    for c in range(10):
        out += [
            f"  Event{c}:",
            f"    version: {c + 1}",
            "    source: com.example.orders",
            f"    detail_type: {DETAIL_TYPES[c % len(DETAIL_TYPES)]}",
            "    schema: {type: object, required: [id], properties: {id: {type: string}}}",
            f"    examples: [{{id: e-{c}}}]",
        ]
    return "\n".join(out) + "\n"


def _time(fn: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def _stages(path: Path, runs: int) -> dict[str, float]:
    """Best time of each pipeline stage, re-running ``validate_file``'s steps one by one.

    Uses the orchestration's private helpers on purpose: the stages are what is measured.
    Per-environment stages are summed over the environments.
    """
    best: dict[str, float] = {}
    for _ in range(runs):
        times: dict[str, float] = {}

        def clock(stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = fn(*args, **kwargs)
            times[stage] = times.get(stage, 0.0) + time.perf_counter() - start  # noqa: B023
            return result

        tree, _ = clock("load (read, parse, includes)", load_tree, path)
        for name, spec in v._environments(tree).items():
            env = v._environment(name, spec)
            resolved, _ = clock("overrides + variables", v._resolve, tree, env, spec)
            data = clock("to plain data", to_data, resolved)
            bad = [f.path for f in clock("JSON schema", lambda d: list(schema_validate(d)), data)]
            built = clock(
                "typed model",
                build,
                data,
                env,
                source=str(path),
                base_dir=path.parent,
                bad_paths=bad,
            )
            clock("semantic checks", check, built.blueprint, built.broken)
        for stage, seconds in times.items():
            best[stage] = min(best.get(stage, seconds), seconds)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="skip the traced-memory run (tracemalloc slows jsonschema down ~500x: ~1 minute)",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="edastack-bench-") as tmp:
        path = Path(tmp) / "bench.yaml"
        text = generate(args.rules, args.topics)
        path.write_text(text, encoding="utf-8")

        report = v.validate_file(path)  # warm-up: imports, schema compilation
        if report.errors:
            for finding in report.errors[:10]:
                print(finding.format())
            raise SystemExit("the generated blueprint has errors; fix generate()")
        bp = report.blueprints["prod"]
        targets = sum(len(r.targets) for r in bp.rules.values())
        print(
            f"blueprint: {len(text):,} bytes, {text.count(chr(10)):,} lines; "
            f"{len(bp.rules)} rules, {targets} targets, {len(bp.buses)} buses, "
            f"{len(bp.topics)} topics, {len(bp.clusters)} clusters, {len(bp.bridges)} bridges, "
            f"{len(bp.contracts)} contracts; environments: {', '.join(report.blueprints)}; "
            f"warnings: {', '.join(sorted({w.code for w in report.warnings})) or 'none'}"
        )

        times = _time(lambda: v.validate_file(path), args.runs)
        print(
            f"validate_file: best {min(times) * 1000:.0f} ms, "
            f"median {statistics.median(times) * 1000:.0f} ms over {args.runs} runs"
        )

        print(f"stages (best of {args.runs}; per-environment stages summed over environments):")
        for name, seconds in _stages(path, args.runs).items():
            print(f"  {name:<30} {seconds * 1000:7.1f} ms")

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max resident set size of this process so far: {rss:.0f} MiB")
        if not args.no_tracemalloc:
            gc.collect()
            start = time.perf_counter()
            tracemalloc.start()
            v.validate_file(path)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"peak traced memory (tracemalloc) of one validate_file: {peak / 2**20:.1f} MiB "
                f"(traced run took {time.perf_counter() - start:.0f} s)"
            )


if __name__ == "__main__":
    main()
