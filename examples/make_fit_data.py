"""Make the synthetic example dataset of ``llgsot fit`` (examples/fit_data.csv).

Truth: the Fig. 4 parameter set (m* = 0.8, alpha = 1.7e-11 eV m, Delta_xc = 5 meV,
n = 5e14 m^-2, W~ = 0.065 eV nm^2, k_c = 3 nm^-1) at eps = 5.5 meV (above the spin gap),
finite regime, full T-matrix; 20 angles x 4 efficiencies with 2 % Gaussian noise (seed 2022).
examples/configs/fit.toml starts the fit from eps = 5.0 meV and W~ = 0.05 eV nm^2.

    python examples/make_fit_data.py
    llgsot fit examples/fit_data.csv examples/configs/fit.toml --plot fit.png
"""
import math
import os

import numpy as np

from llgsot import RashbaFM
from llgsot._io import atomic_path
from llgsot.fitting import synthetic_efficiencies

TRUTH = dict(m_eff=0.8, alpha=1.7e-11, delta_xc=5e-3, impurity_density=5e14,
             impurity_strength=0.065, cutoff=3.0)
FERMI_ENERGY = 5.5e-3
KEYS = ("tau1e", "tau2e", "tau1o", "tau2o")
OUT = os.path.join(os.path.dirname(__file__), "fit_data.csv")


def main(path=OUT):
    theta = np.linspace(0.05, math.pi - 0.05, 20)
    data, sigma, _ = synthetic_efficiencies(RashbaFM(**TRUTH), FERMI_ENERGY, theta, keys=KEYS,
                                            rel_sigma=0.02, seed=2022)
    head = ["theta"] + [c for k in KEYS for c in (k, k + "_err")]
    lines = ["# synthetic torque efficiencies (1/(A m)) from examples/make_fit_data.py; truth: "
             + ", ".join(f"{k}={x}" for k, x in TRUTH.items()) + f", fermi_energy={FERMI_ENERGY}",
             ",".join(head)]
    for i, t in enumerate(theta):
        lines.append(",".join([f"{t:.10g}"] + [f"{x:.10e}" for k in KEYS for x in (data[k][i], sigma[k][i])]))
    with atomic_path(path, suffix=".csv") as tmp:
        with open(tmp, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
