"""Side-by-side helpers: a constant spin-Hall-like torque equivalent to a torque table."""
from __future__ import annotations

import numpy as np

from ..constants import E_CHARGE, HBAR


def constant_equivalent(table_sot, magnet, degree: int = 8):
    """ConstantSOT whose damping-like and field-like fields equal the table's (P-3) leading
    coefficients a1e, a1o of A = K sigma^-1, averaged over the unit sphere of m.

    For a current along x the table gives B = P [-a1o y + a1e (y x m) + ...] per unit current
    (P = Delta_xc t_NM/(Ms d)); ConstantSOT gives B = b_DL (m x p) + b_FL p with p = y, so
    b_DL = -P <a1e> J and b_FL = -P <a1o> J. The average (not the value at m = z) matters:
    inside the spin gap the damping-like field at m = z vanishes exactly when driven by a
    current (docs/comparison.md).
    """
    from ..dynamics import ConstantSOT
    from ..tables.export.mumax3 import fit_coefficients

    coeffs, _ = fit_coefficients(table_sot.table, degree)
    weights = 1.0 / (2 * np.arange(degree + 1) + 1)  # <mz^(2k)> over the sphere
    a1o, _, a1e, _ = coeffs @ weights
    if tuple(table_sot.current_direction) != (1.0, 0.0):
        raise ValueError("constant_equivalent supports tables driven along x only")
    P = table_sot.delta_xc * table_sot.nm_thickness / (magnet.Ms * magnet.thickness)
    b_dl, b_fl = -P * a1e, -P * a1o  # tesla per A/m^2
    theta_sh = b_dl * 2 * E_CHARGE * magnet.Ms * magnet.thickness / HBAR
    return ConstantSOT(theta_sh, field_like_ratio=b_fl / b_dl, polarization=(0.0, 1.0, 0.0))
