"""Spin-orbit torque models for the macrospin: constant efficiencies, or a torque table.

Both enter the LLG as an effective field B_SOT (tesla), proportional to the current density
J(t) (A/m^2), added to the other fields (docs/physics.md sections 3 and 5).

* :class:`ConstantSOT`: B_SOT = b_DL (m x p) + b_FL p with b_DL = hbar theta_SH J / (2 |e| Ms d)
  and b_FL = field_like_ratio * b_DL; p is the spin polarization (unit vector).
* :class:`TableSOT`: B_SOT = Delta_xc K(m) sigma(m)^-1 (J t_NM jhat) / (Ms d) with K, sigma
  from a torque table (the TorqueTable contract, ``table.kernel_arrays()``), or from a sphere
  table (:class:`~llgsot.tables.sphere.SphereTable`, K and sigma over theta and phi).

Sign conventions. With b_DL > 0 the damping-like torque -gamma m x (b_DL m x p) =
gamma b_DL (p - (m.p) m) turns m toward +p. A table whose spin response is
K E = c_FL (z x E) + c_DL m x (z x E) gives exactly the ConstantSOT field with
p = z x jhat (p = +y for a current along +x), b_DL = Delta_xc c_DL J t_NM / (sigma0 Ms d) and
b_FL = Delta_xc c_FL J t_NM / (sigma0 Ms d) for sigma = sigma0 * identity (docs/dynamics.md).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _validate as v
from .. import spinorbit
from ..constants import EV
from ..tables.hermite import hermite_eval_nodes, hermite_power_coefficients
from ..tables.schema import TABLE_COLUMNS, unflatten
from . import kernels
from .magnet import Macrospin, unit_vector

REQUIRED_TABLE_KEYS = ("theta", "values", "slopes")
#: the exchange splitting: "delta_xc" in eV (what TorqueTable gives), or "delta_xc_J" in J
#: (accepted for tables written against the first version of the contract)
DELTA_XC_KEYS = ("delta_xc", "delta_xc_J")


class Torque:
    """Base class of the macrospin's torque objects: the interface the rest of the package
    uses (the simulation, the studies, the measurements, the micromagnetic term).

    A torque enters the LLG as an effective field B(m, J) in tesla, a function of the unit
    magnetization m and of the charge current density J (A/m^2) in the normal metal, added
    to the other fields (docs/physics.md sec. 5). This class only declares the interface, as
    scipy's ``OdeSolver`` does; a subclass implements every method below and sets ``kind``.

    Attributes
    ----------
    kind : int
        The compiled kernels' code of the field (one of ``kernels.KIND_*``).

    Methods
    -------
    field(m, current_density, Ms, thickness)
        B(m) (..., 3) in tesla: the numpy reference the compiled kernels are tested against.
    kernel_setup(magnet)
        (entries of :data:`~.kernels.PARAMS` by name, geom, coef): the numbers the compiled
        kernels evaluate the field from, for a :class:`~.magnet.Macrospin`.
    max_field(magnet, J_max)
        An upper bound (T) on |B| for |J| <= J_max (A/m^2): step sizes and checks.
    as_attrs()
        The torque's parameters as flat ``torque_*`` attributes of a results file.
    """

    kind = kernels.KIND_NONE

    def field(self, m, current_density, Ms, thickness):
        """B(m) (..., 3) in tesla for unit m (..., 3); J (A/m^2), Ms (A/m) and the free-layer
        thickness d (m) scalars or arrays broadcastable to m[..., 0]."""
        raise NotImplementedError

    def kernel_setup(self, magnet: Macrospin):
        """(fields of :data:`~.kernels.PARAMS` by name, geom, coef) for the kernels."""
        raise NotImplementedError

    def max_field(self, magnet: Macrospin, J_max: float) -> float:
        """Largest |B| (T) at |J| <= J_max (A/m^2)."""
        raise NotImplementedError

    def as_attrs(self) -> dict:
        """The parameters as ``torque_*`` attributes (numbers, strings, lists)."""
        raise NotImplementedError


class ConstantSOT(Torque):
    """Damping-like and field-like SOT with constant efficiencies.

    B_SOT = b_DL (m x p) + b_FL p, b_DL = hbar theta_SH J / (2 |e| Ms d), b_FL = ratio * b_DL
    (tesla; J in A/m^2, Ms in A/m, d the free-layer thickness in m).

    Parameters
    ----------
    spin_hall_angle : float
        Effective spin Hall angle theta_SH (dimensionless, any sign).
    field_like_ratio : float
        b_FL / b_DL (dimensionless).
    polarization : 3 numbers
        Spin polarization p (normalised here). For a current along the in-plane unit vector
        jhat, p = z x jhat matches :class:`TableSOT`'s convention; default (0, 1, 0) is the
        polarization of a current along +x.
    """

    kind = kernels.KIND_CONSTANT

    def __init__(self, spin_hall_angle, field_like_ratio=0.0, polarization=(0.0, 1.0, 0.0)):
        self.spin_hall_angle = v.finite_scalar("spin_hall_angle", spin_hall_angle)
        self.field_like_ratio = v.finite_scalar("field_like_ratio", field_like_ratio)
        self.polarization = unit_vector("polarization", polarization)

    def damping_like_field(self, magnet: Macrospin, J: float) -> float:
        """b_DL (T) for the current density J (A/m^2): hbar theta_SH J / (2 |e| Ms d)."""
        return float(spinorbit.spin_hall_field(self.spin_hall_angle, J, magnet.Ms, magnet.thickness))

    def field(self, m, current_density, Ms, thickness):
        """B_SOT(m) = b_DL (m x p) + b_FL p (..., 3) in tesla (the numpy reference).

        m: unit vectors (..., 3); current_density J (A/m^2), Ms (A/m) and thickness d (m) of
        the free layer: scalars or arrays broadcastable to m[..., 0].
        """
        b_dl = spinorbit.spin_hall_field(self.spin_hall_angle, current_density, Ms, thickness)
        return spinorbit.constant_field(m, b_dl, self.field_like_ratio * b_dl, self.polarization)

    def kernel_setup(self, magnet: Macrospin):
        """(fields of :data:`~.kernels.PARAMS` by name, geom, coef) for the kernels."""
        cdl = self.damping_like_field(magnet, 1.0)
        px, py, pz = self.polarization
        entries = dict(kind=kernels.KIND_CONSTANT, cdl=cdl, cfl=self.field_like_ratio * cdl,
                       px=px, py=py, pz=pz)
        return entries, *kernels.empty_table()

    def max_field(self, magnet: Macrospin, J_max: float) -> float:
        """Largest |B_SOT| (T) at |J| <= J_max."""
        return abs(self.damping_like_field(magnet, J_max)) * math.hypot(1.0, self.field_like_ratio)

    def as_attrs(self) -> dict:
        return {"torque_model": "constant", "torque_spin_hall_angle": self.spin_hall_angle,
                "torque_field_like_ratio": self.field_like_ratio,
                "torque_polarization": list(self.polarization)}

    def __repr__(self):
        return (f"ConstantSOT(spin_hall_angle={self.spin_hall_angle:g}, "
                f"field_like_ratio={self.field_like_ratio:g}, polarization={self.polarization})")


class TableSOT(Torque):
    """SOT from a torque table: B_SOT = Delta_xc K(m) sigma(m)^-1 (J t_NM jhat) / (Ms d).

    Parameters
    ----------
    table : TorqueTable, SphereTable (or any object with ``kernel_arrays()``)
        ``kernel_arrays()`` must return "theta" (N,) nodes in [0, pi] (non-decreasing, a node
        repeated once marks a jump), "values" and "slopes" (N, 10): K_xx, K_xy, K_yx, K_yy,
        K_zx, K_zy (1/(V m)) and sigma_xx, sigma_xy, sigma_yx, sigma_yy (S) at azimuth 0 and
        their theta-derivatives, and "delta_xc", the exchange splitting in eV ("delta_xc_J"
        in J is accepted too). A :class:`~llgsot.tables.sphere.SphereTable` (its arrays have
        "poles") gives K(m) and sigma(m) over the whole sphere, for models without full
        rotational symmetry: its own interpolant in theta and phi, kernel kind
        ``KIND_SPHERE`` (:mod:`llgsot.dynamics.sphere_kernel`), "exact" representation only.
    nm_thickness : float
        Normal-metal thickness t_NM (m): the sheet current is J t_NM (A/m).
    current_direction : 2 or 3 numbers
        In-plane current direction jhat (normalised here; a z component is refused).
    representation : "exact" or "four-term"
        "exact" (default): the table's own cubic Hermite interpolant in theta, rotated to the
        azimuth of m, with sigma(m)^-1 solved at every evaluation. "four-term": the same field
        written in the four-term form of (P-3), whose coefficients (functions of m_z^2 only)
        are resampled once on a uniform grid of ``grid_points`` nodes in m_z^2; the kernel
        then needs no square root, inverse trigonometry, search or 2x2 solve (about twice as
        fast). It reproduces the exact field's component perpendicular to m (the only part
        that acts on m) to ~1e-7 of its largest value, except within one grid cell of a jump
        of the table, which it turns into a linear ramp (docs/dynamics.md).
    grid_points : int
        Nodes of the uniform m_z^2 grid of the "four-term" representation.
    """

    kind = kernels.KIND_TABLE

    def __init__(self, table, nm_thickness, current_direction=(1.0, 0.0), representation="exact",
                 grid_points=16385):
        self.nm_thickness = v.positive("nm_thickness", nm_thickness, "m")
        d = v.finite_array("current_direction", current_direction)
        if d.shape == (3,):
            if d[2] != 0.0:
                raise ValueError(f"`current_direction` must be in-plane (z = 0), got {current_direction!r}")
            d = d[:2]
        self.current_direction = unit_vector("current_direction", d, dim=2)
        if not hasattr(table, "kernel_arrays"):
            raise ValueError("`table` must provide kernel_arrays() (a TorqueTable)")
        arrays = table.kernel_arrays()
        if "poles" in arrays:  # a sphere table: lines over theta at equispaced azimuths
            self._init_sphere(table, arrays, representation)
            return
        missing = [k for k in REQUIRED_TABLE_KEYS if k not in arrays]
        if not any(k in arrays for k in DELTA_XC_KEYS):
            missing.append(" or ".join(DELTA_XC_KEYS))
        if missing:
            raise ValueError(f"`table` lacks the variable(s) {', '.join(missing)} needed by TableSOT "
                             f"(kernel_arrays() must provide {', '.join(REQUIRED_TABLE_KEYS)} and "
                             f"{' or '.join(DELTA_XC_KEYS)})")
        self.theta, self.values, self.slopes = _check_table(arrays)
        #: exchange splitting Delta_xc (eV), as everywhere in the public API; converted to J
        #: once, in :func:`llgsot.spinorbit.sot_prefactor`
        if "delta_xc" in arrays:
            self.delta_xc = v.positive("delta_xc", arrays["delta_xc"], "eV")
        else:
            self.delta_xc = v.positive("delta_xc_J", arrays["delta_xc_J"], "J") / EV
        self.table = table
        th = self.theta
        width = np.diff(th)
        geom = np.zeros((th.size, 3))
        geom[:, 0] = th
        geom[:, 1] = np.cos(th)
        geom[:, 2] = np.sin(th)
        self._geom = geom
        self._coef = hermite_power_coefficients(th, self.values, self.slopes)
        w = width.max()
        self._fast = (kernels.SERIES_TINY if w <= kernels.TINY_SERIES_MAX_WIDTH
                      else kernels.SERIES_SMALL if w <= kernels.FAST_SERIES_MAX_WIDTH
                      else kernels.SERIES_NONE)
        self.representation = v.choice("representation", representation, ("exact", "four-term"))
        if self.representation == "four-term":
            n = v.count("grid_points", grid_points, min=16)
            self._coef4 = _four_term_coefficients(self, n)
            self._n4 = n

    def _init_sphere(self, table, arrays, representation):
        from .sphere_kernel import kernel_arrays

        self.representation = v.choice("representation", representation, ("exact", "four-term"))
        if self.representation == "four-term":
            raise ValueError("representation='four-term' needs a rotation-invariant table over theta "
                             "(a TorqueTable): the four-term form does not hold for a sphere table; "
                             "use representation='exact'")
        self.kind = kernels.KIND_SPHERE
        self.table = table
        self.delta_xc = v.positive("delta_xc", arrays["delta_xc"], "eV")
        self.n_lines = int(np.asarray(arrays["nodes"]).shape[0])
        #: every line's nodes (rad): where max_field samples
        self.theta = np.unique(np.asarray(arrays["nodes"], float))
        self._geom, self._coef = kernel_arrays(arrays)

    @property
    def sphere(self) -> bool:
        """True for a sphere table (K, sigma over theta and phi)."""
        return self.kind == kernels.KIND_SPHERE

    def prefactor(self, Ms, thickness):
        """P = Delta_xc t_NM / (Ms d) (J m^2/A): B_SOT = P J K sigma^-1 jhat (tesla)."""
        return spinorbit.sot_prefactor(self.delta_xc, self.nm_thickness, Ms, thickness)

    def K_and_sigma(self, m):
        """K(m) (..., 3, 2) in 1/(V m) and sigma(m) (..., 2, 2) in S from the table's exact
        interpolant (the one the "exact" kernel evaluates), for unit m (..., 3)."""
        m = np.asarray(m, float)
        theta, phi = spinorbit.angles(m)
        if self.sphere:
            return unflatten(self.table.values_at(theta, phi))
        vals = hermite_eval_nodes(self.theta, self.values, self.slopes, theta.ravel())
        K0, S0 = unflatten(vals.reshape(theta.shape + (len(TABLE_COLUMNS),)))
        return spinorbit.rotate(K0, S0, phi)

    def field(self, m, current_density, Ms, thickness):
        """B_SOT(m) = Delta_xc K(m) sigma(m)^-1 (J t_NM jhat) / (Ms d) (..., 3) in tesla: the
        numpy reference of the compiled kernels (both representations) and the torch term.

        m: unit vectors (..., 3); current_density J (A/m^2), Ms (A/m) and thickness d (m) of
        the free layer: scalars or arrays broadcastable to m[..., 0].
        """
        K, S = self.K_and_sigma(m)
        return spinorbit.table_field(K, S, current_density, self.current_direction,
                                     self.prefactor(Ms, thickness))

    def kernel_setup(self, magnet: Macrospin):
        """(fields of :data:`~.kernels.PARAMS` by name, geom, coef) for the kernels."""
        pref = float(self.prefactor(magnet.Ms, magnet.thickness))
        jx, jy = self.current_direction
        if self.sphere:
            return dict(kind=kernels.KIND_SPHERE, pref=pref, jx=jx, jy=jy), self._geom, self._coef
        if self.representation == "four-term":
            entries = dict(kind=kernels.KIND_TABLE4, pref=pref, jx=jx, jy=jy,
                           tab_n=self._n4, tab_du=1.0 / (self._n4 - 1))
            return entries, self._geom, self._coef4
        entries = dict(kind=kernels.KIND_TABLE, pref=pref, jx=jx, jy=jy, tab_fast=self._fast)
        return entries, self._geom, self._coef

    def max_field(self, magnet: Macrospin, J_max: float) -> float:
        """Largest |B_SOT| (T) at |J| <= J_max, sampled at the nodes, midpoints and 16 azimuths
        (a sphere table: its lines and the midpoints between them, at least 16)."""
        if J_max == 0.0:
            return 0.0
        th = np.unique(np.concatenate([self.theta, 0.5 * (self.theta[1:] + self.theta[:-1])]))
        ph = np.linspace(0.0, 2 * np.pi, max(16, 2 * self.n_lines) if self.sphere else 16,
                         endpoint=False)
        T, P = np.meshgrid(th, ph, indexing="ij")
        m = spinorbit.magnetization(T, P)
        if self.sphere:  # ~1e6 points: the compiled kernel (the numpy field is its reference)
            from .sphere_kernel import sot_sphere_many

            m = np.ascontiguousarray(m.reshape(-1, 3))
            B = np.empty_like(m)
            jx, jy = self.current_direction
            sot_sphere_many(m, float(J_max), jx, jy, float(self.prefactor(magnet.Ms, magnet.thickness)),
                            self._geom, self._coef, B)
        else:
            B = self.field(m, J_max, magnet.Ms, magnet.thickness)
        return float(np.max(np.linalg.norm(B, axis=-1)))

    def as_attrs(self) -> dict:
        return {"torque_model": "table", "torque_nm_thickness": self.nm_thickness,
                "torque_current_direction": list(self.current_direction),
                "torque_delta_xc": self.delta_xc, "torque_table_nodes": int(self.theta.size),
                "torque_table": repr(self.table)[:200], **self._table_provenance(),
                **({"torque_table_lines": self.n_lines} if self.sphere else {})}

    def _table_provenance(self) -> dict:
        """The table's provenance (:meth:`TorqueTable.provenance`) under ``torque_table_*``
        keys, for tables that have it (any object with ``kernel_arrays()`` is accepted)."""
        prov = getattr(self.table, "provenance", None)
        if prov is None:
            return {}
        return {f"torque_table_{k}": val for k, val in prov().items()}

    def __repr__(self):
        if self.sphere:
            return (f"TableSOT(sphere table of {self.n_lines} lines, nm_thickness={self.nm_thickness:g}, "
                    f"current_direction={self.current_direction})")
        return (f"TableSOT({self.theta.size}-node table, nm_thickness={self.nm_thickness:g}, "
                f"current_direction={self.current_direction})")


def _four_term_coefficients(sot, n):
    """Linear-interpolation data (n - 1, 8) of the (P-4) coefficients a_i(u), u = m_z^2, of
    A = K sigma^-1 on a uniform grid of n nodes: columns 0-3 the values at node i in
    :data:`llgsot.spinorbit.FOUR_TERM_ORDER`, 4-7 their slopes on cell i. The removable poles
    at theta = 0 (u = 1) and pi/2 (u = 0) are limits (:func:`llgsot.spinorbit.coefficients`);
    a jump of the table becomes a linear ramp across one grid cell.
    """
    u = np.linspace(0.0, 1.0, n)
    theta = np.arccos(np.sqrt(u))  # in [0, pi/2]
    columns = []
    for e in ((1.0, 0.0), (0.0, 1.0)):
        def A_column(th, e=e):
            K, S = sot.K_and_sigma(spinorbit.magnetization(th))
            return spinorbit.response_per_current(K, S, e)
        columns.append(A_column)

    def A_of_theta(th):  # A = K sigma^-1 (k, 3, 2) at azimuth 0
        return np.stack([columns[0](th), columns[1](th)], -1)

    c = spinorbit.coefficients(A_of_theta, theta)
    a = np.stack([c[name] for name in spinorbit.FOUR_TERM_ORDER], -1)
    coef = np.empty((n - 1, 8))
    coef[:, :4] = a[:-1]
    coef[:, 4:] = np.diff(a, axis=0) * (n - 1)
    return np.ascontiguousarray(coef)


def _check_table(arrays):
    """Validate the TorqueTable kernel arrays; return contiguous float64 copies."""
    theta = v.finite_array("theta", arrays["theta"], "rad")
    values = v.finite_array("values", arrays["values"])
    slopes = v.finite_array("slopes", arrays["slopes"])
    if theta.ndim != 1 or theta.size < 2:
        raise ValueError(f"table `theta` must be 1-D with >= 2 nodes, got shape {theta.shape}")
    n = theta.size
    for name, a in (("values", values), ("slopes", slopes)):
        if a.shape != (n, 10):
            raise ValueError(f"table `{name}` must have shape ({n}, 10) "
                             f"({', '.join(TABLE_COLUMNS)}), got {a.shape}")
    w = np.diff(theta)
    if np.any(w < 0):
        raise ValueError("table `theta` must be non-decreasing")
    if abs(theta[0]) > 1e-9 or abs(theta[-1] - np.pi) > 1e-9:
        raise ValueError(f"table `theta` must cover [0, pi], got [{theta[0]!r}, {theta[-1]!r}]")
    if np.any((w[1:] == 0) & (w[:-1] == 0)):
        raise ValueError("table `theta` repeats a node more than twice")
    if w[0] == 0 or w[-1] == 0:
        raise ValueError("table `theta` must not have a jump at 0 or pi")
    theta = theta.copy()
    theta[0], theta[-1] = 0.0, np.pi
    det = values[:, 6] * values[:, 9] - values[:, 7] * values[:, 8]
    if np.any(det == 0) or np.any(det * det[0] <= 0):
        raise ValueError("table conductivity sigma(theta) must be invertible at every node")
    return (np.ascontiguousarray(theta), np.ascontiguousarray(values),
            np.ascontiguousarray(slopes))
