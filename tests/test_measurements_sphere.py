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


# -- a Rashba + Dresselhaus table of the solver ---------------------------------------------
RD = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.065, cutoff=3.0)
DIRECTIONS = {"100": 0.0, "010": math.pi / 2, "110": math.pi / 4, "1-10": -math.pi / 4}


@pytest.fixture(scope="module")
def rd_table():
    """beta = alpha/2 at the Fig. 4 parameters, 10 meV (above every band edge: no jumps),
    tol 1e-2 (seconds)."""
    model = llgsot.RashbaDresselhausFM(beta=0.5 * RD["alpha"], **RD)
    ds = llgsot.build_table(model, 10e-3, tol=1e-2, regime="finite", progress=False,
                            executor="serial")
    return llgsot.open_table(ds)


def test_rd_table_hayashi_fields_follow_c2v(rd_table):
    """Hayashi's sweeps (|B| <= 0.05 T, R_phe = 0, both m_z branches s) with the current along
    [100], [010], [110], [1-10] of a Rashba + Dresselhaus table.

    (1) The extracted dB_x' = -s B_DL and dB_y' = B_FL_sot equal the table's own field at
    m = s z (TableSOT.field, no measurement) to 2e-3 of each parity's scale: the truncation
    of the small-sweep expansion is (B_max / B_K)^2 = 1.9e-3 before the polynomial removes it.
    (2) C_2v fixes the field at m = +-z (docs/measurements.md): the part even in s is
    b_R z x j + b_D (j_x, -j_y), the odd part d_R j + d_D (j_y, j_x), so in the current frame
    even = (b_D cos 2psi, b_R - b_D sin 2psi), odd = (d_R + d_D sin 2psi, d_D cos 2psi). Checked
    by the relations between the four directions, to the same tolerance plus the table's
    stated error; and b_D is not zero (the Dresselhaus field along a [100] current)."""
    B_K = MAG.effective_anisotropy_field()
    fields = np.linspace(-0.05, 0.05, 21)
    ext, true = {}, {}
    for name, psi in DIRECTIONS.items():
        tq = llgsot.TableSOT(rd_table, T_NM, current_direction=(math.cos(psi), math.sin(psi)))
        x = np.array([math.cos(psi), math.sin(psi), 0.0])
        y = np.array([-math.sin(psi), math.cos(psi), 0.0])
        for s in (1.0, -1.0):
            ds = llgsot.harmonic_hall(MAG, tq, J0, fields, field_azimuth=[psi, psi + math.pi / 2],
                                      current_direction=psi, m0=(0.0, 0.0, s))
            r = llgsot.analyze_harmonic_hall(ds)
            ext[name, s] = np.array([-s * r["B_DL"], r["B_FL_sot"]])
            B = tq.field(np.array([0.0, 0.0, s]), J0, MAG.Ms, MAG.thickness)
            true[name, s] = np.array([B @ x, B @ y])
    even = {k: 0.5 * (ext[k, 1.0] + ext[k, -1.0]) for k in DIRECTIONS}
    odd = {k: 0.5 * (ext[k, 1.0] - ext[k, -1.0]) for k in DIRECTIONS}
    se = max(np.abs(v).max() for v in even.values())
    so = max(np.abs(v).max() for v in odd.values())
    trunc = 2 * (0.05 / B_K) ** 2
    for k in DIRECTIONS:  # (1)
        te, to = 0.5 * (true[k, 1.0] + true[k, -1.0]), 0.5 * (true[k, 1.0] - true[k, -1.0])
        assert np.abs(even[k] - te).max() <= trunc * se, k
        assert np.abs(odd[k] - to).max() <= trunc * so, k
    tol_e = (trunc + 2 * rd_table.error_estimate) * se
    tol_o = (trunc + 2 * rd_table.error_estimate) * so
    b_D, b_R = even["100"]
    d_R, d_D = odd["100"]
    for k, psi in DIRECTIONS.items():  # (2)
        c, s2 = math.cos(2 * psi), math.sin(2 * psi)
        assert np.abs(even[k] - [b_D * c, b_R - b_D * s2]).max() <= 2 * tol_e, k
        assert np.abs(odd[k] - [d_R + d_D * s2, d_D * c]).max() <= 2 * tol_o, k
    assert b_D > 0.2 * b_R and abs(d_D) > 0.2 * abs(d_R)
    print({k: (even[k] * 1e6, odd[k] * 1e6) for k in DIRECTIONS})
