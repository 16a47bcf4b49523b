"""The kernels run as plain Python (NUMBA_DISABLE_JIT=1) and give the compiled results.

Covers the RK4, Heun (with the SplitMix64/ziggurat noise) and DOPRI5 paths and both torque
models on a short run, and a cell (its STT term); agreement to 1e-13 (same operations, compiled vs interpreted).
"""
import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r"""
import json, warnings
import numpy as np
import llgsot
warnings.simplefilter("ignore")
mag = llgsot.Macrospin(Ms=1e6, thickness=1e-9, area=1e-16, damping=0.1, Ku=8e5)
th = np.linspace(0, np.pi, 19)
class T:
    def kernel_arrays(self):
        v = np.zeros((19, 10)); s = np.zeros((19, 10))
        v[:, 0] = -np.cos(th) * 1e9; s[:, 0] = np.sin(th) * 1e9
        v[:, 1] = 3e10; v[:, 2] = -3e10; v[:, 4] = np.sin(th) * 1e9; s[:, 4] = np.cos(th) * 1e9
        v[:, 6] = v[:, 9] = 2e-3
        return {"theta": th, "values": v, "slopes": s, "delta_xc_J": 8e-22}
out = {}
for meth in ("rk4", "heun", "dopri"):
    cell = llgsot.SOTCell(free=mag, reference=(0, 0.6, 0.8), tmr=1.0, resistance_parallel=1e3,
                          slonczewski_lambda=1.5, stt_field_like_ratio=0.2, bias_field=(0.01, 0, 0),
                          read_current=llgsot.Pulse(-2e-5, 1e-11, rise=3e-12))
    for name, tq, dev in (("const", llgsot.ConstantSOT(0.2, 0.3), mag),
                          ("table", llgsot.TableSOT(T(), 4e-9), mag),
                          ("cell", llgsot.ConstantSOT(0.2, 0.3), cell)):
        ds = llgsot.simulate(dev, tq, llgsot.Pulse(1e11, 1e-11, rise=2e-12), m0=(0.3, 0, 0.91**0.5),
                             t_end=2e-11, dt=1e-13, method=meth,
                             temperature=300.0 if meth == "heun" else 0.0, members=3, seed=1)
        out[meth + name] = ds.m.values[-1].tolist()
print(json.dumps(out))
"""


def _run(disable):
    env = dict(os.environ, NUMBA_DISABLE_JIT="1" if disable else "0")
    res = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         timeout=600, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_kernels_as_python_equal_compiled():
    py, jit = _run(True), _run(False)
    assert py.keys() == jit.keys()
    for k in py:
        np.testing.assert_allclose(py[k], jit[k], rtol=0, atol=1e-13, err_msg=k)
