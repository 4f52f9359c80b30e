"""How long ``validate_file`` takes on a large blueprint, and how much memory it needs.

Writes (in a temporary folder) ``edastack.testing.generate.platform_blueprint`` with 1,000
rules of 1-3 targets over 4 buses, patterns that use every operator, 200 topics over 2
clusters, 20 bridges, 10 contracts and 2 environments, then prints the best and median wall
time of several runs, the peak traced memory, and the time of each stage.

    .venv/bin/python bench/validate_bench.py [--runs 7] [--rules 1000] [--topics 200]

No assertions: speed is read, not gated (CONTRIBUTING.md, "Tests"). Target: well under a second.
"""

from __future__ import annotations

import argparse
import gc
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
from edastack.testing.generate import platform_blueprint


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
        text = platform_blueprint(
            rules=args.rules,
            buses=4,
            topics=args.topics,
            contracts=10,
            every_operator=True,
            seed=7,
            name="bench",
        )
        path.write_text(text, encoding="utf-8")

        report = v.validate_file(path)  # warm-up: imports, schema compilation
        if report.errors:
            for finding in report.errors[:10]:
                print(finding.format())
            raise SystemExit("the generated blueprint has errors; fix platform_blueprint()")
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
