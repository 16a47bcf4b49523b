"""A small interpreter of exactly the mumax3 custom-quantity subset llgsot's exporter uses.

Semantics follow mumax3's engine/customfield.go and its CUDA kernels:

* Const (1 component) and ConstVector (3) hold float32(value) (cuda.Memset of float32);
* m.Comp(i) (1); Add (vector + vector only: mumax3's Add always has 3 components);
* Mul (n*n, 1*n, n*1 point-wise); Div (n/n or n/1 point-wise; cuda/div.cu returns 0 where the
  divisor is 0); Dot (3.3 -> 1); MulMV (three 3-vectors as rows times a 3-vector);
* a region-wise parameter assigned an expression in ``t`` (``exx = ...``) is re-evaluated at
  the current time (engine/inputparam.go) in float64 and stored as float32 (its look-up
  table); used in a quantity it is a uniform scalar. Unassigned parameters are 0.

Quantities are arrays of shape (N, ncomp) over N cells, every operation in ``dtype``
(float32 as mumax3 on the GPU; float64 to separate fit errors from rounding). Statements:
``name := expr``, ``PARAM = time expression``, ``AddFieldTerm(expr)``, ``// comments``.
Anything else is an error.
"""
import ast
import math
import re

import numpy as np

#: region-wise scalar parameters the exporter may use as time carriers (mumax3 names)
PARAMETERS = ("exx", "eyy", "ezz", "exy", "exz", "eyz", "EpsilonPrime", "xi")


def heaviside(x):
    """mumax3's script heaviside: 1 if x > 0, 0 if x < 0, 1/2 at 0."""
    return 1.0 if x > 0 else (0.0 if x < 0 else 0.5)


class Mumax3Subset:
    def __init__(self, m, dtype=np.float64, t=0.0):
        self.dtype = np.dtype(dtype).type
        self.m = np.asarray(m, float).astype(self.dtype)  # (N, 3)
        self.N = len(self.m)
        self.t = float(t)
        self.vars = {}
        self.params = {}
        self.terms = []

    # -- the quantities ---------------------------------------------------------------
    def Const(self, x):
        return np.full((self.N, 1), self.dtype(float(x)))

    def ConstVector(self, x, y, z):
        return np.tile(np.array([float(x), float(y), float(z)]).astype(self.dtype), (self.N, 1))

    def Add(self, a, b):
        assert a.shape[1] == 3 and b.shape[1] == 3, "mumax3 Add takes two vector quantities"
        return a + b

    def Mul(self, a, b):
        if a.shape[1] == b.shape[1] or a.shape[1] == 1 or b.shape[1] == 1:
            return a * b
        raise ValueError("cannot point-wise multiply")

    def Div(self, a, b):
        if not (a.shape[1] == b.shape[1] or b.shape[1] == 1):
            raise ValueError("cannot point-wise divide")
        b = np.broadcast_to(b, a.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = a / b
        return np.where(b != 0, q, self.dtype(0))

    def Dot(self, a, b):
        assert a.shape[1] == 3 and b.shape[1] == 3
        return (a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2])[:, None]

    def MulMV(self, ax, ay, az, b):
        for q in (ax, ay, az, b):
            assert q.shape[1] == 3
        return np.concatenate([self.Dot(ax, b), self.Dot(ay, b), self.Dot(az, b)], axis=1)

    def mComp(self, i):
        return self.m[:, int(i)][:, None].copy()

    def param(self, name):
        value = float(np.float32(self.params.get(name, 0.0)))  # the look-up table is float32
        return np.full((self.N, 1), self.dtype(value))

    # -- the statements ---------------------------------------------------------------
    ALLOWED = {"Const", "ConstVector", "Add", "Mul", "Div", "Dot", "MulMV", "mComp"}
    TIME_FUNCTIONS = {"min": min, "max": max, "heaviside": heaviside}

    def _check(self, tree, expr, calls, names):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if not (isinstance(node.func, ast.Name) and node.func.id in calls):
                    raise ValueError(f"unsupported call in {expr!r}")
            elif isinstance(node, ast.Name):
                if node.id not in calls and node.id not in names:
                    raise ValueError(f"unknown name {node.id!r} in {expr!r}")
            elif not isinstance(node, (ast.Expression, ast.Constant, ast.Load, ast.UnaryOp,
                                       ast.USub, ast.BinOp, ast.Mult, ast.Div, ast.Add, ast.Sub)):
                raise ValueError(f"unsupported syntax {type(node).__name__} in {expr!r}")

    def _eval(self, expr):
        expr = expr.replace("m.Comp(", "mComp(")
        tree = ast.parse(expr, mode="eval")
        self._check(tree, expr, self.ALLOWED, set(self.vars) | {"m"} | set(PARAMETERS))
        env = {name: getattr(self, name) for name in self.ALLOWED}
        env.update({p: self.param(p) for p in PARAMETERS})
        env.update(self.vars)
        env["m"] = self.m
        return eval(compile(tree, "<mx3>", "eval"), {"__builtins__": {}}, env)

    def _eval_time(self, expr):
        """A scalar expression in t (float64, as the Go script engine evaluates it)."""
        tree = ast.parse(expr, mode="eval")
        self._check(tree, expr, set(self.TIME_FUNCTIONS), {"t", "pi"})
        env = dict(self.TIME_FUNCTIONS, t=self.t, pi=math.pi)
        return float(eval(compile(tree, "<mx3>", "eval"), {"__builtins__": {}}, env))

    def run(self, script):
        for raw in script.splitlines():
            line = raw.split("//")[0].strip()
            if not line:
                continue
            mt = re.fullmatch(r"([A-Za-z_]\w*)\s*:=\s*(.+)", line)
            if mt:
                assert mt.group(1) not in self.vars and mt.group(1) not in PARAMETERS, line
                self.vars[mt.group(1)] = self._eval(mt.group(2))
                continue
            mt = re.fullmatch(r"([A-Za-z_]\w*)\s*=\s*(.+)", line)
            if mt:
                if mt.group(1) not in PARAMETERS:
                    raise ValueError(f"assignment to {mt.group(1)!r}, not a known parameter")
                self.params[mt.group(1)] = self._eval_time(mt.group(2))
                continue
            mt = re.fullmatch(r"AddFieldTerm\((.+)\)", line)
            if mt:
                q = self._eval(mt.group(1))
                assert q.shape == (self.N, 3), "AddFieldTerm needs a vector quantity"
                self.terms.append(q)
                continue
            raise ValueError(f"unsupported statement: {raw!r}")
        return sum(self.terms)
