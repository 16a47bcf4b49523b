"""Precession of an in-plane macrospin: the Kittel frequency, and steady SOT-driven precession
(a spin-Hall oscillator) whose frequency falls with the current.

    python examples/precession.py     # writes docs/figures/precession_frequency.png

Thin film (N = (0, 0, 1)), Ms = 0.8 MA/m, 1.5 nm, 100 nm x 100 nm, damping 0.01, field
B_y = 50 mT along the in-plane easy direction y, spin polarization p = +y (current along +x).
At J = 0 a tilted m precesses at the Kittel frequency f = gamma/2pi sqrt(B (B + mu0 Ms)) and
relaxes. A current J < 0 (b_DL < 0, the damping-like torque pushing m away from +y) cancels
the damping above J_c0 = (2|e| Ms d/(hbar theta_SH)) a (B + mu0 Ms/2) (the macrospin
anti-damping threshold of an in-plane film) and sustains a steady orbit whose frequency, read
from the FFT of the last half of each run (``precession_frequency`` in the Dataset), falls as
the orbit grows (red shift).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402
from llgsot.constants import E_CHARGE, GAMMA_E, HBAR, MU0  # noqa: E402

MS, D, DAMPING, B, THETA_SH = 8e5, 1.5e-9, 0.01, 0.05, 0.1
FIG = Path(__file__).resolve().parents[1] / "docs" / "figures"


def main():
    mag = llgsot.Macrospin(Ms=MS, thickness=D, area=(100e-9) ** 2, damping=DAMPING,
                           easy_axis=(0, 1, 0))
    f_kittel = GAMMA_E / (2 * np.pi) * np.sqrt(B * (B + MU0 * MS))
    jc0 = 2 * E_CHARGE * MS * D / (HBAR * THETA_SH) * DAMPING * (B + MU0 * MS / 2)
    m0 = (np.sin(0.1), np.cos(0.1), 0.0)
    free = llgsot.simulate(mag, None, 0.0, field=(0, B, 0), m0=m0, t_end=20e-9, dt=1e-12,
                           save_every=2)
    # the free motion decays (not steady: precession_frequency is NaN), so count zero crossings
    t, mx = free.time.values, free.m.sel(member=0, component="x").values
    i = np.flatnonzero(np.sign(mx[1:]) != np.sign(mx[:-1]))
    tc = t[i] - mx[i] * (t[i + 1] - t[i]) / (mx[i + 1] - mx[i])
    f_free = 1.0 / (2 * np.polyfit(np.arange(tc.size), tc, 1)[0])
    print(f"Kittel: {f_kittel / 1e9:.4f} GHz; free precession (zero crossings): "
          f"{f_free / 1e9:.4f} GHz; FFT analysis: {float(free.precession_frequency[0])} "
          f"(NaN: decaying, not steady)")
    ratios = np.linspace(0.0, 1.9, 39)
    freqs, amps = [], []
    orbit = None
    for r in ratios:
        ds = llgsot.simulate(mag, llgsot.ConstantSOT(THETA_SH), -r * jc0, field=(0, B, 0), m0=m0,
                             t_end=60e-9, dt=1e-12, save_every=5)
        freqs.append(float(ds.precession_frequency[0]))
        my = ds.m.sel(member=0, component="y").values
        amps.append(1 - my[my.size // 2:].min())
        if abs(r - 1.5) < 1e-9:
            orbit = ds
    freqs = np.array(freqs)
    print(f"J_c0 = {jc0:.3e} A/m^2; steady precession (f in GHz) at J/J_c0 = "
          + ", ".join(f"{r:.2f}: {f / 1e9:.2f}" for r, f in zip(ratios, freqs) if np.isfinite(f)))

    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8), constrained_layout=True)
    t = free.time.values * 1e9
    ax[0].plot(t, free.m.sel(member=0, component="x"), lw=0.8, label="m_x")
    ax[0].plot(t, free.m.sel(member=0, component="z"), lw=0.8, label="m_z")
    ax[0].set(xlabel="time (ns)", ylabel="m", xlim=(0, 5),
              title=f"J = 0: f = {f_free / 1e9:.3f} GHz (Kittel {f_kittel / 1e9:.3f})")
    ax[0].legend()
    ok = np.isfinite(freqs)
    ax[1].plot(ratios[ok], freqs[ok] / 1e9, "o-", ms=3)
    ax[1].axhline(f_kittel / 1e9, color="k", ls="--", lw=0.8, label="Kittel")
    ax[1].axvline(1.0, color="0.6", ls=":", label="J_c0")
    ax[1].set(xlabel="-J / J_c0", ylabel="steady precession frequency (GHz)",
              title="SOT-driven precession (red shift)")
    ax[1].legend()
    m = orbit.m.isel(member=0).values
    half = m.shape[0] // 2
    ax[2].plot(m[half:, 0], m[half:, 2], lw=0.6)
    ax[2].set(xlabel="m_x", ylabel="m_z", title="steady orbit at J = -1.5 J_c0", aspect="equal")
    FIG.mkdir(parents=True, exist_ok=True)
    fig.savefig(FIG / "precession_frequency.png", dpi=130)
    print(f"wrote {FIG / 'precession_frequency.png'}")


if __name__ == "__main__":
    main()
