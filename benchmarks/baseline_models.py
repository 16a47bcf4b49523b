"""Bit-identity baseline of the solver (issue 18): record, or compare against, exact results.

    PYTHONPATH=$PWD python benchmarks/baseline_models.py record  OUT.npz
    PYTHONPATH=$PWD python benchmarks/baseline_models.py compare OUT.npz

Records K, sigma, their errors and the torques of `response` over a spread of points (both
regimes, both approximations, several Fermi energies and angles incl. band edges and the pole
angles, phi != 0, the Ta-like / Fig. 3 / Fig. 4 parameters) plus a coarse fixed-grid table of
each shipped config. `compare` asserts np.array_equal on every array: a refactor of the model
interface must leave the Rashba results bit-identical.
"""
import sys
import warnings

import numpy as np

import llgsot
from llgsot.tables.build import build_table

FIG3 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=4.8e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
FIG4 = dict(FIG3, delta_xc=5e-3)
WEAK = dict(FIG4, impurity_strength=0.005, cutoff=2.0)
THETAS = np.array([0.0, 0.3, np.pi / 4, 1.2, np.pi / 2, 2.0, np.pi])


def points():
    for name, par in (("fig3", FIG3), ("fig4", FIG4), ("weak", WEAK)):
        model = llgsot.RashbaFM(**par)
        edge_up = model.band_edges(np.pi / 4)[1]
        edge_lo = model.band_edges(0.3)[0]
        for eps in (par["delta_xc"] * 0.8, par["delta_xc"] * 1.1, 20e-3):
            for approx in ("tmatrix", "born"):
                for regime in ("dilute", "finite"):
                    th = THETAS if regime == "dilute" else THETAS[[0, 2, 4]]
                    yield (f"{name}/{eps:g}/{approx}/{regime}", model, eps, th, 0.0, approx, regime)
        yield f"{name}/edge_up", model, edge_up, np.pi / 4, 0.0, "tmatrix", "dilute"
        yield f"{name}/edge_lo", model, edge_lo, 0.3, 0.0, "tmatrix", "dilute"
        yield f"{name}/phi", model, par["delta_xc"] * 1.1, THETAS[1:4], 0.7, "tmatrix", "dilute"
        yield f"{name}/phi_fin", model, par["delta_xc"] * 1.1, 0.7, 0.7, "tmatrix", "finite"


def record():
    out = {}
    warnings.simplefilter("ignore")
    for key, model, eps, th, phi, approx, regime in points():
        r = llgsot.response(model, eps, th, phi=phi, approximation=approx, regime=regime,
                            rtol=1e-7)
        out[key + "/K"] = r.K
        out[key + "/K_err"] = r.K_err
        out[key + "/sigma"] = r.sigma
        out[key + "/sigma_err"] = r.sigma_err
        for k in sorted(r.torque):
            out[f"{key}/t/{k}"] = np.asarray(r.torque[k])
            out[f"{key}/te/{k}"] = np.asarray(r.torque_err[k])
    for name, par, eps, regime in (("fig3", FIG3, [4.0e-3, 6.0e-3], "dilute"),
                                   ("fig4", FIG4, [4.5e-3, 5.5e-3], "finite")):
        ds = build_table(llgsot.RashbaFM(**par), eps, theta=9, regime=regime, progress=False,
                         executor="serial", rtol=1e-6)
        for var in ds.data_vars:
            out[f"table/{name}/{var}"] = ds[var].values
    return out


def main():
    mode, path = sys.argv[1], sys.argv[2]
    got = record()
    if mode == "record":
        np.savez(path, **got)
        print(f"recorded {len(got)} arrays to {path}")
        return
    ref = np.load(path)
    bad = [k for k in ref.files if k not in got or not np.array_equal(ref[k], got[k], equal_nan=True)]
    missing = [k for k in got if k not in ref.files]
    print(f"compared {len(ref.files)} arrays: {len(bad)} differ, {len(missing)} new")
    for k in bad[:20]:
        d = np.nanmax(np.abs(np.asarray(ref[k], float) - np.asarray(got[k], float))) if k in got else "missing"
        print("  DIFF", k, d)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
