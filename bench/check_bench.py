"""Where ``edastack check`` spends its time: seconds per stage and gate, for ~20 rules.

The blueprint is ``platform_blueprint`` with 20 rules over 2 buses, 10 topics, 4 bridges and
5 queues in one environment (the size of a team's real blueprint), or the files given. Prints,
per run, the seconds of ``validate``, ``synth`` (which includes cdk-nag, CDK's validator and the
rule pack), ``cfn-lint`` and ``checkov`` (these two run side by side) and the whole run, then
the best of the runs.

    .venv/bin/python bench/check_bench.py [BLUEPRINT...] [--runs 3]

Run from the repository root (``check`` reads ``./cdk.json`` and finds ``.venv-checkov``). No
assertions on time: speed is read, not gated.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from edastack.testing.gates import GateRun, check_blueprint
from edastack.testing.generate import platform_blueprint

STAGES = ("validate", "synth", "cfn-lint", "checkov")


def _row(label: str, run: GateRun) -> str:
    cells = [f"{run.timings.get(stage, float('nan')):10.2f}" for stage in STAGES]
    return f"{label:<12}{''.join(cells)}{run.seconds:10.2f}"


def bench(blueprint: Path, runs: int) -> None:
    print(f"{blueprint.name} ({os.cpu_count()} cores)")
    print(f"{'':<12}{''.join(f'{s:>10}' for s in STAGES)}{'total':>10}")
    results = []
    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="edastack-check-bench-") as out:
            run = check_blueprint(blueprint, outdir=Path(out))
        not_run = ", ".join(g.gate for g in run.not_run)
        print(_row(f"run {index + 1}", run) + (f"  (did not run: {not_run})" if not_run else ""))
        results.append(run)
    print(_row("best", min(results, key=lambda r: r.seconds)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("blueprints", nargs="*", type=Path, metavar="BLUEPRINT")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="edastack-check-bench-") as folder:
        blueprints = args.blueprints
        if not blueprints:
            generated = Path(folder) / "team-20-rules.yaml"
            text = platform_blueprint(
                rules=20, buses=2, topics=10, bridges=4, queues=5, environments=1, name="team"
            )
            generated.write_text(text, encoding="utf-8")
            blueprints = [generated]
        for blueprint in blueprints:
            bench(blueprint, args.runs)


if __name__ == "__main__":
    main()
