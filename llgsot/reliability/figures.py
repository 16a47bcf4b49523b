"""Figures of error-rate maps (matplotlib through llgsot.plotting's setup, saved atomically)."""
from __future__ import annotations

import numpy as np

from ..plotting import _plt, savefig_atomic


def plot_wer(ds, path=None, title=None):
    """WER against pulse duration, one curve per amplitude (log scale, 95 % intervals), and
    the read-disturb rate against read current when ``ds`` has it. Returns the figure."""
    plt = _plt()
    read = "read_disturb" in ds
    fig, axes = plt.subplots(1, 2 if read else 1, figsize=(11 if read else 6, 4.2),
                             constrained_layout=True, squeeze=False)
    ax = axes[0, 0]
    dur = ds["duration"].values * 1e9
    for a in ds["amplitude"].values:
        w = ds["wer"].sel(amplitude=a).values
        lo = ds["ci_low"].sel(amplitude=a).values
        hi = ds["ci_high"].sel(amplitude=a).values
        ok = np.isfinite(w) & (w > 0)
        line, = ax.semilogy(dur[ok], w[ok], "o-", label=f"J = {a:.3g} A/m$^2$")
        ax.fill_between(dur[ok], np.clip(lo[ok], 1e-30, None), hi[ok], color=line.get_color(),
                        alpha=0.2)
    ax.set_xlabel("pulse duration (ns)")
    ax.set_ylabel("write error rate")
    ax.legend(fontsize=8)
    if read:
        ax2 = axes[0, 1]
        J = ds["read_current"].values
        r = ds["read_disturb"].values
        ok = np.isfinite(r) & (r > 0)
        ax2.semilogy(J[ok], r[ok], "s-")
        ax2.fill_between(J[ok], np.clip(ds["read_disturb_ci_low"].values[ok], 1e-30, None),
                         ds["read_disturb_ci_high"].values[ok], alpha=0.2)
        ax2.set_xlabel("read current density (A/m$^2$)")
        ax2.set_ylabel("read-disturb rate")
    if title:
        fig.suptitle(title)
    if path is not None:
        savefig_atomic(fig, path)
        plt.close(fig)
    return fig
