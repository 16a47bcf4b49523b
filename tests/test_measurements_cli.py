"""``llgsot harmonic-hall`` and ``llgsot st-fmr``: the shipped example configs run, write a
dataset and a plot, and print strict JSON; config errors name the key."""
import json
import math
import os

import pytest
import xarray as xr

from llgsot.cli.main import main

CONFIGS = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "configs")


def test_harmonic_hall_example_config(tmp_path, capsys):
    out, png = tmp_path / "hh.nc", tmp_path / "hh.png"
    assert main(["harmonic-hall", os.path.join(CONFIGS, "harmonic_hall.toml"), "--json",
                 "-o", str(out), "--plot", str(png)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["method"] == "hayashi" and math.isfinite(res["B_DL"]) and math.isfinite(res["B_FL"])
    ds = xr.open_dataset(out)
    assert ds.R_2w.dims == ("field_azimuth", "field") and ds.attrs["torque_model"] == "table"
    ds.close()
    assert png.stat().st_size > 1000


def test_st_fmr_example_config(tmp_path, capsys):
    out, png = tmp_path / "fmr.nc", tmp_path / "fmr.png"
    assert main(["st-fmr", os.path.join(CONFIGS, "st_fmr.toml"), "-o", str(out), "--plot", str(png)]) == 0
    assert png.stat().st_size > 1000
    text = capsys.readouterr().out
    assert "xi_FMR" in text and "damping_eff" in text
    assert main(["st-fmr", os.path.join(CONFIGS, "st_fmr.toml"), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    # the config's spin Hall angle (0.1) is what Liu's analysis returns (see test_measurements_fmr)
    assert res["xi_fmr_mean"] == pytest.approx(0.1, rel=0.02)
    with xr.open_dataset(out) as ds:
        assert ds.V_mix.dims == ("frequency", "field")


@pytest.mark.parametrize("text, word", [
    ("[harmonic_hall]\ncurrent = 1e10\n", "fields"),
    ("[harmonic_hall]\ncurrent = 1e10\nfields = [0.1]\nbogus = 1\n", "bogus"),
    ("[harmonic_hall]\ncurrent = 1e10\nfields = [0.1, 0.2]\nanalysis = 'x'\n", "analysis"),
])
def test_config_errors_name_the_key(tmp_path, capsys, text, word):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[magnet]\nMs = 1e6\nthickness = 1e-9\narea = 1e-16\ndamping = 0.01\nKu = 1.2e6\n"
                   "[torque]\nkind = 'constant'\nspin_hall_angle = 0.1\n" + text)
    assert main(["harmonic-hall", str(cfg)]) == 2
    assert word in capsys.readouterr().err


# -- the sections are the library's signatures (docs/cli.md) -------------------------------
def test_sections_are_the_library_signatures():
    """Every keyword of harmonic_hall / st_fmr / fit_torques / FreeLayer / compare and
    run_switching is a key with the library's default; the command-line-only keys are few."""
    import dataclasses
    import inspect

    from llgsot import fit_torques, harmonic_hall, st_fmr
    from llgsot.cli.config import REQUIRED, sections
    from llgsot.micromagnetics.study import compare
    from llgsot.micromagnetics.switching import FreeLayer, run_switching

    secs = sections()

    def check(section, fn, skip, cli_only):
        params = {n: p for n, p in inspect.signature(fn).parameters.items() if n not in skip
                  and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
        keys = secs[section].keys
        assert set(params) <= set(keys) and set(keys) - set(params) <= set(cli_only), section
        for n, p in params.items():
            want = REQUIRED if p.default is inspect.Parameter.empty else p.default
            assert keys[n].default == want, (section, n)

    check("harmonic_hall", harmonic_hall, {"magnet", "torque"}, {"analysis"})
    check("st_fmr", st_fmr, {"magnet", "torque"}, {"analysis"})
    check("fit", fit_torques, {"theta", "phi", "data", "sigma", "model", "bounds"}, ())  # data, not keys
    check("study", compare, {"layer", "torques", "pulse", "on_run"},
          set(inspect.signature(run_switching).parameters) | {"threads", "compile"})
    check("study", run_switching, {"layer", "torque", "pulse", "amplitude", "progress"},
          set(inspect.signature(compare).parameters) | {"threads", "compile"})
    layer = secs["layer"].keys
    assert [f.name for f in dataclasses.fields(FreeLayer)] == list(layer)
    assert all(layer[f.name].default == f.default for f in dataclasses.fields(FreeLayer))


def test_a_new_library_parameter_becomes_a_key(monkeypatch):
    import llgsot.cli.config as config
    import llgsot.cli.sections
    import llgsot.measurements

    def harmonic_hall(magnet, torque, current, fields, knob=2.5, seed=None):
        """Stand-in.

        Parameters
        ----------
        knob : float
            A new keyword (units).
        """

    monkeypatch.setattr(llgsot.measurements, "harmonic_hall", harmonic_hall)
    monkeypatch.setattr(llgsot.cli.sections, "_CACHE", {})
    keys = config.sections()["harmonic_hall"].keys
    assert list(keys) == ["current", "fields", "knob", "seed", "analysis"]
    assert keys["knob"].default == 2.5 and keys["knob"].help == "A new keyword (units)."
    assert keys["seed"].kind == "integer" and keys["fields"].kind == "grid"


def test_a_key_left_out_is_not_passed(tmp_path, monkeypatch, capsys):
    import llgsot.measurements

    seen = {}

    def record(**kw):
        seen.update(kw)
        raise ValueError("recorded")

    monkeypatch.setattr(llgsot.measurements, "harmonic_hall", record)
    cfg = tmp_path / "c.toml"
    cfg.write_text("[magnet]\nMs = 1e6\nthickness = 1e-9\narea = 1e-16\ndamping = 0.01\nKu = 1.2e6\n"
                   "[torque]\nkind = 'constant'\nspin_hall_angle = 0.1\n"
                   "[harmonic_hall]\ncurrent = 1e10\nfields = [0.1, 0.2]\nm0 = [0, 0, 1]\n")
    assert main(["harmonic-hall", str(cfg)]) == 2
    assert "config [harmonic_hall]: recorded" in capsys.readouterr().err
    assert set(seen) == {"magnet", "torque", "current", "fields", "m0"}
    assert seen["m0"] == (0.0, 0.0, 1.0) and list(seen["fields"]) == [0.1, 0.2]


def test_simulation_is_written_before_an_analysis_that_fails(tmp_path, capsys):
    """One field azimuth cannot be analysed (Hayashi needs two sweeps): status 2 with the
    reason, but the dataset and the plot are on disk and the message says so."""
    cfg = tmp_path / "c.toml"
    cfg.write_text("[magnet]\nMs = 1e6\nthickness = 1e-9\narea = 1e-16\ndamping = 0.01\nKu = 1.2e6\n"
                   "[torque]\nkind = 'constant'\nspin_hall_angle = 0.1\n"
                   "[harmonic_hall]\ncurrent = 1e10\nfields = [-0.05, 0.0, 0.05]\n")
    out, png = tmp_path / "hh.nc", tmp_path / "hh.png"
    assert main(["harmonic-hall", str(cfg), "-o", str(out), "--plot", str(png)]) == 2
    err = capsys.readouterr().err
    assert "field_azimuth" in err and "the simulation was written" in err and str(out) in err
    with xr.open_dataset(out) as ds:
        assert ds.R_1w.dims == ("field",)
    assert png.stat().st_size > 1000


def test_analysis_options_section(tmp_path, capsys):
    """[hall_analysis] passes its keys to analyze_harmonic_hall: field_range keeps 21 of the
    example's 41 fields (|B| <= 0.05 T) and the result matches the library call."""
    import llgsot

    with open(os.path.join(CONFIGS, "harmonic_hall.toml")) as f:
        src = f.read()
    src = src.replace('table = "../../tables/fig4.nc"',
                      f'table = {os.path.abspath(os.path.join(CONFIGS, os.pardir, os.pardir, "tables", "fig4.nc"))!r}')
    cfg = tmp_path / "hh.toml"
    cfg.write_text(src + "\n[hall_analysis]\nfield_range = 0.05\ndegree = 1\n")
    out = tmp_path / "hh.nc"
    assert main(["harmonic-hall", str(cfg), "--json", "-o", str(out)]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["details"]["sweep_x"]["fit_fields"] == 21
    with xr.open_dataset(out) as ds:
        ref = llgsot.analyze_harmonic_hall(ds.load(), field_range=0.05, degree=1)
    assert res["B_DL"] == ref["B_DL"] and res["B_FL"] == ref["B_FL"]
    cfg.write_text(src + "\n[hall_analysis]\ndegree = 40\n")
    assert main(["harmonic-hall", str(cfg)]) == 2
    assert "hall_analysis" in capsys.readouterr().err
