"""Cost of the llgsot spin-orbit term in a 64 x 64 x 1 magnum.np run (issue 10 target: <= 1.5x).

The same layer (2 nm cells, demag, exchange, uniaxial anisotropy, interfacial DMI, external
field) with (A) magnum.np's own SpinOrbitTorque, (B) llgsot's MagnumSOTField of the Fig. 4(a)
TableSOT (exact interpolant, jumps) and (C) of a ConstantSOT. One RKF45 step is six
evaluations of the LLG right-hand side, so the per-step time is 6 x the median time of
``LLGSolver.dm`` (measured interleaved A, B, C, A, B, C, ... so that all three see the same
machine load). Also the median time of the SOT term alone.

    python benchmarks/bench_micromagnetics.py [--n 64] [--threads 1] [--repeat 30] [--compile]
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--compile", action="store_true", help="magnum.np's torch.compile on")
    args = ap.parse_args()

    import llgsot
    from llgsot.constants import MU0
    from llgsot.micromagnetics import MagnumSOTField, magnumnp, spin_orbit_torque_material

    mn = magnumnp(compile=args.compile)
    import torch

    torch.set_num_threads(args.threads)
    ds = llgsot.load_table(os.path.join(HERE, os.pardir, "tables", "fig4.nc"))
    table = llgsot.TableSOT(llgsot.TorqueTable(ds.sel(fermi_energy=4.5e-3)), nm_thickness=5e-9)
    const = llgsot.ConstantSOT(0.2, field_like_ratio=0.5)
    J = -5e11
    mesh = mn.Mesh((args.n, args.n, 1), (2e-9, 2e-9, 1e-9))
    state = mn.State(mesh)
    material = {"Ms": 1e6, "A": 1.5e-11, "Ku": 0.7e6, "Ku_axis": [0, 0, 1], "Di": 0.5e-3,
                "alpha": 0.1}
    material.update(spin_orbit_torque_material(const, J, 1e-9))
    state.material = material
    torch.manual_seed(1)
    m = state.Constant([0.0, 0.0, 1.0]) + 0.3 * torch.randn(args.n, args.n, 1, 3)
    state.m = m / torch.linalg.norm(m, dim=-1, keepdim=True)
    state.t = 0.1e-9
    base = [mn.DemagField(), mn.ExchangeField(), mn.UniaxialAnisotropyField(),
            mn.InterfaceDMIField(), mn.ExternalField([0.02 / MU0, 0.0, 0.0])]
    sots = {"A magnum.np SpinOrbitTorque": mn.SpinOrbitTorque(),
            "B llgsot MagnumSOTField(TableSOT 4(a))": MagnumSOTField(table, J),
            "C llgsot MagnumSOTField(ConstantSOT)": MagnumSOTField(const, J)}
    solvers = {k: mn.LLGSolver(base + [t]) for k, t in sots.items()}
    rhs = {k: [] for k in sots}
    term = {k: [] for k in sots}
    for k in sots:  # warm up (demag kernel, compilation if on)
        solvers[k].dm(state.t, state.m, state)
    for _ in range(args.repeat):
        for k, llg in solvers.items():
            t0 = time.perf_counter()
            llg.dm(state.t, state.m, state)
            rhs[k].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sots[k].h(state)
            term[k].append(time.perf_counter() - t0)
    ref = statistics.median(rhs["A magnum.np SpinOrbitTorque"])
    print(f"# {args.n} x {args.n} x 1 cells, torch {torch.__version__}, {args.threads} thread(s), "
          f"magnum.np compile {'on' if args.compile else 'off'}, {args.repeat} repeats, medians")
    print(f"{'run':42s} {'RKF45 step (ms)':>16s} {'ratio':>6s} {'SOT term (ms)':>14s}")
    for k in sots:
        step = 6 * statistics.median(rhs[k])
        print(f"{k:42s} {step * 1e3:16.2f} {statistics.median(rhs[k]) / ref:6.2f} "
              f"{statistics.median(term[k]) * 1e3:14.3f}")


if __name__ == "__main__":
    main()
