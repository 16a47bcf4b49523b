"""The Fig. 4(a) torque table at T = 0 and 300 K, and how well the 300 K table holds.

Fig. 4 parameters (m* = 0.8, alpha = 1.7e-11 eV m, Delta_xc = 5 meV, n = 5e14 m^-2, our
W~ = 0.065 eV nm^2 and k_c = 3 nm^-1), finite regime, eps = mu = 4.5 meV. Builds both
tables with :func:`llgsot.build_table` (adaptive grid, tol 1e-4), then solves
``response(..., temperature=300)`` directly (rtol 1e-6) at the midpoints of the 300 K
table's intervals on [0, pi/2] and compares: the error of the table against the stated one
(interpolation estimate + the nodes' stated errors through the interval's cubic + the direct
solve's own stated error), all relative to each component's largest magnitude.

    python examples/temperature_table.py [--executor processes] [--no-check] [--replot]

writes docs/figures/temperature_table.png (and a .json of the numbers next to it).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import time
import warnings

import numpy as np

from llgsot import RashbaFM, TorqueTable, build_table, response
from llgsot.tables import schema
from llgsot.tables.grid import _scales

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
MU = 4.5e-3
NAMES = ("tau1o", "tau1e", "tau2e")
OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "figures", "temperature_table.png")


def _children_cpu():
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _rows(K, S):
    return np.array([schema.flat_values(k, s) for k, s in zip(K, S)])


def heldout(ds, model):
    """Direct 300 K solves at the table's [0, pi/2] interval midpoints against the table."""
    tab = TorqueTable(ds)
    th = tab.theta[: len(tab.theta) // 2 + 1]
    mid = 0.5 * (th[1:] + th[:-1])
    t0 = time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the cutoff weight, said in the build
        r = response(model, MU, mid, regime="finite", rtol=1e-6,
                     temperature=float(ds.attrs["temperature"]))
    cpu = time.process_time() - t0
    scale = _scales(tab.values)
    err = np.abs(tab.values_at(mid) - _rows(r.K, r.sigma)) / scale
    nodes = _rows(ds.K_err.values, ds.sigma_err.values)[: len(th)] / scale
    pad = np.concatenate([nodes[1:2], nodes, nodes[-2:-1]])  # mirror nodes at 0 and pi/2
    local = 1.25 * np.max([pad[k:k + len(mid)] for k in range(4)], axis=0)
    stated = ds.attrs["interpolation_error_estimate"] + local + _rows(r.K_err, r.sigma_err) / scale
    c = np.argmax(err / stated, axis=1)  # per angle, the component nearest its stated error
    i = np.arange(len(mid))
    return {"theta": mid.tolist(), "measured": err[i, c].tolist(), "stated": stated[i, c].tolist(),
            "ratio_max": float(np.max(err / stated)),
            "worst_measured": float(err.max()), "direct_cpu_s": cpu}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--executor", default=None, help="serial | processes (default: auto)")
    ap.add_argument("--no-check", action="store_true", help="skip the direct 300 K solves")
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--replot", action="store_true", help="redraw from the saved .json")
    args = ap.parse_args(argv)
    js = os.path.splitext(args.out)[0] + ".json"
    if args.replot:
        with open(js) as fh:
            data = json.load(fh)
    else:
        model = RashbaFM(**FIG4)
        data = {"fermi_energy": MU, "model": FIG4, "tables": {}}
        for T in (0.0, 300.0):
            load0 = os.getloadavg()[0]
            t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # the 300 K cutoff weight
                ds = build_table(model, MU, regime="finite", temperature=T,
                                 executor=args.executor, progress=False)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            d = {"theta": ds.theta.values.tolist(), "wall_s": wall, "cpu_parent_s": cpu,
                 "cpu_workers_s": _children_cpu() - k0, "load_1min": [load0, os.getloadavg()[0]],
                 **{k: ds[k].values.tolist() for k in NAMES},
                 **{k + "_err": ds[k + "_err"].values.tolist() for k in NAMES},
                 **{k: float(ds.attrs[k]) for k in ("interpolation_error_estimate",
                                                    "node_error_max", "heldout_error_max")},
                 "solver_calls": int(ds.attrs["solver_calls"])}
            if T > 0 and not args.no_check:
                d["heldout"] = heldout(ds, model)
            data["tables"][str(T)] = d
            print(f"T = {T:g} K: {len(d['theta'])} angles, {wall:.1f} s wall, CPU {cpu:.1f} s "
                  f"here + {d['cpu_workers_s']:.1f} s in workers (1-min load {load0:.1f} -> "
                  f"{d['load_1min'][1]:.1f}), stated interpolation error "
                  f"{d['interpolation_error_estimate']:.2g}")
        with open(js, "w") as fh:
            json.dump(data, fh)
    h = data["tables"]["300.0"].get("heldout")
    if h:
        print(f"300 K table against {len(h['theta'])} direct solves: worst error "
              f"{h['worst_measured']:.2g}, largest measured/stated {h['ratio_max']:.2f}")
    _plot(data, args.out)
    print("wrote", os.path.normpath(args.out))


def _plot(data, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from llgsot.plotting import savefig_atomic

    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), constrained_layout=True)
    for (T, d), color in zip(data["tables"].items(), ("k", "tab:red")):
        th = np.array(d["theta"])
        lab = f"T = {float(T):g} K ({len(th)} angles)"
        for k, ax, ls in (("tau1o", axes[0], "-"), ("tau1e", axes[1], "-"), ("tau2e", axes[1], "--")):
            y, e = np.array(d[k]) * 1e-12, np.array(d[k + "_err"]) * 1e-12
            ax.plot(th, y, ls, color=color, lw=1.2, label=lab if k != "tau2e" else None)
            ax.fill_between(th, y - e, y + e, color=color, alpha=0.3, lw=0)
    for ax in axes[:2]:
        ax.set_xlabel(r"$\theta$ (rad)")
        ax.set_xlim(0, math.pi)
    axes[0].set_ylabel(r"$\tau_{1o}$ ($10^{12}$ A$^{-1}$ m$^{-1}$)")
    axes[1].set_ylabel(r"$\tau_{1e}$ (solid), $\tau_{2e}$ (dashed) ($10^{12}$ A$^{-1}$ m$^{-1}$)")
    axes[0].set_title(r"Fig. 4(a) table, $\varepsilon_F$ = 4.5 meV, finite regime")
    axes[1].set_title("bands: the nodes' stated errors")
    axes[0].legend(fontsize=8)
    h = data["tables"]["300.0"].get("heldout")
    ax = axes[2]
    if h:
        ax.semilogy(h["theta"], h["measured"], "o", ms=3, color="tab:red",
                    label="|table - direct 300 K solve|")
        ax.semilogy(h["theta"], h["stated"], "-", color="0.4",
                    label="stated: interpolation + node + direct errors")
        ax.legend(fontsize=8)
    ax.set_xlabel(r"$\theta$ (rad), midpoints of the 300 K table's intervals")
    ax.set_ylabel("error / component's largest magnitude\n(the component nearest its stated error)")
    ax.set_title("300 K table against direct solves")
    savefig_atomic(fig, path)
    plt.close(fig)


if __name__ == "__main__":
    main()
