"""Speed of the macrospin LLG engine: medians of repeated runs, printed (no assertions).

    python benchmarks/bench_llg.py            # full (about 2-3 minutes)
    python benchmarks/bench_llg.py --quick    # fewer repeats, shorter runs

Measures, in one run:
1. one deterministic macrospin, table-driven SOT, RK4, one thread: RK4 steps per second;
2. the same with the constant SOT model;
3. scipy's solve_ivp (RK45) on the identical problems (the same physics written in numpy),
   steps per second and the ratio;
4. a 4096-member thermal ensemble, Heun, all threads: member-steps per second (table and
   constant SOT);
5. with cmtj installed (``pip install cmtj``, optional extra ``bench``): cmtj's RK4 on the
   identical constant-torque problem, same step, same output decimation, and the ratio.

Wall times are of the whole ``llgsot.simulate`` call (validation, kernel, xarray wrapping),
after a warm-up call that compiles (or loads) the kernels. The load average is printed before
and after: other work on the machine shows up there.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numba
import numpy as np

import llgsot
from llgsot.constants import E_CHARGE, GAMMA_E, HBAR, MU0

# -- the problem: a perpendicular CoFeB-like free layer on a heavy metal
MS, D, AREA, DAMPING = 1.0e6, 1.0e-9, (50e-9) ** 2, 0.02
KU = 0.5 * (0.3 + MU0 * MS) * MS  # B_K,eff = 2 Ku/Ms - mu0 Ms = 0.3 T
FIELD = (0.02, 0.0, 0.0)
THETA_SH, FL_RATIO = 0.1, 0.0
J = -0.9 * 2 * E_CHARGE / HBAR * MS * D / THETA_SH * (0.15 - 0.02 / np.sqrt(2))  # 0.9 J_c
M0 = (0.05, 0.0, float(np.sqrt(1 - 0.05**2)))
T_NM, SIGMA0, DELTA_XC = 4e-9, 2e-3, 8e-22
DT = 1e-13


class SyntheticTable:
    """A 181-node table with theta-dependent coefficients (stands in for a TorqueTable):
    K E = c_FL(th) (z x E) + c_DL(th) m x (z x E), c(th) = c (1 + 0.3 cos^2 th)."""

    def __init__(self, n=181):
        c_dl = HBAR * THETA_SH * SIGMA0 / (2 * E_CHARGE * DELTA_XC * T_NM)
        c_fl = -0.3 * c_dl
        th = np.linspace(0, np.pi, n)
        c, s = np.cos(th), np.sin(th)
        f, df = 1 + 0.3 * c * c, -0.6 * c * s
        val = np.zeros((n, 10))
        slo = np.zeros((n, 10))
        val[:, 0], slo[:, 0] = -c_dl * f * c, c_dl * (f * s - df * c)       # Kxx
        val[:, 1], slo[:, 1] = -c_fl * f, -c_fl * df                         # Kxy
        val[:, 2], slo[:, 2] = c_fl * f, c_fl * df                           # Kyx
        val[:, 3], slo[:, 3] = val[:, 0], slo[:, 0]                          # Kyy
        val[:, 4], slo[:, 4] = c_dl * f * s, c_dl * (f * c + df * s)         # Kzx
        val[:, 6] = val[:, 9] = SIGMA0
        self.arrays = {"theta": th, "values": val, "slopes": slo, "delta_xc_J": DELTA_XC}

    def kernel_arrays(self):
        return dict(self.arrays)


def magnet(damping=DAMPING, area=AREA):
    return llgsot.Macrospin(Ms=MS, thickness=D, area=area, damping=damping, Ku=KU)


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def bench_single(torque, n_steps, repeats, save_every):
    mag = magnet()
    numba.set_num_threads(1)
    run = lambda: llgsot.simulate(mag, torque, J, field=FIELD, m0=M0, t_end=n_steps * DT,  # noqa: E731
                                  dt=DT, save_every=save_every)
    run()
    med, _ = median_time(run, repeats)
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    return n_steps / med


def bench_ensemble(torque, members, n_steps, repeats):
    mag = magnet(area=(20e-9) ** 2)
    run = lambda: llgsot.simulate(mag, torque, J, field=FIELD, m0=M0, t_end=n_steps * DT, dt=DT,  # noqa: E731
                                  method="heun", temperature=300.0, members=members, seed=1,
                                  save_every=n_steps)
    run()
    med, _ = median_time(run, repeats)
    return members * n_steps / med


def scipy_problem(table):
    """The identical right-hand side in numpy, for solve_ivp."""
    gamma_ll = GAMMA_E / (1 + DAMPING**2)
    bk = 2 * KU / MS
    bdl = HBAR * THETA_SH * J / (2 * E_CHARGE * MS * D)
    p = np.array([0.0, 1.0, 0.0])
    B_ext = np.asarray(FIELD)
    if table is not None:
        a = table.kernel_arrays()
        th_n, val, slo = a["theta"], a["values"], a["slopes"]
        pref = DELTA_XC * T_NM / (MS * D)

    def rhs(t, m):
        B = B_ext + np.array([0.0, 0.0, bk * m[2] - MU0 * MS * m[2]])
        if table is None:
            B = B + bdl * np.cross(m, p)
        else:
            rho = np.hypot(m[0], m[1])
            th = np.arctan2(rho, m[2])
            c, s = (m[0] / rho, m[1] / rho) if rho > 0 else (1.0, 0.0)
            i = min(max(np.searchsorted(th_n, th, side="right") - 1, 0), th_n.size - 2)
            h = th_n[i + 1] - th_n[i]
            u = (th - th_n[i]) / h
            y = ((2 * u**3 - 3 * u**2 + 1) * val[i] + (u**3 - 2 * u**2 + u) * h * slo[i]
                 + (-2 * u**3 + 3 * u**2) * val[i + 1] + (u**3 - u**2) * h * slo[i + 1])
            K0, s0 = y[:6].reshape(3, 2), y[6:].reshape(2, 2)
            jp = np.array([c, -s]) * J
            e = np.linalg.solve(s0, jp)
            sp = K0 @ e
            B = B + pref * np.array([c * sp[0] - s * sp[1], s * sp[0] + c * sp[1], sp[2]])
        mxb = np.cross(m, B)
        return -gamma_ll * (mxb + DAMPING * np.cross(m, mxb))

    return rhs


def bench_scipy(table, t_end, repeats):
    from scipy.integrate import solve_ivp
    rhs = scipy_problem(table)
    out = {}

    def run():
        sol = solve_ivp(rhs, (0.0, t_end), np.asarray(M0), method="RK45", rtol=1e-8, atol=1e-10)
        out["steps"] = sol.t.size - 1
        out["nfev"] = sol.nfev
        out["m"] = sol.y[:, -1]
    med, _ = median_time(run, repeats)
    return out["steps"] / med, out["nfev"] / med, out["m"]


def bench_cmtj(n_steps, save_every, repeats):
    """cmtj RK4, identical constant-torque problem, same step and output decimation."""
    import cmtj
    from cmtj import CVector, Junction, Layer, constantDriver
    # the same constants as llgsot (cmtj's defaults: gamma mu0 = 220880 m/(A s), mu0 = 1.2566e-6)
    cmtj.constants.PhysicalConstants.set_gyromagnetic_ratio(GAMMA_E * MU0)
    cmtj.constants.PhysicalConstants.set_magnetic_permeability(MU0)
    demag = [CVector(0, 0, 0), CVector(0, 0, 0), CVector(0, 0, 1)]
    hdl = HBAR * THETA_SH * J / (2 * E_CHARGE * MS * D) / MU0  # A/m
    t_end = n_steps * DT

    def make():
        layer = Layer.createSOTLayer(id="free", mag=CVector(*M0), anis=CVector(0, 0, 1),
                                     Ms=MU0 * MS, thickness=D, cellSurface=AREA,
                                     demagTensor=demag, damping=DAMPING,
                                     dampingLikeTorque=hdl, fieldLikeTorque=FL_RATIO * hdl)
        layer.setReferenceLayer(CVector(0, 1, 0))
        j = Junction([layer])
        j.setLayerAnisotropyDriver("free", constantDriver(KU))
        j.setLayerCurrentDriver("free", constantDriver(1.0))  # static SOT fields scale with it
        j.setLayerExternalFieldDriver("free", cmtj.AxialDriver(
            constantDriver(FIELD[0] / MU0), constantDriver(FIELD[1] / MU0), constantDriver(FIELD[2] / MU0)))
        return j

    out = {}

    def run():
        j = make()
        j.runSimulation(t_end, DT, save_every * DT, solverMode=cmtj.SolverMode.RK4)
        log = j.getLog()
        out["m"] = np.array([log["free_mx"][-1], log["free_my"][-1], log["free_mz"][-1]])
    run()
    med, _ = median_time(run, repeats)
    return n_steps / med, out["m"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    q = args.quick
    rep = 3 if q else 7
    n_single = 400_000 if q else 2_000_000
    n_ens = 500 if q else 2_000
    print(f"llgsot {llgsot.__version__}, numba {numba.__version__}, numpy {np.__version__}, "
          f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"numba threads {numba.config.NUMBA_NUM_THREADS}")
    print(f"load average before: {os.getloadavg()}")
    table = llgsot.TableSOT(SyntheticTable(), T_NM)
    table4 = llgsot.TableSOT(SyntheticTable(), T_NM, representation="four-term")
    const = llgsot.ConstantSOT(THETA_SH, FL_RATIO)
    res = {}
    res["rk4_table"] = bench_single(table, n_single, rep, save_every=1000)
    print(f"[1] RK4, table SOT, 1 member, 1 thread:     {res['rk4_table'] / 1e6:7.2f} M steps/s "
          f"(median of {rep}, {n_single} steps)")
    res["rk4_table4"] = bench_single(table4, n_single, rep, save_every=1000)
    print(f"[1] RK4, table SOT four-term, 1 member:     {res['rk4_table4'] / 1e6:7.2f} M steps/s "
          f"(target 10 M)")
    res["rk4_const"] = bench_single(const, n_single, rep, save_every=1000)
    print(f"[2] RK4, constant SOT, 1 member, 1 thread:  {res['rk4_const'] / 1e6:7.2f} M steps/s")
    t_sp = 2e-9 if q else 5e-9
    for name, tq, tab in (("table", table, table.table), ("constant", const, None)):
        sps, fps, m_sp = bench_scipy(tab, t_sp, 3)
        ds = llgsot.simulate(magnet(), tq, J, field=FIELD, m0=M0, t_end=t_sp, dt=DT,
                             method="dopri", rtol=1e-11, atol=1e-13)
        err = np.max(np.abs(m_sp - ds.m.values[-1, 0]))
        key = "rk4_table" if name == "table" else "rk4_const"
        print(f"[3] scipy solve_ivp RK45 (rtol 1e-8), {name} SOT: {sps:9.0f} steps/s "
              f"({fps:.0f} RHS/s; |m - reference| = {err:.1e}); "
              f"llgsot RK4 / scipy = {res[key] / sps:,.0f}x steps/s")
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    res["heun_table"] = bench_ensemble(table, 4096, n_ens, rep)
    print(f"[4] Heun, T = 300 K, 4096 members, {numba.get_num_threads()} threads, table SOT:    "
          f"{res['heun_table'] / 1e6:7.2f} M member-steps/s")
    res["heun_table4"] = bench_ensemble(table4, 4096, n_ens, rep)
    print(f"[4] Heun, T = 300 K, 4096 members, {numba.get_num_threads()} threads, table four-term: "
          f"{res['heun_table4'] / 1e6:7.2f} M member-steps/s (target 20 M)")
    res["heun_const"] = bench_ensemble(const, 4096, n_ens, rep)
    print(f"[4] Heun, T = 300 K, 4096 members, {numba.get_num_threads()} threads, constant SOT: "
          f"{res['heun_const'] / 1e6:7.2f} M member-steps/s")
    try:
        import cmtj  # noqa: F401
    except ImportError:
        print("[5] cmtj not installed (pip install cmtj): comparison skipped")
    else:
        n_c = 200_000 if q else 1_000_000
        save = 100
        sps_c, m_c = bench_cmtj(n_c, save, rep)
        ours = bench_single(const, n_c, rep, save_every=save)
        ds = llgsot.simulate(magnet(), const, J, field=FIELD, m0=M0, t_end=n_c * DT, dt=DT,
                             save_every=save)
        diff = np.max(np.abs(ds.m.values[-1, 0] - m_c))
        print(f"[5] cmtj RK4, same problem, dt = {DT:g} s, output every {save} steps: "
              f"{sps_c / 1e6:7.2f} M steps/s; llgsot: {ours / 1e6:7.2f} M steps/s; "
              f"ratio llgsot/cmtj = {ours / sps_c:.1f}x (final |m_llgsot - m_cmtj| = {diff:.1e})")
    print(f"load average after: {os.getloadavg()}")
    return res


if __name__ == "__main__":
    main(sys.argv[1:])
