"""Butcher tableaux of the integrators, as data (tested in tests/test_dynamics_integrators.py).

RK4: the classical fourth-order Runge-Kutta method. DOPRI5: Dormand & Prince, J. Comput.
Appl. Math. 6, 19 (1980), the 5(4) pair with the fifth-order solution propagated (local
extrapolation) and FSAL (the last stage is the first of the next step), as in Hairer, Norsett &
Wanner, Solving ODEs I, table 5.2. The kernels in :mod:`.integrators` hard-code these numbers
for speed; the tests check the kernels' coefficients against this module.
"""
import numpy as np

RK4_A = np.array([[0.0, 0.0, 0.0, 0.0],
                  [0.5, 0.0, 0.0, 0.0],
                  [0.0, 0.5, 0.0, 0.0],
                  [0.0, 0.0, 1.0, 0.0]])
RK4_B = np.array([1 / 6, 1 / 3, 1 / 3, 1 / 6])
RK4_C = np.array([0.0, 0.5, 0.5, 1.0])

DOPRI_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
DOPRI_A = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [1 / 5, 0.0, 0.0, 0.0, 0.0, 0.0],
    [3 / 40, 9 / 40, 0.0, 0.0, 0.0, 0.0],
    [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0, 0.0],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0, 0.0],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656, 0.0],
    [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
])
#: fifth-order weights (= last row of A: FSAL)
DOPRI_B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
#: embedded fourth-order weights
DOPRI_B4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100,
                     1 / 40])
#: error weights E = B - B4 (the error estimate is h sum_i E_i k_i)
DOPRI_E = DOPRI_B - DOPRI_B4
#: order of the embedded error estimate used in the step-size controller
DOPRI_ERROR_ORDER = 4
