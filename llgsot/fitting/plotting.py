"""Figures of a fit (matplotlib imported lazily, Agg backend)."""
from __future__ import annotations

import numpy as np

from .profile import CONFIDENCE, DCHI2_95


def plot_fit(res, path=None, title=None, close=False):
    """Data against the best fit (top row) and the Delta chi^2 profiles (bottom row).
    Returns the figure (None if ``close``); saves it if ``path`` is given."""
    from .._figures import pyplot, save_figure

    plt = pyplot()

    keys = list(res.data)
    k = len(res.free)
    fig, axes = plt.subplots(2, max(len(keys), k), figsize=(3.6 * max(len(keys), k), 6.4),
                             constrained_layout=True, squeeze=False)
    order = np.argsort(res.theta)
    for i, key in enumerate(keys):
        ax = axes[0, i]
        ax.errorbar(res.theta, res.data[key], yerr=res.sigma[key], fmt="o", ms=3,
                    color="k", label="data")
        ax.plot(res.theta[order], np.asarray(res.best_fit[key])[order], "-", color="tab:red",
                label="fit")
        ax.set_xlabel(r"$\theta$ (rad)")
        ax.set_title(key + (" (1/(A m))" if res.quantity == "efficiency" else " (T)"))
        if i == 0:
            ax.legend(fontsize=8)
    for i in range(len(keys), axes.shape[1]):
        axes[0, i].axis("off")
    for i, name in enumerate(res.free):
        ax = axes[1, i]
        pts = np.array(res.profiles.get(name, []), float).reshape(-1, 2)
        if len(pts):  # the profile through every point evaluated (>= 7 after a fit)
            ax.plot(pts[:, 0], pts[:, 1], "-", color="tab:blue", lw=1.2)
            ax.plot(pts[:, 0], pts[:, 1], "o", ms=3, color="tab:blue", label="profile")
        ax.axhline(DCHI2_95, color="0.6", ls="--", lw=0.8)
        lo, hi = res.ci[name]
        for end in (lo, hi):
            ax.axvline(end, color="tab:green", lw=0.8)
        # the interval ends, where the profile crosses Delta chi^2 = 3.84 (or a bound)
        ax.plot([lo, hi], [DCHI2_95, DCHI2_95], "D", ms=6, mfc="none", color="tab:green",
                label=f"{100 * CONFIDENCE:g} % interval")
        if i == 0:
            ax.legend(fontsize=8)
        ax.set_xlabel(f"{name} ({res.units[name]})")
        ax.set_ylabel(r"$\Delta\chi^2$ (profile)")
    for i in range(k, axes.shape[1]):
        axes[1, i].axis("off")
    if title:
        fig.suptitle(title)
    if path is not None:
        save_figure(fig, path)
    if close:
        plt.close(fig)
        return None
    return fig
