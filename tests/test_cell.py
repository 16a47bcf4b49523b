"""SOTCell: the STT kernel against its numpy reference, a second route through the constant-SOT
kernel, the resistance readout (bias-dependent TMR against the cubic's root), the Macrospin
path untouched (a cell without read current and static field is bit-identical to its free
layer), every study taking a cell, and the bad inputs. cmtj: tests/test_cell_cmtj.py."""
import dataclasses
import math

import numpy as np
import pytest

import llgsot
from llgsot.dynamics import kernels as K
from llgsot.studies import critical_current, precession_sweep, switching_diagram, switching_probability

MAG = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=(50e-9) ** 2, damping=0.1, Ku=0.7e6)


def _cell(**kw):
    args = dict(free=MAG, reference=(0, 0, 1), tmr=1.5, resistance_parallel=2e3)
    args.update(kw)
    return llgsot.SOTCell(**args)


def _units(n=400, seed=3):
    m = np.random.default_rng(seed).normal(size=(n, 3))
    m = np.vstack([m, [[0, 0, 1.0], [0, 0, -1.0], [1.0, 0, 0]]])
    return m / np.linalg.norm(m, axis=1, keepdims=True)


@pytest.mark.parametrize("lam,ratio,ref", [(1.0, 0.0, (0, 0, 1)), (1.8, 0.3, (0.3, -0.2, 0.9)),
                                           (0.6, -1.2, (0, 0, -1))])
def test_stt_kernel_equals_numpy_reference(lam, ratio, ref):
    """The compiled STT term (kernels.stt_field) against SOTCell.stt_field to rounding."""
    cell = _cell(reference=ref, slonczewski_lambda=lam, stt_field_like_ratio=ratio)
    m = _units()
    I = -3e-4
    ref_B = cell.stt_field(m, I)
    out = np.empty_like(m)
    K.stt_many(m, I / MAG.area, K.make_params(**cell.kernel_entries()), out)
    assert np.abs(out - ref_B).max() <= 1e-14 * np.abs(ref_B).max()
    # and the prefactor written out: hbar eta J/(2 |e| Ms d) at Lambda = 1, m perpendicular to p
    from llgsot.constants import E_CHARGE, HBAR
    if lam == 1.0:
        b = HBAR * 0.6 * I / MAG.area / (2 * E_CHARGE * MAG.Ms * MAG.thickness)
        mx = np.array([[1.0, 0, 0]])
        np.testing.assert_allclose(cell.stt_field(mx, I)[0], b * np.cross(mx[0], ref), rtol=1e-14)
    # Slonczewski's asymmetry: b(c) Lambda^2/((Lambda^2+1)+(Lambda^2-1)c) between c = +-1
    g = cell.angular_factor(np.array([1.0, -1.0]))
    np.testing.assert_allclose(g, [0.5, lam**2 / 2], rtol=1e-15)


@pytest.mark.parametrize("method", ["rk4", "heun", "dopri"])
def test_stt_equals_constant_sot_route(method):
    """At Lambda = 1 the STT is a constant-efficiency torque of polarization p_ref: a cell with
    a read pulse equals its free layer under ConstantSOT(eta, r, p_ref) driven by the current
    density I/area, and the stray + bias field equals the same external field. Two kernel paths
    (the STT term and the constant SOT's linear field), the same ODE: agreement to rounding."""
    ref = (0.0, 0.6, 0.8)
    read = llgsot.Pulse(-1.2e-3, 1e-9, rise=0.1e-9, fall=0.2e-9, delay=0.1e-9)
    cell = _cell(reference=ref, spin_polarization=0.7, stt_field_like_ratio=0.4,
                 stray_field=(0, 0, 0.01), bias_field=(0.02, 0, 0), read_current=read)
    J = dataclasses.replace(read, amplitude=read.amplitude / MAG.area)
    m0 = (0.1, 0.0, math.sqrt(0.99))
    kw = dict(m0=m0, t_end=2e-9, dt=2e-13, method=method, save_every=50)
    a = llgsot.simulate(cell, None, 0.0, **kw)
    b = llgsot.simulate(MAG, llgsot.ConstantSOT(0.7, 0.4, polarization=ref), J,
                        field=(0.02, 0, 0.01), **kw)
    assert np.abs(a["m"].values - b["m"].values).max() < 1e-9
    assert abs(a["m"].values[-1, 0, 2] - m0[2]) > 0.05  # the STT moved m
    np.testing.assert_allclose(a["read_current"].values, read.at(a["time"].values), rtol=0, atol=0)
    assert a["resistance"].attrs["units"] == "ohm" and a["read_current"].attrs["units"] == "A"


@pytest.mark.parametrize("method", ["rk4", "heun", "dopri"])
def test_cell_without_read_current_is_its_free_layer(method):
    """The Macrospin path is untouched: a cell with no read current and no static field gives
    bit-identical trajectories (the STT term is skipped or adds zeros), and R = R(m)."""
    cell = _cell(tmr=2.0)
    tq = llgsot.ConstantSOT(0.25, 0.1)
    kw = dict(m0=(0.05, 0.0, math.sqrt(1 - 0.0025)), t_end=1.5e-9, dt=2e-13, method=method,
              save_every=25, temperature=300.0 if method == "heun" else 0.0, seed=5)
    p = llgsot.Pulse(-1.5e12, 0.8e-9, rise=0.1e-9, fall=0.1e-9)
    a = llgsot.simulate(cell, tq, p, **kw)
    b = llgsot.simulate(MAG, tq, p, **kw)
    assert np.array_equal(a["m"].values, b["m"].values)
    mz = a["m"].values[..., 2]
    np.testing.assert_allclose(a["resistance"].values, 2e3 + 2e3 * 2.0 * (1 - mz) / 2, rtol=1e-15)


def test_resistance_readout():
    cell = _cell(tmr=1.5, resistance_parallel=2e3, reference=(0, 0, -1))
    m = np.array([[0, 0, -1.0], [0, 0, 1.0], [1.0, 0, 0]])
    np.testing.assert_allclose(cell.resistance(m), [2e3, 5e3, 3.5e3], rtol=1e-15)
    # bias-dependent TMR(V) = tmr/(1 + V^2/Vh^2), V = I R: for the antiparallel state R is the
    # root in [R_P, R_AP] of the cubic k R^3 - k R_P R^2 + R - R_P (1 + tmr) = 0, k = (I/Vh)^2
    vh, rp, tmr = 0.4, 2e3, 1.5
    cb = dataclasses.replace(cell, tmr_half_voltage=vh)
    for current in (0.0, 5e-5, -2e-4, 1e-3):
        k = (current / vh) ** 2
        roots = np.roots([k, -k * rp, 1.0, -rp * (1 + tmr)]) if k else [rp * (1 + tmr)]
        root = [r.real for r in np.atleast_1d(roots) if abs(r.imag) < 1e-9 and rp <= r.real <= rp * (1 + tmr)]
        assert len(root) == 1
        got = float(cb.resistance(np.array([0, 0, 1.0]), current))
        assert got == pytest.approx(root[0], rel=1e-12)
        assert float(cb.resistance(np.array([0, 0, -1.0]), current)) == rp  # parallel: no TMR
    # a trace with the bias: R(t) follows the read pulse
    read = llgsot.Pulse(1e-3, 0.3e-9, delay=0.1e-9)
    ds = llgsot.simulate(cb.with_read_current(read), None, 0.0, m0=(0, 0, 1.0), t_end=5e-10,
                         dt=1e-13, save_every=10)
    R = ds["resistance"].values[:, 0]
    assert R[0] == 5e3 and R[200] < 0.9 * R[0]  # the junction voltage lowers the TMR


def test_free_layer_attributes_and_attrs():
    cell = _cell(bias_field=(0.01, 0, 0), stray_field=(0, 0, -0.005))
    assert cell.Ms == MAG.Ms and cell.easy_axis == MAG.easy_axis and cell.volume == MAG.volume
    assert cell.thermal_diffusion(300.0) == MAG.thermal_diffusion(300.0)
    assert cell.static_field == (0.01, 0.0, -0.005)
    m = _units(5)
    np.testing.assert_allclose(cell.energy_density(m), MAG.energy_density(m, cell.static_field))
    attrs = cell.as_attrs()
    assert attrs["cell_resistance_antiparallel"] == 5e3 and attrs["magnet_Ms"] == MAG.Ms
    with pytest.raises(AttributeError):
        cell.not_an_attribute  # noqa: B018
    # a cell travels to process and dask workers: it pickles, and equals its copy
    import pickle

    read = _cell(read_current=llgsot.Pulse(1e-4, 1e-9))
    assert pickle.loads(pickle.dumps(read)) == read and pickle.loads(pickle.dumps(cell)).Ms == MAG.Ms


# -- every study takes a cell: with no read current, a cell with a bias field gives the same
# -- result as its free layer in the same external field (bit-identical), and the read current's
# -- STT changes it

PULSE = llgsot.Pulse(0.0, 1e-9, rise=0.2e-9, fall=1e-9, delay=0.1e-9)
TQ = llgsot.ConstantSOT(0.2)
BIAS = (0.03, 0.0, 0.0)


def test_critical_current_takes_a_cell():
    cell = _cell(bias_field=BIAS)
    kw = dict(bracket=(1e11, 4e12), rtol=2e-2, t_relax=2e-9)
    a = critical_current(cell, TQ, PULSE, **kw)
    b = critical_current(MAG, TQ, PULSE, field=BIAS, **kw)
    assert a.value == b.value and a.bracket == b.bracket
    # a read current favouring the antiparallel state (m0 = +z parallel to p_ref) helps the write
    # (b_STT = 8 mT, about half the STT's own threshold a B_K,eff = 14 mT)
    c = critical_current(cell.with_read_current(-1e-4), TQ, PULSE, **kw)
    assert c.bracket[1] < a.bracket[0]  # the brackets (2 % wide) are disjoint


def test_switching_diagram_and_probability_take_a_cell():
    cell = _cell(bias_field=BIAS)
    J = [3e12, 5e11]
    kw = dict(durations=[0.5e-9], t_relax=2e-9, progress=False)
    a = switching_diagram(cell, TQ, PULSE, J, **kw)
    b = switching_diagram(MAG, TQ, PULSE, J, base_field=BIAS, **kw)
    assert np.array_equal(a["switched"].values, b["switched"].values)
    assert a["switched"].values.tolist() == [[1.0], [0.0]]
    kw = dict(temperature=300.0, members=8, seed=2, t_relax=1e-9)
    p = switching_probability(cell, TQ, PULSE, [3e12], **kw)
    q = switching_probability(MAG, TQ, PULSE, [3e12], field=BIAS, **kw)
    assert np.array_equal(p["switched"].values, q["switched"].values)


def test_precession_sweep_takes_a_cell():
    cell = _cell(bias_field=(0.05, 0, 0))
    kw = dict(t_end=2e-9, dt=5e-13, progress=False)
    a = precession_sweep(cell, TQ, [1e12], **kw)
    b = precession_sweep(MAG, TQ, [1e12], field=(0.05, 0, 0), **kw)
    assert np.array_equal(a["amplitude"].values, b["amplitude"].values)


# -- bad inputs: one-line errors naming the argument

@pytest.mark.parametrize("kw,match", [
    (dict(tmr=-0.1), "`tmr` must be >= 0"),
    (dict(tmr=float("nan")), "tmr"),
    (dict(spin_polarization=0.0), r"`spin_polarization` must lie in \(0, 1\]"),
    (dict(spin_polarization=1.2), "spin_polarization"),
    (dict(resistance_parallel=0.0), "resistance_parallel"),
    (dict(slonczewski_lambda=-1.0), "slonczewski_lambda"),
    (dict(reference=(0, 0, 0)), "reference"),
    (dict(reference=(0, 1, 0)), "`reference`.*perpendicular to the free layer's easy axis"),
    (dict(stray_field=(0, 0)), "stray_field"),
    (dict(bias_field=(0, float("inf"), 0)), "bias_field"),
    (dict(read_current="1 mA"), "read_current"),
    (dict(read_current=llgsot.Waveform([0, 1e-9], np.zeros((2, 3)))), "read_current"),
    (dict(tmr_half_voltage=0.0), "tmr_half_voltage"),
    (dict(stt_field_like_ratio=float("nan")), "stt_field_like_ratio"),
    (dict(free="magnet"), "free"),
])
def test_bad_cell_inputs(kw, match):
    with pytest.raises((ValueError, TypeError), match=match) as e:
        _cell(**kw)
    assert "\n" not in str(e.value)


def test_bad_simulate_inputs_with_a_cell():
    with pytest.raises(ValueError, match="dt.*too large.*spin-transfer"):
        llgsot.simulate(_cell(read_current=1.0), None, 0.0, t_end=1e-9, dt=1e-12)
    with pytest.raises(TypeError, match="Macrospin or an SOTCell"):
        llgsot.simulate("cell", None, 0.0, t_end=1e-9, dt=1e-12)
    with pytest.raises(TypeError, match="Macrospin or an SOTCell"):
        critical_current("cell", TQ, PULSE, bracket=(1, 2))


def test_merged_drive_is_exact_at_jumps():
    """The field and MTJ-current drives merged on one time grid: at every time, including just
    before and at each jump of either, the merged samples interpolate to both waveforms."""
    from llgsot.dynamics.cell import merged_drive

    field = llgsot.Waveform([0.0, 1e-9, 1e-9, 3e-9], [[0, 0, 0.1], [0, 0, 0.2], [0.1, 0, 0], [0.1, 0, 0]])
    cur = llgsot.Pulse(2e-4, 1e-9, delay=0.5e-9).waveform()  # jumps at 0.5 and 1.5 ns
    st = np.array([0.0, 0.01, -0.02])
    t, v = merged_drive(field, st, cur, 1.0 / MAG.area)
    merged = llgsot.Waveform(t, v[:, :3])
    mc = llgsot.Waveform(t, v[:, 3])
    probe = np.concatenate([np.linspace(-1e-9, 4e-9, 501), [0.5e-9, 1e-9, 1.5e-9]])
    probe = np.concatenate([probe, np.array([0.5e-9, 1e-9, 1.5e-9]) * (1 - 1e-12)])
    np.testing.assert_allclose(merged.at(probe), field.at(probe) + st, rtol=0, atol=1e-15)
    np.testing.assert_allclose(mc.at(probe), cur.at(probe) / MAG.area, rtol=1e-12, atol=0)


def test_tilted_easy_axis_switches_without_field():
    """Field-free switching by a tilted easy axis: tilted 15 degrees toward the SOT polarization
    (y, current along x) the final state follows the current's sign from either initial state
    (J > 0 up, J < 0 down; the cell reads P or AP), while tilted toward the current (x) the
    same pulses leave the magnet where it was: the tilt must break the y mirror."""
    t = math.radians(15.0)
    finals = {}
    for toward, u in (("y", (0.0, math.sin(t), math.cos(t))), ("x", (math.sin(t), 0.0, math.cos(t)))):
        free = dataclasses.replace(MAG, damping=0.05, Ku=0.8e6, easy_axis=u)
        cell = llgsot.SOTCell(free=free, reference=(0, 0, 1), tmr=1.0, resistance_parallel=1e3)
        for s0 in (1, -1):
            for J in (2e12, -2e12):
                pulse = llgsot.Pulse(J, 1e-9, rise=0.1e-9, fall=1e-9)
                ds = llgsot.simulate(cell, llgsot.ConstantSOT(0.3), pulse,
                                     m0=s0 * np.asarray(u), t_end=6e-9, dt=2e-13, save_every=1000)
                finals[toward, s0, J] = (ds["m"].values[-1, 0, 2], ds["resistance"].values[-1, 0])
    for s0 in (1, -1):
        mz_up, R_up = finals["y", s0, 2e12]
        mz_dn, R_dn = finals["y", s0, -2e12]
        assert mz_up > 0.7 and mz_dn < -0.7 and R_dn > 1.6 * R_up
        assert all(np.sign(finals["x", s0, J][0]) == s0 for J in (2e12, -2e12))
