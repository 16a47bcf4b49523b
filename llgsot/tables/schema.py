"""The torque-table file format: variables, dimensions, units and parities (one place).

A table is an ``xarray.Dataset`` over ``theta`` (rad, [0, pi], strictly increasing) and
optionally ``fermi_energy`` (eV) and/or ``impurity_strength`` (eV nm^2), at azimuth 0:

  K(theta, spin, field), K_err          1/(V m)   spin = x, y, z; field = x, y
  sigma(theta, i, j), sigma_err         S         i, j = x, y
  t1e, t2e, t1o, t2o (+ _err)           1/(V m)   (P-4)
  tau1e, tau2e, tau1o, tau2o (+ _err)   1/(A m)   t/sigma_xx (P-34)
  jump_after(theta)                     1         1 where (theta_i, theta_i+1) brackets a jump

attrs: every model parameter (those of the model's class; ``model_kind`` names it, absent =
"rashba" in files written before ``model_attrs_version`` 2), approximation, regime, rtol, tol, solver_calls,
llgsot_version, llgsot_table_version, created (UTC ISO 8601), and the build's provenance.
"""
import numpy as np

from ..layout import (  # noqa: F401  (the row layout, re-exported as part of the file format)
    K_VARS, SIGMA_VARS, TABLE_COLUMNS, KXX, KXY, KYX, KYY, KZX, KZY, SXX, SXY, SYX, SYY, K_COLUMNS, SIGMA_COLUMNS, POWER_COLUMNS, TORQUE_NAMES, THERMAL_COLUMNS, TORQUE_COLUMNS, flat_values, unflatten)

TABLE_VERSION = 1
#: f(pi - theta) = parity * f(theta) for (Kxx, Kxy, Kyx, Kyy, Kzx, Kzy, sxx, sxy, syx, syy)
PARITY_HALF_PI = np.array([-1, 1, 1, -1, 1, -1, 1, -1, -1, 1], dtype=float)
#: f(-theta) = parity * f(theta) (rotation by pi about z); same at theta = pi
PARITY_ZERO = np.array([1, 1, 1, 1, -1, -1, 1, 1, 1, 1], dtype=float)
EFF_NAMES = ("tau1e", "tau2e", "tau1o", "tau2o")
EXTRA_DIMS = ("fermi_energy", "impurity_strength")

REQUIRED_VARS = ("K", "K_err", "sigma", "sigma_err", *TORQUE_NAMES, *EFF_NAMES, "jump_after")
#: attributes every table has (plus the parameters of its model class: store.check_schema)
REQUIRED_ATTRS = ("delta_xc", "impurity_density", "cutoff", "approximation",
                  "regime", "rtol", "llgsot_version", "llgsot_table_version", "created")

UNITS = {"K": "1/(V m)", "K_err": "1/(V m)", "sigma": "S", "sigma_err": "S",
         **{k: "1/(V m)" for k in TORQUE_NAMES}, **{k + "_err": "1/(V m)" for k in TORQUE_NAMES},
         **{k: "1/(A m)" for k in EFF_NAMES}, **{k + "_err": "1/(A m)" for k in EFF_NAMES},
         "theta": "rad", "fermi_energy": "eV", "impurity_strength": "eV nm^2", "jump_after": "1"}
LONG_NAMES = {
    "K": "spin-density response S_a = K_ab E_b (Pauli spin per area)",
    "K_err": "absolute error estimate of K",
    "sigma": "sheet conductivity J_i = sigma_ij E_j",
    "sigma_err": "absolute error estimate of sigma",
    "t1e": "even (damping-like) coefficient t1e of (P-3)", "t2e": "even coefficient t2e of (P-3)",
    "t1o": "odd (field-like) coefficient t1o of (P-3)", "t2o": "odd coefficient t2o of (P-3)",
    "tau1e": "efficiency t1e/sigma_xx", "tau2e": "efficiency t2e/sigma_xx",
    "tau1o": "efficiency t1o/sigma_xx", "tau2o": "efficiency t2o/sigma_xx",
    "theta": "polar angle of the magnetization (azimuth 0)",
    "fermi_energy": "Fermi energy", "impurity_strength": "impurity strength W~",
    "jump_after": "1 if the interval to the next theta brackets a discontinuity",
}
