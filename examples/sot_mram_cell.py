"""A three-terminal SOT-MRAM cell: read, write, read. The resistance trace R(t).

    python examples/sot_mram_cell.py     # writes docs/figures/sot_mram_cell.png

The cell (docs/cell.md): a perpendicular free layer (Ms = 1 MA/m, 1 nm, 50 nm x 50 nm,
B_K,eff = 0.14 T, damping 0.1) on a heavy-metal channel (ConstantSOT, theta_SH = 0.2, current
along +x), a reference layer along +z (TMR 150 %, R_P = 2 kOhm, bias-dependent with
V_h = 0.5 V), an in-plane exchange-bias field of 30 mT along +x (field-free switching) and a
stray field of -5 mT along z. Sequence: a 50 uA read (1 ns), a channel write pulse of
3e12 A/m^2 (1 ns, 1 ns fall) that switches m from +z (parallel, low R) to -z (antiparallel),
and a second read, from the equilibrium in the bias and stray fields. During a read the
junction voltage V = I R lowers the TMR, so R_AP read at 50 uA is below its zero-bias value;
the read's STT (b = hbar eta J/(2|e| Ms d) = 4 mT) is below its own switching threshold
(about damping * B_K,eff = 14 mT) and the read lasts 1 ns.
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import llgsot  # noqa: E402

FIG = Path(__file__).resolve().parents[1] / "docs" / "figures"


def run():
    free = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.1, Ku=0.7e6)
    ns = 1e-9
    read = llgsot.Waveform(np.array([0.5, 0.5, 1.5, 1.5, 6.5, 6.5, 7.5, 7.5]) * ns,
                           [0, 50e-6, 50e-6, 0, 0, 50e-6, 50e-6, 0])
    cell = llgsot.SOTCell(free=free, reference=(0, 0, 1), tmr=1.5, resistance_parallel=2e3,
                          spin_polarization=0.6, bias_field=(0.03, 0, 0),
                          stray_field=(0, 0, -0.005), read_current=read, tmr_half_voltage=0.5)
    write = llgsot.Pulse(3e12, 1 * ns, rise=0.2 * ns, fall=1 * ns, delay=2 * ns)
    # start from the equilibrium in the bias and stray fields (10 ns of relaxation from +z)
    eq = llgsot.simulate(cell.with_read_current(0.0), None, 0.0, m0=(0, 0, 1), t_end=10 * ns,
                         dt=2e-13, save_every=10**6)
    m0 = eq["m"].values[-1, 0]
    return cell, llgsot.simulate(cell, llgsot.ConstantSOT(0.2), write, m0=m0, t_end=8 * ns,
                                 dt=2e-13, save_every=10)


def main():
    cell, ds = run()
    t = ds["time"].values * 1e9
    m = ds["m"].values[:, 0]
    fig, ax = plt.subplots(3, 1, figsize=(6.4, 6.4), sharex=True)
    ax[0].plot(t, ds["current"].values / 1e12, label="channel J (1e12 A/m$^2$)")
    ax[0].plot(t, ds["read_current"].values / 50e-6, label="MTJ I (50 $\\mu$A)")
    ax[0].legend(fontsize=8)
    ax[0].set_ylabel("drive")
    for i, c in enumerate("xyz"):
        ax[1].plot(t, m[:, i], label=f"m$_{c}$")
    ax[1].legend(fontsize=8, ncol=3)
    ax[1].set_ylabel("m")
    ax[2].plot(t, ds["resistance"].values[:, 0] / 1e3, "k")
    ax[2].set_ylabel("R (k$\\Omega$)")
    ax[2].set_xlabel("t (ns)")
    for a in ax:
        a.grid(alpha=0.3)
    fig.tight_layout()
    FIG.mkdir(parents=True, exist_ok=True)
    out = FIG / "sot_mram_cell.png"
    tmp = out.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    tmp.replace(out)  # atomic
    R = ds["resistance"].values[:, 0]
    i1, i2 = np.searchsorted(t, 1.0), np.searchsorted(t, 7.0)
    print(f"read 1: R = {R[i1]:.1f} Ohm (m_z = {m[i1, 2]:+.3f}); read 2: R = {R[i2]:.1f} Ohm "
          f"(m_z = {m[i2, 2]:+.3f}); zero-bias R_AP = {cell.resistance_antiparallel:.0f} Ohm; "
          f"wrote {out}")


if __name__ == "__main__":
    main()
