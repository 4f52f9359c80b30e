"""How long matching events against a bus's rules takes: 1,000 events, 300 rules (a bus's
default quota), patterns over every operator.

Rules are compiled once (as ``edastack route`` and ``validate``'s event examples do); each event
is flattened once and matched against every rule. Prints the compile time, the best and median
wall time of several runs, events per second, and how many (event, rule) pairs matched.

    .venv/bin/python bench/route_bench.py [--runs 7] [--rules 300] [--events 1000]

No assertions: speed is read, not gated (CONTRIBUTING.md, "Tests"). Target: under a second.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from typing import Any

from edastack.blueprints.routing import compile_pattern, flatten

SOURCES = [f"shop.{name}" for name in ("orders", "payments", "stock", "users", "carts")]
TYPES = ["Created", "Updated", "Deleted", "Shipped", "Refunded", "Failed"]


def _pattern(i: int, rng: random.Random) -> dict[str, Any]:
    """One of ten shapes, each with a selective source and a detail condition."""
    source, kind = SOURCES[i % len(SOURCES)], TYPES[i % len(TYPES)]
    detail: dict[str, Any] = [
        {"total": [{"numeric": [">=", rng.randint(0, 900)]}]},
        {"currency": [{"anything-but": ["TEST", "XXX"]}]},
        {"channel": [{"equals-ignore-case": "web"}, {"prefix": "app-"}]},
        {"file": [{"suffix": ".png"}, {"wildcard": f"img-{i % 7}*.jp*g"}]},
        {"ip": [{"cidr": f"10.{i % 256}.0.0/16"}]},
        {"items": {"sku": [f"sku-{i % 50}"], "qty": [{"numeric": [">", 1]}]}},
        {"coupon": [{"exists": False}], "tier": ["gold", "silver"]},
        {"region": [{"anything-but": {"prefix": "us-"}}]},
        {"$or": [{"total": [{"numeric": ["<", 10]}]}, {"vip": [True]}]},
        {"status": [{"anything-but": {"wildcard": "test-*"}}]},
    ][i % 10]
    return {"source": [source], "detail-type": [f"Order{kind}", kind], "detail": detail}


def _event(i: int, rng: random.Random) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"00000000-0000-0000-0000-{i:012d}",
        "source": rng.choice(SOURCES),
        "detail-type": rng.choice(TYPES),
        "account": "111111111111",
        "time": "2026-03-01T10:00:00Z",
        "region": "eu-west-1",
        "resources": [],
        "detail": {
            "total": rng.randint(0, 2000) / 2,
            "currency": rng.choice(["EUR", "USD", "TEST"]),
            "channel": rng.choice(["WEB", "app-ios", "store"]),
            "file": f"img-{rng.randint(0, 9)}x.jpeg",
            "ip": f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.1",
            "items": [
                {"sku": f"sku-{rng.randint(0, 60)}", "qty": rng.randint(1, 3)}
                for _ in range(rng.randint(1, 4))
            ],
            "tier": rng.choice(["gold", "bronze"]),
            "region": rng.choice(["us-east-1", "eu-west-1"]),
            "vip": rng.random() < 0.1,
            "status": rng.choice(["test-1", "live"]),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rules", type=int, default=300)
    parser.add_argument("--events", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(16)
    patterns = [_pattern(i, rng) for i in range(args.rules)]
    events = [_event(i, rng) for i in range(args.events)]

    start = time.perf_counter()
    compiled = [compile_pattern(p) for p in patterns]
    compile_s = time.perf_counter() - start

    matched, times = 0, []
    for _ in range(args.runs):
        gc.collect()
        start = time.perf_counter()
        matched = sum(rule.matches_flat(flat) for flat in map(flatten, events) for rule in compiled)
        times.append(time.perf_counter() - start)

    best, median = min(times), statistics.median(times)
    print(f"{args.events:,} events x {args.rules:,} rules, {args.runs} runs")
    print(f"  compile the rules  {compile_s * 1000:8.1f} ms (validated, once)")
    print(f"  match, best        {best * 1000:8.1f} ms")
    print(f"  match, median      {median * 1000:8.1f} ms")
    print(f"  events per second  {args.events / best:10,.0f}")
    print(f"  matches            {matched:,} (event, rule) pairs")


if __name__ == "__main__":
    main()
