"""How close the single-trajectory RK4 is to its latency bound (docs/performance.md).

    python benchmarks/bench_latency.py [--repeats 9] [--steps 400000]

A single trajectory is latency-bound: each RK4 stage needs the previous one, each step the
previous step. This script measures, in one run:

1. the latency of one dependent floating-point add and one dependent multiply (a numba loop
   x = x + c, resp. x = x * c, with IEEE semantics: nothing can be overlapped or reassociated),
   in ns: the machine's clock times the instruction latency, whatever the clock is;
2. the constant-SOT RK4 of ``bench_llg.py`` (one member, one thread, output every 1000
   steps), ns per step of the whole ``simulate`` call;

and prints the bound = (dependent operations on the critical path of one step) x (latency of
one add/mul), next to the measured ns/step. The count (see ``CHAIN_OPS``) is read off the
code of ``llgsot.dynamics.integrators._rk4_stage`` and ``kernels.llg``, no FMA contraction
(numba's fastmath is off): stage 1 from m: q = L m + b0 (mul, add, add), the two zero terms
of c L k (add, add), the LL right-hand side (c = y x B: mul, sub; (g2 y) x c: mul, sub;
+ g1 c: add) = 10; stages 2-4 from k: (c L) k + q (mul, add, add) and the LL right-hand side
(5) = 8 each; the last update n += w k4 (mul, add) = 2; the renormalisation |n|^2 (mul, add,
add), f = 1.5 - |n|^2/2 (mul, sub), n f (mul) = 6: 42 in all, 16 multiplies and 26 adds.
Medians and best (least disturbed) of
``--repeats`` runs; the machine is shared, so the best is the better estimate of the kernel.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: dependent adds/muls on the critical path of one constant-SOT RK4 step (module docstring)
CHAIN_OPS = 10 + 3 * 8 + 2 + 6
CHAIN_MULS = 3 + 3 * 3 + 1 + 3
#: the same count for the kernel before the stage was rearranged (llgsot <= 524f5a3): per
#: stage y = m + c k (mul, add; stage 1: add), L y + b0 (mul and three adds in a row), the LL
#: right-hand side as g1 c + g2 (m x c) (mul, sub, mul, sub, mul, add)
CHAIN_OPS_BEFORE = 11 + 3 * 12 + 2 + 6
CHAIN_MULS_BEFORE = 4 + 3 * 5 + 1 + 3


@numba.njit(cache=False, fastmath=False)
def _add_chain(x, c, n):
    for _ in range(n):
        x = x + c
    return x


@numba.njit(cache=False, fastmath=False)
def _mul_chain(x, c, n):
    for _ in range(n):
        x = x * c
    return x


def per_op_ns(fn, x, c, n, repeats):
    fn(x, c, 10)
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(x, c, n)
        ts.append((time.perf_counter() - t) / n * 1e9)
    return statistics.median(ts), min(ts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--steps", type=int, default=400_000)
    args = ap.parse_args(argv)
    import bench_llg as B
    import llgsot
    n_ops = 50_000_000
    add_med, add_best = per_op_ns(_add_chain, 0.0, 1e-300, n_ops, args.repeats)
    mul_med, mul_best = per_op_ns(_mul_chain, 1.0, 1.0 + 1e-16, n_ops, args.repeats)
    print(f"dependent add: {add_med:.3f} ns (best {add_best:.3f}); dependent mul: {mul_med:.3f} "
          f"ns (best {mul_best:.3f})")
    numba.set_num_threads(1)
    mag = B.magnet()
    const = llgsot.ConstantSOT(B.THETA_SH, B.FL_RATIO)
    n = args.steps

    def run():
        return llgsot.simulate(mag, const, B.J, field=B.FIELD, m0=B.M0, t_end=n * B.DT, dt=B.DT,
                               save_every=1000)
    run()
    ts = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        run()
        ts.append((time.perf_counter() - t) / n * 1e9)
    med, best = statistics.median(ts), min(ts)
    bound = CHAIN_MULS * mul_best + (CHAIN_OPS - CHAIN_MULS) * add_best
    before = CHAIN_MULS_BEFORE * mul_best + (CHAIN_OPS_BEFORE - CHAIN_MULS_BEFORE) * add_best
    print(f"RK4 constant SOT, 1 thread: {med:.1f} ns/step (best {best:.1f}; "
          f"{1e3 / best:.1f} M steps/s)")
    print(f"critical path: {CHAIN_MULS} dependent muls and {CHAIN_OPS - CHAIN_MULS} adds = "
          f"{bound:.1f} ns/step (bound {1e3 / bound:.1f} M steps/s); best measured / bound = "
          f"{best / bound:.2f}")
    print(f"(the kernel before the rearrangement: {CHAIN_MULS_BEFORE} muls and "
          f"{CHAIN_OPS_BEFORE - CHAIN_MULS_BEFORE} adds = {before:.1f} ns/step)")


if __name__ == "__main__":
    main(sys.argv[1:])
