"""Error rates: the Fokker-Planck route, the batch engine, Boltzmann sampling, AMS and direct
ensembles against each other, retention against Brown and the exact mean first-passage time.

Independent routes: the FP drift is checked against simulate (T = 0), its equilibrium
against Boltzmann integrals by quadrature, its mean first-passage time against the exact
double-integral formula (test side), AMS and direct ensembles against FP within their
stated errors.
"""
import math

import numpy as np
import pytest
from scipy import integrate, stats

from llgsot import ConstantSOT, Macrospin, Pulse, simulate
from llgsot.constants import K_B, MU0
from llgsot.dynamics import ensemble
from llgsot.reliability import fokker_planck as fp
from llgsot.reliability import rates, retention, sampling

AREA = math.pi * (20e-9) ** 2
T = 300.0


def magnet(delta=None, damping=0.05):
    ku = 8.3e5 if delta is None else delta * K_B * T / (AREA * 1e-9) + 0.5 * MU0 * 1e12
    return Macrospin(Ms=1e6, thickness=1e-9, area=AREA, damping=damping, Ku=ku)


TORQUE = ConstantSOT(0.3, polarization=(0, 0, -1))


def fp_wer(pulse, relax, cells=400):
    m = fp.axial_model(magnet(), TORQUE, pulse, temperature=T)
    return fp.fp_error_rate(m, pulse.end + relax, cells=cells)


def agrees_with_fp(r, ref, method=None):
    """The sampled rate's 95 % interval, widened by FP's own error, contains the FP value
    (and the run used ``method`` if given)."""
    if method is not None:
        assert r.method == method
    lo, hi = r.ci
    assert lo - ref.error <= ref.value <= hi + ref.error, (r.value, r.ci, ref.value)


# -- the engine entry point -------------------------------------------------------------------
def _engine_equals_simulate(magnet_or_cell, pulse):
    """Eight members, 50 Heun steps at 300 K through the batch engine and through simulate:
    bitwise equal. Returns what a test needs to go on: (system, m0, seeds, final states)."""
    m0 = np.tile([0.1, 0.0, math.sqrt(0.99)], (8, 1))
    ds = simulate(magnet_or_cell, TORQUE, pulse, m0=m0, t_end=0.3e-9, dt=0.5e-12,
                  method="heun", temperature=T, members=8, seed=5, save_every=50)
    sysm = ensemble.ensemble_system(magnet_or_cell, TORQUE, pulse, (0, 0, 0), T, 0.5e-12,
                                    0.3e-9)
    seeds = np.random.SeedSequence(5).generate_state(8, dtype=np.uint64)
    out, status = ensemble.advance(sysm, m0, np.zeros(8, int), 50, seeds)
    assert not status.any()
    np.testing.assert_array_equal(out, ds["m"].values)
    return sysm, m0, seeds, out


def test_advance_is_simulates_heun():
    sysm, m0, seeds, out = _engine_equals_simulate(magnet(), Pulse(4e11, 0.2e-9))
    # a member restarted at a saved sample with the same seed... continues with new noise;
    # restarted from its saved state at step 0 it repeats itself
    out2, _ = ensemble.advance(sysm, out[0], np.zeros(8, int), 50, seeds)
    np.testing.assert_array_equal(out2, out)


# -- Fokker-Planck ------------------------------------------------------------------------------
def test_fp_drift_is_the_llg_of_simulate():
    """T = 0: dc/dt = A(c, t) of the FP model integrated by scipy against simulate's m_z."""
    mag = magnet()
    p = Pulse(4e11, 1e-9, rise=0.1e-9, fall=0.1e-9)
    model = fp.axial_model(mag, ConstantSOT(0.3, 0.2, polarization=(0, 0, -1)), p,
                           field=(0, 0, 0.01), temperature=T)
    c0 = math.cos(0.2)
    t = np.linspace(0, 1.5e-9, 31)
    sol = integrate.solve_ivp(lambda tt, c: model.drift(c, tt), (0, t[-1]), [c0], t_eval=t,
                              rtol=1e-11, atol=1e-13, max_step=1e-12)
    ds = simulate(mag, ConstantSOT(0.3, 0.2, polarization=(0, 0, -1)), p,
                  field=(0, 0, 0.01), m0=(math.sin(0.2), 0, c0), t_end=t[-1], dt=t[1],
                  method="dopri", rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(ds["m"].values[:, 0, 2], sol.y[0], atol=2e-6)
    assert sol.y[0, -1] < 0  # it switched: the test exercises the damping-like sign


def test_fp_equilibrium_is_boltzmann():
    """The null vector of the FP generator at zero current (solved for, not constructed) has
    the moments of exp(-V e/k_B T) by quadrature; a density started away from it keeps its
    mass and relaxes toward it inside a well."""
    mag = magnet(delta=8.0)
    model = fp.axial_model(mag, None, 0.0, field=(0, 0, 0.003), temperature=T)
    grid = fp.Grid(400)
    ab = fp.generator(model, grid, 0.0)
    n = grid.n
    L = np.diag(ab[1]) + np.diag(ab[0, 1:], 1) + np.diag(ab[2, :-1], -1)
    L[-1] = 1.0  # replace one (dependent) balance equation by the normalisation
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    u = np.linalg.solve(L, rhs)
    v = model.potential
    Z = integrate.quad(lambda c: math.exp(-v(c) + v(1.0)), -1, 1, points=[0.0])[0]
    for k in (1, 2, 3):
        ref = integrate.quad(lambda c: c**k * math.exp(-v(c) + v(1.0)), -1, 1,
                             points=[0.0])[0] / Z
        assert abs(u @ grid.centres**k - ref) < 1e-4
    u0 = np.where(grid.centres > 0.5, grid.widths, 0.0)
    u0 /= u0.sum()
    u1 = fp.evolve(model, grid, u0, 15e-9, 20e-12)
    assert abs(u1.sum() - 1.0) < 1e-12  # conservative
    well = grid.centres > 0
    ref_well = fp.boltzmann(model, grid, side=+1)
    assert np.abs(u1[well] / u1[well].sum() - ref_well[well]).max() < 1e-3


def test_fp_error_estimate_is_honest():
    p = Pulse(4e11, 1.5e-9)
    coarse = fp_wer(p, 0.5e-9, cells=200)
    model = fp.axial_model(magnet(), TORQUE, p, temperature=T)
    fine = fp._end_probability(model, fp.Grid(800), coarse.dt / 4, p.end + 0.5e-9, +1, -1)
    assert abs(fine - coarse.value) <= coarse.error
    assert coarse.rel_error < 0.05


# -- sampling -------------------------------------------------------------------------------------
def test_well_sampler_is_boltzmann():
    mag = magnet(delta=10.0)
    ws = sampling.WellSampler(mag, (0, 0, 0.002), T, +1)
    m = ws.sample(4000, np.random.default_rng(3))
    model = fp.axial_model(mag, None, 0.0, field=(0, 0, 0.002), temperature=T)
    c_s = model.saddle()
    w = lambda c: math.exp(-model.potential(c) + model.potential(1.0))  # noqa: E731
    Z = integrate.quad(w, c_s, 1)[0]
    cdf = np.vectorize(lambda x: integrate.quad(w, c_s, x)[0] / Z)
    assert np.all(m[:, 2] > c_s)
    assert stats.kstest(m[:, 2], cdf).pvalue > 1e-3
    # azimuth uniform
    assert stats.kstest(np.arctan2(m[:, 1], m[:, 0]), stats.uniform(-np.pi, 2 * np.pi).cdf).pvalue > 1e-3


# -- the estimators against FP ----------------------------------------------------------------------
def test_direct_agrees_with_fp():
    p = Pulse(3e11, 1.5e-9)
    ref = fp_wer(p, 0.5e-9)
    r = rates.write_error_rate(magnet(), TORQUE, p, relax=0.5e-9, method="direct", seed=2,
                               rel_error=0.15)
    agrees_with_fp(r, ref, "direct")


def test_ams_agrees_with_fp_near_1e_6():
    p = Pulse(4e11, 2.6e-9)
    ref = fp_wer(p, 0.5e-9)
    assert 1e-7 < ref.value < 1e-5
    r = rates.write_error_rate(magnet(), TORQUE, p, relax=0.5e-9, method="ams", seed=4,
                               rel_error=0.25, replicas=50)
    agrees_with_fp(r, ref, "ams")


@pytest.mark.slow
@pytest.mark.parametrize("duration", [1.6e-9, 2.6e-9, 3.2e-9, 3.8e-9])
def test_ams_agrees_with_fp_down_to_1e_9(duration):
    p = Pulse(4e11, duration)
    ref = fp_wer(p, 0.5e-9)
    r = rates.write_error_rate(magnet(), TORQUE, p, relax=0.5e-9, method="ams", seed=7,
                               rel_error=0.1)
    agrees_with_fp(r, ref)


def test_read_disturb_direct_agrees_with_fp():
    """A read current that helps the start well's escape (polarization -z, J > 0) for long
    enough to flip a few per cent, against FP with target = the start well."""
    mag = magnet(delta=12.0)
    p = Pulse(1e11, 3e-9)
    model = fp.axial_model(mag, TORQUE, p, temperature=T)
    ref = fp.fp_error_rate(model, p.end + 0.5e-9, start_side=+1, target_side=+1, cells=400)
    r = rates.read_disturb_rate(mag, TORQUE, p, relax=0.5e-9, method="direct", seed=3,
                                rel_error=0.2)
    agrees_with_fp(r, ref)


# -- retention -----------------------------------------------------------------------------------
def _mfpt_exact(model, c0, c_b):
    """T(c0 -> c_b) = int_{c_b}^{c0} dy / K(y) int_y^1 exp(v(y) - v(z)) dz (reflecting at 1)."""
    K = lambda y: model.D * (1 - y * y) / (2 * (1 + model.damping**2))  # noqa: E731
    v = model.potential

    def inner(y):
        return integrate.quad(lambda z: math.exp(v(y) - v(z)), y, 1, epsabs=0, epsrel=1e-10)[0]
    return integrate.quad(lambda y: inner(y) / K(y), c_b, c0, epsabs=0, epsrel=1e-9,
                          limit=200)[0]


@pytest.mark.parametrize("delta", [15.0, 25.0, 40.0])
@pytest.mark.parametrize("bz", [0.0, 0.01])
def test_retention_against_brown_and_exact_mfpt(delta, bz):
    mag = magnet(delta=delta)
    r = retention.retention(mag, T, field=(0, 0, bz))
    model = fp.axial_model(mag, None, 0.0, field=(0, 0, bz), temperature=T)
    exact = 2 * _mfpt_exact(model, 1.0, model.saddle())
    assert abs(r.mean_time_fp / exact - 1) < 5e-3  # discretization of the FP route (4000 cells)
    assert abs(r.mean_time / exact - 1) < 1.5 / r.delta      # Brown: O(1/Delta) corrections
    assert r.delta == pytest.approx(delta * (1 + bz / model.bk) ** 2, rel=1e-6)
    assert r.mean_time == pytest.approx(r.attempt_time * math.exp(r.delta), rel=1e-12)


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw, match", [
    ({"rel_error": 0.0}, "rel_error"),
    ({"rel_error": -1.0}, "rel_error"),
    ({"method": "is"}, "method"),
    ({"temperature": -1.0}, "temperature"),
    ({"initial": (1.0, 0.0, 0.0)}, "initial"),
    ({"initial": "hot"}, "initial"),
    ({"relax": -1e-9}, "relax"),
    ({"max_trajectories": 0}, "max_trajectories"),
])
def test_bad_inputs(kw, match):
    args = dict(magnet=magnet(), torque=TORQUE, pulse=Pulse(4e11, 1e-9))
    with pytest.raises((ValueError, TypeError), match=match):
        rates.write_error_rate(**args, **kw)


def test_pulse_below_switching_is_refused():
    with pytest.raises(ValueError, match="`pulse`.*never reaches the switching current"):
        rates.write_error_rate(magnet(), TORQUE, Pulse(1e11, 1e-9), relax=0.5e-9)


def test_unreachable_target_is_refused():
    with pytest.raises(ValueError, match="max_trajectories"):
        rates.write_error_rate(magnet(), TORQUE, Pulse(4e11, 2e-9), relax=0.5e-9,
                               method="direct", max_trajectories=500, seed=1)


def test_direct_on_a_vanishing_rate_gives_up_after_one_batch():
    """A read current far below switching (FP: read disturb ~1e-20) with method='direct' and
    the default max_trajectories = 1e7: refused after the first batch of 4096 runs (the
    rule-of-three bound alone would allow ~4e5 more), naming rel_error, max_trajectories and
    method and pointing at AMS; under 'auto' the same rate comes out by AMS."""
    mag, p = magnet(), Pulse(1e10, 0.5e-9)
    ref = fp.fp_error_rate(fp.axial_model(mag, TORQUE, p, temperature=T), p.end + 0.5e-9,
                           start_side=+1, target_side=+1, cells=400)
    assert ref.value < 1e-12  # far below what 1e7 direct runs resolve at rel_error 0.3
    with pytest.raises(rates.OutOfReach) as exc:
        rates.read_disturb_rate(mag, TORQUE, p, relax=0.5e-9, method="direct", seed=1,
                                rel_error=0.3)
    msg = str(exc.value)
    for name in ("`max_trajectories` = 10000000", "`rel_error` = 0.3", "'direct'",
                 "method='ams'", "0 event(s) in 4096 direct runs"):
        assert name in msg, msg
    assert len(msg.splitlines()) == 1


def test_direct_keeps_a_reachable_rate_with_few_first_events():
    """WER ~1e-3 (a few events in the first 4096 runs) at rel_error 0.5 needs ~4e3 runs: the
    AMS pilot must not refuse it, and the result agrees with FP."""
    p = Pulse(3.5e11, 2e-9)
    ref = fp_wer(p, 0.5e-9)
    assert 3e-4 < ref.value < 3e-3
    r = rates.write_error_rate(magnet(), TORQUE, p, relax=0.5e-9, method="direct", seed=5,
                               rel_error=0.5, max_trajectories=50_000)
    agrees_with_fp(r, ref, "direct")


def test_zero_temperature_is_0_or_1_said_plainly():
    ok = rates.write_error_rate(magnet(), TORQUE, Pulse(4e11, 2e-9), temperature=0.0,
                                initial=(0.05, 0, 1))
    assert ok.value == 0.0 and ok.method == "deterministic" and "exactly 0 or 1" in ok.details["note"]
    stuck = rates.write_error_rate(magnet(), TORQUE, Pulse(4e11, 2e-9), temperature=0.0)
    assert stuck.value == 1.0  # the exact pole is a fixed point of the axial torque
    assert stuck.to_dict()["ci"] == [1.0, 1.0]


# -- the command line -----------------------------------------------------------------------------
def test_cli_wer_example(tmp_path, capsys):
    import pathlib

    import xarray as xr

    from llgsot.cli.main import main

    cfg = pathlib.Path(__file__).parent.parent / "examples" / "configs" / "wer.toml"
    out, png = tmp_path / "wer.nc", tmp_path / "wer.png"
    assert main(["wer", str(cfg), "-o", str(out), "--plot", str(png), "--no-progress"]) == 0
    ds = xr.load_dataset(out)
    w = ds["wer"].values[0]
    assert np.all((w > 0) & (w < 1)) and w[1] < w[0]   # longer pulses write better
    assert np.isfinite(ds["read_disturb"].values).all() and png.stat().st_size > 0
    assert "decades of WER per ns" in capsys.readouterr().out


@pytest.mark.slow  # a table torque on an in-plane cell: ~60 s on the loaded 2-core machine
def test_cli_wer_table_study_config(tmp_path, capsys):
    """examples/configs/wer_fig4.toml (one torque model of the error-rate study: a table SOT on
    the type-y cell) runs through `llgsot wer`, on a one-point grid of a WER near 0.3 that
    a direct ensemble resolves in 1000 runs; its table path resolves from the config's
    folder and the dataset records the table torque."""
    import pathlib

    import xarray as xr

    from llgsot.cli.main import main

    src = pathlib.Path(__file__).parent.parent / "examples" / "configs" / "wer_fig4.toml"
    text = src.read_text()
    table = (src.parent / "../../tables/fig4.nc").resolve()
    assert 'table = "../../tables/fig4.nc"' in text
    text = text.replace('table = "../../tables/fig4.nc"', f'table = "{table}"')
    text = text[:text.index("[wer]")] + (
        "[wer]\namplitudes = [-4.5e11]\ndurations = [0.15e-9]\nrelax = 0.5e-9\n"
        'method = "direct"\nrel_error = 0.5\nmax_trajectories = 1000\nseed = 17\n')
    path = tmp_path / "w.toml"
    path.write_text(text)
    assert main(["wer", str(path), "-o", str(tmp_path / "w.nc"), "--no-progress"]) == 0
    ds = xr.load_dataset(tmp_path / "w.nc")
    w = float(ds["wer"].values[0, 0])
    assert 0.02 < w < 0.98 and int(ds["status"].values[0, 0]) == 0   # a resolved, unsure write
    assert ds["n_trajectories"].values[0, 0] <= 1000 and "TableSOT" in ds.attrs["torque"]


def test_cli_wer_bad_key(tmp_path, capsys):
    from llgsot.cli.main import main

    cfg = tmp_path / "bad.toml"
    cfg.write_text('[magnet]\nMs = 1e6\nthickness = 1e-9\narea = 1e-15\ndamping = 0.05\n'
                   'Ku = 8e5\n[torque]\nkind = "constant"\nspin_hall_angle = 0.3\n[pulse]\n'
                   'duration = 1e-9\n[wer]\namplitudes = [1e11]\ndurations = [1e-9]\n'
                   'rel_eror = 0.1\n')
    assert main(["wer", str(cfg), "-o", str(tmp_path / "o.nc")]) == 2
    err = capsys.readouterr().err
    assert "wer.rel_eror" in err and len(err.strip().splitlines()) == 1


# -- the SOT-MRAM cell through the same engine ------------------------------------------------------
def _cell(**kw):
    from llgsot import SOTCell

    return SOTCell(free=magnet(), reference=(0.0, 0.0, 1.0), tmr=1.0, resistance_parallel=2e3, **kw)


def test_cell_advance_is_simulates_heun():
    """A cell with a bias field and a read current: the batch engine (STT term, merged drive)
    against simulate's Heun, bitwise."""
    cell = _cell(bias_field=(0.002, 0.0, 0.0), read_current=Pulse(40e-6, 0.2e-9))
    p = Pulse(4e11, 0.2e-9)
    _, m0, seeds, out = _engine_equals_simulate(cell, p)
    # the read current acts: without it the trajectories differ
    bare = ensemble.ensemble_system(cell.with_read_current(0.0), TORQUE, p, (0, 0, 0), T,
                                    0.5e-12, 0.3e-9)
    out0, _ = ensemble.advance(bare, m0, np.zeros(8, int), 50, seeds)
    assert np.abs(out0 - out).max() > 1e-6


def test_cell_write_error_rate_is_its_free_layers():
    """With no read current, a cell whose bias field equals an external field gives the free
    layer's write error rate in that field: the same trajectories, the same number."""
    p = Pulse(3e11, 1.5e-9)
    b = (0.0, 0.0, 0.0)
    free = rates.write_error_rate(magnet(), TORQUE, p, field=b, relax=0.5e-9, method="direct",
                                  seed=2, rel_error=0.3)
    cell = rates.write_error_rate(_cell(), TORQUE, p, field=b, relax=0.5e-9, method="direct",
                                  seed=2, rel_error=0.3)
    assert cell.value == free.value and cell.n_trajectories == free.n_trajectories
