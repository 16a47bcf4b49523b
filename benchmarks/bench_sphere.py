"""Sphere-table torque kernel against the 1D table kernel: field evaluations and LLG steps per second.

    PYTHONPATH=$PWD python benchmarks/bench_sphere.py [--quick]

Tables: the shipped Fig. 4(a) table (eps = 4.5 meV, two jumps) as the 1D TableSOT "exact"
kernel (:func:`llgsot.dynamics.kernels.sot_table`), and the same response built as sphere
tables (:mod:`llgsot.tables.sphere`) with C_inf_v (one azimuth line) and C_2v (16 lines),
plus an anisotropic C_2v table (the Fig. 4(a) response times (1 + 0.6 m_x m_y) with jumps
that move with phi; 64 lines). Timings: medians of interleaved repeats (the 1D and sphere runs
alternate) of the thread CPU time (time.thread_time: less sensitive to other processes than
wall time). "field": B_SOT at 20000 m on a precessing path; "LLG": fixed-step RK4 of a
macrospin (anisotropy + SOT) in one numba loop.
The target of issue 19 is sphere/1D >= 1/3.
"""
import argparse
import math
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import llgsot  # noqa: E402
from llgsot import _jit, spinorbit  # noqa: E402
from llgsot.dynamics import kernels as K1  # noqa: E402
from llgsot.dynamics import sphere_kernel as KS  # noqa: E402
from llgsot.tables.sphere import build_sphere_table, c2v_rd, c_nv  # noqa: E402
from llgsot.tables.sphere.table import SphereTable  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@_jit.njit
def _b_1d(x, y, z, args):
    J, par, geom, coef = args
    return K1.sot_table(x, y, z, J, par, geom, coef)


@_jit.njit
def _b_sphere(x, y, z, args):
    J, jx, jy, pref, geom, coef = args
    return KS.sot_sphere(x, y, z, J, jx, jy, pref, geom, coef)


# not cached: numba cannot pickle the cache index of a function taking another jitted
# function (ReferenceError 'underlying object has vanished' once two copies share the cache)
@_jit.njit(cache=False)
def _llg(m0, n, dt, bk, gll, damp, field, args):
    """n fixed RK4 steps of a macrospin (uniaxial field bk m_z plus the SOT field(x, y, z,
    args) of the 1D or sphere kernel) in one numba loop."""
    mx, my, mz = m0[0], m0[1], m0[2]
    for _ in range(n):
        kx = np.empty(4)
        ky = np.empty(4)
        kz = np.empty(4)
        x, y, z = mx, my, mz
        for s in range(4):
            bx, by, bz = field(x, y, z, args)
            bz += bk * z
            cx, cy, cz = y * bz - z * by, z * bx - x * bz, x * by - y * bx
            kx[s] = -gll * (cx + damp * (y * cz - z * cy))
            ky[s] = -gll * (cy + damp * (z * cx - x * cz))
            kz[s] = -gll * (cz + damp * (x * cy - y * cx))
            h = dt if s == 2 else 0.5 * dt
            if s < 3:
                x, y, z = mx + h * kx[s], my + h * ky[s], mz + h * kz[s]
        mx += dt / 6 * (kx[0] + 2 * kx[1] + 2 * kx[2] + kx[3])
        my += dt / 6 * (ky[0] + 2 * ky[1] + 2 * ky[2] + ky[3])
        mz += dt / 6 * (kz[0] + 2 * kz[1] + 2 * kz[2] + kz[3])
        r = 1.0 / math.sqrt(mx * mx + my * my + mz * mz)
        mx, my, mz = mx * r, my * r, mz * r
    return mx, my, mz


def _interleaved(fns, repeat):
    """Median seconds of each fn, the calls interleaved (after one warm-up call each)."""
    for fn in fns:
        fn()
    ts = [[] for _ in fns]
    for _ in range(repeat):
        for t, fn in zip(ts, fns):
            t0 = time.thread_time()
            fn()
            t.append(time.thread_time() - t0)
    return [statistics.median(t) for t in ts]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(argv)
    repeat = 5 if args.quick else 15
    ds = llgsot.load_table(os.path.join(ROOT, "tables", "fig4.nc")).sel(fermi_energy=4.5e-3)
    t1 = llgsot.TorqueTable(ds)
    kmax = np.abs(t1.values[:, :6]).max()

    def iso(th, ph):
        Kt, St = t1.K_and_sigma(spinorbit.magnetization(th, ph))
        return Kt, St, np.zeros_like(Kt), np.zeros_like(St)

    def aniso(th, ph):
        m = spinorbit.magnetization(th, ph)
        mx, my, mz = m[..., 0], m[..., 1], m[..., 2]
        Kt, St = t1.K_and_sigma(spinorbit.magnetization(th + 0.15 * mx * my * mz, ph))
        Kt = Kt * (1 + 0.6 * mx * my)[..., None, None] + 0.3 * kmax * np.array([[1, 0], [0, -1], [0, 0.]])
        return Kt, St, np.zeros_like(Kt), np.zeros_like(St)

    mag = llgsot.Macrospin(Ms=1.1e6, thickness=1e-9, area=1e-16, damping=0.02)
    jhat = (0.6, 0.8)
    tq = llgsot.TableSOT(t1, nm_thickness=3e-9, current_direction=jhat)
    entries, geom, coef = tq.kernel_setup(mag)
    par = K1.make_params(**entries)
    pref = entries["pref"]
    J = 1e11
    n = 20000
    t = np.linspace(0, 40 * np.pi, n)
    th = 0.5 * np.pi + 1.2 * np.sin(0.05 * t)
    m = np.stack([np.sin(th) * np.cos(t), np.sin(th) * np.sin(t), np.cos(th)], -1)
    out = np.empty((n, 3))
    steps, dt = 20000, 1e-13
    gll = 1.76e11 / (1 + 0.02 ** 2)
    m0 = np.array([math.sin(0.3), 0.0, math.cos(0.3)])
    cases = [("C_inf_v (1 line)", iso, c_nv(None)), ("C_2v (16 lines), isotropic", iso, c2v_rd()),
             ("C_2v anisotropic, moving jumps", aniso, c2v_rd())]
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores "
          "(timings under load if this exceeds the free cores)")
    for name, f, grp in cases:
        st = SphereTable(build_sphere_table(f, grp, tol=1e-4, delta_xc=5e-3))
        arrs = KS.kernel_arrays(st.kernel_arrays())
        t1d, tsp = _interleaved([lambda: K1.sot_many(m, J, par, geom, coef, out),
                                 lambda: KS.sot_sphere_many(m, J, jhat[0], jhat[1], pref, *arrs, out)],
                                repeat)
        a1d = (J, par[0], geom, coef)
        asp = (J, jhat[0], jhat[1], pref, *arrs)
        s1d, ssp = _interleaved([lambda: _llg(m0, steps, dt, 0.5, gll, 0.02, _b_1d, a1d),
                                 lambda: _llg(m0, steps, dt, 0.5, gll, 0.02, _b_sphere, asp)], repeat)
        print(f"{name:32s} {st.n_lines:4d} lines | field: 1D {n / t1d:.3g}/s, sphere {n / tsp:.3g}/s, "
              f"ratio {t1d / tsp:.3f} | LLG RK4: 1D {steps / s1d:.3g} steps/s, sphere "
              f"{steps / ssp:.3g} steps/s, ratio {s1d / ssp:.3f}")


if __name__ == "__main__":
    main()
