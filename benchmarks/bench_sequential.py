"""Error rates of sequential stopping (checks/sequential.py) by simulation, beside the mistake it replaces.

For proportion claims "p >= p0" (and quantile claims, which reduce to them), simulated probes look every
`--every` samples up to `--max-n` and stop at the first decision. At p = p0 (the claim on its edge) both
PROVEN and DISPROVEN are errors, and each must stay within alpha = 1 - confidence; off the bound, one
direction is right, and the table shows how often and how soon it is reached. "fixed-n" re-checks a
one-sided Clopper-Pearson bound at every look: what stopping at the first decision does without a
sequential test.

    python benchmarks/bench_sequential.py [--runs 4000] [--max-n 2000] [--every 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from checks.sequential import simulate
from checks.sufficiency import SufficiencyPolicy

CASES = [  # (true p, bound p0)
    (0.5, 0.5), (0.95, 0.95), (0.99, 0.99), (0.999, 0.999),
    (0.97, 0.95), (0.93, 0.95), (0.995, 0.99), (0.985, 0.99), (0.9999, 0.999),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    parser.add_argument("--max-n", type=int, default=2000)
    parser.add_argument("--every", type=int, default=10)
    args = parser.parse_args()
    policy = SufficiencyPolicy(confidence=0.95, min_samples=30)
    print(f"claim p >= p0, 95% confidence, {args.runs} runs, a look every {args.every} up to {args.max_n}")
    print("| true p | p0 | rule | PROVEN | DISPROVEN | INCONCLUSIVE | mean n at stop |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for p, p0 in CASES:
        for rule in ("sequential", "fixed-n"):
            done = simulate(
                p, ">=", p0, policy, runs=args.runs, max_n=args.max_n, look_every=args.every,
                rng=np.random.default_rng(20261201), rule=rule,
            )  # fmt: skip
            print(
                f"| {p:g} | {p0:g} | {rule} | {done.proven:.1%} | {done.disproven:.1%} | "
                f"{done.inconclusive:.1%} | {done.mean_n:.0f} |"
            )


if __name__ == "__main__":
    main()
