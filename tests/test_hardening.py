"""Hardening of the newer surfaces (issue 16 item 10), one group per kind of failure:

* files people really have (CSV from a spreadsheet: byte-order mark, another encoding,
  repeated columns, a million rows);
* counts and shapes (fractional counts refused, never truncated; lengths that do not match
  named; empty lists refused where they make the result empty);
* command-line flags (a value that does not parse names its flag);
* results whose own error estimate exceeds them (a warning);
* values a user callable returns (checked like the numbers the API takes);
* every file through the atomic writer, figures included, and output folders checked before
  any slow import or folder.
"""
from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import llgsot
import llgsot.fitting
import llgsot.studies
from llgsot import RashbaFM

ROOT = Path(__file__).resolve().parents[1]
FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)
MAG_IP = dict(Ms=8e5, thickness=2e-9, area=1e-16, damping=0.03)


# -- files people really have ----------------------------------------------------------------
def _write(tmp_path, name, data: bytes) -> str:
    p = tmp_path / name
    p.write_bytes(data)
    return str(p)


GOOD = b"theta,tau1e,tau1e_err\r\n0.5,1e-3,1e-5\r\n1.0,2e-3,2e-5\r\n"


def test_a_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    from llgsot.cli.fit_cmd import read_data

    plain = read_data(_write(tmp_path, "plain.csv", GOOD))
    bom = read_data(_write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + GOOD))
    np.testing.assert_array_equal(bom[0], plain[0])
    np.testing.assert_array_equal(bom[1]["tau1e"], [1e-3, 2e-3])
    np.testing.assert_array_equal(bom[2]["tau1e"], [1e-5, 2e-5])


def test_the_table_csv_reader_takes_a_byte_order_mark(tmp_path):
    from llgsot.export.text import read_csv

    path = _write(tmp_path, "t.csv", "\ufeff# provenance, with a comma\ntheta,tau1e\nrad,1/(A m)\n"
                  "0.1,2.5\n0.2,3.5\n".encode("utf-8"))
    cols, units = read_csv(path)
    assert units == {"theta": "rad", "tau1e": "1/(A m)"}
    np.testing.assert_array_equal(cols["tau1e"], [2.5, 3.5])


def test_another_encoding_is_an_error_naming_the_file(tmp_path, capsys):
    """Through the command line: one line, status 2, the file named (the config is not read)."""
    from llgsot.cli.main import main

    path = _write(tmp_path, "latin1.csv", "theta,tau1e,tau1e_err\n# r\xe9sum\xe9\n0.5,1,1\n"
                  .encode("latin-1"))
    assert main(["fit", path, str(tmp_path / "absent.toml")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "latin1.csv" in err and "not UTF-8" in err


@pytest.mark.parametrize("text, match", [
    (b"theta,tau1e,tau1e_err,tau1e\n0.5,1,1,2\n", r"column 'tau1e' appears twice"),
    (b"theta,tau1e,tau1e_err\n0.5,1,1\n0.6,1\n", r"line 3 has 2 values, the header 3 columns"),
    (b"theta,tau1e,tau1e_err\n# note\n0.5,1,1\n\n0.6,abc,1\n", r"line 5, column 'tau1e': 'abc'"),
    (b"", r"has no header row"),
])
def test_bad_csv_files_are_refused_with_the_line(tmp_path, text, match):
    from llgsot.cli.fit_cmd import read_data

    path = _write(tmp_path, "bad.csv", text)
    with pytest.raises(ValueError, match=match) as info:
        read_data(path)
    assert "bad.csv" in str(info.value)


def test_a_million_rows_are_read_in_seconds(tmp_path):
    """numpy's C reader: ~2 s for 1e6 rows on a loaded 2-core machine (the csv module took
    ~35 s); the bound here is loose, the point is that it does not hang."""
    from llgsot.cli.fit_cmd import read_data

    n = 10**6
    body = "".join(f"{a!r},1e-3,1e-5\n" for a in (0.3, 0.8)) * (n // 2)
    path = _write(tmp_path, "big.csv", ("theta,tau1e,tau1e_err\n" + body).encode())
    t0 = time.perf_counter()
    theta, data, sigma = read_data(path)
    assert time.perf_counter() - t0 < 60
    assert theta.shape == (n,) and set(np.unique(theta)) == {0.3, 0.8}
    assert data["tau1e"].shape == (n,) and float(sigma["tau1e"][-1]) == 1e-5


def test_each_distinct_angle_is_solved_once(monkeypatch):
    """3 angles x 1000 rows: the solver sees 3 angles; every row gets the response at its own
    angle (compared with a direct call of the solver at each angle, in the rows' order)."""
    import llgsot.solver.response as resp
    from llgsot.fitting.torques import TorqueModel

    angles = np.array([1.1, 0.4, 0.7])
    theta = np.tile(angles, 1000)
    n = theta.size
    seen = []
    real = resp.response

    def spy(model, fe, th, **kw):
        seen.append(np.size(th))
        return real(model, fe, th, **kw)

    monkeypatch.setattr(resp, "response", spy)
    model = RashbaFM(**FIG4)
    tm = TorqueModel(theta, {"tau1e": np.ones(n), "tau2o": np.ones(n)},
                     {"tau1e": np.ones(n), "tau2o": np.ones(n)}, model, 5.5e-3, ["fermi_energy"],
                     None, "finite", "tmatrix", 0.0, 1e-9)
    val, err = tm.evaluate(tm.to_x(tm.p0))
    assert seen == [3]
    direct = real(model, 5.5e-3, angles, regime="finite", rtol=1e-9)
    for k in ("tau1e", "tau2o"):
        assert val[k].shape == (n,)
        np.testing.assert_allclose(val[k], np.tile(direct.torque[k], 1000), rtol=1e-12, atol=0)
        np.testing.assert_allclose(err[k], np.tile(direct.torque_err[k], 1000), rtol=1e-12, atol=0)


def test_repeated_angles_of_a_hall_fit_see_their_own_current():
    """fit_hall_fields: rows at one angle may carry different currents (B is linear in J)."""
    from llgsot.fitting.hall import HallModel

    angles = np.array([0.9, 0.3])
    theta = np.repeat(angles, 2)
    J = np.array([1e11, 2e11, 1e11, 3e11])
    ones = {"B_DL": np.ones(4)}
    dev = dict(Ms=8e5, thickness=1e-9, nm_thickness=5e-9)
    tm = HallModel(theta, ones, ones, RashbaFM(**FIG4), 5.5e-3, ["fermi_energy"], None, "finite",
                   "tmatrix", 0.0, 1e-9, current_density=J, **dev)
    val, _ = tm.evaluate(tm.to_x(tm.p0))
    one = HallModel(angles, {"B_DL": np.ones(2)}, {"B_DL": np.ones(2)}, RashbaFM(**FIG4), 5.5e-3,
                    ["fermi_energy"], None, "finite", "tmatrix", 0.0, 1e-9, current_density=1e11,
                    **dev)
    per_angle, _ = one.evaluate(one.to_x(one.p0))
    np.testing.assert_allclose(val["B_DL"], np.repeat(per_angle["B_DL"], 2) * J / 1e11,
                               rtol=1e-12, atol=0)


def test_distinct_unsorted_angles_keep_the_rows_order():
    from llgsot.fitting.torques import TorqueModel

    theta = np.array([1.1, 0.4, 0.7])
    model = RashbaFM(**FIG4)
    ones = {"tau1e": np.ones(3)}
    tm = TorqueModel(theta, ones, ones, model, 5.5e-3, ["fermi_energy"], None, "finite",
                     "tmatrix", 0.0, 1e-9)
    val, _ = tm.evaluate(tm.to_x(tm.p0))
    direct = llgsot.response(model, 5.5e-3, theta, regime="finite", rtol=1e-9)
    np.testing.assert_allclose(val["tau1e"], direct.torque["tau1e"], rtol=1e-12, atol=0)


def test_too_many_distinct_angles_are_refused_with_the_reason():
    from llgsot.fitting.torques import MAX_ANGLES

    theta = np.linspace(0.1, 1.5, MAX_ANGLES + 1)
    ones = {"tau1e": np.ones(theta.size)}
    with pytest.raises(ValueError, match=rf"{MAX_ANGLES + 1} distinct angles.*bin the data"):
        llgsot.fit_torques(theta, ones, ones, RashbaFM(**FIG4), 5.5e-3, free="fermi_energy")


# -- counts and shapes -------------------------------------------------------------------------
def _magnet_torque():
    return llgsot.Macrospin(**MAG_IP), llgsot.ConstantSOT(0.1, 0.3)


def _fit(**kw):
    ones = {"tau1e": [1.0, 2.0]}
    return llgsot.fit_torques([0.5, 1.0], ones, ones, RashbaFM(**FIG4), 5.5e-3,
                              free="fermi_energy", **kw)


def _hall_fit(**kw):
    ones = {"B_DL": [1e-3, 2e-3]}
    args = dict(current_density=1e11, Ms=8e5, thickness=1e-9, nm_thickness=5e-9)
    args.update(kw)
    return llgsot.fit_hall_fields([0.5, 1.0], ones, ones, model=RashbaFM(**FIG4),
                                  fermi_energy=5.5e-3, free="fermi_energy", **args)


def _hh(**kw):
    mag, tq = _magnet_torque()
    return llgsot.harmonic_hall(mag, tq, 1e10, [-0.05, 0.05], **kw)


def _fmr(**kw):
    mag, tq = _magnet_torque()
    args = dict(frequency=6e9, fields=np.linspace(0.02, 0.2, 5))
    args.update(kw)
    return llgsot.st_fmr(mag, tq, 1e10, **args)


def _mm_layer():
    from llgsot.micromagnetics import FreeLayer

    return FreeLayer(nx=2, ny=2, cell=5e-9, thickness=1e-9, Ms=8e5, A=1e-11, Ku=6e5, damping=0.03)


def _mm_critical(**kw):
    from llgsot.micromagnetics import micromagnetic_critical_current

    return micromagnetic_critical_current(_mm_layer(), llgsot.ConstantSOT(0.1, 0.3),
                                          llgsot.Pulse(1e11, 1e-9), (1e10, 1e12), **kw)


FRACTIONAL = {
    "n_phases": lambda: _hh(n_phases=8.5),
    "periods": lambda: _hh(periods=2.5),  # quasistatic: checked although unused
    "steps_per_period": lambda: _hh(method="dynamic", steps_per_period=256.5),
    "n_starts": lambda: _fit(n_starts=1.5),
    "n_starts ": lambda: _hall_fit(n_starts=2.5),
    "seed": lambda: llgsot.fitting.synthetic_efficiencies(RashbaFM(**FIG4), 5.5e-3, [0.5], seed=1.5),
    "chunk": lambda: llgsot.studies.run_grid(dict, {"a": [1.0]}, {}, {}, chunk=1.5),
    "max_evaluations": lambda: _mm_critical(max_evaluations=2.5),
}


@pytest.mark.parametrize("name", list(FRACTIONAL))
def test_a_fractional_count_is_refused(name):
    with pytest.raises(ValueError, match=rf"`{name.strip()}` must be an integer, got \d+\.5"):
        FRACTIONAL[name]()


def test_compare_refuses_no_torques_and_a_bad_widen():
    from llgsot.micromagnetics.study import compare

    layer = _mm_layer()
    pulse = llgsot.Pulse(1e11, 1e-9)
    with pytest.raises(ValueError, match=r"`torques` must be a non-empty dict"):
        compare(layer, {}, pulse, (1e10, 1e12))
    with pytest.raises(ValueError, match=r"`widen` must be \(a, b\) with 0 < a < 1 < b"):
        compare(layer, {"c": llgsot.ConstantSOT(0.1, 0.3)}, pulse, (1e10, 1e12), widen=(1.5, 0.5))


@pytest.mark.parametrize("call, match", [
    (lambda t: t.wilson_interval(2.5, 10), r"`k` must hold integers >= 0, got 2.5 at index 0"),
    (lambda t: t.wilson_interval([1, 2], 10.5), r"`n` must hold integers >= 1, got 10.5"),
    (lambda t: t.wilson_interval(11, 10), r"`k` \(switched\) must not exceed `n`"),
    (lambda t: t.fit_logistic([1e11, 2e11, 3e11], [1, 5], 10), r"`amps`, `k` must have the same length"),
    (lambda t: t.fit_logistic([1e11, 2e11, 3e11], [1, 5.5, 9], 10), r"`k` must hold integers"),
    (lambda t: t.fit_logistic([], [], 10), r"`amps` must not be empty"),
    (lambda t: t.fit_sharrock([1e11, 2e11], [1, 5], [10, 10, 10], 1e-9), r"`k`, `n` must have the same"),
])
def test_switching_statistics_check_their_counts(call, match):
    import llgsot.studies.thermal as thermal

    with pytest.raises(ValueError, match=match) as info:
        call(thermal)
    assert "broadcast" not in str(info.value)


def test_a_table_of_data_is_not_flattened():
    with pytest.raises(ValueError, match=r"`data\['tau1e'\]` must be a 1-d array, one value per "
                                         r"angle, got shape \(1, 2\)"):
        llgsot.fit_torques([0.5, 1.0], {"tau1e": [[1.0, 2.0]]}, {"tau1e": [1.0, 1.0]},
                           RashbaFM(**FIG4), 5.5e-3, free="fermi_energy")


def test_a_length_mismatch_names_the_argument():
    with pytest.raises(ValueError) as info:
        _hall_fit(current_density=[1e11, 1e11, 1e11])
    msg = str(info.value)
    assert "`current_density`" in msg and "one value per angle (2)" in msg
    assert "broadcast" not in msg


@pytest.mark.parametrize("call, name", [
    (lambda: _hh(field_azimuth=[]), "field_azimuth"),
    (lambda: _fmr(frequency=[]), "frequency"),
    (lambda: _fmr(field_azimuth=[]), "field_azimuth"),
    (lambda: llgsot.fitting.synthetic_efficiencies(RashbaFM(**FIG4), 5.5e-3, []), "theta"),
])
def test_an_empty_list_that_empties_the_result_is_refused(call, name):
    with pytest.raises(ValueError, match=rf"`{name}` must not be empty"):
        call()


# -- command-line flags -------------------------------------------------------------------------
def _typed_flags():
    """(command words, flag) of every option that parses its value (type= given)."""
    import argparse

    from llgsot.cli.main import build_parser

    out = []

    def walk(parser, words):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, words + [name])
            elif action.option_strings and action.type is not None:
                out.append((words, action.option_strings[-1]))

    walk(build_parser(), [])
    return out


def test_every_flag_whose_value_does_not_parse_is_named(capsys):
    from llgsot.cli.main import main

    flags = _typed_flags()
    assert len(flags) >= 15  # response (11), table export (10), ...
    for words, flag in flags:
        for bad in ("abc", "nan", "1e-9,abc"):
            assert main(words + [flag, bad]) == 2, (words, flag, bad)
            err = capsys.readouterr().err.strip()
            assert "\n" not in err and f"argument {flag}:" in err, (words, flag, bad, err)


# -- results whose own error estimate exceeds them ---------------------------------------------
def test_an_unresolved_result_is_a_warning():
    from llgsot.measurements.checks import warn_unresolved

    with pytest.warns(UserWarning, match=r"B_FL = 1e-06 T has an error estimate 3e-06 T larger"):
        warn_unresolved({"B_DL": 2e-3, "B_DL_err": 1e-5, "B_FL": 1e-6, "B_FL_err": 3e-6},
                        ("B_DL", "B_FL"), "analyze_harmonic_hall", "T")
    with pytest.warns(UserWarning, match=r"xi_fmr = 0.1 +has an error estimate nan"):
        warn_unresolved({"xi_fmr": [0.2, 0.1], "xi_fmr_err": [0.01, math.nan]}, ("xi_fmr",),
                        "analyze_st_fmr", "")


def test_a_resolved_result_is_silent():
    import warnings

    from llgsot.measurements.checks import warn_unresolved

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_unresolved({"xi_fmr": [0.2, -0.1], "xi_fmr_err": [0.01, 0.02]}, ("xi_fmr",),
                        "analyze_st_fmr", "")


# -- values a user callable returns ---------------------------------------------------------------
@pytest.mark.parametrize("value, error", [(math.nan, ValueError), ("1e12", TypeError),
                                          (np.array([1.0, 2.0]), TypeError), (None, TypeError)])
def test_a_current_waveform_callable_is_checked_like_a_number(value, error):
    from llgsot.micromagnetics.term import MagnumSOTField

    term = MagnumSOTField(llgsot.ConstantSOT(0.1, 0.3), lambda t: value)
    with pytest.raises(error, match=r"current\(t=1e-09 s\) \(the value your callable returned\)"):
        term.current_at(1e-9)
    assert MagnumSOTField(llgsot.ConstantSOT(0.1, 0.3), lambda t: 2e11 * t / 1e-9).current_at(1e-9) == 2e11


# -- files: atomic, figures included ---------------------------------------------------------------
def test_no_module_saves_a_figure_or_sets_up_matplotlib_but_the_one_helper():
    pkg = ROOT / "llgsot"
    for path in pkg.rglob("*.py"):
        if path.name == "_figures.py":
            continue
        src = path.read_text()
        assert not re.search(r"\.savefig\(", src), path
        assert "matplotlib.use(" not in src, path


def test_an_interrupted_figure_leaves_no_file(tmp_path, monkeypatch):
    from llgsot._figures import pyplot, save_figure

    plt = pyplot()
    fig = plt.figure()
    final = tmp_path / "fig.png"

    def half_then_interrupt(path, **kw):
        Path(path).write_bytes(b"\x89PNG half")
        raise KeyboardInterrupt

    monkeypatch.setattr(fig, "savefig", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        save_figure(fig, final, close=True)
    assert list(tmp_path.iterdir()) == []


def test_a_process_killed_while_writing_a_figure_leaves_no_file(tmp_path):
    """SIGKILL while matplotlib writes (its savefig slowed down mid-file): the final name does
    not exist; only the hidden temporary file may remain."""
    final = tmp_path / "mz.png"
    script = (
        "import sys, time\n"
        "from llgsot._figures import pyplot, save_figure\n"
        "fig = pyplot().figure()\n"
        "real = fig.savefig\n"
        "def slow(path, **kw):\n"
        "    with open(path, 'wb') as f:\n"
        "        f.write(b'\\x89PNG partial'); f.flush()\n"
        "        print('writing', flush=True); time.sleep(60)\n"
        "fig.savefig = slow\n"
        f"save_figure(fig, {str(final)!r})\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, env=env) as proc:
        try:
            assert proc.stdout.readline().strip() == b"writing"
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert not final.exists()
    assert all(p.name.startswith(".llgsot-") for p in tmp_path.iterdir())


@pytest.mark.parametrize("words", [["micromag", "absent.toml", "-o"], ["demo", "-o"]])
def test_an_output_folder_is_checked_before_any_import_or_folder(tmp_path, capsys, words):
    from llgsot.cli.main import main

    blocker = tmp_path / "file"
    blocker.write_text("x")
    for target, match in ((blocker, "is a file, not a folder"),
                          (blocker / "sub", "is a file")):
        assert main(words + [str(target)]) == 2
        err = capsys.readouterr().err
        assert "-o/--output" in err and match in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_bad_output_path_is_reported_before_any_slow_import(tmp_path):
    """In a fresh interpreter: each command refuses an unwritable output before numba, xarray,
    scipy.optimize, torch or matplotlib are imported (scipy.constants is light), and before
    its config or data file is read (none exists here)."""
    bad = "/proc/llgsot-nowhere/out"
    commands = [["simulate", "x.toml", "-o", bad + ".nc"], ["diagram", "x.toml", "-o", bad + ".nc"],
                ["fit", "d.csv", "c.toml", "--plot", bad + ".png"],
                ["harmonic-hall", "x.toml", "--plot", bad + ".png"],
                ["st-fmr", "x.toml", "-o", bad + ".nc"], ["table", "build", "x.toml", "-o", bad + ".nc"],
                ["table", "plot", "t.nc", "-o", bad + ".png"],
                ["table", "export", "t.nc", "--format", "csv", "-o", bad + ".csv"],
                ["micromag", "x.toml", "-o", bad], ["demo", "-o", bad]]
    script = (
        "import sys, json\n"
        "from llgsot.cli.main import main\n"
        "out = []\n"
        f"for words in {commands!r}:\n"
        "    rc = main(words)\n"
        "    slow = ('numba', 'xarray', 'scipy.optimize', 'torch', 'matplotlib')\n"
        "    out.append([rc, sorted(m for m in slow if m in sys.modules)])\n"
        "print(json.dumps(out))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    import json

    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got == [[2, []]] * len(commands), list(zip(commands, got))
    assert res.stderr.count("cannot write") == len(commands)


def test_run_switching_checks_its_arguments_before_importing_magnum_np(monkeypatch):
    import llgsot.micromagnetics.switching as sw

    def no_import():
        raise AssertionError("magnum.np/torch imported before the arguments were checked")

    monkeypatch.setattr(sw, "magnumnp", no_import)
    for bad, match in ((dict(sample=-1.0), r"`sample` must be > 0"),
                       (dict(settle=0.0), r"`settle` must lie in \(0, 1\]"),
                       (dict(seed=1.5), r"`seed` must be an integer")):
        with pytest.raises(ValueError, match=match):
            sw.run_switching(_mm_layer(), llgsot.ConstantSOT(0.1, 0.3), llgsot.Pulse(1e11, 1e-9), **bad)
