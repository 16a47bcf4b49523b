"""The row layout of a response: K (3 x 2), sigma (2 x 2) and the four (P-4) coefficients as
flat rows (one definition, below every layer that packs or unpacks them: the solver's
thermal average, the tables, the dynamics kernels, the torch term). The table file format
(:mod:`llgsot.tables.schema`) re-exports these names.
"""
import numpy as np

K_VARS = ("Kxx", "Kxy", "Kyx", "Kyy", "Kzx", "Kzy")
SIGMA_VARS = ("sxx", "sxy", "syx", "syy")
#: the 10-column layout of a table row at azimuth 0 (flat_values, TorqueTable.values,
#: kernel_arrays() and the numba kernels' coefficient arrays)
TABLE_COLUMNS = K_VARS + SIGMA_VARS
KXX, KXY, KYX, KYY, KZX, KZY, SXX, SXY, SYX, SYY = range(10)
#: where K and sigma sit in a row of TABLE_COLUMNS (the one definition of the split)
K_COLUMNS = slice(0, 6)
SIGMA_COLUMNS = slice(6, 10)
#: the cubic power form of a segment (:func:`llgsot.dynamics.torques.hermite_power_coefficients`,
#: the kernels' ``coef`` rows, the torch term's rows): p(d) = c0 + c1 d + c2 d^2 + c3 d^3 for
#: every column; the 10 numbers of c_k sit at POWER_COLUMNS[k] of a row of 40
POWER_COLUMNS = tuple(slice(k * len(TABLE_COLUMNS), (k + 1) * len(TABLE_COLUMNS)) for k in range(4))
TORQUE_NAMES = ("t1e", "t2e", "t1o", "t2o")
#: the 14-value layout of one thermally averaged point (llgsot.solver.temperature): the 10
#: TABLE_COLUMNS, then the four (P-4) coefficients at TORQUE_COLUMNS
THERMAL_COLUMNS = TABLE_COLUMNS + TORQUE_NAMES
TORQUE_COLUMNS = slice(10, 14)


def unflatten(values):
    """Inverse of `flat_values`: (..., 10) rows -> K (..., 3, 2), sigma (..., 2, 2)."""
    values = np.asarray(values)
    return (values[..., K_COLUMNS].reshape(values.shape[:-1] + (3, 2)),
            values[..., SIGMA_COLUMNS].reshape(values.shape[:-1] + (2, 2)))


def flat_values(K, sigma):
    """(..., 10) array (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy)."""
    K = np.asarray(K)
    sigma = np.asarray(sigma)
    return np.concatenate([K.reshape(K.shape[:-2] + (6,)), sigma.reshape(sigma.shape[:-2] + (4,))],
                          axis=-1)
