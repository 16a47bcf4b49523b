"""The command line: JSON output, one-line errors with exit status 2, table commands."""
import json
import subprocess
import sys

import numpy as np
import pytest

import llgsot
from llgsot.cli.main import main

ARGS = ["response", "--m-eff", "0.8", "--alpha", "1.7e-11", "--delta-xc", "5e-3",
        "--impurity-density", "5e14", "--impurity-strength", "0.065", "--cutoff", "3",
        "--fermi-energy", "5.5e-3", "--theta", "0.7"]


def test_response_json_matches_library(capsys):
    assert main(ARGS + ["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = llgsot.response(llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0), 5.5e-3, 0.7)
    np.testing.assert_array_equal(np.array(out["K"]), r.K)
    np.testing.assert_array_equal(np.array(out["sigma"]), r.sigma)
    assert set(out["torque"]) == {"t1e", "t2e", "t1o", "t2o", "tau1e", "tau2e", "tau1o", "tau2o"}
    assert out["inputs"]["fermi_energy"] == 5.5e-3 and out["inputs"]["alpha"] == 1.7e-11
    assert "K_err" in out and "sigma_err" in out


def test_response_table_output(capsys):
    assert main(ARGS) == 0
    text = capsys.readouterr().out
    assert "1/(V m)" in text and "t1e" in text and "sigma (S)" in text


@pytest.mark.parametrize("bad,word", [(["--theta", "4"], "theta"), (["--cutoff", "-1"], "cutoff"),
                                      (["--approximation", "magic"], "approximation")])
def test_errors_are_one_line_exit_2(bad, word):
    args = list(ARGS)
    for i in range(0, len(bad), 2):
        if bad[i] in args:
            args[args.index(bad[i]) + 1] = bad[i + 1]
        else:
            args += [bad[i], bad[i + 1]]
    p = subprocess.run([sys.executable, "-m", "llgsot.cli.main", *args], capture_output=True, text=True)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and word in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_table_commands(tmp_path, capsys):
    cfg = tmp_path / "t.toml"
    cfg.write_text("""
[model]
m_eff = 0.8
alpha = 1.7e-11
delta_xc = 5e-3
impurity_density = 5e14
impurity_strength = 0.065
cutoff = 3.0
[table]
fermi_energy = 5.5e-3
theta = 9
""")
    out = tmp_path / "t.nc"
    assert main(["table", "build", str(cfg), "-o", str(out), "--no-progress"]) == 0
    assert main(["table", "show", str(out)]) == 0
    assert "solver_calls" in capsys.readouterr().out
    assert main(["table", "plot", str(out), "-o", str(tmp_path / "t.png")]) == 0
    assert (tmp_path / "t.png").stat().st_size > 10000
    for fmt in ("csv", "json"):
        assert main(["table", "export", str(out), "--format", fmt, "-o", str(tmp_path / f"t.{fmt}")]) == 0
    assert main(["table", "export", str(out), "--format", "mumax3", "-o", str(tmp_path / "t.mx3")]) == 2


@pytest.mark.parametrize("text,word", [
    ("[model]\nm_eff = 0.8\n", "model.alpha"),
    ("[model]\nm_eff = 0.8\nalpha=1.7e-11\ndelta_xc=5e-3\nimpurity_density=5e14\n"
     "impurity_strength=0.065\ncutoff=3.0\ncolour='red'\n[table]\nfermi_energy=5e-3\n", "model.colour"),
    ("[model]\nm_eff = 'heavy'\n", "model.m_eff"),
    ("[model]\nm_eff = 0.8\nalpha=1.7e-11\ndelta_xc=5e-3\nimpurity_density=5e14\n"
     "impurity_strength=0.065\ncutoff=3.0\n", "[table]"),
])
def test_config_errors_name_the_key(tmp_path, capsys, text, word):
    cfg = tmp_path / "c.toml"
    cfg.write_text(text)
    assert main(["table", "build", str(cfg), "-o", str(tmp_path / "x.nc")]) == 2
    assert word in capsys.readouterr().err


# -- robustness of the command line (issue 8 item 5) ----------------------------------------
import io  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
from contextlib import redirect_stderr, redirect_stdout  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "configs"
TABLE_TOML = EXAMPLES / "table_build.toml"


def run_cli(argv):
    """main(argv) in-process: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = main([str(a) for a in argv])
    return rc, out.getvalue(), err.getvalue()


def assert_one_line_error(rc, err, *words):
    assert rc == 2, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)


@pytest.fixture
def no_compute(monkeypatch):
    """Any table build or simulation fails the test: errors must come before computing."""
    import llgsot.dynamics
    import llgsot.tables.build

    def boom(*a, **k):
        raise AssertionError("computed before checking the arguments")

    monkeypatch.setattr(llgsot.tables.build, "build_table", boom)
    monkeypatch.setattr(llgsot.dynamics, "simulate", boom)
    monkeypatch.setattr(llgsot.studies, "critical_current", boom)
    monkeypatch.setattr(llgsot.studies, "switching_diagram", boom)


@pytest.mark.parametrize("target,word", [("/proc/x.nc", "/proc"), ("afile/x.nc", "is a file"),
                                         ("adir", "is a directory"), ("", "not a file name")])
def test_unwritable_output_refused_before_computing(tmp_path, no_compute, monkeypatch, target, word):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x")
    (tmp_path / "adir").mkdir()
    for cmd in (["table", "build", TABLE_TOML], ["diagram", EXAMPLES / "diagram.toml"],
                ["simulate", EXAMPLES / "simulate.toml"]):
        rc, _, err = run_cli(cmd + ["-o", target])
        assert_one_line_error(rc, err, "-o/--output", word)
    rc, _, err = run_cli(["simulate", EXAMPLES / "simulate.toml", "--plot", target or "x/"])
    assert_one_line_error(rc, err, "--plot")


def test_bad_config_files_are_named(tmp_path, no_compute):
    (tmp_path / "bin.toml").write_bytes(b"[model]\nm_eff = 0.8 # \xff\xfe\n")
    cases = [(tmp_path, "is a directory"), (tmp_path / "none.toml", "not found"),
             (tmp_path / "bin.toml", "not UTF-8")]
    for path, word in cases:
        for cmd in (["table", "build", path, "-o", tmp_path / "t.nc"], ["simulate", path],
                    ["critical-current", path], ["diagram", path, "-o", tmp_path / "d.nc"]):
            rc, _, err = run_cli(cmd)
            assert_one_line_error(rc, err, repr(str(path)), word)


def test_unknown_flag_reported_as_unknown():
    rc, _, err = run_cli(["table", "build", TABLE_TOML, "--ouput", "x.nc"])
    assert_one_line_error(rc, err, "unrecognized arguments: --ouput")
    assert "required" not in err
    # no abbreviations: --out is not --output
    rc, _, err = run_cli(["table", "build", TABLE_TOML, "--out", "x.nc"])
    assert_one_line_error(rc, err, "--out")
    rc, _, err = run_cli(["table", "build", TABLE_TOML])  # truly missing
    assert_one_line_error(rc, err, "required", "-o/--output")


def test_negative_numbers_in_scientific_notation():
    args = list(ARGS)
    args[args.index("--fermi-energy") + 1] = "-3e-3"
    args[args.index("--alpha") + 1] = "-1.7E-11"
    rc, out, err = run_cli(args + ["--json"])
    assert rc == 0, err
    d = json.loads(out)
    assert d["inputs"]["fermi_energy"] == -3e-3 and d["inputs"]["alpha"] == -1.7e-11
    # below the band bottom: the library's error, naming the argument, not argparse's
    args[args.index("--fermi-energy") + 1] = "-5e-2"
    rc, _, err = run_cli(args)
    assert_one_line_error(rc, err, "fermi_energy")


def _strict_loads(text):
    def refuse(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def test_json_is_strict():
    from llgsot.cli.config import strict_json

    doc = {"a": float("nan"), "b": [1.0, float("inf"), -float("inf")], "c": np.array([np.nan, 2.0]),
           "d": np.float32(1.5), "e": np.int64(3), "f": (np.bool_(True), None)}
    assert _strict_loads(strict_json(doc)) == {"a": None, "b": [1.0, None, None], "c": [None, 2.0],
                                               "d": 1.5, "e": 3, "f": [True, None]}


# -- configs a newcomer can write (issue 8 item 7) ---------------------------------------
def test_cli_reference_page_is_generated():
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "docs" / "cli.md").read_text()
    assert committed == gen.render(), "docs/cli.md is stale: run python docs/gen_cli.py"


def test_reference_lists_every_key_the_parser_reads():
    from llgsot.cli.config import COMMANDS, sections

    text = (ROOT / "docs" / "cli.md").read_text()
    secs = sections()
    for req, opt in COMMANDS.values():
        for name in req + opt:
            assert f"## [{name}]" in text
            for key in secs[name].keys:
                assert f"| `{key}` |" in text, (name, key)


def test_schema_defaults_come_from_the_library():
    """Defaults are those of the dataclasses and signatures, not copies."""
    import dataclasses
    import inspect

    from llgsot import Macrospin, Pulse, simulate
    from llgsot.cli.config import sections
    from llgsot.studies import critical_current

    secs = sections()
    for f in dataclasses.fields(Macrospin):
        key = secs["magnet"].keys[f.name]
        assert key.required == (f.default is dataclasses.MISSING)
        if not key.required:
            assert key.default == f.default
    assert secs["pulse"].keys["rise"].default == Pulse.__dataclass_fields__["rise"].default
    sig = inspect.signature(simulate).parameters
    for k in ("method", "temperature", "members", "save_every", "settle_tol"):
        assert secs["run"].keys[k].default == sig[k].default
    sig = inspect.signature(critical_current).parameters
    for k in ("rtol", "members", "max_evaluations"):
        assert secs["critical_current"].keys[k].default == sig[k].default


def test_example_table_build_writes_only_the_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    before = set(os.listdir(tmp_path))
    rc, out, err = run_cli(["table", "build", TABLE_TOML, "-o", "out/t.nc", "--no-progress"])
    assert rc == 0, err
    assert set(os.listdir(tmp_path)) == before
    assert os.listdir(tmp_path / "out") == ["t.nc"]
    ds = llgsot.load_table(tmp_path / "out" / "t.nc")
    # the config's model and grid reach the table: 9 equispaced angles of the Ta-like model
    np.testing.assert_allclose(ds.theta.values, np.linspace(0, np.pi, 9), rtol=0, atol=0)
    assert ds.attrs["m_eff"] == 0.8 and ds.attrs["impurity_strength"] == 0.065
    assert float(ds.attrs["rtol"]) == 1e-8  # build_table's default for tol = 1e-4, dilute


def test_example_simulate_switches(tmp_path):
    out = tmp_path / "run.nc"
    rc, text, err = run_cli(["simulate", EXAMPLES / "simulate.toml", "-o", out])
    assert rc == 0, err
    import xarray as xr

    with xr.open_dataset(out) as ds:
        m = ds["m"].values
        assert ds["current"].attrs["units"] == "A/m^2"
        # the pulse of the config: 1.5e12 A/m^2 on the flat top, 0 after it
        t = ds["time"].values
        J = ds["current"].values
        assert J[(t > 0.15e-9) & (t < 1.05e-9)].min() == 1.5e12 and J[t > 1.25e-9].max() == 0.0
    # started up, ends down (the critical current of this layer is ~0.7e12 A/m^2 < 1.5e12)
    assert m[0, 0, 2] == 1.0 and m[-1, 0, 2] < -0.9
    np.testing.assert_allclose(np.linalg.norm(m[:, 0], axis=-1), 1.0, rtol=1e-9, atol=0)


def test_example_critical_current(tmp_path):
    rc, out, err = run_cli(["critical-current", EXAMPLES / "critical_current.toml", "--json"])
    assert rc == 0, err
    d = _strict_loads(out)
    lo, hi = d["bracket"]
    # converged to the requested 5 % and bracketing: lo does not switch, hi does
    assert abs(hi - lo) <= 0.05 * abs(hi) and lo < d["critical_current"] < hi
    outcomes = {J: sw for J, sw, _ in d["history"]}
    assert outcomes[lo] is False and outcomes[hi] is True
    # a constant damping-like torque at a 10 mT in-plane field: J_c within a factor 2 of the
    # macrospin estimate J_c ~ (2|e| Ms d / (hbar theta_SH)) (B_K,eff / 2 - B_x / sqrt 2)
    from scipy.constants import e, hbar, mu_0

    bk = 2 * 0.7e6 / 1e6 - mu_0 * 1e6
    est = 2 * e * 1e6 * 1e-9 / (hbar * 0.3) * (bk / 2 - 0.01 / math.sqrt(2))
    assert 0.5 * est < d["critical_current"] < 2 * est


def test_example_diagram(tmp_path):
    out = tmp_path / "d.nc"
    rc, text, err = run_cli(["diagram", EXAMPLES / "diagram.toml", "-o", out, "--no-progress"])
    assert rc == 0, err
    import xarray as xr

    with xr.open_dataset(out) as ds:
        np.testing.assert_array_equal(ds["current"].values, np.linspace(0.5e12, 3e12, 3))
        np.testing.assert_array_equal(ds["field"].values, [0.005, 0.02])
        sw = ds["switched"].values
    # below the critical current (~0.7e12 A/m^2 at 10 mT) nothing switches
    assert sw[0].tolist() == [0.0, 0.0] and set(np.unique(sw)) <= {0.0, 1.0}


def test_response_other_models(capsys):
    """--kind picks the model; its keys are required, another model's are refused."""
    base = ["response", "--delta-xc", "10e-3", "--impurity-density", "5e14",
            "--impurity-strength", "0.05", "--cutoff", "1", "--fermi-energy", "0.03",
            "--theta", "0.7", "--json"]
    assert main(base + ["--kind", "dirac", "--velocity", "4e5"]) == 0
    out = json.loads(capsys.readouterr().out)
    r = llgsot.response(llgsot.DiracFM(4e5, 10e-3, 5e14, 0.05, 1.0), 0.03, 0.7)
    np.testing.assert_array_equal(np.array(out["K"]), r.K)
    assert main(base + ["--kind", "dirac", "--velocity", "4e5", "--alpha", "1e-11"]) == 2
    assert "--alpha" in capsys.readouterr().err
    assert main(base + ["--kind", "rashba_dresselhaus", "--m-eff", "0.8", "--alpha", "1e-11"]) == 2
    assert "--beta" in capsys.readouterr().err


def test_table_build_model_kind(tmp_path):
    cfg = tmp_path / "d.toml"
    cfg.write_text('[model]\nkind = "dirac"\nvelocity = 4e5\ndelta_xc = 10e-3\n'
                   'impurity_density = 5e14\nimpurity_strength = 0.05\ncutoff = 1.0\n'
                   '[table]\nfermi_energy = 0.03\ntheta = 3\n')
    out = tmp_path / "d.nc"
    assert main(["table", "build", str(cfg), "-o", str(out), "--no-progress"]) == 0
    assert llgsot.load_table(out).attrs["model_kind"] == "dirac"
    cfg.write_text(cfg.read_text().replace('kind = "dirac"', 'kind = "rashba"'))
    # a Rashba model without its keys: one-line error naming the missing key
    assert main(["table", "build", str(cfg), "-o", str(out), "--no-progress"]) == 2


def test_table_build_and_show_rashba_dresselhaus(tmp_path, capsys):
    """A model without full rotational symmetry: `table build` writes a sphere table and
    `table show` describes it (it has no single theta grid)."""
    cfg = tmp_path / "rd.toml"
    cfg.write_text('[model]\nkind = "rashba_dresselhaus"\nm_eff = 0.8\nalpha = 1.7e-11\n'
                   'beta = 0.34e-11\ndelta_xc = 10e-3\nimpurity_density = 5e14\n'
                   'impurity_strength = 0.05\ncutoff = 3.0\n'
                   '[table]\nfermi_energy = 0.02\ntol = 1e-2\nregime = "dilute"\n')
    out = tmp_path / "rd.nc"
    assert main(["table", "build", str(cfg), "-o", str(out), "--no-progress"]) == 0
    assert "sphere table of" in capsys.readouterr().out
    assert main(["table", "show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "azimuth lines" in shown and "C_2v" in shown
    t = llgsot.open_table(out)
    m = np.array([0.6, 0.0, 0.8])
    r = llgsot.response(llgsot.RashbaDresselhausFM(0.8, 1.7e-11, 0.34e-11, 10e-3, 5e14, 0.05, 3.0),
                        0.02, math.acos(0.8), phi=0.0)
    np.testing.assert_allclose(t.K(m), r.K, rtol=0, atol=3e-2 * np.abs(r.K).max())
