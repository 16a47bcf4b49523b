"""The mumax3 script as data: a straight-line program of custom quantities (the operations
of mumax3's engine/customfield.go), rendered to text or evaluated in numpy in float32 or
float64 (:class:`Program`), and the helpers the exporters share. Used by
:mod:`llgsot.export.mumax3` (1D tables) and :mod:`llgsot.export.mumax3_sphere`."""
from __future__ import annotations

import numpy as np


# -- the script as data: one list of statements, rendered to text or evaluated ---------------
class Program:
    """A straight-line mumax3 custom-quantity program.

    Expressions are variable names (str) or tuples ``(op, *args)`` with op one of Const,
    ConstVector (float arguments), mComp (int), Add, Mul, Div, Dot, MulMV (expression
    arguments), following engine/customfield.go. ``statements`` are (name, expression).
    """

    def __init__(self):
        self.statements = []

    def let(self, name, expr):
        self.statements.append((name, expr))
        return name

    # -- text -------------------------------------------------------------------------------
    @classmethod
    def render(cls, expr) -> str:
        if isinstance(expr, str):
            return expr
        op, *args = expr
        if op in ("Const", "ConstVector"):
            return f"{op}({', '.join(repr(float(a)) for a in args)})"
        if op == "mComp":
            return f"m.Comp({int(args[0])})"
        return f"{op}({', '.join(cls.render(a) for a in args)})"

    def lines(self):
        return [f"{name} := {self.render(expr)}" for name, expr in self.statements]

    # -- evaluation, as mumax3 does it (every operation in ``dtype``) -----------------------
    def evaluate(self, m, dtype=np.float32, variables=None):
        """Values of every statement for magnetizations m (N, 3): dict name -> (N, ncomp)."""
        d = np.dtype(dtype).type
        env = {"m": np.asarray(m).astype(d)}
        env.update({k: np.asarray(val).astype(d) for k, val in (variables or {}).items()})
        n = len(env["m"])

        def dot(a, b):
            return (a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1] + a[:, 2] * b[:, 2])[:, None]

        def ev(expr):
            if isinstance(expr, str):
                return env[expr]
            op, *args = expr
            if op == "Const":
                return np.full((n, 1), d(args[0]))
            if op == "ConstVector":
                return np.tile(np.array(args, dtype=d), (n, 1))
            if op == "mComp":
                return env["m"][:, int(args[0])][:, None].copy()
            a = [ev(x) for x in args]
            if op == "Add":
                return a[0] + a[1]
            if op == "Mul":
                return a[0] * a[1]
            if op == "Div":
                with np.errstate(divide="ignore", invalid="ignore"):
                    q = a[0] / a[1]
                return np.where(a[1] != 0, q, d(0))  # mumax3's pointwise_div: 0 where b = 0
            if op == "Dot":
                return dot(a[0], a[1])
            if op == "MulMV":
                return np.concatenate([dot(a[0], a[3]), dot(a[1], a[3]), dot(a[2], a[3])], axis=1)
            raise ValueError(f"unknown operation {op!r}")

        for name, expr in self.statements:
            env[name] = ev(expr)
        return env


def cv(x, y, z):
    return ("ConstVector", x, y, z)


X, Y = cv(1.0, 0.0, 0.0), cv(0.0, 1.0, 0.0)


def random_unit(n, rng):
    m = rng.normal(size=(n, 3))
    return m / np.linalg.norm(m, axis=1, keepdims=True)
