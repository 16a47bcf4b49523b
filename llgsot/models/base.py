"""The model interface of the response solver: what the solver needs of a 2D two-band model.

Every model the solver handles has, in its internal units (meV, nm, hbar = 1),

    H(k) = c k^2 + (L k) . s_par + Delta m . s,     c >= 0,          (docs/models.md)

with s_par = (s_x, s_y), L a real 2x2 matrix (the spin-orbit field is linear in k and in
plane), Delta the exchange splitting and point impurities W~ of areal density n. Along a ray
k = k_0 + rho (cos psi, sin psi) this is H = c k^2 + rho d1(psi).s + const, so every radial
integral is an exact partial fraction over the roots of a polynomial of degree 4 (c > 0) or
2 (c = 0). A model states (:class:`TwoBandModel`):

* :meth:`~TwoBandModel.solver_params`: c, L, Delta, n, W~, k_c in internal units (the
  velocity vertices follow: dH/dk_b = 2 c k_b + sum_a L_ab s_a);
* the band critical energies for a given m (:meth:`~TwoBandModel.critical_energies_meV`),
  the checks of a Fermi energy (:meth:`~TwoBandModel.check_fermi_energy`), the polar centre of
  the Fermi seas (:meth:`~TwoBandModel.fermi_centre`);
* its parameters with units (``UNITS``), its ``KIND`` name (files, the CLI) and
  :meth:`~TwoBandModel.attrs` (what a table file and a provenance record carry);
* whether it is invariant under a common rotation of k and s about z
  (:attr:`~TwoBandModel.rotation_invariant`, :attr:`~TwoBandModel.point_group`): only then
  does K(theta, phi) follow from phi = 0 by the rotation rule, and only then can a table over
  theta alone describe it.

This module is the lowest floor of the models: it imports nothing from the solver.
"""
from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..constants import EV_TO_MEV, MEV_TO_EV

#: |eps - edge| <= EDGE_RTOL * s counts as "at the edge" (s: :meth:`TwoBandModel.energy_scale_meV`)
EDGE_RTOL = 1e-10
#: singular values of L below SINGULAR_L_RTOL times the largest count as 0 (conserved spin)
SINGULAR_L_RTOL = 1e-12
#: version of the model attributes written into table files (``model_attrs_version``)
ATTRS_VERSION = 2
#: units of the parameters every model has (exchange, disorder, cutoff), unpacked into each
#: model's ``UNITS``
SHARED_UNITS = {
    "delta_xc": "eV",
    "impurity_density": "m^-2",
    "impurity_strength": "eV nm^2",
    "cutoff": "nm^-1",
}


@dataclass(frozen=True)
class SolverParams:
    """A model in the solver's internal units (meV, nm, hbar = 1)."""

    c: float  #: band curvature hbar^2/(2 m*) (meV nm^2); 0 for a pure Dirac cone
    L: tuple  #: spin-orbit matrix (L_xx, L_xy, L_yx, L_yy) (meV nm): d(k) = L k
    delta: float  #: exchange splitting Delta (meV)
    n: float  #: impurity density (nm^-2)
    W: float  #: impurity strength W~ (meV nm^2)
    kc: float  #: momentum cutoff (nm^-1)


class TwoBandModel:
    """Base class of the solver's models (see the module docstring for the contract).

    Subclasses are frozen dataclasses whose fields are the public parameters (SI, energies
    in eV) listed with their units in ``UNITS``; they implement :meth:`solver_params` and may
    override the generic (numerical) band routines with exact ones.
    """

    #: name of the model in files and in the CLI ``[model] kind``
    KIND: ClassVar[str] = ""
    #: public parameter -> unit
    UNITS: ClassVar[dict] = {}
    #: parameters a torque fit may free (subset of UNITS)
    FREE: ClassVar[tuple] = ()
    #: the parameters of the spin-orbit field L (subset of UNITS), named in errors about it
    SPIN_ORBIT: ClassVar[tuple] = ()
    #: True if every Fermi sea must lie inside the cutoff disc (no band is occupied on the
    #: circle |k| = k_c); False for a Dirac cone, whose valence band is filled to the cutoff
    closed_fermi_sea: ClassVar[bool] = True

    # -- what a subclass provides ---------------------------------------------------------
    def solver_params(self) -> SolverParams:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def rotation_invariant(self) -> bool:
        """True if H is invariant under a common rotation of k and s about z (C_inf v)."""
        return self.point_group == "C_inf_v"

    @property
    def point_group(self) -> str:
        """Point group of H at m = 0 ("C_inf_v" for Rashba and Dirac, "C_2v" for
        Rashba + Dresselhaus with alpha, beta != 0)."""
        return "C_inf_v"

    # -- parameters, files -----------------------------------------------------------------
    def as_dict(self) -> dict:
        """Parameters as a plain dict (SI/eV units as in ``UNITS``); None values omitted."""
        return {k: getattr(self, k) for k in self.UNITS if getattr(self, k) is not None}

    def with_(self, **changes):
        """A copy with some parameters changed (validated again)."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d.update(changes)
        return type(self)(**d)

    def attrs(self) -> dict:
        """Attributes for a table file or provenance record: the parameters, ``model_kind``
        and ``model_attrs_version``."""
        return {"model_kind": self.KIND, "model_attrs_version": ATTRS_VERSION, **self.as_dict()}

    def __str__(self) -> str:
        rows = [f"  {k:<18} = {getattr(self, k):.6g} {u}" for k, u in self.UNITS.items()
                if getattr(self, k) is not None]
        return f"{type(self).__name__}(\n" + "\n".join(rows) + "\n)"

    # -- exchange and bands -------------------------------------------------------------------
    def exchange_meV(self, theta: float, phi: float = 0.0) -> tuple:
        """Exchange field Delta m = (dx, dy, dz) in meV."""
        d = self.solver_params().delta
        dpar = d * math.sin(theta)
        return dpar * math.cos(phi), dpar * math.sin(phi), d * math.cos(theta)

    def conserved_spin(self, theta: float, phi: float = 0.0):
        """The unit vector u (3,) with u.s conserved at m(theta, phi), or None.

        u.s commutes with H(k) for every k (and with the scalar impurities and a uniform
        field) iff the spin-orbit field L k and the exchange Delta m are all parallel to u:
        L of rank 1 (e.g. Rashba + Dresselhaus with alpha = +-beta, the persistent spin helix)
        with Delta m along its range, or Delta = 0; or L = 0 (u = m). Tolerances: singular
        values of L below 1e-12 of the largest count as 0, and |m x u| < 1e-9 as parallel.
        The solver refuses such points (docs/physics.md sec. 8, "Conserved spin")."""
        p = self.solver_params()
        Lm = np.reshape(np.asarray(p.L, float), (2, 2))
        U, sv, _ = np.linalg.svd(Lm)
        if sv[0] == 0.0:
            if p.delta == 0.0:
                return np.array([0.0, 0.0, 1.0])
            return np.array(self.exchange_meV(theta, phi)) / p.delta
        if sv[1] > SINGULAR_L_RTOL * sv[0]:
            return None
        u = np.array([U[0, 0], U[1, 0], 0.0])
        if p.delta == 0.0:
            return u
        m = np.array(self.exchange_meV(theta, phi)) / p.delta
        return u if np.linalg.norm(np.cross(m, u)) < 1e-9 else None

    def bands_meV(self, kx, ky, theta: float, phi: float = 0.0):
        """(E_-, E_+) in meV at k = (kx, ky) (nm^-1, arrays)."""
        p = self.solver_params()
        lxx, lxy, lyx, lyy = p.L
        dx, dy, dz = self.exchange_meV(theta, phi)
        kx = np.asarray(kx, float)
        ky = np.asarray(ky, float)
        hx = dx + lxx * kx + lxy * ky
        hy = dy + lyx * kx + lyy * ky
        r = np.sqrt(hx * hx + hy * hy + dz * dz)
        e0 = p.c * (kx * kx + ky * ky)
        return e0 - r, e0 + r

    def band_energies(self, kx, ky, theta: float = 0.0, phi: float = 0.0):
        """(E_-, E_+) in eV at wave vectors (kx, ky) in nm^-1 (for plots of bands and contours)."""
        lo, up = self.bands_meV(kx, ky, theta, phi)
        return lo * MEV_TO_EV, up * MEV_TO_EV

    def energy_scale_meV(self) -> float:
        """Energy scale s (meV) of the edge tolerance: max(Delta, |L|^2/(4c), 1e-3 c k_c^2),
        with |L| the largest singular value (c = 0: Delta or |L| k_c * 1e-3)."""
        p = self.solver_params()
        lmax = float(np.linalg.svd(np.reshape(p.L, (2, 2)), compute_uv=False)[0])
        so = lmax * lmax / (4.0 * p.c) if p.c > 0 else 1e-3 * lmax * p.kc
        return max(p.delta, so, 1e-3 * p.c * p.kc * p.kc)

    def kinetic_meV(self, eps: float) -> float:
        """An upper bound of eps - (bottom of the lower band) (meV), for the (eps tau)^-1 check."""
        p = self.solver_params()
        s = self.energy_scale_meV()
        return eps + p.delta + (s if p.c > 0 else 0.0)

    def critical_energies(self, theta: float = 0.0, phi: float = 0.0) -> np.ndarray:
        """Band critical energies (eV) at magnetization (theta, phi): band minima, maxima,
        saddles and band-touching points, where a Fermi contour is born, vanishes or
        changes topology. Sorted, unique."""
        return self.critical_energies_meV(theta, phi) * MEV_TO_EV

    def band_edges(self, theta: float = 0.0, phi: float = 0.0) -> tuple:
        """(E_-min, E_+min) in eV: the bottoms of the lower and the upper band inside the
        cutoff disc at magnetization (theta, phi)."""
        lo, up = self._band_minima_meV(theta, phi)
        return lo * MEV_TO_EV, up * MEV_TO_EV

    def band_bottom(self, theta: float = 0.0, phi: float = 0.0) -> float:
        """Bottom of the lower band (eV) at magnetization (theta, phi)."""
        return self.band_edges(theta, phi)[0]

    # -- generic numerical band routines (exact ones override) ------------------------------
    def _grid(self, theta, phi, n=161):
        """Both bands on an n x n grid over [-k_c, k_c]^2 (meV) and the disc mask."""
        p = self.solver_params()
        k = np.linspace(-p.kc, p.kc, n)
        KX, KY = np.meshgrid(k, k, indexing="ij")
        inside = KX**2 + KY**2 <= p.kc * p.kc
        lo, up = self.bands_meV(KX, KY, theta, phi)
        return KX, KY, inside, lo, up

    def _newton(self, k, sign, theta, phi, iters=30):
        """Newton on grad E_sign = 2 c k + sign L^T u / r = 0 (u = L k + Delta_par,
        r = sqrt(|u|^2 + dz^2)) from the starts k (m, 2); returns (k, |grad E|)."""
        p = self.solver_params()
        Lm = np.reshape(p.L, (2, 2))
        dx, dy, dz = self.exchange_meV(theta, phi)
        d = np.array([dx, dy])
        k = np.array(k, float)
        for _ in range(iters):
            u = k @ Lm.T + d
            r = np.sqrt((u * u).sum(-1) + dz * dz)[:, None]
            r = np.maximum(r, 1e-300)
            Ltu = u @ Lm
            g = 2 * p.c * k + sign * Ltu / r
            LtL = Lm.T @ Lm
            H = (2 * p.c * np.eye(2) + sign * (LtL[None] / r[..., None]
                 - Ltu[:, :, None] * Ltu[:, None, :] / (r[..., None] ** 3)))
            det = H[:, 0, 0] * H[:, 1, 1] - H[:, 0, 1] * H[:, 1, 0]
            ok = np.abs(det) > 1e-300
            step = np.zeros_like(k)
            step[ok, 0] = (H[ok, 1, 1] * g[ok, 0] - H[ok, 0, 1] * g[ok, 1]) / det[ok]
            step[ok, 1] = (H[ok, 0, 0] * g[ok, 1] - H[ok, 1, 0] * g[ok, 0]) / det[ok]
            # damp steps longer than the cutoff radius / 4
            ln = np.hypot(step[:, 0], step[:, 1])[:, None]
            k = k - step * np.minimum(1.0, 0.25 * p.kc / np.maximum(ln, 1e-300))
            if ln.size == 0 or float(ln.max()) <= 1e-13 * p.kc:
                break
        u = k @ Lm.T + d
        r = np.maximum(np.sqrt((u * u).sum(-1) + dz * dz)[:, None], 1e-300)
        g = 2 * p.c * k + sign * (u @ Lm) / r
        return k, np.hypot(g[:, 0], g[:, 1])

    @functools.lru_cache(maxsize=256)  # noqa: B019  (frozen, hashable models; bounded)
    def _critical_points(self, theta, phi):
        """Every critical point of both bands inside the disc, found by Newton from the local
        minima of |grad E|^2 on an 81 x 81 grid: (energies (meV) sorted unique, E_-min,
        E_+min, argmin of E_+)."""
        p = self.solver_params()
        KX, KY, inside, lo, up = self._grid(theta, phi, 81)
        h = KX[1, 0] - KX[0, 0]
        crit, mins, argup = [], [], None
        for sign, E in ((-1.0, lo), (1.0, up)):
            gx, gy = np.gradient(E, h)
            g2 = gx * gx + gy * gy
            loc = np.zeros_like(inside)
            c = g2[1:-1, 1:-1]
            m = inside[1:-1, 1:-1].copy()
            n1 = g2.shape[0] - 1
            for sx in (0, 1, 2):
                for sy in (0, 1, 2):
                    if sx != 1 or sy != 1:
                        m &= c <= g2[sx:n1 - 1 + sx, sy:n1 - 1 + sy]
            loc[1:-1, 1:-1] = m
            starts = np.column_stack([KX[loc], KY[loc]])
            Em = np.where(inside, E, np.inf)
            i = np.unravel_index(np.argmin(Em), Em.shape)
            starts = np.vstack([starts, [[KX[i], KY[i]]]])
            k, gabs = self._newton(starts, sign, theta, phi)
            scale = math.sqrt(float(g2[inside].max())) + 1e-300
            good = (gabs <= 1e-9 * scale) & (np.hypot(k[:, 0], k[:, 1]) < p.kc)
            e = self.bands_meV(k[good, 0], k[good, 1], theta, phi)[0 if sign < 0 else 1]
            crit.extend(e.tolist())
            j = int(np.argmin(e)) if e.size else None
            best = float(e[j]) if j is not None else float(Em[i])
            mins.append(min(best, float(Em[i])))
            if sign > 0:
                argup = (float(k[good][j, 0]), float(k[good][j, 1])) if j is not None else (KX[i], KY[i])
        k0 = self._so_zero(theta, phi)
        dz = self.exchange_meV(theta, phi)[2]
        if k0 is not None and np.hypot(*k0) < p.kc and abs(dz) <= 1e-9 * self.energy_scale_meV():
            # dz = 0: the bands touch at k0, a cusp (not a zero of grad E)
            lo0, up0 = self.bands_meV(k0[0], k0[1], theta, phi)
            crit += [float(lo0), float(up0)]
        e = np.sort(np.array(crit + mins))
        tol = 1e-9 * self.energy_scale_meV()
        e = e[np.concatenate([[True], np.diff(e) > tol])]
        return e, mins[0], mins[1], argup

    def _band_minima_meV(self, theta, phi):
        """(E_-min, E_+min) in meV inside the disc (:meth:`_critical_points`)."""
        _, lo, up, _ = self._critical_points(float(theta), float(phi))
        return lo, up

    def critical_energies_meV(self, theta: float, phi: float = 0.0) -> np.ndarray:
        """Generic: the stationary points of both bands inside the disc (Newton on grad E
        from the local minima of |grad E|^2 on a grid: minima, maxima, saddles) and the
        point where the spin-orbit field cancels the in-plane exchange if m is in plane
        (the bands touch there: a cusp). Critical points closer than the grid spacing
        (2 k_c / 80) may be found as one."""
        return self._critical_points(float(theta), float(phi))[0]

    def _so_zero(self, theta, phi):
        """The k (nm^-1) where L k + Delta_par = 0 (None if L is singular)."""
        p = self.solver_params()
        Lm = np.reshape(p.L, (2, 2))
        if abs(np.linalg.det(Lm)) <= 1e-12 * np.abs(Lm).max() ** 2:
            return None
        dx, dy, _ = self.exchange_meV(theta, phi)
        return np.linalg.solve(Lm, -np.array([dx, dy]))

    def below_bands(self, eps: float, theta: float, phi: float = 0.0) -> bool:
        """True if eps (meV) has no Fermi surface at (theta, phi): the Fermi-surface response
        is zero (below the lower band)."""
        return eps < self._band_minima_meV(theta, phi)[0] - EDGE_RTOL * self.energy_scale_meV()

    def check_fermi_energy(self, eps: float, theta: float, phi: float = 0.0,
                           requested: bool = True) -> None:
        """Refuse eps (meV) without a Fermi surface (``fermi_energy``; only if ``requested``)
        or with a Fermi contour reaching |k| = k_c (``cutoff``): both bands on the cutoff
        circle must lie above eps (2048 points on the circle)."""
        p = self.solver_params()
        s = self.energy_scale_meV()
        if requested and self.below_bands(eps, theta, phi):
            raise ValueError(
                f"`fermi_energy` = {eps * MEV_TO_EV:.6g} eV has no Fermi surface at "
                f"theta={theta:.6g}, phi={phi:.6g}: it must lie at or above the bottom of the "
                f"lower band, {self.band_bottom(theta, phi):.10g} eV")
        psi = np.linspace(0.0, 2 * math.pi, 2048, endpoint=False)
        lo, _ = self.bands_meV(p.kc * np.cos(psi), p.kc * np.sin(psi), theta, phi)
        cmin = float(lo.min())
        if eps >= cmin - EDGE_RTOL * s:
            raise ValueError(
                f"`cutoff` = {self.cutoff!r} nm^-1 is too small for fermi_energy="
                f"{eps * MEV_TO_EV:.6g} eV: at theta={theta:.6g}, phi={phi:.6g} the Fermi contour "
                f"reaches |k| = k_c (allowed: fermi_energy < {cmin * MEV_TO_EV:.6g} eV at this "
                "cutoff, or a larger cutoff)")

    def fermi_centre(self, eps: float, theta: float, phi: float = 0.0) -> tuple:
        """Polar centre (cx, cy) in nm^-1 of the rays, inside every Fermi sea at eps (meV).

        Generic: the minimum of E_+ when the upper band is occupied (E_+ is convex, so its sea
        is convex and contains it, and the lower sea contains the upper one); otherwise, of the
        candidates (the minimum of E_+; the minimum of E_-; the point k0 where the
        spin-orbit field cancels the in-plane exchange, inside the hole of an annular sea),
        the first about which every Fermi contour is star-shaped, judged by the number of
        crossings of eps along 64 rays (400 samples each). The kernels check this again on
        every ray and report a contour that is not (a warning, and K_err)."""
        _, _, upmin, kup = self._critical_points(float(theta), float(phi))
        if eps > upmin:  # the upper sea is convex and inside the lower one: no check needed
            return float(kup[0]), float(kup[1])
        cands = [np.array(kup), self._lower_argmin(float(theta), float(phi))]
        k0 = self._so_zero(theta, phi)
        if k0 is not None and np.hypot(*k0) < self.solver_params().kc:
            cands.append(k0)
        for c in cands:
            if self._star_shaped(c, eps, theta, phi):
                return float(c[0]), float(c[1])
        return float(kup[0]), float(kup[1])

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def _lower_argmin(self, theta, phi):
        KX, KY, inside, lo, _ = self._grid(theta, phi, 81)
        i = np.unravel_index(np.argmin(np.where(inside, lo, np.inf)), lo.shape)
        k, g = self._newton(np.array([[KX[i], KY[i]]]), -1.0, theta, phi)
        return k[0] if np.hypot(*k[0]) < self.solver_params().kc else np.array([KX[i], KY[i]])

    def _star_shaped(self, centre, eps, theta, phi, nray=64, nrho=400) -> bool:
        """True if E_-, E_+ cross eps the same number of times on every one of nray rays."""
        kc = self.solver_params().kc
        cx, cy = centre
        psi = np.linspace(0.0, 2 * math.pi, nray, endpoint=False)[:, None]
        cu = cx * np.cos(psi) + cy * np.sin(psi)
        R = -cu + np.sqrt(cu * cu + kc * kc - cx * cx - cy * cy)
        rho = R * np.linspace(1e-9, 1.0, nrho)[None, :]
        lo, up = self.bands_meV(cx + rho * np.cos(psi), cy + rho * np.sin(psi), theta, phi)
        counts = [np.count_nonzero(np.diff(np.sign(E - eps), axis=1), axis=1) for E in (lo, up)]
        return all(np.all(c == c[0]) for c in counts)


def meV(x_eV: float) -> float:
    """eV -> meV (the solver's internal energy unit)."""
    return x_eV * EV_TO_MEV
