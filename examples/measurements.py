"""What harmonic Hall and ST-FMR measurements would show for the paper's Fig. 4 torques.

The shipped tables (tables/fig4.nc: Ta-like Rashba ferromagnet, Delta_xc = 5 meV, Fermi
energy 4.5 meV inside the spin gap at theta = 0 and 5.5 meV above it) drive a TableSOT with a
5 nm normal metal under a perpendicular free layer (harmonic Hall) and an in-plane one
(ST-FMR, harmonic Hall in Avci's geometry). The standard analyses' results are compared with
the true table fields at the equilibrium angles:

* true damping-like / field-like fields of the table at m (current along x, p = y):
  b_DL(m) = B_SOT.(m x p)/|m x p|^2 and b_FL(m) = B_SOT.(p - (p.m) m)/|m x p|^2, i.e. the
  coefficients of the ConstantSOT form B_DL (m x p) + B_FL p that give the same torque
  (exact for m in the xz-plane or in-plane);
* Hayashi field sweeps with increasing maximum field (the tilt reaches 2.5 to 20 deg);
* an angle-resolved analysis of the x sweep, b_DL(theta) = 2 cos(theta) R_2w / (dR_1w/dB)
  with cos(theta) = R_1w / R_ahe (exact in the small-current limit for R_phe = 0; its
  B -> 0 limit is Hayashi's formula), plotted against the true b_DL(theta);
* Avci's azimuthal scan of an in-plane magnet and Liu's ST-FMR S/A analysis.

Run:  python examples/measurements.py   ->  docs/figures/measurements_*.png and a markdown
table on stdout (pasted into docs/measurements.md).
"""
from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402
from llgsot.constants import E_CHARGE, HBAR  # noqa: E402
from llgsot.tables.store import select  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIG = ROOT / "docs" / "figures"
T_NM = 5e-9
PERP = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.01, Ku=1.2e6)
INPLANE = llgsot.Macrospin(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.01)
J_HH, J_FMR, F_FMR = 1e10, 1e9, 6e9
LABEL = {4.5e-3: "4.5 meV (inside the gap)", 5.5e-3: "5.5 meV (above the gap)"}


def torque(eps):
    ds = select(llgsot.load_table(ROOT / "tables" / "fig4.nc"), "example", fermi_energy=eps)
    return llgsot.TableSOT(llgsot.TorqueTable(ds), T_NM)


def true_fields(tq, mag, m, J):
    """(b_DL, b_FL) of the table at unit m (..., 3) for p = y (see the module docstring)."""
    B = tq.field(m, J, mag.Ms, mag.thickness)
    p = np.array([0.0, 1.0, 0.0])
    mxp = np.cross(m, p)
    n2 = np.sum(mxp * mxp, -1)
    pperp = p - (m @ p)[..., None] * m
    return np.sum(B * mxp, -1) / n2, np.sum(B * pperp, -1) / n2


def control(tq, mag, m, J):
    """The ConstantSOT (p = y) with the table's b_DL, b_FL at m: what the analyses assume."""
    dl, fl = true_fields(tq, mag, np.asarray(m, float), J)
    theta = float(dl) * 2 * E_CHARGE * mag.Ms * mag.thickness / (HBAR * J)
    return llgsot.ConstantSOT(theta, float(fl) / float(dl))


def hayashi_rows(eps, tq, rows):
    B_K = PERP.effective_anisotropy_field()
    m0 = np.array([0.0, 0.0, 1.0])
    dl0, fl0 = true_fields(tq, PERP, m0, J_HH)
    const = control(tq, PERP, m0, J_HH)
    out = []
    for bmax in (0.05, 0.1, 0.2, 0.4):
        r, rc = (llgsot.analyze_harmonic_hall(llgsot.harmonic_hall(
            PERP, t, J_HH, np.linspace(-bmax, bmax, 41), field_azimuth=[0.0, math.pi / 2], R_phe=0.0,
            nm_thickness=T_NM)) for t in (tq, const))
        th = math.degrees(math.asin(bmax / B_K))
        tilt = llgsot.spinorbit.magnetization(math.asin(bmax / B_K))
        dlt, _ = true_fields(tq, PERP, tilt, J_HH)
        rows.append(["harmonic Hall, Hayashi", LABEL[eps], f"|B| <= {bmax:g} T (tilt <= {th:.1f} deg)",
                     r["B_DL"], float(dl0), float(dlt), r["B_FL_sot"], float(fl0), rc["B_DL"]])
        out.append((bmax, r))
    # with the planar Hall effect (xi = 0.3) and its correction
    r, rc = (llgsot.analyze_harmonic_hall(llgsot.harmonic_hall(
        PERP, t, J_HH, np.linspace(-0.1, 0.1, 41), field_azimuth=[0.0, math.pi / 2], R_phe=0.3,
        nm_thickness=T_NM)) for t in (tq, const))
    rows.append(["harmonic Hall, Hayashi, xi = 0.3", LABEL[eps], "|B| <= 0.1 T", r["B_DL"], float(dl0),
                 math.nan, r["B_FL_sot"], float(fl0), rc["B_DL"]])
    return out


def angle_resolved(tq):
    """(theta, b_DL extracted, b_DL true) from one x sweep up to 0.9 B_K (R_phe = 0)."""
    B_K = PERP.effective_anisotropy_field()
    B = np.linspace(0.0, 0.9 * B_K, 181)
    ds = llgsot.harmonic_hall(PERP, tq, J_HH, B, R_phe=0.0)
    c = ds.R_1w.values  # R_ahe = 1
    dR1 = np.gradient(c, B, edge_order=2)
    th = np.arccos(np.clip(c, -1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ext = 2 * c * ds.R_2w.values / dR1
    true, _ = true_fields(tq, PERP, ds.m.values, J_HH)
    return th[1:], ext[1:], true[1:]


def avci_row(eps, tq, rows):
    """Avci at J_HH and at J_HH/10 (fields scaled to J_HH): the cubic planar-Hall term of the
    huge field-like field (~ R_phe (B_FL/B)^3) spills into the damping-like channel."""
    m = np.array([1.0, 0.0, 0.0])
    dl, fl = true_fields(tq, INPLANE, m, J_HH)
    const = control(tq, INPLANE, m, J_HH)
    for J in (J_HH, 0.1 * J_HH):
        r, rc = (llgsot.analyze_harmonic_hall(llgsot.harmonic_hall(
            INPLANE, t, J, [0.1, 0.2, 0.4, 0.8], field_azimuth=np.linspace(0, 2 * np.pi, 24, endpoint=False),
            R_phe=0.3, nm_thickness=T_NM), "avci") for t in (tq, const))
        k = J_HH / J
        rows.append(["harmonic Hall, Avci (in-plane), R_phe = 0.3", LABEL[eps],
                     f"J0 = {J:.0e} A/m^2, 0.1-0.8 T, 24 azimuths", r["B_DL"] * k, float(dl), math.nan,
                     r["B_FL_sot"] * k, float(fl), rc["B_DL"] * k])


def fmr_row(eps, tq, rows):
    B = np.linspace(0.01, 0.12, 221)
    az = math.pi / 4
    m = np.array([math.cos(az), math.sin(az), 0.0])
    dl, fl = true_fields(tq, INPLANE, m, J_FMR)
    const = control(tq, INPLANE, m, J_FMR)
    ds, dsc = (llgsot.st_fmr(INPLANE, t, J_FMR, F_FMR, B, nm_thickness=T_NM) for t in (tq, const))
    r, rc = llgsot.analyze_st_fmr(ds), llgsot.analyze_st_fmr(dsc)
    unit = HBAR * J_FMR / (2 * E_CHARGE * INPLANE.Ms * INPLANE.thickness)  # b_DL per unit theta
    k = J_HH / J_FMR
    rows.append(["ST-FMR, Liu xi_FMR (as B_DL)", LABEL[eps], f"{F_FMR / 1e9:g} GHz, 45 deg",
                 r["xi_fmr"] * unit * k, float(dl) * k, math.nan, math.nan, float(fl) * k,
                 rc["xi_fmr"] * unit * k])
    return ds, r


def main():
    FIG.mkdir(parents=True, exist_ok=True)
    rows = []
    fig_hh, ax_hh = plt.subplots(2, 2, figsize=(10, 7), constrained_layout=True)
    fig_th, ax_th = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    fig_fmr, ax_fmr = plt.subplots(1, 2, figsize=(10, 3.8), constrained_layout=True)
    for col, eps in enumerate((4.5e-3, 5.5e-3)):
        tq = torque(eps)
        sweeps = hayashi_rows(eps, tq, rows)
        ds = llgsot.harmonic_hall(PERP, tq, J_HH, np.linspace(-0.4, 0.4, 81), field_azimuth=[0.0, math.pi / 2],
                                  R_phe=0.3)
        for a, lab in enumerate(("B along x (current)", "B along y")):
            ax_hh[0, col].plot(ds.field * 1e3, ds.R_1w[a], label=lab)
            ax_hh[1, col].plot(ds.field * 1e3, ds.R_2w[a] * 1e3, label=lab)
        ax_hh[0, col].set(title=f"Fig. 4 table, {LABEL[eps]}", ylabel="R_1w (ohm)")
        ax_hh[1, col].set(xlabel="field (mT)", ylabel="R_2w (mohm)")
        ax_hh[1, col].legend(fontsize=8)
        th, ext, true = angle_resolved(tq)
        ax = ax_th[col]
        ax.plot(np.degrees(th), true * 1e6, "k-", label="true table b_DL(theta)")
        ax.plot(np.degrees(th[::6]), ext[::6] * 1e6, "o", ms=3, label="angle-resolved extraction")
        for bmax, r in sweeps:
            tmax = math.degrees(math.asin(bmax / PERP.effective_anisotropy_field()))
            ax.hlines(r["B_DL"] * 1e6, 0, tmax, colors="C3", lw=2)
        ax.plot([], [], "C3-", lw=2, label="Hayashi over the sweep's tilt range")
        ax.set(title=LABEL[eps], xlabel="theta (deg)", ylabel="b_DL (uT) at J = 1e10 A/m^2")
        ax.legend(fontsize=8)
        avci_row(eps, tq, rows)
        dsf, r = fmr_row(eps, tq, rows)
        ax_fmr[col].plot(dsf.field * 1e3, dsf.V_mix * 1e6, label="table torque")
        ax_fmr[col].set(title=f"{LABEL[eps]}: xi_FMR = {r['xi_fmr']:.3g}", xlabel="field (mT)",
                        ylabel="V_mix (uV), I_rf = 1 mA")
    const = llgsot.ConstantSOT(0.1)
    dsc = llgsot.st_fmr(INPLANE, const, J_FMR, F_FMR, np.linspace(0.01, 0.12, 221), nm_thickness=T_NM)
    for ax in ax_fmr:
        ax.plot(dsc.field * 1e3, dsc.V_mix * 1e6, "--", label="ConstantSOT, theta_SH = 0.1")
        ax.legend(fontsize=8)
    fig_hh.savefig(FIG / "measurements_harmonic_hall.png", dpi=110)
    fig_th.savefig(FIG / "measurements_angle.png", dpi=110)
    fig_fmr.savefig(FIG / "measurements_st_fmr.png", dpi=110)
    print("| measurement | Fermi energy | sweep | B_DL extracted (uT) | B_DL true at theta=0 / m (uT) "
          "| true at max tilt (uT) | bias | constant-torque control (uT) | B_FL extracted (uT) | B_FL true (uT) "
          "| bias |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, eps, sweep, dle, dlt, dltt, fle, flt, ctl in rows:
        def f(x):
            return "-" if not math.isfinite(x) else f"{x * 1e6:.4g}"
        bias_dl = f"{(dle / dlt - 1) * 100:+.1f} %"
        bias_fl = "-" if not math.isfinite(fle) else f"{(fle / flt - 1) * 100:+.2f} %"
        print(f"| {name} | {eps} | {sweep} | {f(dle)} | {f(dlt)} | {f(dltt)} | {bias_dl} | {f(ctl)} | "
              f"{f(fle)} | {f(flt)} | {bias_fl} |")


if __name__ == "__main__":
    main()
