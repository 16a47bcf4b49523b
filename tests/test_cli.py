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
