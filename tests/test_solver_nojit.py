"""The numba kernels run as plain Python (NUMBA_DISABLE_JIT=1) and agree with the compiled run."""
import json
import os
import subprocess
import sys

import numpy as np

import llgsot

SCRIPT = """
import json, warnings, llgsot
warnings.simplefilter("ignore")
m = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
out = {}
for regime in ("dilute", "finite"):
    r = llgsot.response(m, 5.5e-3, 0.7, regime=regime, rtol=1e-6)
    out[regime] = r.K.tolist()
print(json.dumps(out))
"""


def test_kernels_as_python_match_compiled():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    p = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                       timeout=600, check=True)
    got = json.loads(p.stdout)
    m = llgsot.RashbaFM(0.8, 1.7e-11, 5e-3, 5e14, 0.065, 3.0)
    for regime in ("dilute", "finite"):
        ref = llgsot.response(m, 5.5e-3, 0.7, regime=regime, rtol=1e-6).K
        # same algorithm, same operations: agreement to rounding (compiled code may fuse
        # operations differently), far below the rtol of the quadrature
        np.testing.assert_allclose(np.array(got[regime]), ref, rtol=0, atol=1e-10 * abs(ref).max())
