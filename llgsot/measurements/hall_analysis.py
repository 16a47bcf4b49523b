"""The standard harmonic Hall analyses: Hayashi (perpendicular magnets) and Avci (in-plane).

Both assume constant current-induced fields and a macrospin; they are exact in the
small-signal limit for :class:`~llgsot.dynamics.ConstantSOT` (the validation). Conventions
are those of :mod:`llgsot.measurements.harmonic_hall` (x' along the current, y' = z x x',
R_H = R_ahe m_z + R_phe sin^2 th sin 2ph', V_H/I0 = ... + R_1w sin wt + R_2w cos 2wt).
Results are the current-induced fields at the current amplitude J0 (T), reported as

* ``B_DL``: the damping-like field in the convention of ConstantSOT, B = B_DL (m x p) with
  p = z x jhat (= y' here);
* ``B_FL``: the total transverse field along y' (field-like SOT + Oersted field): an
  experiment cannot separate them; ``B_FL_sot`` = ``B_FL`` + |B_Oe| subtracts the Oersted
  field -|B_Oe| y' recorded in the dataset (the normal metal below the ferromagnet).

**Hayashi et al., PRB 89, 144425 (2014).** Perpendicular magnet (m_z = s = +-1), in-plane
field swept along x' (sweep X) and along y' (sweep Y). With dB_x', dB_y' the current-induced
fields, small-angle m_x' = (B_x' + dB_x')/B_K, m_y' = (B_y' + dB_y')/B_K give

    R_1w = R_ahe s (1 - B^2 / (2 B_K^2)),
    R_2w(sweep X) = B_x' (R_ahe s dB_x' - 2 R_phe dB_y') / (2 B_K^2),  (Y: x' <-> y')

so the ratios B_X = -2 (dR_2w/dB_x') / (d^2 R_1w/dB_x'^2) (and B_Y) are
B_X = dB_x' - 2 s xi dB_y', B_Y = dB_y' - 2 s xi dB_x' with xi = R_phe/R_ahe, inverted as

    dB_x' = (B_X + 2 s xi B_Y) / (1 - 4 xi^2),   dB_y' = (B_Y + 2 s xi B_X) / (1 - 4 xi^2).

The damping-like field m x p = s z x y' = -s x' gives B_DL = -s dB_x'; B_FL = dB_y'. The
derivatives at B = 0 come from least-squares polynomials over the sweep (R_1w even of degree
``degree + 1``, R_2w of degree ``degree``), which removes the O(B^2/B_K^2) bias of a
parabola/line fit.

**Avci et al., PRB 90, 224427 (2014).** In-plane magnet saturated along the field at
azimuth ph' (in-plane isotropic), out-of-plane stiffness B + B_M (B_M = mu0 M_eff):
dm_z = B_DL cos ph' / (B + B_M), dph' = B_T cos ph' / B, hence

    R_2w(ph') = -(R_ahe B_DL / (2 (B + B_M))) cos ph' - (R_phe B_T / B) cos 2ph' cos ph'.

At each field strength R_2w is fitted with cos ph' and cos 2ph' cos ph' (plus a constant),
R_1w with sin 2ph' (giving R_phe); the cos ph' coefficients are regressed linearly on
R_ahe / (2 (B + B_M)) (slope -B_DL, intercept: field-independent offsets such as the
anomalous Nernst effect, zero here) and the cos 2ph' cos ph' ones on R_phe / B (slope -B_T).
R_ahe and B_M are not measurable in this geometry: they default to the simulation's inputs
(attrs), as an experimentalist would take them from an out-of-plane sweep.

Uncertainties are the least-squares standard errors propagated linearly (fit noise only;
the truncation bias is not included).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _validate as v
from ..constants import MU0
from .checks import check_dataset, warn_unresolved

METHODS = ("hayashi", "avci")


def _frame_azimuths(ds):
    az = np.atleast_1d(ds["field_azimuth"].values) - float(ds.attrs.get("current_direction", 0.0))
    return np.mod(az, 2 * np.pi)


def _polyfit(x, y, powers):
    """Least squares y ~ sum c_p x^p; returns (c, standard errors)."""
    X = np.stack([x**p for p in powers], -1)
    c, *_ = np.linalg.lstsq(X, y, rcond=None)
    dof = max(x.size - len(powers), 1)
    s2 = float(np.sum((y - X @ c) ** 2)) / dof
    cov = s2 * np.linalg.pinv(X.T @ X)
    return c, np.sqrt(np.clip(np.diag(cov), 0.0, None))


def _ratio(ds, a, field_range, degree):
    """B_a = -2 R_2w'(0) / R_1w''(0) for the sweep at index a (with its standard error)."""
    sub = ds.isel(field_azimuth=a)
    B = sub["field"].values
    keep = np.abs(B) <= field_range if field_range is not None else np.ones(B.size, bool)
    if keep.sum() < degree + 3:
        where = (f"`field_range` = {field_range!r} T keeps {int(keep.sum())} of the {B.size} fields"
                 if field_range is not None else f"the sweep has {B.size} fields")
        raise ValueError(f"hayashi: {where}; `degree` = {degree} needs >= {degree + 3} "
                         f"(sweep more fields or lower `degree`, >= 1)")
    x = B[keep]
    scale = np.max(np.abs(x))
    t = x / scale
    c1, e1 = _polyfit(t, sub["R_1w"].values[keep], list(range(0, degree + 2, 2)))
    c2, e2 = _polyfit(t, sub["R_2w"].values[keep], list(range(degree + 1)))
    curv = 2 * c1[1] / scale**2
    slope = c2[1] / scale
    if abs(c1[1]) <= 1e-9 * float(np.max(np.abs(sub["R_1w"].values[keep]), initial=0.0)):
        raise ValueError("hayashi: R_1w has no curvature over the sweep (R_ahe = 0, or m does not "
                         "tilt): the analysis divides by d^2 R_1w/dB^2")
    r = -2 * slope / curv
    err = abs(r) * math.hypot(e2[1] / c2[1] if c2[1] else 0.0, e1[1] / c1[1])
    return r, err, {"d2R1w_dB2": curv, "dR2w_dB": slope, "fit_fields": int(x.size)}


def analyze_harmonic_hall(ds, method="hayashi", planar_hall_ratio=None, field_range=None,
                          degree=3, R_ahe=None, effective_field=None) -> dict:
    """Damping-like and field-like fields (T, at the current amplitude) from a harmonic Hall
    dataset of :func:`llgsot.harmonic_hall`.

    Parameters
    ----------
    ds : xarray.Dataset
        "hayashi": field sweeps with ``field_azimuth`` containing the current direction and
        the current direction + pi/2 (the x' and y' sweeps); "avci": ``field_azimuth`` a full
        turn (>= 8 azimuths) at one or more field strengths saturating an in-plane magnet.
    method : "hayashi" | "avci"
    planar_hall_ratio : float or None
        xi = R_phe/R_ahe for Hayashi's correction (default: the dataset's R_phe/R_ahe).
    field_range : float or None
        Hayashi: fit only |B| <= field_range (T); default all fields.
    degree : int
        Hayashi: degree of the R_2w polynomial (R_1w gets the even powers up to degree + 1).
    R_ahe, effective_field : float or None
        Avci: R_ahe (ohm) and B_M = mu0 M_eff (T); default the dataset's inputs
        (B_M = mu0 Ms (N_z - N_x) - (2 Ku/Ms)(u_z^2 - u_x^2)).

    Returns
    -------
    dict with ``B_DL``, ``B_FL``, ``B_FL_sot``, ``B_DL_err``, ``B_FL_err`` (T), ``method``
    and ``details`` (the intermediate fit numbers); all plain floats / lists (JSON-ready).
    """
    method = v.choice("method", method, METHODS)
    check_dataset(ds, "harmonic_hall", ("R_1w", "R_2w", "m"), "analyze_harmonic_hall")
    degree = v.count("degree", degree, min=1)
    if "field_azimuth" not in ds.dims:
        raise ValueError("`ds` must have a field_azimuth dimension (harmonic_hall with an array "
                         "field_azimuth)")
    B_oe = float(ds.attrs.get("oersted_field", 0.0))
    if method == "hayashi":
        if field_range is not None:
            field_range = v.positive("field_range", field_range, "T")
        out = _hayashi(ds, planar_hall_ratio, field_range, degree)
    else:
        out = _avci(ds, R_ahe, effective_field)
    out["B_FL_sot"] = out["B_FL"] + B_oe
    out["oersted_field"] = B_oe
    out["method"] = method
    out["current_amplitude"] = float(ds.attrs.get("current_amplitude", math.nan))
    warn_unresolved(out, ("B_DL", "B_FL"), "analyze_harmonic_hall", "T")
    return out


def _hayashi(ds, xi, field_range, degree):
    ph = _frame_azimuths(ds)
    ia = np.flatnonzero(np.isclose(np.cos(ph), 1.0, rtol=0, atol=1e-9))
    ib = np.flatnonzero(np.isclose(np.sin(ph), 1.0, rtol=0, atol=1e-9))
    if ia.size == 0 or ib.size == 0:
        raise ValueError("hayashi: `ds.field_azimuth` must contain the current direction and the "
                         "current direction + pi/2 (sweeps along x' and y')")
    if xi is None:
        ra = float(ds.attrs["R_ahe"])
        if ra == 0.0:
            raise ValueError("hayashi: the dataset's R_ahe is 0: the analysis needs an anomalous "
                             "Hall signal (its curvature, and xi = R_phe/R_ahe)")
        xi = float(ds.attrs.get("R_phe", 0.0)) / ra
    xi = v.finite_scalar("planar_hall_ratio", xi)
    if abs(abs(xi) - 0.5) < 1e-6:
        raise ValueError(f"`planar_hall_ratio` must differ from +-1/2 (singular correction), got {xi!r}")
    BX, eX, dX = _ratio(ds, int(ia[0]), field_range, degree)
    BY, eY, dY = _ratio(ds, int(ib[0]), field_range, degree)
    B = ds["field"].values
    mz = ds["m"].isel(field_azimuth=int(ia[0]), field=int(np.argmin(np.abs(B)))).sel(component="z")
    s = 1.0 if float(mz) > 0 else -1.0
    d = 1.0 - 4 * xi * xi
    dBx = (BX + 2 * s * xi * BY) / d
    dBy = (BY + 2 * s * xi * BX) / d
    ex = math.hypot(eX, 2 * xi * eY) / abs(d)
    ey = math.hypot(eY, 2 * xi * eX) / abs(d)
    return {"B_DL": -s * dBx, "B_FL": dBy, "B_DL_err": ex, "B_FL_err": ey,
            "details": {"B_X": BX, "B_Y": BY, "B_X_err": eX, "B_Y_err": eY, "m_z_sign": s,
                        "planar_hall_ratio": xi, "dB_x": dBx, "dB_y": dBy, "sweep_x": dX,
                        "sweep_y": dY}}


def _avci(ds, R_ahe, B_M):
    ph = _frame_azimuths(ds)
    if ph.size < 8:
        raise ValueError(f"avci: need >= 8 field azimuths (a full turn), got {ph.size}")
    a = ds.attrs
    R_ahe = float(a["R_ahe"]) if R_ahe is None else v.nonzero("R_ahe", R_ahe, "ohm")
    if B_M is None:
        N = np.asarray(a["magnet_demag"], float)
        u = np.asarray(a["magnet_easy_axis"], float)
        Ms = float(a["magnet_Ms"])
        B_M = MU0 * Ms * (N[2] - N[0]) - 2 * float(a["magnet_Ku"]) / Ms * (u[2] ** 2 - u[0] ** 2)
    B_M = v.finite_scalar("effective_field", B_M, "T")
    Bs = ds["field"].values
    if np.any(Bs <= 0):
        raise ValueError("avci: the field strengths must be > 0 (the azimuth sets the direction)")
    c1, c3, rp = [], [], []
    X1 = np.stack([np.ones_like(ph), np.cos(ph), np.cos(2 * ph) * np.cos(ph)], -1)
    X0 = np.stack([np.ones_like(ph), np.sin(2 * ph)], -1)
    for i in range(Bs.size):
        r1 = ds["R_1w"].values[:, i]
        r2 = ds["R_2w"].values[:, i]
        c, *_ = np.linalg.lstsq(X1, r2, rcond=None)
        c1.append(c[1])
        c3.append(c[2])
        rp.append(np.linalg.lstsq(X0, r1, rcond=None)[0][1])
    c1, c3, rp = map(np.asarray, (c1, c3, rp))
    x1 = R_ahe / (2 * (Bs + B_M))
    x3 = rp / Bs
    if Bs.size >= 3:
        (i1, s1), (e_i1, e1) = _polyfit(x1, c1, [0, 1])
        (i3, s3), (e_i3, e3) = _polyfit(x3, c3, [0, 1])
    else:  # no offset can be separated: slope through the origin
        s1, i1, e1 = float(np.mean(c1 / x1)), 0.0, float(np.std(c1 / x1))
        s3, i3, e3 = float(np.mean(c3 / x3)), 0.0, float(np.std(c3 / x3))
    return {"B_DL": -float(s1), "B_FL": -float(s3), "B_DL_err": float(e1), "B_FL_err": float(e3),
            "details": {"fields": Bs.tolist(), "cos_coefficient": c1.tolist(),
                        "cos2cos_coefficient": c3.tolist(), "R_phe_fit": rp.tolist(),
                        "offset_DL": float(i1), "offset_FL": float(i3), "R_ahe": R_ahe,
                        "effective_field": B_M}}
