"""Torque tables: adaptive accuracy, jumps, symmetry, files, checkpoints, parallel builds."""
import math
import os
import subprocess
import sys
import textwrap
import time
import warnings

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

import llgsot
from llgsot import RashbaFM
from llgsot.constants import HBAR2_2ME_MEV_NM2
from llgsot.tables.schema import flat_values

FIG4 = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
            impurity_strength=0.065, cutoff=3.0)


@pytest.fixture(scope="module")
def fig4():
    return RashbaFM(**FIG4)


@pytest.fixture(scope="module")
def table_b(fig4):
    return llgsot.build_table(fig4, 5.5e-3, progress=False)


@pytest.fixture(scope="module")
def table_a(fig4):
    return llgsot.build_table(fig4, 4.5e-3, progress=False)


def _scale(values):
    s = np.abs(values).max(axis=0)
    s[:6] = np.maximum(s[:6], 1e-3 * s[:6].max())
    s[6:] = np.maximum(s[6:], 1e-3 * s[6:].max())
    return s


@pytest.mark.parametrize("which", ["a", "b"])
def test_interpolation_reproduces_direct_solves(fig4, table_a, table_b, which):
    """tol = 1e-4 relative per component, measured at angles that are not nodes, including
    next to the jump of Fig. 4(a) (outside its 1e-4 rad bracket)."""
    ds, eps = (table_a, 4.5e-3) if which == "a" else (table_b, 5.5e-3)
    tt = llgsot.TorqueTable(ds)
    rng = np.random.default_rng(7)
    th = np.sort(rng.uniform(0, np.pi, 150))
    jt = ds.theta.values[:-1][ds.jump_after.values[:-1] == 1]
    jr = ds.theta.values[1:][ds.jump_after.values[:-1] == 1]
    extra = [a - d for a in jt for d in (1e-5, 1e-4, 1e-3)] + [b + d for b in jr for d in (1e-5, 1e-4, 1e-3)]
    th = np.sort(np.r_[th, extra])
    ref = llgsot.response(fig4, eps, th)
    err = np.abs(tt.values_at(th) - flat_values(ref.K, ref.sigma)) / _scale(tt.values)
    assert err.max() <= 1e-4, err.max()


def test_jump_is_bracketed_where_the_upper_band_appears(table_a):
    """Fig. 4(a): eps = 4.5 meV enters the upper band when min_k E_+(k; theta) = eps. The
    band minimum lies on the k_y axis (kx = 0, by the k_x -> -k_x symmetry and convexity)."""
    c = HBAR2_2ME_MEV_NM2 / 0.8
    alpha, D = 17.0, 5.0

    def upper_min(th):
        dx, dz = D * math.sin(th), D * math.cos(th)
        f = lambda ky: c * ky**2 + math.sqrt((alpha * ky - dx) ** 2 + dz**2)  # noqa: E731
        return minimize_scalar(f, bounds=(-1, 1), method="bounded", options={"xatol": 1e-12}).fun

    from scipy.optimize import brentq
    theta_c = brentq(lambda t: upper_min(t) - 4.5, 0.3, 1.2, xtol=1e-12)
    J = table_a.jump_after.values[:-1] == 1
    lo, hi = table_a.theta.values[:-1][J], table_a.theta.values[1:][J]
    assert len(lo) == 2  # theta_c and pi - theta_c
    assert lo[0] - 1e-6 <= theta_c <= hi[0] + 1e-6 and hi[0] - lo[0] <= 1.01e-4
    assert lo[1] - 1e-6 <= math.pi - theta_c <= hi[1] + 1e-6
    assert table_a.attrs["solver_calls"] <= 400


def test_mirrored_half_equals_direct_solves_and_poles(fig4, table_b):
    """The builder solves on [0, pi/2] and mirrors with PARITY_HALF_PI; the mirrored half must
    equal direct solves at theta > pi/2 (a wrong parity sign would break this), within the
    stored error estimates."""
    th = table_b.theta.values
    pick = np.flatnonzero(th > np.pi / 2 + 0.05)[::7][:6]
    r = llgsot.response(fig4, 5.5e-3, th[pick], regime=table_b.attrs["regime"],
                        rtol=float(table_b.attrs["rtol"]))
    for name, direct, err in (("K", r.K, r.K_err), ("sigma", r.sigma, r.sigma_err)):
        stored = table_b[name].values[pick]
        bound = err + table_b[name + "_err"].values[pick] + 1e-12 * np.abs(stored).max()
        assert np.all(np.abs(stored - direct) <= bound), name
    tt = llgsot.TorqueTable(table_b)
    z = tt.K(np.array([[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]))
    # theta = 0: K_xx = K_yy, K_xy = -K_yx, K_z. = 0; at any azimuth (poles are continuous)
    for Kz in z:
        assert abs(Kz[0, 0] - Kz[1, 1]) <= 1e-12 * abs(Kz).max()
        assert abs(Kz[2]).max() <= 1e-12 * abs(Kz).max()
    for name in ("t1e", "t2e", "t1o", "t2o", "tau1e"):
        assert np.all(np.isfinite(table_b[name].values))


def test_K_of_m_matches_direct_rotated_solves(fig4, table_b):
    tt = llgsot.TorqueTable(table_b)
    rng = np.random.default_rng(3)
    m = rng.normal(size=(6, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    K = tt.K(m)
    S = tt.sigma(m)
    assert K.shape == (6, 3, 2) and S.shape == (6, 2, 2)
    scaleK = abs(table_b.K.values).max()
    for i in range(6):
        th = math.acos(m[i, 2])
        ph = math.atan2(m[i, 1], m[i, 0])
        r = llgsot.response(fig4, 5.5e-3, th, phi=ph)
        assert np.abs(K[i] - r.K).max() <= 1e-4 * scaleK
        assert np.abs(S[i] - r.sigma).max() <= 1e-4 * abs(r.sigma).max()
    with pytest.raises(ValueError, match="unit"):
        tt.K(np.array([0.0, 0.0, 2.0]))


def test_save_load_roundtrip_and_schema_errors(tmp_path, table_b):
    p = tmp_path / "t.nc"
    llgsot.save_table(table_b, p)
    assert [f for f in os.listdir(tmp_path) if f.endswith(".tmp")] == []
    back = llgsot.load_table(p)
    np.testing.assert_array_equal(back.K.values, table_b.K.values)
    for key in ("m_eff", "alpha", "delta_xc", "approximation", "regime", "llgsot_version", "created"):
        assert back.attrs[key] == table_b.attrs[key]
    bad = table_b.drop_vars("sigma")
    bad.to_netcdf(tmp_path / "bad.nc")
    with pytest.raises(ValueError, match="missing variables: sigma"):
        llgsot.load_table(tmp_path / "bad.nc")
    old = table_b.copy()
    old.attrs["llgsot_table_version"] = 99
    old.to_netcdf(tmp_path / "old.nc")
    with pytest.raises(ValueError, match="version 99"):
        llgsot.load_table(tmp_path / "old.nc")
    (tmp_path / "junk.nc").write_text("not netcdf")
    with pytest.raises(ValueError, match="not a readable netCDF"):
        llgsot.load_table(tmp_path / "junk.nc")


def test_extra_dimensions(fig4):
    ds = llgsot.build_table(fig4, [5.5e-3, 6.0e-3], theta=7, progress=False,
                            impurity_strength=[0.05, 0.065])
    assert ds.K.dims == ("fermi_energy", "impurity_strength", "theta", "spin", "field")
    r = llgsot.response(fig4, 6.0e-3, ds.theta.values[3])
    np.testing.assert_allclose(ds.K.sel(fermi_energy=6.0e-3, impurity_strength=0.065).values[3],
                               r.K, rtol=1e-12, atol=0)
    with pytest.raises(ValueError, match="extra dimensions"):
        llgsot.TorqueTable(ds)


def test_bad_build_arguments(fig4):
    with pytest.raises(ValueError, match="theta"):
        llgsot.build_table(fig4, 5e-3, theta=[0.3, 0.2], progress=False)
    with pytest.raises(ValueError, match="tol"):
        llgsot.build_table(fig4, 5e-3, tol=2.0, progress=False)
    with pytest.raises(ValueError, match="executor"):
        llgsot.build_table(fig4, 5e-3, theta=3, executor="gpu-cluster", progress=False)


def test_process_pool_build_equals_serial(fig4):
    a = llgsot.build_table(fig4, 5.5e-3, theta=9, executor="serial", progress=False)
    b = llgsot.build_table(fig4, 5.5e-3, theta=9, executor="processes", progress=False)
    np.testing.assert_array_equal(a.K.values, b.K.values)


def test_dask_localcluster_build(fig4):
    distributed = pytest.importorskip("distributed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                                      processes=True) as cluster, distributed.Client(cluster) as client:
            ds = llgsot.build_table(fig4, 5.5e-3, executor=client, progress=False)
    ref = llgsot.build_table(fig4, 5.5e-3, progress=False)
    np.testing.assert_array_equal(ds.theta.values, ref.theta.values)
    np.testing.assert_array_equal(ds.K.values, ref.K.values)


KILL_SCRIPT = textwrap.dedent("""
    import sys, llgsot
    m = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    ds = llgsot.build_table(m, 4.5e-3, theta={n}, regime="finite", executor="serial",
                            progress=False, checkpoint=sys.argv[1])
    print("calls", ds.attrs["solver_calls"], "reused", ds.attrs["reused_points"])
""")


def test_killed_build_resumes_from_checkpoint(tmp_path):
    n = 1200
    ck = tmp_path / "build.ckpt"
    script = tmp_path / "build.py"
    script.write_text(KILL_SCRIPT.format(n=n))
    # warm the numba cache first so that the timing below is about solving, not compiling
    subprocess.run([sys.executable, str(script), str(tmp_path / "warm.ckpt")], check=True,
                   capture_output=True, timeout=600)
    proc = subprocess.Popen([sys.executable, str(script), str(ck)], stdout=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        if ck.exists() and ck.read_text().count("\n") > 50:
            break
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    done = ck.read_text().count("\n") - 1
    assert 0 < done < n, done
    out = subprocess.run([sys.executable, str(script), str(ck)], check=True, capture_output=True,
                         text=True, timeout=600).stdout.split()
    calls, reused = int(out[1]), int(out[3])
    assert reused >= done - 1  # a torn last line may be lost, nothing else
    assert calls == n - reused


def test_checkpoint_of_another_build_is_refused(tmp_path, fig4):
    ck = tmp_path / "c.ckpt"
    llgsot.build_table(fig4, 5.5e-3, theta=3, progress=False, checkpoint=ck)
    with pytest.raises(ValueError, match="another build"):
        llgsot.build_table(fig4.with_(cutoff=4.0), 5.5e-3, theta=3, progress=False, checkpoint=ck)


# --- exporters: tests/test_exporters.py ----------------------------------------------------
def test_magnumnp_term_evaluated_by_magnumnp(table_b):
    magnumnp = pytest.importorskip("magnumnp")
    import torch

    from llgsot.constants import MU0
    from llgsot.export import Device
    from llgsot.export.magnumnp import MagnumSOTField

    tt = llgsot.TorqueTable(table_b)
    mesh = magnumnp.Mesh((3, 2, 1), (2e-9, 2e-9, 1e-9))
    state = magnumnp.State(mesh)
    state.material = {"Ms": 8e5}
    rng = np.random.default_rng(5)
    m = rng.normal(size=(3, 2, 1, 3))
    m /= np.linalg.norm(m, axis=-1, keepdims=True)
    state.m = torch.tensor(m, dtype=torch.float64)
    term = MagnumSOTField(tt, nm_thickness=4e-9, thickness=1e-9, current_density=1.5e11,
                          direction=0.0)
    h = term.h(state).cpu().numpy()
    ref = Device(8e5, 1e-9, 4e-9, 1.5e11).field(tt, m.reshape(-1, 3)).reshape(m.shape) / MU0
    np.testing.assert_allclose(h, ref, rtol=1e-12, atol=0)
    # magnum.np's own LLG right-hand side, with the term next to one of its own field terms
    state.material = {"Ms": 8e5, "alpha": 0.1}  # magnum.np's name for the Gilbert damping
    llg = magnumnp.LLGSolver([term, magnumnp.ExternalField([0.0, 0.0, 1e5])])
    dm = llg.dm(0.0, state.m, state).cpu().numpy()
    from magnumnp.common import constants

    H = ref + np.array([0.0, 0.0, 1e5])
    g = constants.gamma / (1 + 0.1**2)
    mxh = np.cross(m, H)
    np.testing.assert_allclose(dm, -g * mxh - 0.1 * g * np.cross(m, mxh), rtol=1e-10,
                               atol=1e-12 * np.abs(g * mxh).max())


def test_results_from_a_table_name_their_table(tmp_path):
    """A results file made from a table says which table: the selected Fermi energy, the
    model, the approximation and the file, whatever route built the TorqueTable."""
    path = os.path.join(os.path.dirname(__file__), "..", "tables", "fig4.nc")
    sel = llgsot.load_table(path).sel(fermi_energy=0.0055)
    for table in (llgsot.TorqueTable(sel), llgsot.TorqueTable(sel.copy())):
        prov = table.provenance()
        assert prov["fermi_energy"] == 0.0055
        assert prov["source_path"] == os.path.abspath(path)
        assert prov["approximation"] == sel.attrs["approximation"]
        assert prov["m_eff"] == sel.attrs["m_eff"]
    mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.05, Ku=1.2e6)
    ds = llgsot.harmonic_hall(mag, llgsot.TableSOT(llgsot.TorqueTable(sel), 5e-9), 1e11, [0.02, 0.05])
    assert ds.attrs["torque_table_fermi_energy"] == 0.0055
    assert ds.attrs["torque_table_source_path"] == os.path.abspath(path)
    out = tmp_path / "hh.nc"
    ds.to_netcdf(out)  # every provenance value is a netCDF attribute type
    import xarray as xr
    with xr.open_dataset(out) as back:
        assert back.attrs["torque_table_regime"] == sel.attrs["regime"]
