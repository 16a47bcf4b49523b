"""Point groups of a 2D magnet as data, and how K and sigma transform under them.

A spatial operation g of the nonmagnetic system (lattice, spin-orbit coupling, impurities)
is a 3x3 orthogonal matrix R (proper or improper) that maps the film plane onto itself
(R e_z = +-e_z, so an in-plane field stays in-plane). Its action on the three kinds of
vector of the Kubo response S = K(m) E, J = sigma(m) E:

* the electric field E and the current J are polar in-plane vectors: E -> R2 E, with R2
  the in-plane 2x2 block of R;
* the magnetization m and the spin density S are axial vectors: m -> det(R) R m.

If g is a symmetry, U_g H(m) U_g^-1 = H(g m) with g m = det(R) R m (the exchange term
Delta m.s is invariant when m and s turn alike), so the response at g m is the response at
m with every vector transformed:

    K(g m)     = det(R) R K(m) R2^T
    sigma(g m) = R2 sigma(m) R2^T

(for a rotation by phi about z this is the familiar K(th, ph) = R3(ph) K(th, 0) R2(ph)^T of
:func:`llgsot.spinorbit.rotate`). Time reversal is not used: m breaks it, and it relates K
to the reciprocal (pumping) response, not to itself.

On the angles m = (sin th cos ph, sin th sin ph, cos th) every such g acts as

    th -> th            if det(R2) = +1 (rotations about z, the horizontal mirror),
    th -> pi - th       if det(R2) = -1 (vertical mirrors, C2 about an in-plane axis),
    ph -> det(R2) ph + c   (c a constant of g),

so a set of azimuth lines ph_k = 2 pi k / N is mapped onto itself when every c is a multiple
of 2 pi / N (:meth:`PointGroup.line_map`). The sphere-table builder computes one line per
orbit and derives the others with the rule above (:mod:`llgsot.tables.sphere.build`).

Rashba + Dresselhaus, H = c k^2 + alpha (k_y s_x - k_x s_y) + beta (k_x s_x - k_y s_y)
+ Delta m.s: the spin-orbit field d(k) (H_so = d(k).s) must satisfy d(R2 k) = det(R) R d(k).
The Rashba field alpha (k_y, -k_x, 0) does for every rotation about z and every vertical
mirror (C_inf_v). The Dresselhaus field beta (k_x, -k_y, 0) is odd under C4 and under the
mirrors x -> -x, y -> -y, and even under C2z and the mirrors in the planes x = y and x = -y
(R2 = [[0, 1], [1, 0]]: d(k_y, k_x) = beta (k_y, -k_x, 0) = -R (k_x, -k_y, 0)). For alpha, beta
both nonzero the group is therefore C_2v = {E, C2z, M_(x=y), M_(x=-y)}: :func:`c2v_rd`
(= ``c_nv(2, mirror_angle=pi/4)``). alpha = beta (the persistent spin helix) has extra
spin symmetries that are not spatial; they are not used.
"""
from __future__ import annotations

import math

import numpy as np

#: rounding tolerance for comparing group elements and angles
_ATOL = 1e-9


def rotation_z(angle: float) -> np.ndarray:
    """The proper rotation by ``angle`` (rad) about z (3x3)."""
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def vertical_mirror(angle: float) -> np.ndarray:
    """The reflection in the vertical plane that holds z and the in-plane direction at
    ``angle`` (rad) from x (3x3, det -1)."""
    n = np.array([-math.sin(angle), math.cos(angle), 0.0])  # the plane's normal
    return np.eye(3) - 2.0 * np.outer(n, n)


class _OffGrid(ValueError):
    pass


class PointGroup:
    """A point group of a 2D magnet given as data.

    Parameters
    ----------
    generators : sequence of (3, 3) arrays
        Orthogonal matrices (proper or improper) that map z onto +-z; the group is their
        closure under multiplication (at most 96 elements).
    continuous_rotation : bool
        True for groups holding every rotation about z (C_inf, C_inf_v): the response is
        then fixed by its values at azimuth 0 and a sphere table needs one azimuth line.
    name : str
        A label written into table files.
    """

    def __init__(self, generators=(), continuous_rotation: bool = False, name: str = ""):
        gens = [np.asarray(g, float) for g in generators]
        for i, g in enumerate(gens):
            if g.shape != (3, 3) or not np.all(np.isfinite(g)):
                raise ValueError(f"`generators[{i}]` must be a finite 3x3 matrix, got shape {g.shape}")
            if not np.allclose(g @ g.T, np.eye(3), atol=1e-8):
                raise ValueError(f"`generators[{i}]` must be orthogonal (R R^T = 1), got {g.tolist()}")
            if not (np.allclose(g[:2, 2], 0, atol=1e-8) and np.allclose(g[2, :2], 0, atol=1e-8)):
                raise ValueError(f"`generators[{i}]` must map z onto +-z (a film-plane symmetry), "
                                 f"got {g.tolist()}")
        elements = [np.eye(3)]
        frontier = [np.eye(3)]
        while frontier:
            new = []
            for a in frontier:
                for g in gens:
                    p = g @ a
                    if not any(np.allclose(p, e, atol=1e-8) for e in elements):
                        elements.append(p)
                        new.append(p)
                        if len(elements) > 96:
                            raise ValueError("`generators` generate more than 96 elements (an "
                                             "irrational rotation?); use continuous_rotation=True")
            frontier = new
        self.elements = np.array(elements)
        self.continuous_rotation = bool(continuous_rotation)
        self.name = str(name) or f"group of order {len(elements)}"

    # -- the action ----------------------------------------------------------------------
    @staticmethod
    def act(R, m):
        """g m = det(R) R m for unit vectors m (..., 3) (m is axial)."""
        R = np.asarray(R, float)
        return np.linalg.det(R) * np.einsum("ij,...j->...i", R, np.asarray(m, float))

    @staticmethod
    def transform(R, K, sigma, absolute=False):
        """(K(g m), sigma(g m)) from K(m) (..., 3, 2) and sigma(m) (..., 2, 2): K' = det(R) R K
        R2^T, sigma' = R2 sigma R2^T (units unchanged). ``absolute``: entries of R by
        magnitude, the rule for bounds on absolute errors."""
        R = np.asarray(R, float)
        d = np.linalg.det(R)
        R2 = R[:2, :2]
        if absolute:
            R, R2, d = np.abs(R), np.abs(R2), 1.0
        Kp = d * np.einsum("ij,...jk,lk->...il", R, np.asarray(K, float), R2)
        Sp = np.einsum("ij,...jk,lk->...il", R2, np.asarray(sigma, float), R2)
        return Kp, Sp

    @staticmethod
    def angle_action(R):
        """(flip, s, c): g maps (th, ph) to (pi - th if flip else th, s ph + c mod 2 pi)."""
        R = np.asarray(R, float)
        s = 1 if np.linalg.det(R[:2, :2]) > 0 else -1
        m0 = PointGroup.act(R, np.array([1.0, 0.0, 1.0]) / math.sqrt(2.0))
        return s < 0, s, math.atan2(m0[1], m0[0]) % (2 * math.pi)

    def line_map(self, n_lines: int):
        """How the group permutes the azimuth lines ph_k = 2 pi k / n_lines.

        Returns a list over the elements of (R, image (n_lines,) int, flip bool): element R
        maps line k onto line image[k], reversing theta when flip. Raises ValueError when
        some element maps a line between lines (n_lines not a multiple of
        :meth:`min_lines`).
        """
        if self.continuous_rotation:  # every line is one orbit: one line, the identity
            if n_lines != 1:
                raise ValueError(f"a group with continuous rotation needs 1 azimuth line, got {n_lines}")
            return [(np.eye(3), np.zeros(1, int), False)]
        out = []
        k = np.arange(n_lines)
        for R in self.elements:
            flip, s, c = self.angle_action(R)
            x = ((s * 2 * math.pi * k / n_lines + c) % (2 * math.pi)) * n_lines / (2 * math.pi)
            img = np.rint(x).astype(int) % n_lines
            if np.max(np.abs(x - np.rint(x))) > 1e-6:
                raise _OffGrid(f"`n_lines`={n_lines} azimuth lines are not mapped onto each other "
                               f"by {self.name}; use a multiple of {self._min_lines()}")
            out.append((R, img, flip))
        return out

    def min_lines(self) -> int:
        """The smallest number of equispaced azimuth lines (from ph = 0) the group permutes."""
        return self._min_lines()

    def _min_lines(self) -> int:
        if self.continuous_rotation:
            return 1
        for n in range(1, 97):
            k = np.arange(n)
            ok = True
            for R in self.elements:
                _, s, c = self.angle_action(R)
                x = ((s * 2 * math.pi * k / n + c) % (2 * math.pi)) * n / (2 * math.pi)
                ok = ok and np.max(np.abs(x - np.rint(x))) <= 1e-6
            if ok:
                return n
        raise ValueError(f"{self.name} permutes no set of <= 96 equispaced azimuth lines")

    def orbits(self, indices, n_lines: int):
        """Representatives of the orbits of the given line indices: dict rep -> list of
        (index, R, flip) with R mapping line rep onto line index (rep itself with R = 1)."""
        maps = self.line_map(n_lines)
        out, seen = {}, set()
        for k in indices:
            if k in seen:
                continue
            out[k] = []
            for R, img, flip in maps:
                j = int(img[k])
                if j not in seen:
                    seen.add(j)
                    out[k].append((j, R, flip))
        return out

    def as_attrs(self) -> dict:
        """Table-file attributes: the group's name, elements (flattened, G x 9) and flag."""
        return {"point_group": self.name,
                "point_group_elements": self.elements.reshape(-1).astype(float),
                "point_group_continuous": int(self.continuous_rotation)}

    @classmethod
    def from_attrs(cls, attrs) -> "PointGroup":
        el = np.asarray(attrs["point_group_elements"], float).reshape(-1, 3, 3)
        return cls(list(el), bool(int(attrs["point_group_continuous"])), str(attrs["point_group"]))

    def __len__(self):
        return len(self.elements)

    def __repr__(self):
        return f"PointGroup({self.name!r}, order {len(self)}" + (
            ", continuous rotation)" if self.continuous_rotation else ")")


def c_nv(n, mirror_angle: float = 0.0) -> PointGroup:
    """C_nv: rotations by 2 pi/n about z and n vertical mirrors, one of them the plane at
    ``mirror_angle`` (rad) from x; n = None or math.inf: C_inf_v (the Rashba ferromagnet)."""
    if n is None or n == math.inf:
        return PointGroup([vertical_mirror(mirror_angle)], continuous_rotation=True, name="C_inf_v")
    n = int(n)
    if n < 1:
        raise ValueError(f"`n` must be a positive integer or None (C_inf_v), got {n}")
    return PointGroup([rotation_z(2 * math.pi / n), vertical_mirror(mirror_angle)], name=f"C_{n}v")


def c2v_rd() -> PointGroup:
    """C_2v of the Rashba + Dresselhaus ferromagnet (mirrors in the planes x = y and x = -y)."""
    g = c_nv(2, mirror_angle=math.pi / 4)
    g.name = "C_2v (mirrors x=y, x=-y)"
    return g


def trivial() -> PointGroup:
    """C_1: no symmetry (every azimuth line computed)."""
    return PointGroup([], name="C_1")
