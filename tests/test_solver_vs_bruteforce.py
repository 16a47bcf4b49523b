"""The finite regime against an independent brute-force evaluation (tests/reference_bruteforce.py).

The reference shares no code with llgsot.solver: it solves the Bethe-Salpeter ladder literally
on 2x2 matrices, once with the spin vertex dressed on the left and once with the current
vertex dressed on the right, and does the bubbles with graded Gauss-Legendre panels. Both of
its ladders must equal our projected (1 - N Upsilon)^-1 form. Tolerance: the reference's own
error estimate (phi doubling, <= 1e-7 relative) plus our rtol, with a floor for the
rounding amplified by the ladder's condition number (~1e3 here: 1e-12).
"""
import math

import numpy as np
import pytest

import llgsot
from llgsot.solver.response import K_TO_SI, SIGMA_TO_SI, _PointSolver
from reference_bruteforce import bruteforce_response

TA = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
          impurity_strength=0.1, cutoff=3.0)


@pytest.mark.parametrize("theta,eps,W,approximation", [
    (0.7, 5.5e-3, 0.1, "tmatrix"),
    (0.7, 4.5e-3, 0.1, "tmatrix"),   # 0.06 meV below the upper band edge: a hard point
    (0.0, 4.5e-3, 0.1, "born"),
    (0.7, 4.5e-3, -0.1, "tmatrix"),  # attractive impurities
])
def test_finite_regime_equals_literal_ladder(theta, eps, W, approximation):
    model = llgsot.RashbaFM(**{**TA, "impurity_strength": W})
    p = model.internal()
    ref = bruteforce_response(p.c, p.alpha, p.delta * math.sin(theta), p.delta * math.cos(theta),
                              p.n, p.W, p.kc, eps * 1e3, approximation=approximation, rtol=1e-8)
    K, Ke, S, Se, _ = _PointSolver(model, eps, approximation, "finite", 1e-10)(theta)
    K_int, S_int = K / K_TO_SI, S / SIGMA_TO_SI
    for name in ("Kint_left", "Kint_right"):
        tol = (2e-7 + 1e-12) * np.abs(ref[name]).max()
        np.testing.assert_allclose(K_int, ref[name], rtol=0, atol=tol, err_msg=name)
    for name in ("sint_left", "sint_right"):
        tol = (2e-7 + 1e-12) * np.abs(ref[name]).max()
        np.testing.assert_allclose(S_int, ref[name], rtol=0, atol=tol, err_msg=name)
    # the two literal dressings agree with each other to rounding
    assert np.abs(ref["Kint_left"] - ref["Kint_right"]).max() <= 1e-10 * np.abs(ref["Kint_left"]).max()
