"""TorqueTable: K(m) and sigma(m) for any unit magnetization, from a tabulated Dataset.

Interpolation in theta is piecewise cubic Hermite (:mod:`.hermite`), with exact parities at
theta = 0 and pi and steps at bracketed jumps; azimuths follow from the rotation rule
K(th, ph) = R3(ph) K(th, 0) R2(ph)^T, sigma(th, ph) = R2 sigma(th, 0) R2^T
(:func:`llgsot.spinorbit.rotate`).
:meth:`TorqueTable.kernel_arrays` hands the same interpolant to the numba dynamics kernels.
"""
from __future__ import annotations

import os

import numpy as np

from .. import _validate as v
from .. import spinorbit
from . import schema
from .hermite import bessel_slopes, hermite_eval


class TorqueTable:
    """Interpolated response of one table (one Fermi energy and impurity strength).

    Parameters
    ----------
    source : xarray.Dataset or path
        A table from :func:`llgsot.build_table` or :func:`llgsot.load_table`. Tables with
        extra dimensions must be reduced first, e.g. ``ds.sel(fermi_energy=4.5e-3)``.
    """

    def __init__(self, source):
        #: absolute path of the file the table was read from (None for an in-memory Dataset)
        from .sphere.schema import is_sphere_table
        from .store import check_schema, table_source

        source, self.source_path = table_source(source)

        if is_sphere_table(source.attrs):
            raise ValueError("TorqueTable: this is a sphere table (llgsot_table_version "
                             f"{source.attrs.get('llgsot_table_version')!r}, lines over theta and "
                             "phi): open it with llgsot.open_table (which picks the interpolant by "
                             "version) or llgsot.SphereTable")
        check_schema(source, where="TorqueTable")
        extra = [d for d in schema.EXTRA_DIMS if d in source.dims]
        if extra:
            raise ValueError(f"the table has extra dimensions {extra}: select one value first, "
                             f"e.g. ds.sel({extra[0]}=...)")
        self.dataset = source
        self.theta = np.asarray(source["theta"].values, float)
        if self.theta[0] != 0.0 or abs(self.theta[-1] - np.pi) > 1e-12:
            raise ValueError("a TorqueTable needs theta to span [0, pi] exactly "
                             f"(got [{self.theta[0]!r}, {self.theta[-1]!r}])")
        self.values = schema.flat_values(source["K"].values, source["sigma"].values)
        self.jump_after = np.asarray(source["jump_after"].values[:-1], bool)
        self.slopes = bessel_slopes(self.theta, self.values, self.jump_after,
                                    schema.PARITY_ZERO, schema.PARITY_ZERO)
        self.delta_xc = float(source.attrs["delta_xc"])  # eV

    # -- azimuth 0 ------------------------------------------------------------------------
    def values_at(self, theta):
        """(..., 10) interpolated (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy) at phi = 0."""
        th = np.asarray(theta, float)
        out = hermite_eval(self.theta, self.values, self.slopes, self.jump_after, th.ravel())
        return out.reshape(th.shape + (10,))

    # -- any direction --------------------------------------------------------------------
    def K(self, m):
        """Spin-density response K(m) (..., 3, 2) in 1/(V m) for unit vectors m (..., 3)."""
        return self.K_and_sigma(m)[0]

    def sigma(self, m):
        """Sheet conductivity sigma(m) (..., 2, 2) in S for unit vectors m (..., 3)."""
        return self.K_and_sigma(m)[1]

    def K_and_sigma(self, m):
        """(K(m), sigma(m)) for unit vectors m (..., 3), by the rotation rule of
        :mod:`llgsot.spinorbit` from the interpolant at azimuth 0."""
        m = v.finite_array("m", m)
        if m.ndim == 0 or m.shape[-1] != 3:
            raise ValueError(f"`m` must have shape (..., 3), got {m.shape}")
        norm = np.linalg.norm(m, axis=-1)
        off = np.abs(norm - 1) > 1e-6
        if np.any(off):
            i = np.unravel_index(int(np.flatnonzero(off)[0]), norm.shape) if norm.ndim else ()
            raise ValueError(f"`m` must be unit vectors (|m| = 1 within 1e-6), got |m| = "
                             f"{float(norm[i]):.6g}" + (f" at index {i}" if norm.ndim else ""))
        theta, phi = spinorbit.angles(m)
        vals = self.values_at(theta)
        return spinorbit.rotate(*schema.unflatten(vals), phi)

    def kernel_arrays(self):
        """The interpolant as plain arrays for numba kernels (contract of the dynamics layer).

        Returns dict: "theta" (N,) non-decreasing with a jump shown as a repeated node whose
        two copies carry the left and right limits; "values" (N, 10) and "slopes" (N, 10) at
        phi = 0 (K entries in 1/(V m), then sigma entries in S, columns
        :data:`llgsot.tables.schema.TABLE_COLUMNS`); "delta_xc" in eV (the unit of the table;
        the one conversion to J is :func:`llgsot.spinorbit.sot_prefactor`'s).
        """
        th, val, slo = [], [], []
        n = len(self.theta)
        for i in range(n):
            if i > 0 and self.jump_after[i - 1]:
                continue  # right end of a jump: emitted with the duplicate below
            th.append(self.theta[i])
            val.append(self.values[i])
            slo.append(self.slopes[i])
            if i < n - 1 and self.jump_after[i]:
                mid = 0.5 * (self.theta[i] + self.theta[i + 1])
                # step at the midpoint: left limit then right limit at the same abscissa
                th.append(mid)
                val.append(self.values[i])
                slo.append(np.zeros(10))
                th.append(mid)
                val.append(self.values[i + 1])
                slo.append(np.zeros(10))
                th.append(self.theta[i + 1])
                val.append(self.values[i + 1])
                slo.append(self.slopes[i + 1])
        return {"theta": np.array(th), "values": np.array(val), "slopes": np.array(slo),
                "delta_xc": self.delta_xc}

    #: dataset attributes a table's provenance repeats (model, approximation, build)
    PROVENANCE_ATTRS = ("m_eff", "alpha", "delta_xc", "impurity_density", "impurity_strength",
                        "cutoff", "approximation", "regime", "temperature", "llgsot_version",
                        "created", "title")

    def provenance(self) -> dict:
        """Where this table comes from, as flat scalars for a results file's attrs: the
        model and build attributes of the dataset (:data:`PROVENANCE_ATTRS`, units as in
        the table file: eV, eV nm, eV nm^2, m^-2, nm^-1), every scalar coordinate (the
        selected ``fermi_energy`` in eV, ``impurity_strength``) and the source file."""
        a = self.dataset.attrs
        out = {k: a[k] for k in self.PROVENANCE_ATTRS if k in a}
        for name, c in self.dataset.coords.items():
            if c.ndim == 0:
                out[name] = c.values.item()
        src = self.source_path or self.dataset.encoding.get("source")  # xarray keeps the file
        out["source_path"] = os.path.abspath(src) if src else "(in-memory dataset)"
        return out

    def __repr__(self):
        a = self.dataset.attrs
        return (f"TorqueTable({len(self.theta)} angles, {a.get('approximation')}/{a.get('regime')}, "
                f"delta_xc={self.delta_xc:g} eV, jumps={int(self.jump_after.sum())})")


def open_table(source):
    """The interpolant of a torque table, whichever its kind: a
    :class:`~llgsot.tables.sphere.SphereTable` for a sphere table (table version 2, lines over
    theta and phi, :func:`llgsot.tables.sphere.schema.is_sphere_table`), a :class:`TorqueTable`
    otherwise (version 1, over theta alone). Both give K(m) in 1/(V m) and sigma(m) in S and
    drive :class:`llgsot.TableSOT`.

    Parameters
    ----------
    source : xarray.Dataset or path
        A table from :func:`llgsot.build_table`, :func:`llgsot.tables.sphere.build_sphere_table`
        or :func:`llgsot.load_table`, or the path of a table file. Tables with extra dimensions
        (fermi_energy in eV, impurity_strength) must be reduced first, e.g.
        ``ds.sel(fermi_energy=4.5e-3)``.

    Returns
    -------
    TorqueTable or SphereTable
    """
    from .sphere.schema import is_sphere_table
    from .sphere.table import SphereTable

    from .store import table_source

    source, path = table_source(source)
    table = SphereTable(source) if is_sphere_table(source.attrs) else TorqueTable(source)
    table.source_path = path
    return table
