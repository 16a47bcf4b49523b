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
