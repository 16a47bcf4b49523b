"""SOT switching of a perpendicular macrospin: a deterministic trajectory, the same pulse with
a table-driven torque, and the switching-time distribution of a thermal ensemble.

    python examples/switching_trajectory.py     # writes docs/figures/switching_trajectory.png

The free layer: Ms = 1 MA/m, 1 nm thick, 50 nm x 50 nm, B_K,eff = 0.3 T, damping 0.05, with an
in-plane field B_x = +20 mT. Convention (docs/dynamics.md): with the spin polarization p = +y
(current along +x) and theta_SH > 0, the damping-like field b_DL = hbar theta_SH J/(2|e| Ms d)
turns m toward +p when J > 0; with B_x > 0 a current J < 0 switches m_z from +1 to -1 and
J > 0 switches it back. The threshold is Lee et al.'s J_c = (2e/hbar)(mu0 Ms d/theta_SH)
(H_K,eff/2 - H_x/sqrt 2); the pulse here is 1.5 J_c for 1 ns, 100 ps rise and 2 ns fall. During the pulse m is held
near the film plane (toward -p); the fall must be slow against the precession and relaxation
(1/(a gamma B_K) = 0.4 ns here) for m to follow the down branch: with a 0.5-1 ns fall it
falls back up, with >= 2 ns it switches (checked at 1.2, 1.5 and 2 J_c).

The table-driven run uses a synthetic torque table (this example does not need the solver):
K E = c_FL(th)(z x E) + c_DL(th) m x (z x E) with c(th) = c (1 + 0.3 cos^2 th) and the same c as
the constant model, to show how an angle dependence of the coefficients changes the path.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402
from llgsot.constants import E_CHARGE, HBAR, MU0  # noqa: E402

MS, D, BK_EFF, THETA_SH = 1e6, 1e-9, 0.3, 0.3
BX = 0.02
T_NM, SIGMA0, DELTA_XC = 4e-9, 2e-3, 8e-22
FIG = Path(__file__).resolve().parents[1] / "docs" / "figures"


class SyntheticTable:
    """kernel_arrays() of the TorqueTable contract for c(th) = c0 (1 + amp cos^2 th)."""

    def __init__(self, c_dl, c_fl, amp, n=181):
        th = np.linspace(0, np.pi, n)
        c, s = np.cos(th), np.sin(th)
        f, df = 1 + amp * c * c, -2 * amp * c * s
        val, slo = np.zeros((n, 10)), np.zeros((n, 10))
        val[:, 0], slo[:, 0] = -c_dl * f * c, c_dl * (f * s - df * c)
        val[:, 1], slo[:, 1] = -c_fl * f, -c_fl * df
        val[:, 2], slo[:, 2] = c_fl * f, c_fl * df
        val[:, 3], slo[:, 3] = val[:, 0], slo[:, 0]
        val[:, 4], slo[:, 4] = c_dl * f * s, c_dl * (f * c + df * s)
        val[:, 6] = val[:, 9] = SIGMA0
        self._a = {"theta": th, "values": val, "slopes": slo, "delta_xc_J": DELTA_XC}

    def kernel_arrays(self):
        return dict(self._a)


def main():
    mag = llgsot.Macrospin(Ms=MS, thickness=D, area=(50e-9) ** 2, damping=0.05,
                           Ku=0.5 * (BK_EFF + MU0 * MS) * MS)
    jc = 2 * E_CHARGE / HBAR * MS * D / THETA_SH * (BK_EFF / 2 - BX / np.sqrt(2))
    pulse = llgsot.Pulse(-1.5 * jc, 1e-9, rise=1e-10, fall=2e-9, delay=0.2e-9)
    const = llgsot.ConstantSOT(THETA_SH)
    c_dl = HBAR * THETA_SH * SIGMA0 / (2 * E_CHARGE * DELTA_XC * T_NM)
    table = llgsot.TableSOT(SyntheticTable(c_dl, 0.0, 0.3), T_NM)
    kw = dict(field=(BX, 0, 0), m0=(0, 0, 1), t_end=6e-9, dt=2e-13, save_every=10)
    run_c = llgsot.simulate(mag, const, pulse, **kw)
    run_t = llgsot.simulate(mag, table, pulse, **kw)
    thermal = llgsot.simulate(mag, const, pulse, method="heun", temperature=300.0, members=512,
                              seed=1, **{**kw, "save_every": 50})
    print(f"J_c (Lee et al.) = {jc:.3e} A/m^2, pulse amplitude {pulse.amplitude:.3e} A/m^2")
    for name, ds in (("constant SOT", run_c), ("table SOT", run_t)):
        print(f"{name}: switched = {int(ds.switched[0])}, first crossing of m_z = 0 at "
              f"{float(ds.switching_time[0]) * 1e9:.3f} ns, settled at "
              f"{float(ds.settling_time[0]) * 1e9:.3f} ns, |m| drift {float(ds.norm_drift[0]):.1e}")
    p = float(thermal.switched.mean())
    ts = thermal.switching_time.values[thermal.switched.values == 1]
    print(f"300 K, 512 members: switching probability {p:.3f}, switching time "
          f"{np.median(ts) * 1e9:.3f} ns (median), {np.percentile(ts, 5) * 1e9:.3f}-"
          f"{np.percentile(ts, 95) * 1e9:.3f} ns (5-95 %)")

    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
    t = run_c.time.values * 1e9
    for comp, col in zip("xyz", ("C0", "C1", "C2")):
        ax[0].plot(t, run_c.m.sel(member=0, component=comp), col, label=f"m_{comp} constant")
        ax[0].plot(t, run_t.m.sel(member=0, component=comp), col + "--", label=f"m_{comp} table")
    ax2 = ax[0].twinx()
    ax2.fill_between(t, run_c.current / jc, color="0.85", zorder=-1)
    ax2.set_ylabel("J / J_c")
    ax[0].set_zorder(ax2.get_zorder() + 1)
    ax[0].patch.set_visible(False)
    ax[0].set(xlabel="time (ns)", ylabel="m", title="pulse -1.5 J_c (grey), B_x = 20 mT")
    ax[0].legend(fontsize=7, ncol=2, loc="lower left")
    m = run_c.m.isel(member=0).values
    ax[1].plot(m[:, 0], m[:, 1], lw=0.8, label="constant")
    mt = run_t.m.isel(member=0).values
    ax[1].plot(mt[:, 0], mt[:, 1], lw=0.8, ls="--", label="table")
    ax[1].set(xlabel="m_x", ylabel="m_y", title="projection on the film plane", aspect="equal")
    ax[1].legend(fontsize=8)
    ax[2].hist(ts * 1e9, bins=30, color="C3")
    ax[2].axvline(float(run_c.switching_time[0]) * 1e9, color="k", ls="--", label="0 K")
    ax[2].set(xlabel="first m_z = 0 crossing (ns), switched members", ylabel="members",
              title=f"300 K, 512 members, P_sw = {p:.2f}")
    ax[2].legend()
    FIG.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIG / "switching_trajectory.png", dpi=130)
    print(f"wrote {FIG / 'switching_trajectory.png'}")


if __name__ == "__main__":
    main()
