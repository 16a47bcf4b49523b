"""The standard ST-FMR analysis (Liu et al., PRL 106, 036601 (2011)) and the Kittel fit.

Lineshape, in the swept field magnitude B = |field| (T):

    V_mix(B) = S F_S(B) + A F_A(B) + C,
    F_S = D^2 / ((B - B0)^2 + D^2),   F_A = D (B - B0) / ((B - B0)^2 + D^2)

(D the half width at half maximum, B0 the resonance field). The linear parameters S, A, C are
solved exactly for given (B0, D) (variable projection); (B0, D) start from the best point of
a grid and are refined by scipy's least_squares.

Spin-torque efficiency. For an in-plane isotropic macrospin (field and m at azimuth ph from
the current, out-of-plane stiffness B + B_M, B_M = mu0 M_eff) driven by a damping-like field
h_DL = B_DL (m x p) (out of plane, B_DL cos ph) and the Oersted field -B_Oe p (in-plane,
-B_Oe cos ph along z x m), the linear response gives, to leading order in the damping,

    S / A = (B_DL / (-B_Oe)) / sqrt(1 + B_M / B0)

with B_Oe = mu0 J t_NM / 2 > 0 the Oersted field of the normal metal below the ferromagnet and
B_DL = hbar theta J / (2 |e| Ms t). Hence Liu's formula, with the sign of this package's
geometry (Oersted field along -p, p = z x jhat):

    xi_FMR = -(S/A) (|e| mu0 Ms t d / hbar) sqrt(1 + B_M / B0),

t the ferromagnet and d the normal-metal thickness; xi_FMR equals ConstantSOT's
``spin_hall_angle`` when only the damping-like torque and the Oersted field act (errors
O(damping)). Liu's paper writes the formula without the minus sign for their sign
conventions of the lineshape and geometry.

B_M: with several frequencies from the Kittel fit f = (gamma/2 pi) sqrt(B0 (B0 + B_M)) (gamma
fitted too with >= 3 frequencies), with one frequency from that relation at the dataset's
gamma. Effective damping: D(f) = D0 + (2 pi f / gamma) a_eff (linear fit, >= 2 frequencies).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import least_squares

from .. import _validate as v
from ..constants import E_CHARGE, HBAR, MU0
from .checks import check_dataset, warn_unresolved

#: fewest swept fields of a lineshape fit (5 parameters and at least 3 degrees of freedom)
MIN_FIELDS = 8


def _basis(B, B0, D):
    x = B - B0
    den = x * x + D * D
    return np.stack([D * D / den, D * x / den, np.ones_like(B)], -1)


def _linear(B, V, B0, D):
    X = _basis(B, B0, D)
    c, *_ = np.linalg.lstsq(X, V, rcond=None)
    return c, V - X @ c


def fit_lineshape(B, V):
    """(S, A, C, B0, D, standard errors (5,), rms residual) of the lineshape fit to V(B)."""
    B = np.asarray(B, float)
    V = np.asarray(V, float)
    span = B.max() - B.min()
    step = span / max(B.size - 1, 1)
    best = None
    i0 = int(np.argmax(np.abs(V - np.median(V))))
    centres = B[max(i0 - 3, 0): i0 + 4]
    for B0 in centres:
        for D in np.geomspace(0.5 * step, 0.5 * span, 24):
            r = _linear(B, V, B0, D)[1]
            cost = float(r @ r)
            if best is None or cost < best[0]:
                best = (cost, B0, D)
    _, B0, D = best

    def resid(p):
        return _linear(B, V, p[0], abs(p[1]))[1]

    sol = least_squares(resid, [B0, D], x_scale=[D, D], xtol=1e-14, ftol=1e-14, gtol=1e-14)
    B0, D = float(sol.x[0]), abs(float(sol.x[1]))
    (S, A, C), r = _linear(B, V, B0, D)
    # standard errors from the full Jacobian of (S, A, C, B0, D)
    eps = 1e-7 * D
    X = _basis(B, B0, D)
    dB0 = (X @ [S, A, C] - _basis(B, B0 + eps, D) @ [S, A, C]) / -eps
    dD = (X @ [S, A, C] - _basis(B, B0, D + eps) @ [S, A, C]) / -eps
    Jm = np.column_stack([X, dB0, dD])
    s2 = float(r @ r) / max(B.size - 5, 1)
    err = np.sqrt(np.clip(np.diag(s2 * np.linalg.pinv(Jm.T @ Jm)), 0.0, None))
    return float(S), float(A), float(C), B0, D, err, math.sqrt(float(r @ r) / B.size)


def kittel_fit(frequency, B0, gamma):
    """(B_M, gamma, B_M_err) from f = (gamma/2pi) sqrt(B0 (B0 + B_M)) (gamma free with >= 3 points)."""
    f = np.asarray(frequency, float)
    B0 = np.asarray(B0, float)
    if f.size == 1:
        return float((2 * np.pi * f[0] / gamma) ** 2 / B0[0] - B0[0]), gamma, 0.0

    def resid(p):
        g = p[1] * gamma if f.size >= 3 else gamma
        return (g / (2 * np.pi) * np.sqrt(B0 * np.maximum(B0 + p[0], 0.0)) - f) / f

    BM0 = float(np.median((2 * np.pi * f / gamma) ** 2 / B0 - B0))
    sol = least_squares(resid, [BM0, 1.0], x_scale=[max(abs(BM0), 1e-3), 1.0], xtol=1e-15, ftol=1e-15)
    Jm = sol.jac[:, :1] if f.size < 3 else sol.jac
    s2 = float(sol.fun @ sol.fun) / max(f.size - Jm.shape[1], 1)
    err = math.sqrt(max(float(np.linalg.pinv(Jm.T @ Jm)[0, 0]) * s2, 0.0))
    return float(sol.x[0]), float(sol.x[1] * gamma if f.size >= 3 else gamma), err


def analyze_st_fmr(ds, effective_field=None) -> dict:
    """Liu's S/A analysis of an :func:`llgsot.st_fmr` dataset.

    Parameters
    ----------
    ds : xarray.Dataset
        ``V_mix`` over ``field`` (one sign), optionally over ``frequency``.
    effective_field : float or None
        B_M = mu0 M_eff (T); default from the Kittel relation (fit over the frequencies).

    Returns
    -------
    dict (JSON-ready): ``S``, ``A`` (V), ``resonance_field``, ``linewidth`` (half width, T),
    ``xi_fmr`` (1), their standard errors, per frequency lists when ``frequency`` is a
    dimension; ``effective_field`` (T), ``gamma``; with >= 2 frequencies ``damping_eff`` and
    ``linewidth_0`` (inhomogeneous part, T).
    """
    check_dataset(ds, "st_fmr", ("V_mix",), "analyze_st_fmr")
    a = ds.attrs
    t_nm = float(a.get("nm_thickness", 0.0))
    if t_nm <= 0:
        raise ValueError("analyze_st_fmr: the dataset has no Oersted field (nm_thickness = 0); "
                         "Liu's analysis needs it")
    B = ds["field"].values
    if not (np.all(B > 0) or np.all(B < 0)):
        raise ValueError("analyze_st_fmr: the fields must all have one sign")
    Bm = np.abs(B)
    if B.size < MIN_FIELDS:
        raise ValueError(f"analyze_st_fmr: `ds` has {B.size} fields; the lineshape fit needs "
                         f">= {MIN_FIELDS} across the resonance")
    if not np.any(ds["V_mix"].values):
        raise ValueError("analyze_st_fmr: V_mix is zero at every field: no signal to fit "
                         "(R_amr = 0, or the field at an azimuth where the AMR does not change)")
    multi = "frequency" in ds.dims
    freqs = np.atleast_1d(ds["frequency"].values)
    Vs = ds["V_mix"].values.reshape(freqs.size, B.size)
    fits = [fit_lineshape(Bm, Vs[i]) for i in range(freqs.size)]
    S, A, C, B0, D = (np.array([f[k] for f in fits]) for k in range(5))
    lo, hi = float(Bm.min()), float(Bm.max())
    for i in range(freqs.size):  # a resonance the sweep does not cross gives no lineshape
        if not (lo < B0[i] < hi) or D[i] >= hi - lo:
            raise ValueError(
                f"analyze_st_fmr: at frequency {freqs[i]:.6g} Hz the fitted resonance "
                f"(B0 = {B0[i]:.6g} T, half width {D[i]:.3g} T) is not inside the swept fields "
                f"[{lo:.6g}, {hi:.6g}] T: sweep across the resonance")
    err = np.array([f[5] for f in fits])
    gamma = float(a["magnet_gamma"])
    if effective_field is None:
        B_M, gamma_fit, B_M_err = kittel_fit(freqs, B0, gamma)
    else:
        B_M, gamma_fit, B_M_err = v.finite_scalar("effective_field", effective_field, "T"), gamma, 0.0
    pref = E_CHARGE * MU0 * float(a["magnet_Ms"]) * float(a["magnet_thickness"]) * t_nm / HBAR
    xi = -(S / A) * pref * np.sqrt(1 + B_M / B0)
    xi_err = np.abs(xi) * np.hypot(err[:, 0] / S, err[:, 1] / A)
    out = {"S": S, "A": A, "offset": C, "resonance_field": B0, "linewidth": D, "xi_fmr": xi,
           "S_err": err[:, 0], "A_err": err[:, 1], "resonance_field_err": err[:, 3],
           "linewidth_err": err[:, 4], "xi_fmr_err": xi_err,
           "rms_residual": np.array([f[6] for f in fits])}
    out = {k: (val.tolist() if multi else float(val[0])) for k, val in out.items()}
    out.update({"effective_field": B_M, "effective_field_err": B_M_err, "gamma": gamma_fit,
                "frequency": freqs.tolist() if multi else float(freqs[0]),
                "field_sign": 1.0 if B[0] > 0 else -1.0})
    if freqs.size >= 2:
        x = 2 * np.pi * freqs / gamma_fit
        X = np.stack([np.ones_like(x), x], -1)
        c, *_ = np.linalg.lstsq(X, D, rcond=None)
        out["damping_eff"] = float(c[1])
        out["linewidth_0"] = float(c[0])
        out["xi_fmr_mean"] = float(np.mean(xi))
    warn_unresolved(out, ("xi_fmr",), "analyze_st_fmr", "")
    warn_unresolved(out, ("effective_field",), "analyze_st_fmr", "T")  # 0 error when given
    return out
