"""Figures of tables, trajectories and diagrams (matplotlib from :mod:`llgsot._figures`)."""
from __future__ import annotations

import numpy as np

from ._figures import pyplot as _plt, save_figure


#: the former name of :func:`llgsot._figures.save_figure`
savefig_atomic = save_figure


def plot_table(ds, path=None, title=None):
    """The four efficiencies and the K entries against theta, the way the paper plots them.

    ``ds``: a table Dataset (extra dimensions: one curve per value). Returns the figure.
    """
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), constrained_layout=True)
    th = ds.theta.values
    extra = [d for d in ("fermi_energy", "impurity_strength") if d in ds.dims]
    sel = [{}]
    if extra:
        sel = [{extra[0]: val} for val in ds[extra[0]].values]
        if len(extra) > 1:
            sel = [{**s, extra[1]: ds[extra[1]].values[0]} for s in sel]
    ls = ["-", "--", ":", "-."]
    for k, s in enumerate(sel):
        d = ds.sel(**s) if s else ds
        lab = ", ".join(f"{kk}={vv:g}" for kk, vv in s.items())
        style = ls[k % len(ls)]
        axes[0].plot(th, d["tau1o"].values / 1e12, style, color="C0", label=f"tau1o {lab}")
        axes[1].plot(th, d["tau1e"].values / 1e12, style, color="C1", label=f"tau1e {lab}")
        axes[1].plot(th, d["tau2e"].values / 1e12, style, color="C2", label=f"tau2e {lab}")
        axes[1].plot(th, d["tau2o"].values / 1e12, style, color="C3", label=f"tau2o {lab}")
        K = d["K"].values
        scale = np.abs(K[:, 0, 1]).max()
        for c, (i, j, name) in enumerate([(0, 0, "Kxx"), (1, 1, "Kyy"), (1, 0, "Kyx"), (2, 0, "Kzx"),
                                          (2, 1, "Kzy")]):
            axes[2].plot(th, K[:, i, j] / scale, style, color=f"C{c + 4}", label=f"{name} {lab}" if k == 0 else None)
    axes[0].set(xlabel=r"$\theta$ (rad)", ylabel=r"$\tau_{1o}$ ($10^{12}$ A$^{-1}$m$^{-1}$)",
                title="field-like (odd)")
    axes[1].set(xlabel=r"$\theta$ (rad)", ylabel=r"$\tau$ ($10^{12}$ A$^{-1}$m$^{-1}$)",
                title="damping-like (even) and tau2o")
    axes[2].set(xlabel=r"$\theta$ (rad)", ylabel=r"$K_{ab}/\max|K_{xy}|$", title="response entries")
    for ax in axes:
        ax.legend(fontsize=7)
        ax.set_xticks([0, np.pi / 4, np.pi / 2, 3 * np.pi / 4, np.pi],
                      ["0", r"$\pi/4$", r"$\pi/2$", r"$3\pi/4$", r"$\pi$"])
    a = ds.attrs
    fig.suptitle(title or (f"llgsot table: {a.get('approximation')}/{a.get('regime')}, "
                           f"delta_xc={a.get('delta_xc')} eV, W={a.get('impurity_strength', '')} eV nm^2"))
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_trajectory(ds, path=None, member=0, title=None):
    """m(t) components and the current of a simulate() Dataset. Returns the figure."""
    plt = _plt()
    t = ds["time"].values * 1e9
    m = ds["m"].values[:, member, :]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(7, 5), sharex=True, constrained_layout=True,
                                 gridspec_kw={"height_ratios": [3, 1]})
    for i, c in enumerate("xyz"):
        a1.plot(t, m[:, i], label=f"$m_{c}$")
    a1.set(ylabel="m", ylim=(-1.05, 1.05), title=title or "macrospin trajectory")
    a1.legend(loc="best")
    a2.plot(t, ds["current"].values / 1e12, color="k")
    a2.set(xlabel="time (ns)", ylabel=r"J ($10^{12}$ A/m$^2$)")
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_diagram(ds, path=None, title=None):
    """Switching diagram (switched fraction over current and field or duration)."""
    plt = _plt()
    other = "field" if "field" in ds.dims else "duration"
    J = ds["current"].values / 1e12
    y = ds[other].values * (1e3 if other == "field" else 1e9)
    fig, ax = plt.subplots(figsize=(6.2, 4.8), constrained_layout=True)
    im = ax.pcolormesh(J, y, ds["switched"].values.T, shading="nearest", cmap="RdBu_r", vmin=0, vmax=1)
    fig.colorbar(im, ax=ax, label="switched fraction")
    ax.set(xlabel=r"current density J ($10^{12}$ A/m$^2$)",
           ylabel="in-plane field (mT)" if other == "field" else "pulse duration (ns)",
           title=title or "switching diagram")
    if path is not None:
        save_figure(fig, path)
    return fig


def plot_comparison(results, path=None, title=None):
    """Critical current against in-plane field for several torque models.

    results: {label: (fields in T, critical currents in A/m^2)}.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6.2, 4.5), constrained_layout=True)
    for label, (B, Jc) in results.items():
        ax.plot(np.asarray(B) * 1e3, np.abs(np.asarray(Jc)) / 1e12, "o-", label=label)
    ax.set(xlabel="in-plane field (mT)", ylabel=r"$|J_c|$ ($10^{12}$ A/m$^2$)",
           title=title or "critical current against in-plane field")
    ax.legend()
    if path is not None:
        save_figure(fig, path)
    return fig
