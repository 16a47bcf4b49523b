"""The Hall signal of a macrospin and its harmonics: the two conventions every harmonic Hall
route (quasistatic, dynamic, the analyses) shares.

R_H = R_ahe m_z + 2 R_phe m_x' m_y' (x' along the current) and, for I(t) = I0 sin(w t),
V/I0 = R_0 + R_1w sin(w t) + R_2w cos(2 w t) (Hayashi et al., PRB 89, 144425 (2014)).
"""
from __future__ import annotations

import math

import numpy as np


def hall_resistance(m, R_ahe, R_phe, current_direction=0.0):
    """R_H = R_ahe m_z + 2 R_phe m_x' m_y' (ohm) of unit m (..., 3); x' along the current."""
    m = np.asarray(m, float)
    c, s = math.cos(current_direction), math.sin(current_direction)
    mx = c * m[..., 0] + s * m[..., 1]
    my = -s * m[..., 0] + c * m[..., 1]
    return R_ahe * m[..., 2] + 2.0 * R_phe * mx * my


def harmonics(r, phases):
    """(R_0, R_1w, R_2w) of samples r (..., N) of R_H at the phases w t_k = 2 pi k / N."""
    v_ = r * np.sin(phases)
    n = phases.size
    return (v_.mean(-1), 2.0 / n * (v_ * np.sin(phases)).sum(-1),
            2.0 / n * (v_ * np.cos(2 * phases)).sum(-1))
