"""mumax3 export: B_SOT(m) as a custom field term (AddFieldTerm) in an .mx3 snippet.

mumax3 builds m-dependent fields only from custom quantities (Const, ConstVector, m.Comp,
Add of vectors, Mul, Dot, MulMV); there is no table lookup. We therefore write the field in
the four-term form of (P-3) for the current direction e (f = z x e),

    B_perp = P [ -a1o f + a2o (z x m)(m.e) + a1e (f x m) - a2e (m x (z x m))(m.e) ],

whose torque m x B_perp equals m x (A e), A = K sigma^-1 (the table's response per sheet
current), with each a_i a polynomial in m_z^2 (every coefficient is even about theta = pi/2)
fitted by linear least squares to A over theta. The fit's maximum error (relative to the
largest |A e|, over theta and the azimuth) is printed in the snippet; the export is refused
above ``max_error`` and warns for tables with jumps, which polynomials smear.
Only that subset of mumax3 is used, so every mumax3 version since 3.10 runs it.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ... import _validate as v
from ... import spinorbit
from ..._io import atomic_write_text
from ..interpolate import TorqueTable
from .device import Device
from .metadata import inert

X_AND_Y = (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))


def fit_coefficients(table: TorqueTable, degree: int = 8, n_theta: int = 721):
    """Least-squares polynomials in m_z^2 of the four-term coefficients (units 1/(A m)).

    Fitted so that the torque m x B_fit of :func:`llgsot.spinorbit.four_term_field` equals
    m x (A e), A = K sigma^-1, for currents along x and y at m in the xz-plane.
    Returns (coeffs (4, degree+1) in :data:`llgsot.spinorbit.FOUR_TERM_ORDER`,
    max_rel_error): coeffs[i, k] multiplies m_z^(2k).
    """
    theta = np.linspace(0.0, math.pi, n_theta)
    m = spinorbit.magnetization(theta)
    K, S = table.K_and_sigma(m)
    powers = np.stack([m[:, 2] ** (2 * k) for k in range(degree + 1)], -1)
    rows, rhs = [], []
    for e in X_AND_Y:
        target = np.cross(m, spinorbit.response_per_current(K, S, e))  # m x (A e)
        V = np.cross(m, spinorbit.four_term_vectors(m, e))  # (4, N, 3) torque of each vector
        cols = [V[i][:, :, None] * powers[:, None, :] for i in range(4)]  # (N, 3, P)
        rows.append(np.concatenate(cols, axis=-1).reshape(-1, 4 * (degree + 1)))
        rhs.append(target.reshape(-1))
    A = np.concatenate(rows)
    b = np.concatenate(rhs)
    coef, *_ = np.linalg.lstsq(A, b, rcond=None)
    err = np.abs(A @ coef - b).max() / np.abs(b).max()
    return coef.reshape(4, degree + 1), float(err)


def model_field(coeffs, m, e):
    """The fitted field per unit prefactor (B_perp/(P J) up to a component along m) at unit
    m (N, 3) for the in-plane current direction e (3,)."""
    mz2 = m[:, 2] ** 2
    a = np.stack([np.polyval(c[::-1], mz2) for c in coeffs], -1)
    return spinorbit.four_term_field(a, m, e)


def field_error(table, coeffs, n=400, seed=0):
    """max |B_fit,perp - B_table,perp| / max |B_table,perp| over random m and current angles."""
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    K, S = table.K_and_sigma(m)
    worst, big = 0.0, 0.0
    for psi in rng.uniform(0, 2 * math.pi, 4):
        e = spinorbit.in_plane_direction(psi)
        ref = spinorbit.perpendicular(spinorbit.response_per_current(K, S, e), m)
        fit = spinorbit.perpendicular(model_field(coeffs, m, e), m)
        worst = max(worst, np.abs(fit - ref).max())
        big = max(big, np.abs(ref).max())
    return worst / big


def mumax3_script(table: TorqueTable, device: Device, degree: int = 8,
                  max_error: float = 1e-3) -> str:
    """Return the .mx3 snippet (text) adding B_SOT(m) for the device's constant current.

    ``degree``: polynomial degree in m_z^2; ``max_error``: the largest accepted relative fit
    error of the field perpendicular to m.
    """
    if not isinstance(table, TorqueTable):
        table = TorqueTable(table)
    if not isinstance(device, Device):
        raise TypeError(f"`device` must be an llgsot Device, got {type(device).__name__}")
    degree = int(degree)
    if not 0 <= degree <= 20:
        raise ValueError(f"`degree` must lie in [0, 20], got {degree}")
    max_error = v.positive("max_error", max_error)
    coeffs, _ = fit_coefficients(table, degree)
    err = field_error(table, coeffs)
    jumps = int(table.jump_after.sum())
    if jumps:
        warnings.warn(f"the table has {jumps} jump(s) in theta; a polynomial fit smears them "
                      f"(field error {err:.2g})", RuntimeWarning, stacklevel=2)
    if err > max_error:
        raise ValueError(f"the polynomial fit misses B_SOT by {err:.3g} (relative) > max_error="
                         f"{max_error:g}: raise `degree` or `max_error`, or use a smoother table")
    e = [float(x) for x in device.e]
    f = [float(x) for x in np.cross([0.0, 0.0, 1.0], e)]
    P = device.prefactor(table)
    a = table.dataset.attrs
    table_line = (f"table: {a.get('approximation')}/{a.get('regime')}, m_eff={a.get('m_eff')}, "
                  f"alpha={a.get('alpha')} eV m, delta_xc={a.get('delta_xc')} eV, "
                  f"n={a.get('impurity_density')} m^-2, "
                  f"W={a.get('impurity_strength', 'per table')} eV nm^2, "
                  f"k_c={a.get('cutoff')} nm^-1, created {a.get('created')}, "
                  f"llgsot {a.get('llgsot_version')}")
    out = [
        "// llgsot: spin-orbit field B_SOT(m) of a torque table, for mumax3 (AddFieldTerm).",
        "// " + inert(table_line, 2000),
        f"// device: Ms={device.Ms:g} A/m, d={device.thickness:g} m, "
        f"t_NM={device.nm_thickness:g} m, J={device.current_density:g} A/m^2 along angle "
        f"{device.direction:g} rad",
        f"// fit: a_i(m_z^2) polynomials of degree {degree}; max relative error of the field "
        f"(perpendicular to m) over random m: {err:.3e}",
        "// Only B perpendicular to m is reproduced (the part that exerts a torque); the",
        "// component along m differs from llgsot's and does no work on |m| = 1 dynamics.",
        "// Constant current: for a pulse, rescale the prefactor sot_pre in your own script.",
        f"sot_pre := {P!r}  // T: Delta_xc J t_NM / (Ms d) times the response in 1/(A m)",
        "sot_mz := m.Comp(2)",
        "sot_mz2 := Mul(sot_mz, sot_mz)",
        f"sot_me := Dot(m, ConstVector({e[0]!r}, {e[1]!r}, 0))",
        "sot_zxm := MulMV(ConstVector(0, -1, 0), ConstVector(1, 0, 0), ConstVector(0, 0, 0), m)",
        f"sot_fxm := MulMV(ConstVector(0, 0, {f[1]!r}), ConstVector(0, 0, {-f[0]!r}), "
        f"ConstVector({-f[1]!r}, {f[0]!r}, 0), m)",
        "sot_mxzxm := Add(ConstVector(0, 0, 1), Mul(Mul(Const(-1), sot_mz), m))",
        "sot_zxm_me := Mul(sot_me, sot_zxm)",
        "sot_mxzxm_me := Mul(sot_me, sot_mxzxm)",
    ]
    # vectors multiplying each coefficient polynomial (signs of the field form above)
    vecs = {0: (f"ConstVector({f[0]!r}, {f[1]!r}, 0)", -1), 1: ("sot_zxm_me", 1),
            2: ("sot_fxm", 1), 3: ("sot_mxzxm_me", -1)}
    names = ["a1o", "a2o", "a1e", "a2e"]
    out.append("sot_p0 := Const(1)")
    for k in range(1, degree + 1):
        out.append(f"sot_p{k} := Mul(sot_p{k - 1}, sot_mz2)")
    terms = []
    for i in range(4):
        vec, sign = vecs[i]
        for k in range(degree + 1):
            c = float(sign * P * coeffs[i, k])
            if c == 0.0:
                continue
            name = f"sot_{names[i]}_{k}"
            out.append(f"{name} := Mul(Mul(Const({c!r}), sot_p{k}), {vec})")
            terms.append(name)
    acc = terms[0]
    for j, t in enumerate(terms[1:]):
        out.append(f"sot_S{j} := Add({acc}, {t})")
        acc = f"sot_S{j}"
    out.append(f"AddFieldTerm({acc})")
    return "\n".join(out) + "\n"


def write_mumax3(table: TorqueTable, path, device: Device, degree: int = 8,
                 max_error: float = 1e-3) -> str:
    """Write :func:`mumax3_script` to ``path`` (atomically). Returns the path."""
    return atomic_write_text(path, mumax3_script(table, device, degree, max_error))
