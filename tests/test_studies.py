"""Studies: critical currents, probabilities, diagrams, sweeps on executors, checkpoints, CLI."""
import json
import math

import numpy as np
import pytest

import llgsot
from llgsot.cli.main import main
from llgsot.constants import E_CHARGE, HBAR
from llgsot.studies import critical_current, switching_diagram, switching_probability
from llgsot.studies.switching import run_pulse
from llgsot.studies.thermal import fit_logistic, wilson_interval

MAG = dict(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.1, Ku=0.7e6)


@pytest.fixture(scope="module")
def magnet():
    return llgsot.Macrospin(**MAG)


@pytest.fixture(scope="module")
def pulse():
    # slow fall: the quasi-static threshold (an abrupt end leaves the hemisphere to chance)
    return llgsot.Pulse(0.0, 20e-9, rise=0.5e-9, fall=20e-9, delay=0.2e-9)


def test_bisection_brackets_the_threshold_of_an_independent_scan(magnet, pulse):
    """The deterministic threshold lies inside the returned bracket: just below it the magnet
    does not switch, just above it does (checked by fresh simulations)."""
    tq = llgsot.ConstantSOT(0.2)
    field = (0.02, 0.0, 0.0)
    r = critical_current(magnet, tq, pulse, field=field, bracket=(-1e10, -2e13), rtol=1e-3)
    lo, hi = r.bracket
    assert abs(hi - lo) <= 1e-3 * abs(hi) and hi < r.value < lo
    tr = r.details["t_relax"]
    assert not bool(run_pulse(magnet, tq, pulse, lo, field, t_relax=tr).switched[0])
    assert bool(run_pulse(magnet, tq, pulse, hi, field, t_relax=tr).switched[0])
    # the quasi-static macrospin threshold of Lee et al. (APL 102, 112410):
    # |J_c| = (2e/hbar)(Ms d/theta)(B_K,eff/2 - B_x/sqrt 2). Its derivation neglects the
    # O((B_x/B_K)^2) ~ 2 % terms and the finite ramp (20 ns fall): tolerance 5 %
    bk = magnet.effective_anisotropy_field()
    lee = (2 * E_CHARGE / HBAR) * (magnet.Ms * magnet.thickness / 0.2) * (bk / 2 - 0.02 / math.sqrt(2))
    assert abs(r.value) == pytest.approx(lee, rel=0.05)


def test_bracket_errors(magnet, pulse):
    tq = llgsot.ConstantSOT(0.2)
    with pytest.raises(ValueError, match=r"bracket`\[1\]"):
        critical_current(magnet, tq, pulse, field=(0.02, 0, 0), bracket=(-1e10, -2e10))
    with pytest.raises(ValueError, match=r"bracket`\[0\]"):
        critical_current(magnet, tq, pulse, field=(0.02, 0, 0), bracket=(-1e13, -2e13))
    with pytest.raises(ValueError, match="bracket"):
        critical_current(magnet, tq, pulse, bracket=None)


def test_wilson_interval_and_logistic_fit():
    lo, hi = wilson_interval(np.array([0, 50, 100]), 100)
    assert abs(lo[0]) < 1e-15 and hi[0] == pytest.approx(0.037, abs=1e-3)  # z^2/(n+z^2)
    assert lo[1] == pytest.approx(0.4038, abs=1e-3) and hi[1] == pytest.approx(0.5962, abs=1e-3)
    # a logistic sample with known J50 recovers it within its own standard error (3 sigma)
    rng = np.random.default_rng(2)
    J = np.linspace(1.0e12, 2.0e12, 9)
    n = 400
    P = 1 / (1 + np.exp(-(J - 1.4e12) / 0.1e12))
    k = rng.binomial(n, P)
    j50, w, se = fit_logistic(J, k, n)
    assert abs(j50 - 1.4e12) <= 3 * se and se < 0.02e12
    j50n, _, _ = fit_logistic(-J, k, n)  # the opposite polarity
    assert j50n == pytest.approx(-j50, rel=1e-6)


def test_switching_probability_is_reproducible_and_monotone(magnet, pulse):
    tq = llgsot.ConstantSOT(0.2)
    amps = [-0.3e12, -0.85e12, -2e12]
    a = switching_probability(magnet, tq, pulse, amps, field=(0.02, 0, 0), temperature=300,
                              members=32, seed=4)
    b = switching_probability(magnet, tq, pulse, amps, field=(0.02, 0, 0), temperature=300,
                              members=32, seed=4)
    np.testing.assert_array_equal(a.switched.values, b.switched.values)
    p = a.probability.values
    assert p[0] <= 0.2 and p[-1] >= 0.8
    assert np.all(a.ci_low.values <= p) and np.all(p <= a.ci_high.values)


@pytest.fixture(scope="module")
def table_sot():
    ds = llgsot.load_table(__import__("pathlib").Path(__file__).parent.parent / "tables" / "fig4.nc")
    return llgsot.TableSOT(llgsot.TorqueTable(ds.sel(fermi_energy=5.5e-3)), nm_thickness=5e-9)


def test_diagram_serial_equals_dask(magnet, pulse, table_sot):
    distributed = pytest.importorskip("distributed")
    import warnings

    currents = np.linspace(-1.5e12, 1.5e12, 4)
    fields = [0.01, 0.03]
    ser = switching_diagram(magnet, table_sot, pulse, currents, fields=fields, executor="serial",
                            progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as c, \
                distributed.Client(c) as client:
            dsk = switching_diagram(magnet, table_sot, pulse, currents, fields=fields, executor=client,
                                    progress=False)
    np.testing.assert_array_equal(ser.switched.values, dsk.switched.values)
    assert ser.switched.dims == ("current", "field")
    # negative current switches up -> down with B_x > 0 (docs/dynamics.md sign conventions)
    assert ser.switched.sel(current=-1.5e12).values.tolist() == [1.0, 1.0]
    assert ser.switched.sel(current=1.5e12).values.tolist() == [0.0, 0.0]


def test_sweep_resumes_from_checkpoint(tmp_path, magnet, pulse):
    tq = llgsot.ConstantSOT(0.2)
    ck = tmp_path / "sweep.ckpt"
    a = switching_diagram(magnet, tq, pulse, [-0.5e12, -2e12], durations=[2e-9, 4e-9], executor="serial",
                          checkpoint=ck, progress=False)
    # drop the last two finished points, as if killed, and resume
    lines = ck.read_text().splitlines()
    ck.write_text("\n".join(lines[:-2]) + "\n")
    b = switching_diagram(magnet, tq, pulse, [-0.5e12, -2e12], durations=[2e-9, 4e-9], executor="serial",
                          checkpoint=ck, progress=False)
    assert b.attrs["reused_points"] == 2
    np.testing.assert_array_equal(a.switched.values, b.switched.values)


CONFIG = """
[magnet]
Ms = 1e6
thickness = 1e-9
area = 2.5e-15
damping = 0.1
Ku = 0.7e6

[torque]
kind = "constant"
spin_hall_angle = 0.2

[pulse]
amplitude = -2e12
duration = 20e-9
rise = 0.5e-9
fall = 20e-9
delay = 0.2e-9

[run]
field = [0.02, 0, 0]
t_end = 45e-9
save_every = 20

[critical_current]
field = [0.02, 0, 0]
bracket = [-1e10, -2e13]

[diagram]
currents = {start = -0.5e12, stop = -2e12, num = 3}
fields = [0.01, 0.02]
"""


def test_cli_simulate_critical_diagram(tmp_path, capsys, magnet, pulse):
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIG)
    assert main(["simulate", str(cfg), "-o", str(tmp_path / "run.nc"), "--plot", str(tmp_path / "run.png")]) == 0
    assert "switched: 1/1" in capsys.readouterr().out
    assert main(["critical-current", str(cfg), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = critical_current(magnet, llgsot.ConstantSOT(0.2), pulse, field=(0.02, 0, 0), bracket=(-1e10, -2e13))
    assert out["critical_current"] == ref.value and out["bracket"] == list(ref.bracket)
    assert main(["diagram", str(cfg), "-o", str(tmp_path / "d.nc"), "--plot", str(tmp_path / "d.png"),
                 "--no-progress"]) == 0
    import xarray as xr

    with xr.open_dataset(tmp_path / "d.nc") as d:
        assert d.switched.shape == (3, 2)
    cfg.write_text(CONFIG.replace("spin_hall_angle = 0.2", "spin_hall_angel = 0.2"))
    assert main(["critical-current", str(cfg)]) == 2
    assert "torque.spin_hall_angel" in capsys.readouterr().err


M0_TILT = tuple(np.array([0.05, 1.0, 0.05]) / np.linalg.norm([0.05, 1.0, 0.05]))


def test_auto_oscillation_threshold_and_kittel_frequency():
    """In-plane macrospin along p = y with B = 0.1 T along y: the damping-like torque cancels
    the damping at J_th = (2e/hbar)(a Ms d/theta)(B + mu0 Ms/2) (Slonczewski/spin-Hall
    oscillator threshold, thin film). Above it the sweep finds steady precession starting at
    the small-angle Kittel frequency f = (gamma/2pi) sqrt(B (B + mu0 Ms)). Tolerances: the
    80 ns runs need J/J_th - 1 >~ 0.02 to grow from a 0.05 tilt (e-folding
    1/((J/J_th - 1) a gamma (B + mu0 Ms/2)) ~ 24 ns at 1.02 J_th), hence a threshold in
    (1.0, 1.06] J_th on this grid; the frequency redshifts linearly with the amplitude (half the
    peak-to-peak of m_y, itself quadratic in the cone angle), so we extrapolate f linearly to
    zero amplitude from the three smallest oscillating amplitudes (3 %)."""
    from llgsot.constants import MU0
    from llgsot.studies import precession_sweep

    mag = llgsot.Macrospin(Ms=8e5, thickness=1e-9, area=(100e-9) ** 2, damping=0.02)
    B, theta = 0.1, 0.3
    jth = (2 * E_CHARGE / HBAR) * (0.02 * mag.Ms * mag.thickness / theta) * (B + MU0 * mag.Ms / 2)
    x = np.array([0.8, 0.9, 0.96, 1.02, 1.06, 1.1, 1.2, 1.4])
    ds = precession_sweep(mag, llgsot.ConstantSOT(theta), -x * jth, field=(0, B, 0),
                          m0=M0_TILT, t_end=80e-9, axis=(0, 1, 0), progress=False)
    thr = ds.attrs["threshold_current"] / jth
    assert 1.0 < thr <= 1.06 + 1e-9
    amp = ds.amplitude.values
    assert np.all(amp[x < 1.0] < 0.01)
    f_kittel = mag.gamma / (2 * np.pi) * math.sqrt(B * (B + MU0 * mag.Ms))
    osc = np.flatnonzero(amp > 0.05)[:3]
    slope, f0 = np.polyfit(amp[osc], ds.frequency.values[osc], 1)
    assert slope < 0  # redshift
    assert f0 == pytest.approx(f_kittel, rel=0.03)
    # and the opposite polarity damps: no oscillation at all
    neg = precession_sweep(mag, llgsot.ConstantSOT(theta), [1.5 * jth], field=(0, B, 0),
                           m0=M0_TILT, t_end=80e-9, axis=(0, 1, 0), progress=False)
    assert neg.amplitude.values[0] < 0.01


def test_thermal_critical_current_tends_to_the_deterministic_one(magnet, pulse):
    """At 2 K the barrier is ~40000 kT: thermal activation is negligible over a 40 ns pulse and
    the 50 % current must equal the deterministic threshold within the ladder spacing (2 %)."""
    tq = llgsot.ConstantSOT(0.2)
    det = critical_current(magnet, tq, pulse, field=(0.02, 0, 0), bracket=(-1e10, -2e13))
    hot = critical_current(magnet, tq, pulse, field=(0.02, 0, 0),
                           bracket=(0.92 * det.value, 1.08 * det.value), temperature=2.0,
                           members=16, seed=3)
    assert hot.value == pytest.approx(det.value, rel=0.02)
    lo, hi = sorted(hot.bracket)
    assert lo < hot.value < hi and hi - lo < 0.05 * abs(det.value)
    assert hot.details["switched"][0] == 0 and hot.details["switched"][-1] == 16


def test_absurd_field_scales_are_refused_not_run_for_hours():
    """Ku = 1e12 J/m^3 (B_K = 2e6 T): the automatic step would need ~5e9 steps per run; the
    study refuses at once, naming the step, the anisotropy field and the way out."""
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=1e12)
    with pytest.raises(ValueError, match="automatic step .* anisotropy field 2e\\+06 T.*`dt`"):
        llgsot.critical_current(mag, llgsot.ConstantSOT(0.1), llgsot.Pulse(amplitude=1e11, duration=1e-9),
                                field=(0.02, 0.0, 0.0), bracket=(1e10, 1e13))
