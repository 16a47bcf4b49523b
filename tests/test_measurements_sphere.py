"""Harmonic Hall with sphere tables (issue 19 item 5): field azimuths and current directions.

Independent routes:

* a rotation-invariant response built as a sphere table (the shipped 1D table tables/fig4.nc,
  as in tests/test_sphere_tables.py) against the same measurement driven by the 1D table's own
  TableSOT path, at several current directions and field azimuths;
* the point group of an anisotropic (C_2v) table, applied to the whole experiment by hand.
  An operation g (3x3 R) maps the current j -> R j (polar), the field and m -> det(R) R B
  (axial), and the Hall resistance R_H = R_ahe m_z + 2 R_phe m_x' m_y' (x' = jhat,
  y' = z x jhat) -> det(R) R_H (for a vertical mirror R z = z, so z x R x' = -R y', and
  m_z -> -m_z: both terms flip). For the mirror M(x = y) of C_2v: current along [100] ->
  [010] (psi -> pi/2 - psi), a field B at azimuth phi -> -B at azimuth pi/2 - phi, the
  branch m_z > 0 -> m_z < 0, and R_1w, R_2w -> -R_1w, -R_2w. The mirror M(x = 0) (psi ->
  pi - psi, phi -> -phi, B -> B, m_z -> -m_z) and the 45 degree rotation are symmetries of a
  C_inf_v model only: a C_2v table must violate their relations.

Tolerances: the sphere table's stated interpolation error (``error_estimate``, relative to
its largest entry) times the largest |R_2w| of the run (R_2w is linear in B_SOT = P J K
sigma^-1 jhat), with a factor 2 for a maximum against the held-out midpoints and another 2
where two interpolated runs are compared.
"""
import math
from pathlib import Path

import numpy as np
import pytest

import llgsot
from llgsot.tables.sphere import SphereTable, build_sphere_table, c2v_rd

from test_sphere_tables import aniso_callable, iso_callable

FIG4 = Path(__file__).resolve().parent.parent / "tables" / "fig4.nc"
MAG = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.01, Ku=1.2e6)
J0 = 1e10
T_NM = 5e-9
B = np.linspace(-0.2, 0.2, 9)
R_PHE = 0.3


@pytest.fixture(scope="module")
def t1():
    return llgsot.TorqueTable(llgsot.load_table(FIG4).sel(fermi_energy=4.5e-3))


@pytest.fixture(scope="module")
def iso(t1):
    return SphereTable(build_sphere_table(iso_callable(t1), c2v_rd(), tol=1e-4, delta_xc=5e-3))


@pytest.fixture(scope="module")
def aniso(t1):
    return SphereTable(build_sphere_table(aniso_callable(t1), c2v_rd(), tol=2e-4, delta_xc=5e-3))


def hh(table, psi, azimuths, fields=B, mz=1.0):
    tq = llgsot.TableSOT(table, T_NM, current_direction=(math.cos(psi), math.sin(psi)))
    ds = llgsot.harmonic_hall(MAG, tq, J0, fields, field_azimuth=np.asarray(azimuths, float),
                              R_phe=R_PHE, current_direction=psi, m0=(0.0, 0.0, mz))
    assert ds.converged.values.all()
    return ds


@pytest.mark.parametrize("psi", [0.0, 0.6])
def test_rotation_invariant_sphere_table_reproduces_the_1d_harmonic_hall(t1, iso, psi):
    """Current along x and along 0.6 rad, fields along, across and at 0.4 rad from the
    current: both harmonics of the sphere table equal those of the 1D table."""
    az = psi + np.array([0.0, math.pi / 2, 0.4])
    a, b = hh(iso, psi, az), hh(t1, psi, az)
    scale = np.abs(b.R_2w.values).max()
    assert scale > 0
    print("sphere vs 1D, of max R_2w:", np.abs(a.R_2w.values - b.R_2w.values).max() / scale,
          np.abs(a.R_1w.values - b.R_1w.values).max() / scale)
    assert np.abs(a.R_2w.values - b.R_2w.values).max() <= 2 * iso.error_estimate * scale
    # R_1w moves with the equilibrium tilt only by the current's (tiny) second order
    assert np.abs(a.R_1w.values - b.R_1w.values).max() <= 2 * iso.error_estimate * scale
    # the measurement sees the field azimuth: the x' and y' sweeps differ
    assert np.abs(b.R_2w.values[0] - b.R_2w.values[1]).max() > 0.1 * scale


def test_c2v_table_obeys_its_mirror_and_breaks_the_others(iso, aniso):
    """The M(x = y) relation holds for the C_2v table; the M(x = 0) and 45 degree rotation
    relations, true for a C_inf_v response (checked on the rotation-invariant table), fail."""
    az = np.array([0.0, math.pi / 2, 0.4])
    out = {}
    for name, st in (("iso", iso), ("aniso", aniso)):
        a = hh(st, 0.0, az)
        scale = np.abs(a.R_2w.values).max()
        tol = 4 * st.error_estimate * scale
        mxy = hh(st, math.pi / 2, math.pi / 2 - az, fields=-B, mz=-1.0)  # M(x = y)
        mx0 = hh(st, math.pi, -az, mz=-1.0)  # M(x = 0)
        rot = hh(st, math.pi / 4, az + math.pi / 4)  # C_inf
        d = {k: max(np.abs(o.R_2w.values + s * a.R_2w.values).max(),
                    np.abs(o.R_1w.values + s * a.R_1w.values).max())
             for k, o, s in (("mxy", mxy, 1), ("mx0", mx0, 1), ("rot", rot, -1))}
        out[name] = d, tol, scale
        print(name, {k: f"{x / scale:.2e}" for k, x in d.items()}, "tol", f"{tol / scale:.2e}")
    d, tol, _ = out["iso"]
    assert d["mxy"] <= tol and d["mx0"] <= tol and d["rot"] <= tol
    d, tol, scale = out["aniso"]
    assert d["mxy"] <= tol
    assert d["mx0"] > 0.05 * scale and d["rot"] > 0.05 * scale
