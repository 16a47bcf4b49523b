"""Bad inputs through every CLI command, config key by config key and flag by flag.

Each case is (command, key or flag, class of bad value); hypothesis draws the concrete value.
Accepted outcomes only: exit status 2 with ONE error line on stderr (after any one-line
``warning:`` lines), no traceback, naming the key
(``section.key`` or the library argument) or the flag; or exit status 0 (a valid value, e.g. a
negative field component). An "internal error" (status 1), a traceback or a message that does
not name the key fails. ``pytest tests/test_bad_inputs_cli.py -q`` prints the counts.

``llgsot micromag`` runs dry here: the micromagnetic runs (magnum.np) are replaced by a stub
that never switches, so the config is parsed, the layer, torques and pulse are built and
:func:`llgsot.micromagnetics.study.compare` runs with its macrospin searches, but the run
options that only ``run_switching`` reads (sample, snapshot_times, solver_tol, settle, seed,
max_wall) are checked for type and finiteness by the parser, not for range.
"""
from __future__ import annotations

import copy
import io
import math
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from llgsot.cli.config import sections
from llgsot.cli.main import main

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "configs"
SETTINGS = settings(max_examples=int(os.environ.get("LLGSOT_BAD_INPUT_EXAMPLES", 2)), deadline=None,
                    derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _load(name):
    with open(EXAMPLES / name, "rb") as f:
        return tomllib.load(f)


def _base_configs():
    tb = _load("table_build.toml")
    tb["table"]["theta"] = 3
    sim = _load("simulate.toml")
    sim["run"]["t_end"] = 2e-10
    cc = _load("critical_current.toml")
    cc["critical_current"].update(rtol=0.5, t_relax=1e-9, members=8)
    dg = _load("diagram.toml")
    dg["diagram"].update(currents=[2e12], fields=[0.01], t_relax=1e-9)
    hh = _load("harmonic_hall.toml")
    hh["torque"]["table"] = str((EXAMPLES / hh["torque"]["table"]).resolve())
    hh["harmonic_hall"]["fields"] = {"start": -0.1, "stop": 0.1, "num": 9}
    fmr = _load("st_fmr.toml")
    fit = _load("fit.toml")  # one free parameter, one start, Wald intervals: seconds, not minutes
    fit["fit"].update(fermi_energy=5.3e-3, free=["fermi_energy"], n_starts=1, profile=False)
    fit["bounds"] = {"fermi_energy": [3e-3, 9e-3]}
    mm = _load("micromag.toml")
    mm["torques"]["table"] = str((EXAMPLES / mm["torques"]["table"]).resolve())
    mm["study"]["macrospin_rtol"] = 0.05
    wer = _load("wer.toml")  # direct ensembles at rates near 2e-2 and 1: seconds per run
    wer["wer"].update(amplitudes=[3e11], durations=[1.5e-9], read_currents=[3e11],
                      read_duration=1.5e-9, method="direct", rel_error=0.5)
    return {"table build": tb, "simulate": sim, "critical-current": cc, "diagram": dg,
            "harmonic-hall": hh, "st-fmr": fmr, "fit": fit, "micromag": mm, "wer": wer}


BASE = _base_configs()
#: which command exercises each section's keys
HOME = {"model": "table build", "table": "table build", "magnet": "simulate", "torque": "simulate",
        "pulse": "simulate", "run": "simulate", "critical_current": "critical-current",
        "diagram": "diagram", "harmonic_hall": "harmonic-hall", "st_fmr": "st-fmr", "fit": "fit",
        "bounds": "fit", "layer": "micromag", "torques": "micromag", "study": "micromag",
        "hall_analysis": "harmonic-hall", "fmr_analysis": "st-fmr", "wer": "wer"}
#: 4 angles and 2 efficiencies of examples/fit_data.csv (made with fermi_energy 5.5e-3 eV)
FIT_DATA = """theta,tau1e,tau1e_err,tau2o,tau2o_err
0.05,1.3436199803e+12,5.6254831186e+10,-1.3113829198e+12,1.6988727506e+11
0.8504191194,1.4618404652e+12,5.6254831186e+10,-2.2253273277e+12,1.6988727506e+11
1.650838239,2.7317214623e+12,5.6254831186e+10,-8.5688978001e+12,1.6988727506e+11
2.451257358,1.3367827556e+12,5.6254831186e+10,-2.0812680292e+12,1.6988727506e+11
"""


def command_argv(command, config, tmp_path):
    """The command line that runs ``config`` (writing any output into ``tmp_path``)."""
    if command == "fit":
        data = tmp_path / "data.csv"
        data.write_text(FIT_DATA)
        return ["fit", data, config, "--json"]
    argv = [*command.split(), config]
    if command in ("table build", "diagram", "wer"):
        argv += ["-o", tmp_path / "out.nc", "--no-progress"]
    if command == "micromag":
        argv += ["-o", tmp_path / "mm", "--no-progress"]
    return argv


@pytest.fixture
def dry_micromag(monkeypatch):
    """``llgsot micromag`` without magnum.np runs (see the module docstring); torch's thread
    count and compile switch are restored afterwards."""
    from types import SimpleNamespace

    import llgsot.cli.micromag_cmd as mm
    import llgsot.micromagnetics.backend
    import llgsot.micromagnetics.study

    def run_switching(layer, torque, pulse, amplitude=None, **options):
        return SimpleNamespace(switched=False, amplitude=amplitude)

    def critical(layer, torque, pulse, bracket, rtol=0.02, **options):
        return SimpleNamespace(value=0.5 * (bracket[0] + bracket[1]), bracket=tuple(bracket))

    def run_study(layer, torques, pulse, st, outdir, progress=True, echo=print):
        assert mm.study_results(layer, torques, pulse, st)
        return 0

    try:  # imported here, once: its INFO banner on import is a line of stderr (backend.py)
        llgsot.micromagnetics.backend.magnumnp()
    except ImportError as exc:
        pytest.skip(str(exc))
    monkeypatch.setattr(llgsot.micromagnetics.study, "run_switching", run_switching)
    monkeypatch.setattr(llgsot.micromagnetics.study, "micromagnetic_critical_current", critical)
    monkeypatch.setattr(llgsot.micromagnetics.backend, "magnumnp", lambda **kw: None)
    monkeypatch.setattr(mm, "run_study", run_study)
    import torch

    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


# -- a minimal TOML writer (values: numbers incl. nan/inf, strings, bools, lists, tables) --
def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(v)


def dump_toml(cfg) -> str:
    out = []
    for name, sec in cfg.items():
        out.append(f"[{name}]")
        out += [f"{k} = {_toml_value(v)}" for k, v in sec.items()]
    return "\n".join(out) + "\n"


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def check_outcome(rc, err, names):
    """Status 0, or status 2 with one error line naming one of ``names`` (after any one-line
    warnings the command printed on the way, e.g. an analysis flagging its input)."""
    assert "Traceback" not in err, err
    assert rc in (0, 2), f"status {rc}: {err}"
    if rc == 2:
        lines = [ln for ln in err.strip().splitlines() if not ln.startswith("warning: ")]
        assert len(lines) == 1, err
        assert any(n in lines[0] for n in names), f"error does not name {names}: {err}"


# -- config keys ---------------------------------------------------------------------------
finite = st.floats(-1e3, 1e3, allow_nan=False)
TOML_BAD = {
    "nan": st.just(math.nan), "inf": st.sampled_from([math.inf, -math.inf]),
    "negative": st.floats(-1e30, -1e-30), "zero": st.sampled_from([0, 0.0]),
    "string": st.sampled_from(["", "abc", "1e3", "nan"]), "bool": st.booleans(),
    "empty_list": st.just([]), "short_list": st.lists(finite, min_size=1, max_size=1),
    "long_list": st.lists(finite, min_size=4, max_size=5), "table": st.just({"a": 1}),
    "fraction": st.floats(0.1, 99.9).filter(lambda x: not x.is_integer()),
}

#: classes whose values can be valid numbers: their error may name another argument that the
#: valid value makes inconsistent (a heavier mass -> the `cutoff` is too small)
PLAUSIBLE = ("negative", "zero", "fraction")
#: the same for lists of finite numbers given to keys that take lists of any length
LISTS, LIST_KINDS = ("short_list", "long_list"), ("numbers", "grid", "list", "count_or_numbers")
#: time keys (s): a valid "fraction" of seconds would simulate for ages; draw 1e-11 s units
TIME_KEYS = {"t_relax", "t_end", "duration", "rise", "fall", "delay", "dt", "relax", "sample",
             "read_duration"}
#: length keys (m): a valid "fraction" of metres makes a table torque's field (~ t_NM) huge and
#: the macrospin step tiny; draw nm units
LENGTH_KEYS = {"nm_thickness", "thickness", "cell"}
KEY_CASES = [(sec, key, cls) for sec, s in sections().items() for key in s.keys for cls in TOML_BAD]
#: valid values that make a case take minutes: run with the slow tests only
SLOW_CASES = {("fit", "temperature", "fraction"):  # the Fermi-window average, ~1 min at 0.5 K
              "a fit at a finite temperature takes minutes",
              ("wer", "temperature", "fraction"):  # ~1 K: a barrier of ~1e4 k_B T, WER ~ 0
              "a direct ensemble cannot resolve the error rate of a cold layer in seconds"}
def _key_param(sec, key, cls):
    # a valid [wer] value (a plausible number or a list of them) runs a real error-rate
    # computation (seconds to a minute each, with the early refusal of a rate direct runs
    # cannot reach): those run with the slow tests; the refusals of invalid values stay here
    slow = (sec, key, cls) in SLOW_CASES or (sec == "wer" and cls in PLAUSIBLE + LISTS)
    marks = [pytest.mark.slow] if slow else []
    return pytest.param(sec, key, cls, id=f"{sec}-{key}-{cls}", marks=marks)


@pytest.mark.parametrize("sec,key,cls", [_key_param(*c) for c in KEY_CASES])
def test_bad_config_value(request, tmp_path, sec, key, cls):
    command = HOME[sec]
    if command == "micromag":
        request.getfixturevalue("dry_micromag")
    strategy = TOML_BAD[cls]
    if key in TIME_KEYS and cls == "fraction":
        strategy = strategy.map(lambda x: x * 1e-11)
    if key in LENGTH_KEYS and cls == "fraction":
        strategy = strategy.map(lambda x: x * 1e-9)
    if key == "Ms" and cls == "fraction":  # 1e3..1e6 A/m: tiny Ms means tiny steps
        strategy = strategy.map(lambda x: x * 1e4)

    @SETTINGS
    @given(value=strategy)
    def run(value):
        cfg = copy.deepcopy(BASE[command])
        cfg.setdefault(sec, {})[key] = value
        path = tmp_path / "c.toml"
        path.write_text(dump_toml(cfg))
        rc, _, err = run_cli(command_argv(command, path, tmp_path))
        names = [f"{sec}.{key}", f"`{key}`", f"[{sec}]", f"{sec}[{key!r}]"]
        if cls in PLAUSIBLE or (cls in LISTS and sections()[sec].keys[key].kind in LIST_KINDS):
            # a finite number (or list) may be valid and make another key wrong
            names += [n for s in sections().values() for k in s.keys
                      for n in (f"`{k}`", f"{s.name}[{k!r}]")]
        check_outcome(rc, err, names)

    run()


# -- flags -------------------------------------------------------------------------------------
RESPONSE = ["response", "--m-eff", "0.8", "--alpha", "1.7e-11", "--delta-xc", "5e-3",
            "--impurity-density", "5e14", "--impurity-strength", "0.065", "--cutoff", "3",
            "--fermi-energy", "5.5e-3", "--theta", "0.7", "--rtol", "1e-6"]
FLAG_BAD = {
    "nan": st.sampled_from(["nan", "NaN"]), "inf": st.sampled_from(["inf", "-inf", "1e999"]),
    "negative": st.floats(-1e30, -1e-30).map(repr), "zero": st.sampled_from(["0", "-0.0", "0e0"]),
    "word": st.sampled_from(["abc", "", "1,5", "--json"]),
}
RESPONSE_FLAGS = ["--m-eff", "--alpha", "--delta-xc", "--impurity-density", "--impurity-strength",
                  "--cutoff", "--fermi-energy", "--theta", "--phi", "--approximation", "--regime",
                  "--rtol"]
EXPORT_FLAGS = ["--fermi-energy", "--impurity-strength", "--ms", "--thickness", "--nm-thickness",
                "--current-density", "--direction", "--degree", "--max-error"]


def _names(flag):
    dest = flag.lstrip("-").replace("-", "_")
    return [flag, f"`{dest}`", dest, {"ms": "`Ms`"}.get(dest, flag)]


@pytest.mark.parametrize("flag,cls", [
    pytest.param(f, c, id=f"{f}-{c}") for f in RESPONSE_FLAGS for c in FLAG_BAD])
def test_bad_response_flag(flag, cls):
    @SETTINGS
    @given(value=FLAG_BAD[cls])
    def run(value):
        argv = list(RESPONSE)
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
        rc, out, err = run_cli(argv + ["--json"])
        names = _names(flag)
        if cls in ("negative", "zero"):  # may be valid and make another argument wrong
            names += [f"`{k}`" for k in ("m_eff", "alpha", "delta_xc", "impurity_density",
                                         "impurity_strength", "cutoff", "fermi_energy", "theta")]
        check_outcome(rc, err, names)
        if rc == 0:
            import json

            json.loads(out, parse_constant=lambda c: pytest.fail(f"non-strict JSON {c}"))

    run()


@pytest.fixture(scope="module")
def table_file(tmp_path_factory):
    d = tmp_path_factory.mktemp("tbl")
    cfg = d / "t.toml"
    cfg.write_text(dump_toml(BASE["table build"]))
    assert run_cli(["table", "build", cfg, "-o", d / "t.nc", "--no-progress"])[0] == 0
    return d / "t.nc"


@pytest.mark.parametrize("flag,cls", [pytest.param(f, c, id=f"{f}-{c}")
                                      for f in EXPORT_FLAGS for c in FLAG_BAD])
def test_bad_export_flag(tmp_path, table_file, flag, cls):
    @SETTINGS
    @given(value=FLAG_BAD[cls])
    def run(value):
        base = {"--ms": "1e6", "--thickness": "1e-9", "--nm-thickness": "5e-9",
                "--current-density": "1e12", "--degree": "2", "--max-error": "1"}
        base[flag] = value
        argv = ["table", "export", table_file, "--format", "mumax3", "-o", tmp_path / "x.mx3"]
        for k, v in base.items():
            argv += [k, v]
        rc, _, err = run_cli(argv)
        check_outcome(rc, err, _names(flag))

    run()


# -- files and paths ---------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["show", "plot", "export"])
@pytest.mark.parametrize("what", ["missing", "directory", "text", "empty"])
def test_bad_table_file(tmp_path, action, what):
    p = {"missing": tmp_path / "no.nc", "directory": tmp_path, "text": tmp_path / "a.nc",
         "empty": tmp_path / "e.nc"}[what]
    (tmp_path / "a.nc").write_text("not netcdf")
    (tmp_path / "e.nc").write_bytes(b"")
    argv = ["table", action, p]
    if action == "plot":
        argv += ["-o", tmp_path / "p.png"]
    if action == "export":
        argv += ["--format", "csv", "-o", tmp_path / "x.csv"]
    rc, _, err = run_cli(argv)
    check_outcome(rc, err, [str(p)])
    assert rc == 2


@pytest.mark.parametrize("command", list(BASE))
@pytest.mark.parametrize("what", ["missing", "directory", "binary", "not_toml", "section_not_table",
                                  "unknown_section"])
def test_bad_config_file(tmp_path, command, what):
    p = tmp_path / "c.toml"
    if what == "directory":
        p = tmp_path
    elif what == "binary":
        p.write_bytes(bytes(range(256)))
    elif what == "not_toml":
        p.write_text("[model\nx = ")
    elif what == "section_not_table":
        p.write_text("model = 3\nmagnet = 3\n")
    elif what == "unknown_section":
        p.write_text(dump_toml({**BASE[command], "colour": {"a": 1}}))
    rc, _, err = run_cli(command_argv(command, p, tmp_path))
    check_outcome(rc, err, [str(p), "[model]", "[magnet]", "[colour]", "[run]", "[critical_current]",
                            "[diagram]", "[harmonic_hall]", "[st_fmr]"])
    assert rc == 2


#: bad data files of `llgsot fit`: (what, file text or None for a directory); the error names
#: the file or the column
BAD_FIT_DATA = {
    "missing": "", "directory": None, "empty": "", "header_only": "theta,tau1e,tau1e_err\n",
    "no_theta": "angle,tau1e,tau1e_err\n0.1,1e12,1e10\n",
    "no_efficiency": "theta\n0.1\n", "no_err": "theta,tau1e\n0.1,1e12\n",
    "unknown_column": "theta,tau1e,tau1e_err,colour\n0.1,1e12,1e10,3\n",
    "word": "theta,tau1e,tau1e_err\n0.1,big,1e10\n",
    "ragged": "theta,tau1e,tau1e_err\n0.1,1e12\n",
    "nan": "theta,tau1e,tau1e_err\n0.1,nan,1e10\n",
    "inf_err": "theta,tau1e,tau1e_err\n0.1,1e12,inf\n",
    "zero_err": "theta,tau1e,tau1e_err\n0.1,1e12,0\n",
    "negative_err": "theta,tau1e,tau1e_err\n0.1,1e12,-1e10\n",
    "theta_range": "theta,tau1e,tau1e_err\n4.0,1e12,1e10\n",
    "theta_nan": "theta,tau1e,tau1e_err\nnan,1e12,1e10\n",
}


@pytest.mark.parametrize("what", list(BAD_FIT_DATA))
def test_bad_fit_data(tmp_path, what):
    cfg = tmp_path / "c.toml"
    cfg.write_text(dump_toml(BASE["fit"]))
    data = tmp_path / "d.csv"
    if what == "directory":
        data = tmp_path
    elif what != "missing":
        data.write_text(BAD_FIT_DATA[what])
    rc, _, err = run_cli(["fit", data, cfg, "--json"])
    check_outcome(rc, err, [repr(str(data)), "`theta`", "`data['tau1e']`", "`sigma['tau1e']`"])
    assert rc == 2
