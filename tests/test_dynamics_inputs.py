"""Bad input gets a clear ValueError; the Dataset carries units and provenance."""
import warnings

import numpy as np
import pytest

import llgsot
from llgsot.dynamics import IntegrationError, Waveform

MAG = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=5e5)


@pytest.mark.parametrize("kw,match", [
    (dict(Ms=0), "Ms"), (dict(Ms=-1e6), "Ms"), (dict(thickness=0), "thickness"),
    (dict(area=-1e-16), "area"), (dict(damping=-0.1), "damping"),
    (dict(demag=(0.5, 0.5, 0.5)), "sum"), (dict(easy_axis=(0, 0, 0)), "easy_axis"),
    (dict(gamma=0), "gamma"),
])
def test_macrospin_rejects(kw, match):
    args = dict(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        llgsot.Macrospin(**args)


def test_initial_m_checks():
    with pytest.raises(ValueError, match="zero"):
        llgsot.simulate(MAG, m0=(0, 0, 0), t_end=1e-11, dt=1e-13)
    with pytest.raises(ValueError, match="unit"):
        llgsot.simulate(MAG, m0=(0, 0, 2), t_end=1e-11, dt=1e-13)
    with pytest.warns(UserWarning, match="normalised"):
        ds = llgsot.simulate(MAG, m0=(0, 0, 1.0005), t_end=1e-11, dt=1e-13)
    assert float(ds.m[0, 0, 2]) == 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        llgsot.simulate(MAG, m0=(0.6, 0, 0.8), t_end=1e-11, dt=1e-13)


@pytest.mark.parametrize("kw,match", [
    (dict(temperature=-1.0), "temperature"), (dict(t_end=-1e-9), "t_end"), (dict(dt=0), "dt"),
    (dict(method="euler"), "method"), (dict(members=0), "members"),
    (dict(save_every=1.5), "save_every"), (dict(temperature=300.0, method="rk4"), "heun"),
])
def test_simulate_rejects(kw, match):
    args = dict(t_end=1e-11, dt=1e-13)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        llgsot.simulate(MAG, **args)


def test_time_step_too_large_names_the_field():
    hard = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=2e6,
                            demag=(0, 0, 0))  # B_K = 4 T
    with pytest.raises(ValueError, match="anisotropy"):
        llgsot.simulate(hard, t_end=1e-9, dt=1e-12)
    with pytest.raises(ValueError, match="demagnetizing"):
        llgsot.simulate(MAG, t_end=1e-9, dt=3e-12)
    with pytest.raises(ValueError, match="external field"):
        llgsot.simulate(MAG, field=(0, 0, 5.0), t_end=1e-9, dt=1e-12)
    with pytest.raises(ValueError, match="spin-orbit"):
        llgsot.simulate(MAG, llgsot.ConstantSOT(0.3), 1e14, t_end=1e-9, dt=1e-12)
    small = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-18, damping=0.5, Ku=5e5)
    with pytest.raises(ValueError, match="thermal"):
        llgsot.simulate(small, t_end=1e-10, dt=4e-13, method="heun", temperature=3000)


def test_pulse_and_waveform_validation():
    with pytest.raises(ValueError, match="rise"):
        llgsot.Pulse(1e11, 1e-9, rise=-1e-10)
    with pytest.raises(ValueError, match="non-decreasing"):
        Waveform([0, 2e-9, 1e-9], [0, 1, 0])
    p = llgsot.Pulse(2e11, 1e-9, rise=1e-10, fall=2e-10, delay=5e-10)
    np.testing.assert_allclose(p.at([0, 5.5e-10, 1e-9, 1.7e-9, 3e-9]), [0, 1e11, 2e11, 1e11, 0],
                               rtol=1e-12, atol=0)
    rect = llgsot.Pulse(1.0, 1e-9)
    assert rect.at(0.0) == 1.0 and rect.at(1e-9) == 0.0  # right limits at the jumps


def test_integration_failure_is_reported():
    # DOPRI5 with an absurd tolerance and a step budget: reports, never silent
    with pytest.raises(IntegrationError, match="maximum number of steps"):
        llgsot.simulate(MAG, m0=(0.6, 0, 0.8), t_end=1e-9, dt=1e-12, method="dopri",
                        rtol=1e-14, atol=1e-16, max_steps=50)
    with pytest.warns(RuntimeWarning, match="member 0"):
        ds = llgsot.simulate(MAG, m0=(0.6, 0, 0.8), t_end=1e-9, dt=1e-12, method="dopri",
                             rtol=1e-14, atol=1e-16, max_steps=50, on_failure="warn")
    assert int(ds.status[0]) == 3 and np.isnan(float(ds.m[-1, 0, 0]))


def test_dataset_units_provenance_and_netcdf(tmp_path):
    ds = llgsot.simulate(MAG, llgsot.ConstantSOT(0.2, 0.1), llgsot.Pulse(1e11, 1e-10),
                         field=(0.01, 0, 0), m0=(0, 0, 1), t_end=3e-10, dt=1e-13, save_every=7,
                         members=2)
    assert ds.m.dims == ("time", "member", "component")
    assert ds.sizes["time"] == 3000 // 7 + 2  # decimated, plus the final state
    assert ds.time.values[-1] == pytest.approx(3e-10, rel=1e-12)
    assert ds.time.attrs["units"] == "s" and ds.field.attrs["units"] == "T"
    assert ds.current.attrs["units"] == "A/m^2"
    for key in ("magnet_Ms", "magnet_damping", "torque_spin_hall_angle", "llgsot_version",
                "created", "seed_entropy", "method", "dt"):
        assert key in ds.attrs
    assert ds.attrs["magnet_Ms"] == 1e6
    np.testing.assert_allclose(np.linalg.norm(ds.m.values, axis=-1), 1.0, rtol=0, atol=1e-14)
    assert float(ds.norm_drift.max()) < 1e-8
    path = tmp_path / "run.nc"
    ds.to_netcdf(path)
    import xarray as xr
    back = xr.load_dataset(path)
    np.testing.assert_array_equal(back.m.values, ds.m.values)


def test_waveform_before_a_jump_at_its_first_sample():
    """Before a pulse with no rise the current is 0, as the kernels take it (the right limit
    applies at the jump itself, not before it)."""
    p = llgsot.Pulse(amplitude=1e11, duration=1e-9, delay=2e-10)
    np.testing.assert_array_equal(p.at([0.0, 1.9e-10, 2e-10, 5e-10, 1.2e-9, 2e-9]),
                                  [0.0, 0.0, 1e11, 1e11, 0.0, 0.0])
