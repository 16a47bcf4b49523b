"""Figures of the micromagnetic switching study (matplotlib, imported lazily, Agg backend)."""
from __future__ import annotations

import numpy as np


from .._figures import pyplot as _plt, save_figure


def plot_mz(results, path):
    """Mean m_z(t) of the runs at both ends of every final bracket, with the current."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for k, res in enumerate(results):
        color = f"C{k}"
        for run, style in ((res.switching_run(), "-"), (res.failing_run(), ":")):
            ax.plot(run.times * 1e9, run.mean_m[:, 2], style, color=color,
                    label=f"{res.name}, J = {run.amplitude / 1e12:.3g}e12 A/m^2")
    ax.axhline(0.0, color="0.7", lw=0.8)
    ax.set_xlabel("t (ns)")
    ax.set_ylabel("mean m_z")
    ax.set_title("micromagnetic runs at the ends of the final brackets (solid: switches)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, close=True)
    return path


def plot_snapshots(result, path, layer=None):
    """m_z maps of the smallest switching run at its snapshot times."""
    plt = _plt()
    run = result.switching_run()
    n = len(run.snapshot_times)
    if n == 0:
        raise ValueError("the run kept no snapshots: pass snapshot_times to the study")
    fig, axes = plt.subplots(1, n, figsize=(2.2 * n, 2.6), squeeze=False)
    extent = None
    if layer is not None:
        extent = (0, layer.nx * layer.cell * 1e9, 0, layer.ny * layer.cell * 1e9)
    for ax, t, mz in zip(axes[0], run.snapshot_times, run.snapshots):
        im = ax.imshow(mz.T, origin="lower", vmin=-1, vmax=1, cmap="RdBu_r", extent=extent)
        ax.set_title(f"{t * 1e9:.2f} ns", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(im, ax=axes[0].tolist(), shrink=0.8, label="m_z")
    fig.suptitle(f"{result.name}: J = {run.amplitude / 1e12:.3g}e12 A/m^2", fontsize=10)
    save_figure(fig, path, close=True)
    return path


def plot_critical(results, path):
    """|J_c| micromagnetic vs macrospin for every torque, brackets as error bars."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = np.arange(len(results))
    for dx, key, label in ((-0.15, "macrospin", "macrospin"), (0.15, "micromagnetic", "micromagnetic")):
        vals = np.array([abs(getattr(r, key).value) for r in results]) / 1e12
        lo = np.array([min(abs(b) for b in getattr(r, key).bracket) for r in results]) / 1e12
        hi = np.array([max(abs(b) for b in getattr(r, key).bracket) for r in results]) / 1e12
        ax.bar(x + dx, vals, width=0.3, label=label, yerr=[vals - lo, hi - vals], capsize=3)
    ax.set_xticks(x)
    ax.set_xticklabels([r.name for r in results], fontsize=8)
    ax.set_ylabel("|J_c| (1e12 A/m^2)")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path, close=True)
    return path
