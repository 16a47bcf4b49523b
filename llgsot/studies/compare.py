"""Side-by-side helpers: a constant spin-Hall-like torque equivalent to a torque table."""
from __future__ import annotations

import numpy as np

from .. import spinorbit


def constant_equivalent(table_sot, magnet, nodes: int = 4096):
    """ConstantSOT whose damping-like and field-like fields equal the table's (P-3) leading
    coefficients a1e, a1o of A = K sigma^-1, averaged over the unit sphere of m.

    For a current along x the table gives B = P [-a1o y + a1e (y x m) + ...] per unit current
    (P = Delta_xc t_NM/(Ms d)); ConstantSOT gives B = b_DL (m x p) + b_FL p with p = y, so
    b_DL = -P <a1e> J and b_FL = -P <a1o> J. The average (not the value at m = z) matters:
    inside the spin gap the damping-like field at m = z vanishes exactly when driven by a
    current (docs/comparison.md). The coefficients depend on m_z^2 only, so the sphere
    average is the mean over m_z in (0, 1), taken by the midpoint rule on ``nodes`` points.
    """
    from ..dynamics import ConstantSOT

    if tuple(table_sot.current_direction) != (1.0, 0.0):
        raise ValueError("constant_equivalent supports tables driven along x only")
    theta = np.arccos((np.arange(nodes) + 0.5) / nodes)

    def A_of_theta(th):  # A = K sigma^-1 at azimuth 0, (k, 3, 2)
        K, S = table_sot.K_and_sigma(spinorbit.magnetization(th))
        return np.stack([spinorbit.response_per_current(K, S, e) for e in ((1.0, 0.0), (0.0, 1.0))],
                        -1)

    c = spinorbit.coefficients(A_of_theta, theta)
    P = float(table_sot.prefactor(magnet.Ms, magnet.thickness))
    b_dl, b_fl = -P * c["t1e"].mean(), -P * c["t1o"].mean()  # tesla per A/m^2
    theta_sh = float(spinorbit.spin_hall_angle(b_dl, 1.0, magnet.Ms, magnet.thickness))
    return ConstantSOT(theta_sh, field_like_ratio=b_fl / b_dl, polarization=(0.0, 1.0, 0.0))
