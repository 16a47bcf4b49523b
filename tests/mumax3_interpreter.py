"""A small interpreter of exactly the mumax3 custom-quantity subset llgsot's exporter uses.

Semantics follow mumax3's engine/customfield.go: Const (1 component), ConstVector (3),
m.Comp(i) (1), Add (vector + vector only: mumax3's Add always returns 3 components), Mul
(n*n, 1*n, n*1 point-wise), Dot (3.3 -> 1), MulMV (three 3-vectors as rows times a 3-vector).
Quantities are arrays of shape (N, ncomp) over N cells. Statements: `name := expr`,
`AddFieldTerm(expr)`, `// comments`. Anything else is an error.
"""
import ast
import re

import numpy as np


class Mumax3Subset:
    def __init__(self, m):
        self.m = np.asarray(m, float)  # (N, 3)
        self.N = len(self.m)
        self.vars = {}
        self.terms = []

    # -- the quantities ---------------------------------------------------------------
    def Const(self, x):
        return np.full((self.N, 1), float(x))

    def ConstVector(self, x, y, z):
        return np.tile(np.array([x, y, z], float), (self.N, 1))

    def Add(self, a, b):
        assert a.shape[1] == 3 and b.shape[1] == 3, "mumax3 Add takes two vector quantities"
        return a + b

    def Mul(self, a, b):
        if a.shape[1] == b.shape[1] or a.shape[1] == 1 or b.shape[1] == 1:
            return a * b
        raise ValueError("cannot point-wise multiply")

    def Dot(self, a, b):
        assert a.shape[1] == 3 and b.shape[1] == 3
        return np.sum(a * b, axis=1, keepdims=True)

    def MulMV(self, ax, ay, az, b):
        for q in (ax, ay, az, b):
            assert q.shape[1] == 3
        return np.concatenate([self.Dot(ax, b), self.Dot(ay, b), self.Dot(az, b)], axis=1)

    def mComp(self, i):
        return self.m[:, int(i)][:, None]

    # -- the statements ---------------------------------------------------------------
    ALLOWED = {"Const", "ConstVector", "Add", "Mul", "Dot", "MulMV", "mComp"}

    def _eval(self, expr):
        expr = expr.replace("m.Comp(", "mComp(")
        tree = ast.parse(expr, mode="eval")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                if not (isinstance(node.func, ast.Name) and node.func.id in self.ALLOWED):
                    raise ValueError(f"unsupported call in {expr!r}")
            elif isinstance(node, ast.Name):
                if node.id not in self.ALLOWED and node.id not in self.vars and node.id != "m":
                    raise ValueError(f"unknown name {node.id!r}")
            elif not isinstance(node, (ast.Expression, ast.Constant, ast.Load, ast.UnaryOp,
                                       ast.USub, ast.BinOp, ast.Mult, ast.Div, ast.Add, ast.Sub)):
                raise ValueError(f"unsupported syntax {type(node).__name__} in {expr!r}")
        env = {name: getattr(self, name) for name in self.ALLOWED}
        env.update(self.vars)
        env["m"] = self.m
        return eval(compile(tree, "<mx3>", "eval"), {"__builtins__": {}}, env)

    def run(self, script):
        for raw in script.splitlines():
            line = raw.split("//")[0].strip()
            if not line:
                continue
            mt = re.fullmatch(r"([A-Za-z_]\w*)\s*:=\s*(.+)", line)
            if mt:
                self.vars[mt.group(1)] = self._eval(mt.group(2))
                continue
            mt = re.fullmatch(r"AddFieldTerm\((.+)\)", line)
            if mt:
                q = self._eval(mt.group(1))
                assert q.shape == (self.N, 3), "AddFieldTerm needs a vector quantity"
                self.terms.append(q)
                continue
            raise ValueError(f"unsupported statement: {raw!r}")
        return sum(self.terms)
