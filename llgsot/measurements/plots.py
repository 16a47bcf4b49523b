"""Figures of the simulated measurements (matplotlib imported lazily, Agg backend)."""
from __future__ import annotations

import numpy as np


from .._figures import pyplot as _plt, save_figure


def _save(fig, path):
    save_figure(fig, path, close=True)


def plot_harmonic_hall(ds, path, title=None):
    """R_1w and R_2w against the field (one line per field azimuth) into ``path`` (PNG)."""
    plt = _plt()
    fig, ax = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    B = ds["field"].values
    azs = np.atleast_1d(ds["field_azimuth"].values) if "field_azimuth" in ds.dims else [None]
    for i, az in enumerate(azs):
        sub = ds if az is None else ds.isel(field_azimuth=i)
        lab = None if az is None else f"field azimuth {np.degrees(az):.0f} deg"
        ax[0].plot(B * 1e3, sub["R_1w"].values, label=lab)
        ax[1].plot(B * 1e3, sub["R_2w"].values * 1e3, label=lab)
    ax[0].set(xlabel="field (mT)", ylabel="R_1w (ohm)")
    ax[1].set(xlabel="field (mT)", ylabel="R_2w (mohm)")
    if azs[0] is not None and len(azs) <= 6:
        ax[1].legend(fontsize=8)
    if title:
        fig.suptitle(title)
    _save(fig, path)


def plot_st_fmr(ds, path, title=None):
    """V_mix against the field (one line per frequency) into ``path`` (PNG)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.6), constrained_layout=True)
    B = ds["field"].values
    freqs = np.atleast_1d(ds["frequency"].values)
    V = ds["V_mix"].values.reshape(freqs.size, B.size)
    for i, f in enumerate(freqs):
        ax.plot(B * 1e3, V[i] * 1e6, label=f"{f / 1e9:g} GHz")
    ax.set(xlabel="field (mT)", ylabel="V_mix (uV)")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    _save(fig, path)
