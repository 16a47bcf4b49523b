"""Harmonic Hall signatures of a Dresselhaus-type spin-orbit torque: the (Ga,Mn)As picture
(Chernyshov et al. 2009, Kurebayashi et al. 2014) in the package's Rashba + Dresselhaus
ferromagnet, with the current along [100], [010], [110] and [1-10].

* Table: ``RashbaDresselhausFM`` at the Fig. 4 parameters (tables/fig4.nc: m_eff = 0.8,
  alpha = 1.7e-11 eV m, Delta_xc = 5 meV, n = 5e14 m^-2, W = 0.065 eV nm^2, finite regime)
  with beta = alpha/2, Fermi energy 5.5 meV, built by ``llgsot.build_table`` as a sphere
  table (point group C_2v) at the coarse tolerance TOL (about 10 s on 2 shared cores). The
  table is checked against direct solves at the magnetizations the measurements visit. The
  shipped 1D table at 5.5 meV (beta = 0, the same parameters) is the Rashba reference.
* Perpendicular free layer (Ms = 1e6 A/m, d = 1 nm, B_K,eff = 1.14 T, t_NM = 5 nm, J0 = 1e10
  A/m^2): Hayashi's field sweeps along and across the current (|B| <= 0.05 T, R_phe = 0) for
  16 current directions psi and both m_z branches. The analysis returns dB_x' = -s B_DL and
  dB_y' = B_FL_sot (current frame); their parts even and odd in s = m_z are compared with the
  table's field at m = +-z.
* In-plane free layer (Ms = 8e5 A/m, d = 2 nm, in-plane isotropic, J0 = 1e9 A/m^2, R_phe =
  0.3): Avci's azimuthal scans (24 azimuths phi' from the current, 0.1-0.8 T); R_2w(phi') at
  0.1 T is decomposed into 1, cos phi', sin phi', cos 2phi' cos phi', cos 2phi' sin phi'.
* A fit of alpha and beta to synthetic efficiencies at one and at three current directions
  (``fit_torques(..., phi=...)``), 2 % noise, seed 5.

Run:  python examples/measurements_dresselhaus.py  ->  docs/figures/measurements_dresselhaus_*.png
and the numbers quoted in docs/measurements.md on stdout.
"""
from __future__ import annotations

import math
import time
import warnings
from pathlib import Path

import numpy as np

import llgsot
from llgsot.constants import MU0
from llgsot._figures import pyplot, save_figure
from llgsot.tables import schema
from llgsot.tables.store import select

ROOT = Path(__file__).resolve().parent.parent
FIG = ROOT / "docs" / "figures"
P = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
         impurity_strength=0.065, cutoff=3.0)
EPS, TOL, BETA = 5.5e-3, 1e-2, 0.5
T_NM = 5e-9
PERP = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.01, Ku=1.2e6)
INPLANE = llgsot.Macrospin(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.01)
J_HH, J_AV = 1e10, 1e9
NAMED = {"[100]": 0.0, "[010]": math.pi / 2, "[110]": math.pi / 4, "[1-10]": -math.pi / 4}


def build():
    model = llgsot.RashbaDresselhausFM(beta=BETA * P["alpha"], **P)
    t0 = time.perf_counter()
    ds = llgsot.build_table(model, EPS, tol=TOL, regime="finite", progress=False)
    wall = time.perf_counter() - t0
    st = llgsot.open_table(ds)
    print(f"RD table: beta = {BETA} alpha, {EPS * 1e3:g} meV, tol {TOL:g}: {wall:.1f} s wall, "
          f"{ds.sizes['phi']} lines ({ds.attrs.get('lines_computed')} solved), stated error "
          f"{st.error_estimate:.2g}")
    return model, st


def check_table(model, st):
    """Max |table - direct solve| / max|entry| (K and sigma) at m = +-z, tilted by 0.1 and
    0.25 rad, and in-plane, at 8 azimuths: where the measurements below take m."""
    worst = 0.0
    for ph in np.linspace(0, 2 * np.pi, 8, endpoint=False) + 0.1:
        th = np.array([0.0, 0.1, 0.25, math.pi / 2, math.pi - 0.1, math.pi])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = llgsot.response(model, EPS, th, phi=ph, regime="finite", rtol=1e-8)
        ref = schema.flat_values(r.K, r.sigma)
        got = st.values_at(th, np.full(th.shape, ph))
        scale = np.concatenate([np.full(6, np.abs(ref[:, :6]).max()), np.full(4, np.abs(ref[:, 6:]).max())])
        worst = max(worst, float(np.max(np.abs(got - ref) / scale)))
    print(f"table against 48 direct solves (theta 0, 0.1, 0.25, pi/2, pi - 0.1, pi): max error "
          f"{worst:.2g} of the largest entry (stated {st.error_estimate:.2g})")
    return worst


def torque(table, psi):
    return llgsot.TableSOT(table, T_NM, current_direction=(math.cos(psi), math.sin(psi)))


def frame(psi):
    return (np.array([math.cos(psi), math.sin(psi), 0.0]),
            np.array([-math.sin(psi), math.cos(psi), 0.0]))


def hayashi(table, psi):
    """{s: (dB_x', dB_y') extracted, (dB_x', dB_y') true at m = s z} (T)."""
    out = {}
    x, y = frame(psi)
    tq = torque(table, psi)
    for s in (1.0, -1.0):
        ds = llgsot.harmonic_hall(PERP, tq, J_HH, np.linspace(-0.05, 0.05, 21),
                                  field_azimuth=[psi, psi + math.pi / 2], R_phe=0.0,
                                  current_direction=psi, m0=(0.0, 0.0, s))
        r = llgsot.analyze_harmonic_hall(ds)
        B = tq.field(np.array([0.0, 0.0, s]), J_HH, PERP.Ms, PERP.thickness)
        out[s] = (np.array([-s * r["B_DL"], r["B_FL_sot"]]), np.array([B @ x, B @ y]))
    return out


BASIS = ("1", "cos", "sin", "cos2 cos", "cos2 sin")


def avci(table, psi):
    """R_2w(phi') at 0.1 T (ohm), its coefficients on BASIS, and Avci's analysis."""
    ph = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    ds = llgsot.harmonic_hall(INPLANE, torque(table, psi), J_AV, [0.1, 0.2, 0.4, 0.8],
                              field_azimuth=psi + ph, R_phe=0.3, current_direction=psi)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # unresolved damping-like fields
        r = llgsot.analyze_harmonic_hall(ds, "avci")
    y = ds.R_2w.isel(field=0).values
    X = np.stack([np.ones_like(ph), np.cos(ph), np.sin(ph), np.cos(2 * ph) * np.cos(ph),
                  np.cos(2 * ph) * np.sin(ph)], -1)
    c, *_ = np.linalg.lstsq(X, y, rcond=None)
    # Avci's small-signal form with the table's own fields at the equilibrium m (and the
    # Oersted field): R_2w = -R_ahe h_z / (2 (B + B_M)) - R_phe h_perp cos 2phi' / B
    m = ds.m.isel(field=0).values
    x, yy = frame(psi)
    h = (torque(table, psi).field(m, J_AV, INPLANE.Ms, INPLANE.thickness)
         - 0.5 * MU0 * J_AV * T_NM * yy)
    perp = np.stack([-np.sin(psi + ph), np.cos(psi + ph), 0 * ph], -1)
    B_M = MU0 * INPLANE.Ms
    pred = -h[:, 2] / (2 * (0.1 + B_M)) - 0.3 * np.sum(h * perp, -1) * np.cos(2 * ph) / 0.1
    return (ph, y, c, float(np.abs(X @ c - y).max()), r, float(np.abs(pred - y).max()),
            float(np.abs(h[:, 2]).max()))


def main():
    plt = pyplot()
    FIG.mkdir(parents=True, exist_ok=True)
    model, rd = build()
    check_table(model, rd)
    rashba = llgsot.TorqueTable(select(llgsot.load_table(ROOT / "tables" / "fig4.nc"), "example",
                                       fermi_energy=EPS))
    # -- perpendicular magnet: Hayashi, 16 current directions ------------------------------
    psis = np.linspace(0, 2 * np.pi, 17)
    res = {name: [hayashi(t, p) for p in psis] for name, t in (("RD", rd), ("R", rashba))}
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.9), constrained_layout=True)
    for k, (lab, parity) in enumerate((("even in m_z (field-like)", 1), ("odd in m_z (damping-like)", -1))):
        for c, comp in enumerate(("x' (along the current)", "y' (across)")):
            for name, sty in (("RD", "-"), ("R", ":")):
                tru = [0.5 * (h[1][1][c] + parity * h[-1][1][c]) for h in res[name]]
                ax[k].plot(np.degrees(psis), np.array(tru) * 1e6, sty, color=f"C{c}",
                           label=f"{comp}, {'beta = alpha/2' if name == 'RD' else 'beta = 0'}")
            ext = [0.5 * (h[1][0][c] + parity * h[-1][0][c]) for h in res["RD"]]
            ax[k].plot(np.degrees(psis), np.array(ext) * 1e6, "o", ms=4, color=f"C{c}")
        ax[k].set(title=f"Hayashi fields, part {lab}", xlabel="current direction psi from [100] (deg)",
                  ylabel="uT at J0 = 1e10 A/m^2", xticks=range(0, 361, 45))
        ax[k].legend(fontsize=7)
    save_figure(fig, FIG / "measurements_dresselhaus_hayashi.png", dpi=110, close=True)
    print("\nHayashi, perpendicular magnet, |B| <= 0.05 T, R_phe = 0, uT at 1e10 A/m^2 "
          "(extracted; table at m = +-z in brackets):")
    print("| current | even x' (along j) | even y' (across j) | odd x' | odd y' |")
    print("|---|---|---|---|---|")
    for name, psi in NAMED.items():
        h = hayashi(rd, psi)

        def part(i, c, parity):
            return 0.5 * (h[1][i][c] + parity * h[-1][i][c]) * 1e6
        cells = [f"{part(0, c, q):.4g} ({part(1, c, q):.4g})" for q in (1, -1) for c in (0, 1)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    # -- in-plane magnet: Avci scans, [100] and [110] --------------------------------------
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.9), constrained_layout=True)
    print("\nAvci scans, in-plane magnet, 0.1 T, R_phe = 0.3, J0 = 1e9 A/m^2: R_2w coefficients "
          "(micro-ohm) and Avci's analysis (uT, scaled to 1e9 A/m^2)")
    print("| current | table | 1 | cos | sin | cos2 cos | cos2 sin | fit residual | small-signal form "
          "with the table's fields, max deviation | max abs h_z (uT) | Avci B_DL | Avci B_FL_sot |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in ("[100]", "[010]", "[110]", "[1-10]"):
        psi = NAMED[name]
        for tname, t in (("beta = alpha/2", rd), ("beta = 0", rashba)):
            ph, y, c, resid, r, dpred, hz = avci(t, psi)
            print(f"| {name} | {tname} | " + " | ".join(f"{x * 1e6:.4g}" for x in c)
                  + f" | {resid * 1e6:.2g} | {dpred * 1e6:.2g} | {hz * 1e6:.2g} | {r['B_DL'] * 1e6:.4g} "
                  f"| {r['B_FL_sot'] * 1e6:.4g} |")
            if name in ("[100]", "[110]"):
                k = 0 if name == "[100]" else 1
                ax[k].plot(np.degrees(ph), y * 1e6, "o-" if t is rd else "k:", ms=3,
                           label=f"{tname}")
                if t is rd:
                    ax[k].set(title=f"current along {name}: Avci scan at 0.1 T",
                              xlabel="field azimuth from the current phi' (deg)",
                              ylabel="R_2w (micro-ohm)", xticks=range(0, 361, 90))
    for a in ax:
        a.legend(fontsize=8)
    save_figure(fig, FIG / "measurements_dresselhaus_avci.png", dpi=110, close=True)
    fit_demo()


def fit_demo():
    """Synthetic tau1e, tau1o (2 % noise, seed 5) of the model at 10 meV (no band edge): alpha
    and beta fitted to 5 angles with the current along [100], to 15 angles along [100], and to
    5 angles along each of [100], [110], [1-10]."""
    truth = llgsot.RashbaDresselhausFM(beta=BETA * P["alpha"], **P)
    keys = ("tau1e", "tau1o")
    start = truth.with_(alpha=1.3 * P["alpha"], beta=0.35 * P["alpha"])
    print(f"\nfit of alpha, beta (truth {truth.alpha:.4g}, {truth.beta:.4g} eV m), 2 % noise:")
    first = None
    for label, n, phis in (("5 angles, [100]", 5, [0.0]), ("15 angles, [100]", 15, [0.0]),
                           ("5 angles each, [100], [110], [1-10]", 5, [0.0, math.pi / 4, -math.pi / 4])):
        th1 = np.linspace(0.2, 1.4, n)
        th, ph = np.tile(th1, len(phis)), np.repeat(phis, n)
        exact = {k: np.concatenate([llgsot.response(truth, 10e-3, th1, phi=p, regime="finite",
                                                    rtol=1e-9).torque[k] for p in phis]) for k in keys}
        rng = np.random.default_rng(5)
        sig = {k: np.full(th.size, 0.02 * np.abs(x).max()) for k, x in exact.items()}
        data = {k: exact[k] + sig[k] * rng.standard_normal(th.size) for k in keys}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = llgsot.fit_torques(th, data, sig, start, 10e-3, ["alpha", "beta"], phi=ph, n_starts=2)
        print(f"  {label}: chi2 {res.chi2:.3g} / {res.dof} dof; " + "; ".join(
            f"{n_} = {res.params[n_]:.4g} (95 %: {res.ci[n_][0]:.4g} - {res.ci[n_][1]:.4g})"
            for n_ in ("alpha", "beta"))
              + f"; chi2 at the truth {chi2_at(res, th, ph, data, sig, start, truth.alpha, truth.beta):.3g}"
              + (f", at the first fit's optimum {chi2_at(res, th, ph, data, sig, start, *first):.3g}"
                 if first else ""))
        first = first or (res.params["alpha"], res.params["beta"])


def chi2_at(res, th, ph, data, sig, start, alpha, beta):
    """chi^2 of the fit's data at the couplings alpha, beta (the fit's own forward model)."""
    from llgsot.fitting.torques import TorqueModel

    tm = TorqueModel(th, data, sig, start, 10e-3, ["alpha", "beta"], None, "finite", "tmatrix",
                     0.0, res.settings["rtol"], phi=ph)
    return tm.chi2(tm.to_x({"alpha": alpha, "beta": beta}))


if __name__ == "__main__":
    main()
