"""Bad inputs through every public entry point, argument by argument (issue 8, "Done means").

Each case is (entry point, argument, class of bad value); hypothesis draws concrete values of
the class (a NaN at a random index, a random negative number, a random string, ...). The only
outcomes accepted are

* a ``ValueError`` or ``TypeError`` whose message names the argument (or, for files, what is
  wrong in them), raised before any work; or
* a result whose numbers are all finite (a documented result: e.g. a negative Rashba coupling
  or a negative current density are physical inputs).

Anything else (another exception type, a message that does not name the argument, NaN in a
result, a silently truncated count) fails. Every case is expected to be handled (no xfail):
``pytest tests/test_bad_inputs_api.py -q`` prints the cases tried.
"""
from __future__ import annotations

import functools
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import llgsot
from llgsot import export as _exp
from llgsot.dynamics import ConstantSOT, Macrospin, Pulse, TableSOT, Waveform, simulate
from llgsot.studies import (critical_current, precession_sweep, switching_diagram,
                            switching_probability)
from llgsot.tables import TorqueTable, build_table, load_table, save_table

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.065, cutoff=3.0)
#: examples per case: 2 in the default run (about a minute for ~1100 cases), more with
#: LLGSOT_BAD_INPUT_EXAMPLES=20; no shrinking (a failing case shows its first bad value)
SETTINGS = settings(max_examples=int(os.environ.get("LLGSOT_BAD_INPUT_EXAMPLES", 2)), deadline=None,
                    derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow])

# -- classes of bad values ----------------------------------------------------------------
finite = st.floats(-1e6, 1e6, allow_nan=False)
negative = st.floats(-1e30, -1e-30)
words = st.sampled_from(["", "abc", "1.0", "nan", "0"])


def _with(base, value):
    """``base`` (a list) with ``value`` at a random position."""
    return st.integers(0, len(base) - 1).map(lambda i: [*base[:i], value, *base[i + 1:]])


SCALAR = {
    "nan": st.just(math.nan), "inf": st.sampled_from([math.inf, -math.inf]), "negative": negative,
    "zero": st.sampled_from([0, 0.0, -0.0]), "string": words, "none": st.none(),
    "bool": st.booleans(), "complex": st.complex_numbers(min_magnitude=1e-3, max_magnitude=1e3,
                                                         allow_nan=False).filter(lambda z: z.imag != 0),
    "list": st.lists(finite, min_size=2, max_size=3), "array2d": st.just(np.ones((2, 2))),
}


def array_classes(base):
    return {
        "nan_in": _with(base, math.nan), "inf_in": _with(base, math.inf), "empty": st.sampled_from([[], np.array([])]),
        "negative": _with(base, -1.0), "zero": st.just([0.0] * len(base)), "string": words,
        "none": st.none(), "matrix": st.just([base, base]), "dict": st.just({"a": 1.0}),
    }


def vector_classes(base=(1.0, 0.0, 0.0)):
    base = list(base)
    return {
        "nan_in": _with(base, math.nan), "inf_in": _with(base, -math.inf),
        "zero_vector": st.just([0.0] * len(base)), "short": st.lists(finite, min_size=1, max_size=len(base) - 1),
        "long": st.lists(finite, min_size=len(base) + 1, max_size=5), "string": words,
        "none": st.none(), "scalar": finite, "matrix": st.just([base, base]), "empty": st.just([]),
    }


COUNT = {
    "zero": st.just(0), "negative": st.integers(-10**6, -1), "fraction": st.floats(0.1, 99.9).filter(
        lambda x: not x.is_integer()), "nan": st.just(math.nan), "inf": st.just(math.inf),
    "string": words, "none": st.none(), "bool": st.booleans(), "list": st.just([2, 3]),
}
CHOICE = {"unknown": st.sampled_from(["", "magic", "RK4 "]), "none": st.none(), "number": finite,
          "list": st.just(["rk4"])}
OBJECT = {"string": words, "none": st.none(), "number": finite, "dict": st.just({})}
OBJECT_OPTIONAL = {"string": words, "number": finite, "dict": st.just({})}
PAIR = {"scalar": finite, "nan_in": _with([1e10, 5e12], math.nan), "inf_in": _with([1e10, 5e12], math.inf),
        "short": st.just([1e10]), "long": st.just([1e10, 2e10, 5e12]), "string": words,
        "none": st.none(), "empty": st.just([]), "equal": st.just([1e12, 1e12])}
PATH = {"none": st.none(), "number": finite, "list": st.just(["a"]), "directory": st.just("."),
        "proc": st.just("/proc/llgsot-x"), "below_file": st.just(__file__ + "/x")}


# -- shared tiny objects -------------------------------------------------------------------
@functools.lru_cache(None)
def model():
    return llgsot.RashbaFM(**TA)


@functools.lru_cache(None)
def table_ds():
    return build_table(model(), 5.5e-3, theta=5, executor="serial", progress=False)


@functools.lru_cache(None)
def table():
    return TorqueTable(table_ds())


@functools.lru_cache(None)
def magnet():
    return Macrospin(1e6, 1e-9, 2.5e-15, 0.05, Ku=0.7e6)


TORQUE = ConstantSOT(0.3)
PULSE = Pulse(0.0, 0.5e-9, 0.05e-9, 0.05e-9)


# -- result checks ---------------------------------------------------------------------------
def _all_finite(*arrays):
    for a in arrays:
        a = np.asarray(a, float)
        assert np.all(np.isfinite(a)), f"non-finite result {a}"


def finite_fields(obj, names):
    _all_finite(*[getattr(obj, n) for n in names])


def finite_vars(ds, names=None, allow_nan=()):
    for n in names or ds.data_vars:
        if n not in allow_nan and ds[n].dtype.kind in "fiu":
            _all_finite(ds[n].values)


def check_response(r):
    _all_finite(r.K, r.sigma, *r.torque.values())


def check_simulation(ds):
    _all_finite(ds["m"].values)


def check_text(s):
    assert isinstance(s, str) and s and "nan" not in s.lower().split()


# -- entry points: (call(**kwargs), baseline kwargs, {argument: classes}, result check) --------
def E(call, base, args, check=None, kinds=None):
    return dict(call=call, base=base, args=args, check=check or (lambda r: None))


def _tt_K(m):
    return table().K(m)


def _tt_sigma(m):
    return table().sigma(m)


def _sim_base():
    return dict(magnet=magnet(), torque=TORQUE, current=PULSE.__class__(1e12, 1e-11), field=(0.01, 0, 0),
                m0=(0, 0, 1), t_end=2e-11, dt=1e-13)


ENTRIES = {
    "RashbaFM": E(lambda **k: llgsot.RashbaFM(**k), lambda: dict(TA),
                  {k: SCALAR for k in TA}, lambda r: _all_finite(list(r.as_dict().values()))),
    "response": E(lambda **k: llgsot.response(**k),
                  lambda: dict(model=model(), fermi_energy=5.5e-3, theta=0.7, phi=0.0, rtol=1e-6),
                  {"model": OBJECT, "fermi_energy": SCALAR, "theta": {**SCALAR, **array_classes([0.3, 0.7])},
                   "phi": SCALAR, "approximation": CHOICE, "regime": CHOICE, "rtol": SCALAR}, check_response),
    "build_table": E(lambda **k: build_table(**k),
                     lambda: dict(model=model(), fermi_energy=5.5e-3, theta=3, executor="serial",
                                  progress=False),
                     {"model": OBJECT, "fermi_energy": array_classes([5.5e-3]),
                      "theta": {**COUNT, **{k: v for k, v in array_classes([0.0, 1.0, math.pi]).items()
                                            if k != "none"}},
                      "approximation": CHOICE, "regime": CHOICE, "tol": SCALAR, "rtol": SCALAR,
                      "max_calls": COUNT, "impurity_strength": {k: v for k, v in array_classes([0.065]).items()
                                                                if k != "none"},
                      "executor": {k: v for k, v in CHOICE.items() if k != "none"},
                      "progress": {"string": words, "number": finite, "none": st.none()},
                      "checkpoint": {"number": finite, "list": st.just(["a"])}},
                     lambda ds: finite_vars(ds)),
    "TorqueTable.K": E(_tt_K, lambda: dict(m=[0.0, 0.6, 0.8]),
                       {"m": {**vector_classes([0.0, 0.6, 0.8]), "non_unit": st.floats(1.01, 10).map(
                           lambda s: [0.0, 0.6 * s, 0.8 * s]),
                           "nan_row": st.just([[0.0, 0.0, 1.0], [math.nan, 0.0, 1.0]])}},
                       lambda K: _all_finite(K)),
    "TorqueTable.sigma": E(_tt_sigma, lambda: dict(m=[0.0, 0.6, 0.8]),
                           {"m": {**vector_classes([0.0, 0.6, 0.8]), "non_unit": st.floats(0.01, 0.99).map(
                               lambda s: [0.0, 0.6 * s, 0.8 * s])}}, lambda S: _all_finite(S)),
    "TorqueTable": E(lambda **k: TorqueTable(**k), lambda: dict(source=table_ds()),
                     {"source": {**OBJECT, "missing_file": st.just("/nonexistent/t.nc")}}),
    "Macrospin": E(lambda **k: Macrospin(**k),
                   lambda: dict(Ms=1e6, thickness=1e-9, area=2.5e-15, damping=0.05, Ku=0.7e6),
                   {**{k: SCALAR for k in ("Ms", "thickness", "area", "damping", "Ku", "gamma")},
                    "easy_axis": vector_classes(), "demag": vector_classes((0.0, 0.0, 1.0))},
                   lambda m: _all_finite([m.Ms, m.thickness, m.area, m.damping, m.Ku, m.gamma,
                                          *m.easy_axis, *m.demag])),
    "ConstantSOT": E(lambda **k: ConstantSOT(**k), lambda: dict(spin_hall_angle=0.3),
                     {"spin_hall_angle": SCALAR, "field_like_ratio": SCALAR,
                      "polarization": vector_classes((0.0, 1.0, 0.0))},
                     lambda t: _all_finite([t.spin_hall_angle, t.field_like_ratio, *t.polarization])),
    "TableSOT": E(lambda **k: TableSOT(**k),
                  lambda: dict(table=table(), nm_thickness=5e-9, representation="four-term", grid_points=16),
                  {"table": OBJECT, "nm_thickness": SCALAR, "current_direction": vector_classes((1.0, 0.0)),
                   "representation": CHOICE, "grid_points": COUNT},
                  lambda t: _all_finite([t.nm_thickness, *t.current_direction])),
    "Pulse": E(lambda **k: Pulse(**k), lambda: dict(amplitude=1e12, duration=1e-9),
               {k: SCALAR for k in ("amplitude", "duration", "rise", "fall", "delay")},
               lambda p: _all_finite([p.amplitude, p.duration, p.rise, p.fall, p.delay])),
    "Waveform": E(lambda **k: Waveform(**k), lambda: dict(times=[0.0, 1e-9, 2e-9], values=[0.0, 1e12, 0.0]),
                  {"times": array_classes([0.0, 1e-9, 2e-9]), "values": array_classes([0.0, 1e12, 0.0])},
                  lambda w: _all_finite(w.times, w.values)),
    "simulate": E(lambda **k: simulate(**k), _sim_base,
                  {"magnet": OBJECT, "torque": OBJECT_OPTIONAL, "current": {**SCALAR, "list": st.just([1.0, 2.0])},
                   "field": vector_classes(), "m0": vector_classes((0.0, 0.0, 1.0)), "t_end": SCALAR,
                   "dt": SCALAR, "method": CHOICE, "temperature": SCALAR, "members": COUNT,
                   "seed": {k: v for k, v in COUNT.items() if k not in ("zero", "none")},
                   "save_every": COUNT, "rtol": SCALAR, "atol": SCALAR, "max_steps": COUNT,
                   "switching_axis": {k: v for k, v in vector_classes().items() if k != "none"},
                   "settle_tol": SCALAR, "on_failure": CHOICE}, check_simulation),
    "critical_current": E(lambda **k: critical_current(**k),
                          lambda: dict(magnet=magnet(), torque=TORQUE, pulse=PULSE, field=(0.01, 0, 0),
                                       bracket=(1e10, 5e12), rtol=0.5, t_relax=1e-9),
                          {"magnet": OBJECT, "torque": OBJECT_OPTIONAL, "pulse": OBJECT,
                           "field": vector_classes(), "m0": vector_classes((0.0, 0.0, 1.0)),
                           "bracket": PAIR, "rtol": SCALAR, "dt": {k: v for k, v in SCALAR.items() if k != "none"},
                           "t_relax": {k: v for k, v in SCALAR.items() if k != "none"},
                           "temperature": SCALAR, "members": COUNT,
                           "seed": {k: v for k, v in COUNT.items() if k not in ("zero", "none")},
                           "max_evaluations": COUNT},
                          lambda r: _all_finite([r.value, *r.bracket])),
    "switching_diagram": E(lambda **k: switching_diagram(**k),
                           lambda: dict(magnet=magnet(), torque=TORQUE, pulse=PULSE, currents=[2e12],
                                        fields=[0.01], t_relax=1e-9, executor="serial", progress=False),
                           {"magnet": OBJECT, "torque": OBJECT_OPTIONAL, "pulse": OBJECT,
                            "currents": array_classes([2e12]), "fields": array_classes([0.01]),
                            "field_direction": vector_classes(), "base_field": vector_classes((0.0, 0.0, 0.0)),
                            "m0": vector_classes((0.0, 0.0, 1.0)),
                            "dt": {k: v for k, v in SCALAR.items() if k != "none"},
                            "t_relax": {k: v for k, v in SCALAR.items() if k != "none"},
                            "temperature": SCALAR, "members": COUNT,
                            "seed": {k: v for k, v in COUNT.items() if k not in ("zero", "none")}},
                           lambda ds: finite_vars(ds, ["switched"])),
    "precession_sweep": E(lambda **k: precession_sweep(**k),
                          lambda: dict(magnet=magnet(), torque=TORQUE, currents=[1e11], t_end=2e-10,
                                       executor="serial", progress=False),
                          {"magnet": OBJECT, "torque": OBJECT_OPTIONAL, "currents": array_classes([1e11]),
                           "field": vector_classes((0.0, 0.0, 0.0)), "m0": vector_classes((0.0, 0.0, 1.0)),
                           "t_end": SCALAR, "dt": {k: v for k, v in SCALAR.items() if k != "none"},
                           "axis": {k: v for k, v in vector_classes().items() if k != "none"},
                           "amplitude_threshold": SCALAR},
                          lambda ds: finite_vars(ds, ["amplitude", "mean_projection"])),
    "switching_probability": E(lambda **k: switching_probability(**k),
                               lambda: dict(magnet=magnet(), torque=TORQUE, pulse=PULSE, amplitudes=[2e12],
                                            field=(0.01, 0, 0), members=2, seed=0, dt=1e-13,
                                            t_relax=0.5e-9, executor="serial"),
                               {"magnet": OBJECT, "torque": OBJECT_OPTIONAL, "pulse": OBJECT,
                                "amplitudes": array_classes([2e12]), "field": vector_classes(),
                                "m0": vector_classes((0.0, 0.0, 1.0)), "temperature": SCALAR,
                                "members": COUNT, "seed": {k: v for k, v in COUNT.items() if k not in ("zero", "none")},
                                "dt": {k: v for k, v in SCALAR.items() if k != "none"},
                                "t_relax": {k: v for k, v in SCALAR.items() if k != "none"}},
                               lambda ds: finite_vars(ds, ["probability", "ci_low", "ci_high"])),
}


def _device():
    return _exp.Device(1e6, 1e-9, 5e-9, 1e12)


ENTRIES.update({
    "export(csv)": E(lambda **k: _exp.export(**k),
                     lambda: dict(table=table(), path="_unused_", format="csv"),
                     {"table": OBJECT, "path": PATH, "format": CHOICE,
                      "device": {"string": words, "number": finite, "dict": st.just({})}}),
    "export(json)": E(lambda **k: _exp.export(**k),
                      lambda: dict(table=table(), path="_unused_", format="json"),
                      {"table": OBJECT, "path": PATH}),
    "export(mumax3)": E(lambda **k: _exp.export(**k),
                        lambda: dict(table=table(), path="_unused_", format="mumax3",
                                     device=_device(), degree=2, max_error=1.0),
                        {"device": OBJECT, "degree": COUNT, "max_error": SCALAR,
                         "jump_width": SCALAR, "time_parameter": CHOICE,
                         "current": {"nan": st.just(math.nan), "string": words, "list": st.just([1.0])}}),
    "Device": E(lambda **k: _exp.Device(**k),
                lambda: dict(Ms=1e6, thickness=1e-9, nm_thickness=5e-9, current_density=1e12),
                {k: SCALAR for k in ("Ms", "thickness", "nm_thickness", "current_density",
                                     "direction")},
                lambda d: _all_finite([d.Ms, d.thickness, d.nm_thickness, d.current_density,
                                       d.direction])),
})


ENTRIES["SOTCell"] = E(  # issue 17 item 4
    lambda **k: llgsot.SOTCell(**k),
    lambda: dict(free=magnet(), reference=(0.0, 0.0, 1.0), tmr=1.0, resistance_parallel=2e3),
    {"free": OBJECT, "reference": vector_classes((0.0, 0.0, 1.0)),
     **{k: SCALAR for k in ("tmr", "resistance_parallel", "spin_polarization", "slonczewski_lambda",
                            "stt_field_like_ratio", "read_current", "tmr_half_voltage")},
     "stray_field": vector_classes(), "bias_field": vector_classes()},
    lambda c: _all_finite([c.tmr, c.resistance_parallel, c.spin_polarization, c.slonczewski_lambda,
                           c.stt_field_like_ratio, *c.reference, *c.stray_field, *c.bias_field]))

#: valid values of a physical argument whose documented outcome is an error about another
#: argument (a zero field is physical; then the default bracket's upper end does not switch)
ALSO_NAMED = {("critical_current", "field", "zero_vector"): "bracket"}

CASES = [(e, a, c) for e, spec in ENTRIES.items() for a, classes in spec["args"].items() for c in classes]


def _param(e, a, c):
    return pytest.param(e, a, c, id=f"{e}-{a}-{c}")


def outcome_ok(entry, arg, value, tmp_dir, cls=None):
    """Run one bad value; raise AssertionError unless the outcome is one of the accepted two."""
    spec = ENTRIES[entry]
    kw = spec["base"]()
    if "path" in kw and arg != "path":
        kw["path"] = str(tmp_dir / "out.txt")
    kw[arg] = value
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = spec["call"](**kw)
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        assert arg in msg or (arg in ("path", "source") and str(value) in msg) or \
            ALSO_NAMED.get((entry, arg, cls), "\0") in msg, \
            f"{type(exc).__name__} does not name `{arg}`: {msg}"
        assert "\n" not in msg and len(msg) < 600, f"message not one short line: {msg!r}"
        return "error"
    if cls in ("fraction", "bool") and spec["args"][arg] is COUNT:
        raise AssertionError(f"count `{arg}` = {value!r} accepted (silently truncated?)")
    spec["check"](result)
    return "result"


@pytest.mark.parametrize("entry,arg,cls", [_param(*c) for c in CASES])
def test_bad_input(entry, arg, cls, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    strategy = ENTRIES[entry]["args"][arg][cls]

    @SETTINGS
    @given(value=strategy)
    def run(value):
        outcome_ok(entry, arg, value, tmp, cls)

    run()


# -- files: load_table with broken tables --------------------------------------------------------
def _broken(ds, how):
    d = ds.copy(deep=True)
    kind, _, what = how.partition(":")
    if kind == "nan":
        d[what].values.flat[3] = math.nan
    elif kind == "inf":
        d[what].values.flat[-1] = -math.inf
    elif kind == "theta":
        th = d.theta.values.copy()
        th[2] = th[1] if what == "dup" else th[3] + 0.1
        d = d.assign_coords(theta=th)
    elif kind == "attr":
        name, _, val = what.partition("=")
        d.attrs[name] = eval(val)  # noqa: S307 (test data)
    elif kind == "drop":
        d = d.drop_vars(what) if what in d.variables else d
        d.attrs.pop(what, None)
    return d


FILE_CASES = {
    "nan:K": "variable K", "nan:sigma": "variable sigma", "inf:tau1e": "variable tau1e",
    "nan:K_err": "variable K_err", "inf:t2o_err": "variable t2o_err", "theta:dup": "duplicated",
    "theta:unsorted": "unsorted", "attr:llgsot_table_version='abc'": "llgsot_table_version",
    "attr:llgsot_table_version=1.7": "llgsot_table_version",
    "attr:llgsot_table_version=99": "version 99", "attr:m_eff='0.8'": "m_eff",
    "attr:alpha='x'": "alpha", "attr:delta_xc=-1.0": "delta_xc", "attr:cutoff=float('inf')": "cutoff",
    "attr:approximation='magic'": "approximation", "attr:approximation=3": "approximation",
    "attr:regime=[1, 2]": "regime", "attr:rtol='tiny'": "rtol", "attr:created=5": "created",
    "drop:K": "K", "drop:m_eff": "m_eff",
}


@pytest.mark.parametrize("how", list(FILE_CASES))
def test_load_table_refuses_broken_files(tmp_path, how):
    path = tmp_path / "t.nc"
    _broken(table_ds(), how).to_netcdf(path)
    with pytest.raises(ValueError) as exc:
        load_table(path)
    msg = str(exc.value)
    assert FILE_CASES[how] in msg and str(path) in msg
    assert "\n" not in msg and len(msg) < 400  # never an array dump


@pytest.mark.parametrize("what", ["missing", "directory", "text", "empty", "none", "number"])
def test_load_table_refuses_non_tables(tmp_path, what):
    p = {"missing": tmp_path / "no.nc", "directory": tmp_path, "text": tmp_path / "a.nc",
         "empty": tmp_path / "e.nc", "none": None, "number": 3.0}[what]
    (tmp_path / "a.nc").write_text("not netcdf")
    (tmp_path / "e.nc").write_bytes(b"")
    with pytest.raises((ValueError, TypeError)) as exc:
        load_table(p)
    assert "\n" not in str(exc.value)
    if isinstance(p, type(tmp_path)):
        assert str(p) in str(exc.value)


def test_saved_table_round_trips(tmp_path):
    """The checks do not refuse what build_table writes."""
    save_table(table_ds(), tmp_path / "t.nc")
    ds = load_table(tmp_path / "t.nc")
    np.testing.assert_array_equal(ds["K"].values, table_ds()["K"].values)
