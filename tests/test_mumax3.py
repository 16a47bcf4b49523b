"""The mumax3 export of every table: what mumax3 computes from the script, in float32 as on
the GPU, against the reference field Device.field, for the smooth Fig. 4(b) table, the Fig.
4(a) table with its jumps, and a current pulse. The script is run by an independent
interpreter of the mumax3 subset (tests/mumax3_interpreter.py), not by the exporter's code."""
import math
from pathlib import Path

import numpy as np
import pytest

import llgsot
from llgsot import spinorbit
from llgsot.dynamics import Pulse, Waveform
from llgsot.export import Device, export
from llgsot.export.mumax3 import Segment, Step, mumax3_script, program, step_squarings
from mumax3_interpreter import PARAMETERS, Mumax3Subset

TABLES = Path(__file__).resolve().parent.parent / "tables" / "fig4.nc"
DEVICE = Device(Ms=1.1e6, thickness=1.2e-9, nm_thickness=4e-9, current_density=-2e11, direction=0.4)
BAND = 0.02  # rad: the accuracy promise holds farther than this from a jump (issue 10)


@pytest.fixture(scope="module")
def tables():
    ds = llgsot.load_table(TABLES)
    return {name: llgsot.TorqueTable(ds.sel(fermi_energy=ef))
            for name, ef in (("4a", 4.5e-3), ("4b", 5.5e-3))}


@pytest.fixture(scope="module")
def scripts(tables):
    return {name: mumax3_script(t, DEVICE) for name, t in tables.items()}


def stated(text, dtype="float32"):
    line = next(ln for ln in text.splitlines() if "as on the GPU" in ln)
    if dtype == "float32":
        return float(line.split("as on the GPU: ")[1].split()[0])
    return float(line.split("(float64: ")[1].rstrip(")"))


def brackets(table):
    """The table's own jump intervals [theta_i, theta_i+1] (rad), from its data."""
    i = np.flatnonzero(table.jump_after)
    return list(zip(table.theta[i], table.theta[i + 1]))


def away(m, table, band=BAND):
    theta = np.arccos(np.clip(m[:, 2], -1, 1))
    ok = np.ones(len(m), bool)
    for lo, hi in brackets(table):
        ok &= (theta <= lo - band) | (theta >= hi + band)
    return ok


def random_unit(n, seed):
    m = np.random.default_rng(seed).normal(size=(n, 3))
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def next_to_jumps(table, n_phi=24):
    """m at theta just outside the excluded band on both sides of every jump, all azimuths."""
    th = []
    for lo, hi in brackets(table):
        th += [lo - BAND, lo - 1.01 * BAND, lo - 2 * BAND]
        th += [hi + BAND, hi + 1.01 * BAND, hi + 2 * BAND]
    th, phi = np.meshgrid(th, np.linspace(0, 2 * math.pi, n_phi, endpoint=False))
    return spinorbit.magnetization(th.ravel(), phi.ravel())


def relative_error(table, text, m, dtype=np.float32, t=0.0, scale=1.0):
    """max |B_script,perp - scale B_ref,perp| / max |B_ref,perp| over the m (N, 3)."""
    got = Mumax3Subset(m, dtype, t=t).run(text).astype(float)
    ref = DEVICE.field(table, m)
    sample = random_unit(4000, 1)
    big = np.abs(spinorbit.perpendicular(DEVICE.field(table, sample), sample)).max()
    diff = spinorbit.perpendicular(got, m) - scale * spinorbit.perpendicular(ref, m)
    return np.abs(diff).max() / big


def test_smooth_table_float32_within_1e3(tables, scripts):
    table, text = tables["4b"], scripts["4b"]
    assert not brackets(table)
    assert "jump at" not in text
    m = np.concatenate([random_unit(20000, 2024), spinorbit.magnetization(
        [0.0, math.pi / 2, math.pi, math.pi / 2], [0.0, 0.3, 0.0, 2.0])])
    err = relative_error(table, text, m)
    assert err <= 1e-3
    # the script's own statement is a max over other samples: the same number within 2x
    assert 0.5 * stated(text) <= err <= 2 * stated(text)


def test_jump_table_float32_within_2e3_away_from_jumps(tables, scripts):
    table, text = tables["4a"], scripts["4a"]
    assert len(brackets(table)) == 2  # theta_c and its mirror
    assert text.count("jump at") == 1
    m = np.concatenate([random_unit(20000, 2025), next_to_jumps(table)])
    m = m[away(m, table, 0.999 * BAND)]
    err = relative_error(table, text, m)
    assert err <= 2e-3
    assert 0.5 * stated(text) <= err <= 2 * stated(text)


def test_jump_is_a_jump(tables, scripts):
    """Across the excluded band the script's field changes by the table's jump."""
    table, text = tables["4a"], scripts["4a"]
    (lo, hi), _ = brackets(table)
    m = spinorbit.magnetization([lo - BAND, hi + BAND], [0.2, 0.2])
    got = Mumax3Subset(m, np.float32).run(text).astype(float)
    ref = DEVICE.field(table, m)
    jump_got = spinorbit.perpendicular(got, m)[1] - spinorbit.perpendicular(got, m)[0]
    jump_ref = spinorbit.perpendicular(ref, m)[1] - spinorbit.perpendicular(ref, m)[0]
    big = np.abs(spinorbit.perpendicular(ref, m)).max()
    # a jump (1.4% of the largest field) well above the 2e-3 accuracy, reproduced to 25%
    assert np.linalg.norm(jump_ref) > 1e-2 * big
    assert np.linalg.norm(jump_got - jump_ref) <= 0.25 * np.linalg.norm(jump_ref)


def test_two_jumps(tables):
    """Fig. 4(a) with a second, 5% jump added at theta ~ 0.3 and its mirror (the response
    scaled on the equator side): three sides, two nested steps, same accuracy."""
    ds = tables["4a"].dataset.copy(deep=True)
    theta = ds["theta"].values
    n = len(theta)
    np.testing.assert_allclose(theta + theta[::-1], math.pi, rtol=0, atol=1e-12)  # symmetric grid
    i = int(np.argmin(np.abs(theta - 0.3)))
    ds["jump_after"].values[[i, n - 2 - i]] = True
    inner = (theta > theta[i]) & (theta < theta[n - 1 - i])
    ds["K"].values[inner] *= 1.05
    ds["sigma"].values[inner] *= 1.02
    table = llgsot.TorqueTable(ds)
    assert len(brackets(table)) == 4
    text = mumax3_script(table, DEVICE)
    assert text.count("jump at") == 2
    m = np.concatenate([random_unit(20000, 2026), next_to_jumps(table)])
    m = m[away(m, table, 0.999 * BAND)]
    assert relative_error(table, text, m) <= 2e-3


@pytest.mark.parametrize("name", ["4a", "4b"])
def test_float32_rounding_is_not_the_error(tables, scripts, name):
    """float32 evaluation (mumax3) differs from float64 by far less than the fit error, and
    both printed errors say so."""
    text = scripts[name]
    m = random_unit(5000, 7)
    b32 = Mumax3Subset(m, np.float32).run(text).astype(float)
    b64 = Mumax3Subset(m, np.float64).run(text)
    assert np.abs(b32 - b64).max() <= 1e-5 * np.abs(b64).max()
    assert abs(stated(text) - stated(text, "float64")) <= 1e-5


@pytest.mark.parametrize("name", ["4a", "4b"])
def test_extremes_stay_finite_and_accurate(tables, scripts, name):
    """Poles, equator (m_z = 0), exactly at a jump, and float32 m slightly off unit length."""
    table, text = tables[name], scripts[name]
    theta = [0.0, math.pi, math.pi / 2, math.pi / 2, 1e-4, math.pi - 1e-4]
    jump_m = [0.5 * (lo + hi) for lo, hi in brackets(table)]
    m = spinorbit.magnetization(theta + jump_m, np.linspace(0, 5, len(theta) + len(jump_m)))
    off = np.float32(m) * np.float32(1 + 3e-7)
    for mm in (m, off):
        got = Mumax3Subset(mm, np.float32).run(text)
        assert np.all(np.isfinite(got))
    err = relative_error(table, text, m[:len(theta)])
    assert err <= 2e-3


def exact_step(u, theta_c, p):
    """u^p/(u^p + u_c^p), in float64 without overflow."""
    with np.errstate(divide="ignore"):
        z = p * (np.log(u) - math.log(math.cos(theta_c) ** 2))
    return 0.5 * (1 + np.tanh(z / 2))


def test_step_is_bounded_and_has_its_width():
    """The rational step alone, in float32, for jumps from near the pole to near pi/2: finite,
    in [0, 1], s + t = 1, for every u in [0, 1] (0, u_c and 1 included) even with p = 2^24;
    with the p of jump_width = 0.02 rad it is the exact step of u = m_z^2 changed by at most
    1e-6 relative (a few float32 roundings of m_z: 2e-6 rad at theta = 0.03, 1e-7 rad at
    0.75), and the far side weighs <= 1e-4 at jump_width/2."""
    for theta_c in (0.03, 0.7468, 1.5):
        for k in (step_squarings(theta_c, BAND), 24):
            segs = [Segment(0.0, 1.0, np.array([[1.0, 0.0, 0.0]] * 4)),
                    Segment(0.0, 1.0, np.array([[2.0, 0.0, 0.0]] * 4))]
            prog = program([Step(theta_c, k)], segs, np.array([1.0, 0.0, 0.0]))
            theta = np.concatenate([[0.0, theta_c, math.pi / 2, math.pi - theta_c, math.pi],
                                    np.linspace(0, math.pi, 4001),
                                    theta_c + np.linspace(-BAND, BAND, 401)])
            m = spinorbit.magnetization(theta)
            ev = prog.evaluate(m, np.float32)
            s, t = ev["sot_s0"][:, 0].astype(float), ev["sot_t0"][:, 0].astype(float)
            assert np.all(np.isfinite(s)) and np.all((s >= 0) & (s <= 1) & (t >= 0) & (t <= 1))
            np.testing.assert_allclose(s + t, 1.0, rtol=1e-6, atol=0)
            # the blended coefficient: t * 1 + s * 2
            np.testing.assert_allclose(ev["sot_a0"][:, 0], 1 + s, rtol=1e-6, atol=0)
            if k == 24:
                continue
            u = np.cos(theta) ** 2
            lo = exact_step(u * (1 - 1e-6), theta_c, 2.0 ** k)
            hi = exact_step(u * (1 + 1e-6), theta_c, 2.0 ** k)
            assert np.all((s >= np.minimum(lo, hi) - 1e-6) & (s <= np.maximum(lo, hi) + 1e-6))
            edge = spinorbit.magnetization([theta_c - BAND / 2, theta_c + BAND / 2])
            ev = prog.evaluate(edge, np.float32)
            assert np.all(np.minimum(ev["sot_s0"], ev["sot_t0"]) <= 1.01e-4)


PULSE = Pulse(amplitude=-3e11, duration=1e-9, rise=2e-10, fall=3e-10, delay=1e-10)


def current_at(current, t):
    """J(t) (A/m^2) of a Pulse or Waveform from its samples, by numpy's interpolation (constant
    outside the samples; t never at a jump here). Independent of Waveform.at, which returns the
    right limit of a jump at the first sample for earlier t."""
    w = current.waveform() if isinstance(current, Pulse) else current
    return float(np.interp(t, w.times, w.values))


@pytest.mark.parametrize("name", ["4a", "4b"])
def test_field_follows_a_pulse(tables, scripts, name):
    table = tables[name]
    text = mumax3_script(table, DEVICE, current=PULSE)
    assert "exx = " in text and "AddFieldTerm(Mul(exx, sot_B))" in text
    m = random_unit(3000, 9)
    m = m[away(m, table)]
    steady = Mumax3Subset(m, np.float32).run(scripts[name]).astype(float)
    limit = 2e-3 if brackets(table) else 1e-3
    for t in (0.0, 0.5e-10, 1.5e-10, 2.2e-10, 7e-10, 1.31e-9, 1.45e-9, 1.7e-9, 5e-9):
        g = current_at(PULSE, t) / DEVICE.current_density
        got = Mumax3Subset(m, np.float32, t=t).run(text).astype(float)
        # the time factor itself: float32(J(t)/J) times the constant-current field
        np.testing.assert_allclose(got, np.float32(g) * steady, rtol=2e-7, atol=0)
        assert relative_error(table, text, m, t=t, scale=g) <= limit * abs(g) + 1e-12


def test_rectangular_pulse_and_waveform(tables, scripts):
    """Jumps of the waveform (rise = 0) are heaviside steps; a sampled Waveform is followed
    piecewise linearly."""
    table = tables["4b"]
    m = random_unit(500, 4)
    steady = Mumax3Subset(m, np.float32).run(scripts["4b"]).astype(float)
    rect = Pulse(amplitude=DEVICE.current_density, duration=1e-9, delay=2e-10)
    wave = Waveform([0.0, 1e-9, 1e-9, 3e-9], [1e11, -1e11, 2e11, 0.0])
    for current in (rect, wave):
        text = mumax3_script(table, DEVICE, current=current)
        for t in (0.0, 1e-10, 3e-10, 0.7e-9, 1.1e-9, 1.5e-9, 2.9e-9, 4e-9):
            g = current_at(current, t) / DEVICE.current_density
            got = Mumax3Subset(m, np.float32, t=t).run(text).astype(float)
            np.testing.assert_allclose(got, np.float32(g) * steady, rtol=2e-7, atol=0)
    assert "heaviside(t - 2e-10)" in mumax3_script(table, DEVICE, current=rect)


def test_other_time_carrier_and_registry(tables, tmp_path):
    path = export(tables["4b"], tmp_path / "sot.mx3", "mumax3", DEVICE, current=PULSE,
                  time_parameter="EpsilonPrime", jump_width=0.03, degree=10)
    text = Path(path).read_text()
    assert "EpsilonPrime = " in text and "AddFieldTerm(Mul(EpsilonPrime, sot_B))" in text
    assert "degree 10" in text
    got = Mumax3Subset(random_unit(10, 3), np.float32, t=5e-10).run(text)
    assert np.all(np.isfinite(got))


def test_constant_current_script_assigns_no_parameter(scripts):
    for text in scripts.values():
        statements = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("//")]
        assert all(":=" in ln or ln.startswith("AddFieldTerm(") for ln in statements)
        assert statements[-1] == "AddFieldTerm(sot_B)"


def test_refusals(tables):
    t = tables["4a"]
    with pytest.raises(ValueError, match="time_parameter"):
        mumax3_script(t, DEVICE, time_parameter="Msat")
    with pytest.raises(ValueError, match="current_density"):
        mumax3_script(t, Device(1e6, 1e-9, 4e-9, 0.0), current=PULSE)
    with pytest.raises(ValueError, match="jump_width"):
        mumax3_script(t, DEVICE, jump_width=0.5)
    with pytest.raises(ValueError, match="max_error"):
        mumax3_script(t, DEVICE, max_error=1e-5)
    ds = tables["4b"].dataset.copy(deep=True)
    ds["jump_after"].values[np.argmin(np.abs(ds["theta"].values - 1.56))] = True
    with pytest.raises(ValueError, match="pi/2"):
        mumax3_script(llgsot.TorqueTable(ds), DEVICE)


def test_interpreter_follows_mumax3_semantics():
    """Div returns 0 where the divisor is 0 (cuda/div.cu), divides n/1 but not 1/n; Add takes
    vectors only; constants are float32; parameters are 0 until assigned and follow t."""
    m = np.array([[0.6, 0.0, 0.8], [0.0, 0.0, 1.0]])
    it = Mumax3Subset(m, np.float32, t=2.0)
    it.run("a := Div(ConstVector(1, 2, 3), m.Comp(0))\n"
           "b := Div(m.Comp(2), m.Comp(0))\n"
           "c := Const(0.1)\n"
           "d := Mul(exx, ConstVector(1, 0, 0))\n"
           "exx = min(max((t - 1.0)/4.0, 0.0), 1.0) + heaviside(t - 2.0)\n"
           "e := Mul(exx, ConstVector(1, 0, 0))")
    np.testing.assert_array_equal(it.vars["a"][1], [0, 0, 0])
    np.testing.assert_allclose(it.vars["a"][0], np.float32([1, 2, 3]) / np.float32(0.6), rtol=0)
    assert it.vars["b"][1, 0] == 0 and it.vars["b"].dtype == np.float32
    assert it.vars["c"][0, 0] == np.float32(0.1)
    assert it.vars["d"][0, 0] == 0.0 and it.vars["e"][0, 0] == np.float32(0.25 + 0.5)
    for bad in ("x := Div(m.Comp(0), m)", "x := Add(m.Comp(0), m.Comp(1))", "x := Sqrt(m)",
                "Msat = 1", "x := Mul(t, m)"):
        with pytest.raises((AssertionError, ValueError)):
            Mumax3Subset(m, np.float32).run(bad)


def test_names_are_distinct_case_insensitively(tables):
    """mumax3 identifiers are case-insensitive (its own tests write div, constvector, Const):
    the script's names must stay distinct, and apart from mumax3's, when lowercased."""
    text = mumax3_script(tables["4a"], DEVICE, current=PULSE)
    names = [ln.split(":=")[0].strip() for ln in text.splitlines() if ":=" in ln]
    lower = [n.lower() for n in names]
    assert len(set(lower)) == len(lower)
    builtins = {"m", "t", "const", "constvector", "add", "mul", "div", "dot", "mulmv", "min",
                "max", "heaviside", "addfieldterm"} | {p.lower() for p in PARAMETERS}
    assert not builtins & set(lower)


@pytest.mark.parametrize("direction", [0.0, 0.9, -2.4])
def test_script_four_term_vectors_equal_the_numpy_reference(direction):
    """The script's own copy of the four-term field (its vectors V0..V3 written with mumax3's
    operations) against :func:`llgsot.spinorbit.four_term_field`, for constant coefficients
    (degree 0, no jump) on random m and at the poles, in float64: to rounding."""
    rng = np.random.default_rng(11)
    a = rng.normal(size=4)
    e = spinorbit.in_plane_direction(direction)
    prog = program([], [Segment(0.0, 1.0, a[:, None])], e)
    m = rng.normal(size=(300, 3))
    m = np.vstack([m / np.linalg.norm(m, axis=1, keepdims=True), [[0, 0, 1.0], [0, 0, -1.0]]])
    got = prog.evaluate(m, np.float64)["sot_B"]
    ref = spinorbit.four_term_field(a, m, e)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-14 * np.abs(ref).max())
