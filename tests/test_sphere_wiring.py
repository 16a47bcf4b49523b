"""Sphere tables wired into the package (issue 19): opening a table by its version, the
dynamics kernels (the sphere path against its numpy reference and against the 1D path), a
switching simulation driven by an anisotropic table.

Independent routes as in tests/test_sphere_tables.py: the shipped 1D table (tables/fig4.nc)
and its own TableSOT path for a rotation-invariant sphere table; ``spinorbit.table_field`` on
the sphere interpolant's K and sigma for the kernel's field.
"""
from pathlib import Path

import numpy as np
import pytest

import llgsot
from llgsot.tables.sphere import SphereTable, build_sphere_table, c2v_rd, c_nv

from test_sphere_tables import aniso_callable, iso_callable

FIG4 = Path(__file__).resolve().parent.parent / "tables" / "fig4.nc"


@pytest.fixture(scope="module")
def t1():
    return llgsot.TorqueTable(llgsot.load_table(FIG4).sel(fermi_energy=4.5e-3))


@pytest.fixture(scope="module")
def iso_ds(t1):
    """The 1D table's response built as a sphere table with C_2v lines (8 lines, 2 solved)."""
    return build_sphere_table(iso_callable(t1), c2v_rd(), tol=1e-4, delta_xc=5e-3)


@pytest.fixture(scope="module")
def aniso_ds(t1):
    return build_sphere_table(aniso_callable(t1), c2v_rd(), tol=2e-4, delta_xc=5e-3)


def test_open_table_picks_the_interpolant_by_version(tmp_path, t1):
    ds = build_sphere_table(iso_callable(t1), c_nv(None), tol=1e-4, delta_xc=5e-3)
    st = llgsot.open_table(ds)
    assert isinstance(st, SphereTable) and st.source_path is None
    path = tmp_path / "sphere.nc"
    llgsot.save_table(ds, path)
    back = llgsot.open_table(path)
    assert isinstance(back, SphereTable) and back.source_path == str(path.resolve())
    m = np.array([[0.6, 0.0, 0.8], [0.0, -0.6, -0.8]])
    assert np.array_equal(back.K(m), st.K(m))
    one = llgsot.open_table(llgsot.load_table(FIG4).sel(fermi_energy=4.5e-3))
    assert type(one) is llgsot.TorqueTable
    assert np.array_equal(one.values, t1.values)
    with pytest.raises(ValueError, match="sphere table.*llgsot.open_table"):
        llgsot.TorqueTable(ds)
    with pytest.raises(ValueError, match="sphere table.*llgsot.open_table"):
        llgsot.TorqueTable(path)
    with pytest.raises(ValueError, match="`source`"):
        llgsot.open_table(3)
