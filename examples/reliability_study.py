"""Error rates for three torque models: T-matrix table, Born table, constant equivalent.

The study no anchor can make (issue 17, item 5): the write error rate (WER) against pulse
width and amplitude, and the read-disturb rate against read current, of one free layer
driven by the paper's Ta-like Rashba ferromagnet (Fig. 4 set, both Fermi energies: 4.5 meV
inside the spin gap, 5.5 meV above it; tables/fig4.nc and tables/fig4_born.nc), with

* the nonperturbative **T-matrix** table,
* the perturbative **Born** table (no damping-like torque while both bands are occupied),
* the **constant** spin-Hall-like equivalent of the T-matrix table
  (:func:`llgsot.studies.compare.constant_equivalent`: sphere-averaged DL and FL fields).

The layer is a "type-y" in-plane cell: 50 x 50 x 1 nm, Ms = 1e6 A/m, damping 0.05, a thin-film
demagnetizing field (N_z = 1) and an in-plane easy axis along y, the spin polarization of a
current along x (Ku = 7.1e4 J/m^3: B_K = 0.142 T, Delta = 42.9 at 300 K, the barrier of the
perpendicular layer of docs/comparison.md). The perpendicular layer cannot be written
reliably at 300 K with these torques (its WER is ~0.45 at 5 and 10 ns for the T-matrix table
and the constant equivalent: the field-like field pulls m into the plane and the hemisphere
it falls back to is a coin toss, docs/comparison.md); in the type-y cell the field-like field
lies along the easy axis and switches it deterministically, so the WER falls steeply with
pulse width and the models can be told apart.

All models see the same currents (A/m^2, negative: along -x, which switches +y -> -y):
AMPLITUDES x DURATIONS (flat top; 50 ps rise and fall, RELAX after), and read pulses
READ_CURRENTS of READ_DURATION (READ_RELAX after). Every point is
``write_error_rate``/``read_disturb_rate``
with method "auto" (direct runs where they reach, adaptive multilevel splitting below),
rel_error REL, 300 K, fixed seeds. The six (Fermi energy, model) parts run in parallel
processes and are cached in a checkpoint directory, so a killed run resumes.

Writes docs/figures/reliability_study.nc (dataset, provenance in attrs),
docs/figures/reliability_study.png and docs/reliability_study_numbers.md.

Run:  python examples/reliability_study.py [--quick] [--workers N]
"""
import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import xarray as xr

import llgsot
from llgsot._io import save_dataset
from llgsot.reliability.rates import read_disturb_rate
from llgsot.reliability.sweep import wer_slopes, write_error_map
from llgsot.studies.compare import constant_equivalent

ROOT = Path(__file__).resolve().parent.parent
FIG = ROOT / "docs" / "figures"
MAGNET = dict(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.05, Ku=7.1e4,
              easy_axis=(0.0, 1.0, 0.0), demag=(0.0, 0.0, 1.0))
NM_THICKNESS = 5e-9  # m
EPS = (4.5e-3, 5.5e-3)  # eV
MODELS = ("T-matrix", "Born", "constant")
AMPLITUDES = np.array([-4.5e11, -5.5e11])  # A/m^2
DURATIONS = np.array([0.15e-9, 0.25e-9, 0.35e-9])  # s
READ_CURRENTS = np.array([-2.0e11, -2.5e11, -3.0e11])  # A/m^2
READ_DURATION = 1e-9  # s
READ_RELAX = 0.5e-9  # s
RELAX = 1e-9  # s
REL = 0.3
SEED = 17


def torque(eps, model):
    table = "fig4_born.nc" if model == "Born" else "fig4.nc"
    tt = llgsot.TorqueTable(llgsot.load_table(ROOT / "tables" / table).sel(fermi_energy=eps))
    tab = llgsot.TableSOT(tt, nm_thickness=NM_THICKNESS)
    return constant_equivalent(tab, llgsot.Macrospin(**MAGNET)) if model == "constant" else tab


def part(eps, model, quick, cache):
    """One (Fermi energy, model): the WER map and the read-disturb rates, cached."""
    out = cache / f"part_{eps * 1e3:g}meV_{model}.nc"
    if out.exists():
        return xr.load_dataset(out)
    magnet, tq = llgsot.Macrospin(**MAGNET), torque(eps, model)
    amps, durs, reads = (AMPLITUDES[-1:], DURATIONS[1:], READ_CURRENTS[-1:]) if quick else (
        AMPLITUDES, DURATIONS, READ_CURRENTS)
    pulse = llgsot.Pulse(0.0, DURATIONS[0], rise=50e-12, fall=50e-12)
    t0 = time.process_time()
    ds = write_error_map(magnet, tq, pulse, amps, durs, relax=RELAX, rel_error=REL, seed=SEED,
                         executor="serial", checkpoint=cache / f"ckpt_{eps * 1e3:g}_{model}.jsonl")
    rd = []
    for k, J in enumerate(reads):  # each read point cached on its own (a killed run resumes)
        f = cache / f"read_{eps * 1e3:g}meV_{model}_{J:.4g}.json"
        if not f.exists():
            r = read_disturb_rate(magnet, tq, llgsot.Pulse(float(J), READ_DURATION,
                                                           rise=50e-12, fall=50e-12),
                                  relax=READ_RELAX, rel_error=REL, seed=SEED + 1000 + k,
                                  executor="serial")
            f.write_text(json.dumps([r.value, *r.ci, float(r.method == "ams"),
                                     r.n_trajectories]))
        rd.append(json.loads(f.read_text()))
    rd = np.asarray(rd, float)
    ds.attrs = {}
    ds = ds.assign_coords(read_current=("read_current", reads))
    for i, name in enumerate(("read_disturb", "read_disturb_ci_low", "read_disturb_ci_high",
                              "read_ams", "read_n_trajectories")):
        ds[name] = ("read_current", rd[:, i])
    ds.attrs = {"cpu_seconds": time.process_time() - t0}
    save_dataset(ds, out)
    return ds


def _job(args):
    return part(*args)


def run(quick=False, workers=6, cache=None):
    """All parts (in ``workers`` processes), merged into one dataset with provenance."""
    t0 = time.perf_counter()
    cache = Path(cache or ROOT / "examples" / ("_reliability_quick" if quick else "_reliability"))
    cache.mkdir(parents=True, exist_ok=True)
    jobs = [(eps, model, quick, cache) for eps in EPS for model in MODELS]
    if workers > 1:
        with ProcessPoolExecutor(workers) as ex:
            parts = list(ex.map(_job, jobs))
    else:
        parts = [_job(j) for j in jobs]
    cpu = sum(float(p.attrs.get("cpu_seconds", 0.0)) for p in parts)
    for p in parts:
        p.attrs = {}
    ds = xr.concat([xr.concat([p for p in parts[i * len(MODELS):(i + 1) * len(MODELS)]],
                              dim=xr.DataArray(list(MODELS), dims="model"))
                    for i in range(len(EPS))], dim=xr.DataArray(list(EPS), dims="fermi_energy"))
    per_ns = np.full((len(EPS), len(MODELS), ds.sizes["amplitude"]), np.nan)
    per_10 = np.full((len(EPS), len(MODELS), ds.sizes["duration"]), np.nan)
    for i in range(len(EPS)):
        for j in range(len(MODELS)):
            s = wer_slopes(ds.isel(fermi_energy=i, model=j))
            per_ns[i, j] = s["decades_per_ns"]
            per_10[i, j] = s["decades_per_10pct_current"]
    ds["decades_per_ns"] = (("fermi_energy", "model", "amplitude"), per_ns,
                            {"units": "1/ns", "long_name": "d log10 WER / d duration (< 0: WER falls)"})
    ds["decades_per_10pct_current"] = (("fermi_energy", "model", "duration"), per_10,
                                       {"units": "1", "long_name": "d log10 WER per 10 % more |J| (< 0: falls)"})
    ds["fermi_energy"].attrs["units"] = "eV"
    ds["amplitude"].attrs["units"] = "A/m^2"
    ds["duration"].attrs["units"] = "s"
    ds["read_current"].attrs["units"] = "A/m^2"
    for name in ("wer", "ci_low", "ci_high", "read_disturb", "read_disturb_ci_low",
                 "read_disturb_ci_high"):
        ds[name].attrs["units"] = "1"
    ds.attrs.update({
        "title": "llgsot error-rate study: T-matrix vs Born vs constant torque (issue 17)",
        "script": "examples/reliability_study.py" + (" --quick" if quick else ""),
        "llgsot_version": llgsot.__version__, "magnet": repr(llgsot.Macrospin(**MAGNET)),
        "nm_thickness_m": NM_THICKNESS, "tables": "tables/fig4.nc (tmatrix), "
        "tables/fig4_born.nc (born); constant = studies.compare.constant_equivalent(T-matrix)",
        "pulse": "flat top `duration`, 50 ps rise and fall", "relax_s": RELAX,
        "read_duration_s": READ_DURATION, "read_relax_s": READ_RELAX, "temperature_K": 300.0, "rel_error": REL,
        "method": "auto", "seed": SEED, "confidence": "95 % (Wilson direct, Student t AMS)",
        "cpu_seconds_parts": cpu, "wall_seconds": time.perf_counter() - t0,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})
    return ds


def _fmt(x, lo, hi):
    return "-" if not np.isfinite(x) else f"{x:.2g} [{lo:.2g}, {hi:.2g}]"


def report(ds, nc, png, md):
    from llgsot.plotting import _plt, savefig_atomic

    save_dataset(ds, nc)
    plt = _plt()
    fig, axes = plt.subplots(2, 3, figsize=(14, 7.5), constrained_layout=True)
    styles = {"T-matrix": "o-", "Born": "s--", "constant": "^:"}
    lines = ["# Error-rate study: numbers (generated by examples/reliability_study.py)", "",
             f"{ds.attrs['magnet']}; {ds.attrs['pulse']}, relax {RELAX * 1e9:g} ns; read "
             f"pulses {READ_DURATION * 1e9:g} ns; 300 K; rel_error {REL}; method auto; seed "
             f"{SEED}; read relax {READ_RELAX * 1e9:g} ns. CPU of the points computed in this "
             f"run {ds.attrs['cpu_seconds_parts']:.0f} s (points restored from checkpoints not "
             f"counted), wall {ds.attrs['wall_seconds']:.0f} s.", ""]
    for i, eps in enumerate(ds["fermi_energy"].values):
        sub = ds.isel(fermi_energy=i)
        lines += [f"## eps = {eps * 1e3:g} meV", "", "WER, 95 % interval ('A' = AMS):", "",
                  "| model | J (A/m^2) | " + " | ".join(f"{d * 1e9:g} ns" for d in ds["duration"].values)
                  + " | decades/ns |", "|---|---|" + "---|" * (ds.sizes["duration"] + 1)]
        for j, model in enumerate(ds["model"].values):
            for k, a in enumerate(ds["amplitude"].values):
                w = sub.isel(model=j, amplitude=k)
                cells = [_fmt(x, lo, hi) + (" A" if am == 1 else "") for x, lo, hi, am in zip(
                    w["wer"].values, w["ci_low"].values, w["ci_high"].values, w["ams"].values)]
                lines.append(f"| {model} | {a:.3g} | " + " | ".join(cells)
                             + f" | {-float(w['decades_per_ns']):.3g} |")
                ax = axes[0, i]
                ok = np.isfinite(w["wer"].values) & (w["wer"].values > 0)
                ax.semilogy(ds["duration"].values[ok] * 1e9, w["wer"].values[ok], styles[model],
                            color=f"C{k}", label=f"{model}, J = {a:.2g}")
        lines += ["", "Decades of WER per 10 % of |J| (at each duration):", "",
                  "| model | " + " | ".join(f"{d * 1e9:g} ns" for d in ds["duration"].values) + " |",
                  "|---|" + "---|" * ds.sizes["duration"]]
        for j, model in enumerate(ds["model"].values):
            s = sub["decades_per_10pct_current"].isel(model=j).values
            lines.append(f"| {model} | " + " | ".join(f"{-x:.3g}" for x in s) + " |")
        lines += ["", f"Read disturb ({READ_DURATION * 1e9:g} ns read):", "",
                  "| model | " + " | ".join(f"{J:.3g}" for J in ds["read_current"].values) + " |",
                  "|---|" + "---|" * ds.sizes["read_current"]]
        for j, model in enumerate(ds["model"].values):
            r = sub.isel(model=j)
            lines.append(f"| {model} | " + " | ".join(
                _fmt(x, lo, hi) + (" A" if am == 1 else "") for x, lo, hi, am in zip(
                    r["read_disturb"].values, r["read_disturb_ci_low"].values,
                    r["read_disturb_ci_high"].values, r["read_ams"].values)) + " |")
            ok = np.isfinite(r["read_disturb"].values) & (r["read_disturb"].values > 0)
            axes[1, i].semilogy(np.abs(ds["read_current"].values[ok]) / 1e11,
                                r["read_disturb"].values[ok], styles[model], color="k",
                                label=model)
        lines.append("")
        axes[0, i].set(xlabel="pulse width (ns)", ylabel="write error rate",
                       title=rf"$\epsilon$ = {eps * 1e3:g} meV")
        axes[1, i].set(xlabel=r"read current $|J|$ ($10^{11}$ A/m$^2$)",
                       ylabel=f"read disturb ({READ_DURATION * 1e9:g} ns)")
        axes[0, i].legend(fontsize=7)
        axes[1, i].legend(fontsize=7)
    # third column: the slopes
    x = np.arange(len(ds["model"]))
    for i, eps in enumerate(ds["fermi_energy"].values):
        for k, a in enumerate(ds["amplitude"].values):
            axes[0, 2].plot(x + 0.1 * (2 * i + k), -ds["decades_per_ns"].values[i, :, k], "o",
                            color=f"C{k}", mfc="none" if i else None,
                            label=f"{eps * 1e3:g} meV, J = {a:.2g}")
        for k, d in enumerate(ds["duration"].values):
            axes[1, 2].plot(x + 0.1 * (2 * i + k), -ds["decades_per_10pct_current"].values[i, :, k],
                            "s", color=f"C{k + 2}", mfc="none" if i else None,
                            label=f"{eps * 1e3:g} meV, {d * 1e9:g} ns")
    for ax, lab in ((axes[0, 2], "WER slope (decades per ns)"),
                    (axes[1, 2], "WER slope (decades per 10 % of |J|)")):
        ax.set_xticks(x, list(ds["model"].values))
        ax.set_ylabel(lab)
        ax.legend(fontsize=7)
    fig.suptitle("Write error rate and read disturb at 300 K: T-matrix vs Born vs constant torque "
                 "(type-y cell, Fig. 4 parameters)")
    savefig_atomic(fig, png)
    Path(md).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="one amplitude, two widths, one read")
    ap.add_argument("--workers", type=int, default=min(6, os.cpu_count() or 1))
    a = ap.parse_args()
    ds = run(a.quick, a.workers)
    if a.quick:  # a smoke run: its outputs stay beside its cache, out of the docs
        out = ROOT / "examples" / "_reliability_quick"
        report(ds, out / "study.nc", out / "study.png", out / "numbers.md")
    else:
        report(ds, FIG / "reliability_study.nc", FIG / "reliability_study.png",
               ROOT / "docs" / "reliability_study_numbers.md")


if __name__ == "__main__":
    main()
