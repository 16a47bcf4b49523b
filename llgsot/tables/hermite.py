"""Piecewise cubic Hermite interpolation in theta that respects jumps and symmetries.

Slopes: the derivative of the parabola through three neighbouring nodes (Bessel slopes,
second-order accurate, so the interpolant errs by O(h^3)); at theta = 0 and pi a mirror
node built from the parity of each component (f(-theta) = p f(theta)) makes the slopes
exactly symmetric; next to a bracketed jump the slope is one-sided, so nothing rings across
the jump; a jump interval is evaluated as a step at its midpoint. No monotonicity limiter:
limiters (Fritsch-Carlson, Hyman) cost an order of accuracy next to smooth extrema, which
the physical curves have; the adaptive builder bounds any overshoot by its tolerance.
"""
import numpy as np


def bessel_slopes(theta, values, jump_after, parity_left=None, parity_right=None):
    """Slopes d(values)/d(theta) at the nodes.

    theta: (N,) strictly increasing; values: (N, C); jump_after: (N-1,) bool;
    parity_left/right: (C,) parities for mirror nodes at theta[0] = 0 and theta[-1] = pi
    (None: one-sided ends).
    """
    t = np.asarray(theta, float)
    f = np.asarray(values, float)
    jump = np.asarray(jump_after, bool)
    N = len(t)
    h = np.diff(t)
    s = np.diff(f, axis=0) / h[:, None]
    d = np.zeros_like(f)
    if N < 2:
        return d
    ok = ~jump
    left = np.concatenate([[False], ok])  # the interval on the left of node i is smooth
    right = np.concatenate([ok, [False]])
    done = left & right
    i = np.flatnonzero(done)  # centred: the parabola through i - 1, i, i + 1
    hl, hr = h[i - 1][:, None], h[i][:, None]
    d[i] = (hr * s[i - 1] + hl * s[i]) / (hl + hr)
    if parity_left is not None and right[0]:  # mirror node at theta[0]
        h0 = h[0]
        sl = (f[0] - parity_left * f[1]) / h[0]
        d[0] = (h0 * sl + h0 * s[0]) / (h0 + h0)
        done[0] = True
    if parity_right is not None and left[-1] and not done[-1]:  # mirror node at theta[-1]
        h0 = h[-1]
        sr = (parity_right * f[-2] - f[-1]) / h[-1]
        d[-1] = (h0 * s[-1] + h0 * sr) / (h0 + h0)
        done[-1] = True
    # one-sided, three points if the next interval is smooth too
    i = np.flatnonzero(right & ~done)
    three = (i + 1 < N - 1) & ok[np.minimum(i + 1, N - 2)]
    i3, i1 = i[three], i[~three]
    h0, h1 = h[i3][:, None], h[i3 + 1][:, None]
    d[i3] = ((2 * h0 + h1) * s[i3] - h0 * s[i3 + 1]) / (h0 + h1)
    d[i1] = s[i1]
    i = np.flatnonzero(left & ~right & ~done)
    three = (i - 2 >= 0) & ok[np.maximum(i - 2, 0)]
    i3, i1 = i[three], i[~three]
    h0, h1 = h[i3 - 1][:, None], h[i3 - 2][:, None]
    d[i3] = ((2 * h0 + h1) * s[i3 - 1] - h0 * s[i3 - 2]) / (h0 + h1)
    d[i1] = s[i1 - 1]
    return d


def hermite_eval(theta, values, slopes, jump_after, x):
    """Evaluate the interpolant at x (M,): returns (M, C)."""
    t = np.asarray(theta, float)
    x = np.clip(np.asarray(x, float), t[0], t[-1])
    i = np.clip(np.searchsorted(t, x, side="right") - 1, 0, len(t) - 2)
    h = t[i + 1] - t[i]
    u = ((x - t[i]) / h)[:, None]
    f0, f1 = values[i], values[i + 1]
    d0, d1 = slopes[i] * h[:, None], slopes[i + 1] * h[:, None]
    u2, u3 = u * u, u * u * u
    out = (2 * u3 - 3 * u2 + 1) * f0 + (u3 - 2 * u2 + u) * d0 + (-2 * u3 + 3 * u2) * f1 + (u3 - u2) * d1
    jump = np.asarray(jump_after, bool)[i]
    if jump.any():
        step = np.where(u < 0.5, f0, f1)
        out = np.where(jump[:, None], step, out)
    return out


def hermite_eval_nodes(nodes, values, slopes, x):
    """The same interpolant from the node form of ``TorqueTable.kernel_arrays()``: ``nodes``
    (N,) non-decreasing, a node repeated twice marks a jump (left limit on the first copy,
    right limit on the second; at the jump itself the right limit is returned, as the numba
    kernels do). values, slopes: (N, C). x: (M,) clipped to [nodes[0], nodes[-1]]. Returns (M, C).
    """
    t = np.asarray(nodes, float)
    x = np.clip(np.asarray(x, float), t[0], t[-1])
    i = np.clip(np.searchsorted(t, x, side="right") - 1, 0, len(t) - 2)
    i = np.where(t[i + 1] > t[i], i, i - 1)  # x == nodes[-1] after a jump copy: last real segment
    h = t[i + 1] - t[i]
    u = ((x - t[i]) / h)[:, None]
    f0, f1 = values[i], values[i + 1]
    d0, d1 = slopes[i] * h[:, None], slopes[i + 1] * h[:, None]
    u2, u3 = u * u, u * u * u
    return (2 * u3 - 3 * u2 + 1) * f0 + (u3 - 2 * u2 + u) * d0 + (-2 * u3 + 3 * u2) * f1 + (u3 - u2) * d1


def hermite_power_coefficients(theta, values, slopes):
    """The cubic Hermite interpolant of each segment in power form of d = theta - theta_i.

    For y0, y1 (values) and s0, s1 (slopes) at the ends of a segment of width h:
    p(d) = y0 + s0 d + c2 d^2 + c3 d^3, c2 = (3 D - 2 s0 - s1)/h, c3 = (s0 + s1 - 2 D)/h^2 with
    D = (y1 - y0)/h: the same cubic as the Hermite basis form. Returns (N, 40): row i holds
    c0, c1, c2, c3 (10 entries each) of segment i; zero-width segments and the last row are 0.
    """
    n = theta.size
    coef = np.zeros((n, 40))
    h = np.diff(theta)
    ok = h > 0
    hh = np.where(ok, h, 1.0)[:, None]
    y0, y1, s0, s1 = values[:-1], values[1:], slopes[:-1], slopes[1:]
    D = (y1 - y0) / hh
    c = np.concatenate([y0, s0, (3 * D - 2 * s0 - s1) / hh, (s0 + s1 - 2 * D) / hh**2], axis=1)
    coef[:-1] = np.where(ok[:, None], c, 0.0)
    return np.ascontiguousarray(coef)


#: points (fractions of an interval) at which :func:`embedded_error` compares the interpolants
EMBED_U = np.array([0.1, 0.21, 0.35, 0.5, 0.65, 0.79, 0.9])
#: nodes of the higher-order (degree 5) interpolant of :func:`embedded_error`
EMBED_NODES = 6


def embedded_error(theta, values, slopes, jump_after, parity_left=None, parity_right=None):
    """Estimated error of the Hermite interpolant on each interval, (N-1, C) absolute.

    The interpolant (:func:`hermite_eval` with ``slopes``) is compared with the degree-5
    polynomial through six neighbouring nodes of the same smooth run (centred where the run
    allows, mirror nodes from the parities at theta[0] = 0 and theta[-1] = pi), at the
    fractions :data:`EMBED_U` of the interval; the largest difference is the estimate. The
    higher-order interpolant errs by O(h^6), the Hermite one by O(h^4) plus the O(h^3) of
    its Bessel slopes, so where the data are resolved the difference is the Hermite error
    itself, with its shape: the slope part vanishes at the midpoint (its error is
    h (d0 u (1-u)^2 - d1 u^2 (1-u)) for slope errors d0 ~ d1), which a held-out midpoint
    alone cannot see. Jump intervals (steps by construction) and runs of fewer than six
    nodes get 0 (no estimate).
    """
    t = np.asarray(theta, float)
    f = np.asarray(values, float)
    jump = np.asarray(jump_after, bool)
    N, C = f.shape
    out = np.zeros((N - 1, C))
    m = EMBED_NODES // 2
    # extended nodes: up to m mirror nodes on each side, the runs never cross a jump
    lo_t, lo_f = np.empty(0), np.empty((0, C))
    hi_t, hi_f = np.empty(0), np.empty((0, C))
    k = min(m, N - 1)
    if parity_left is not None:
        lo_t, lo_f = -t[k:0:-1], parity_left * f[k:0:-1]
    if parity_right is not None:
        hi_t = 2 * t[-1] - t[-2:-2 - k:-1]
        hi_f = parity_right * f[-2:-2 - k:-1]
    te = np.concatenate([lo_t, t, hi_t])
    fe = np.concatenate([lo_f, f, hi_f])
    off = len(lo_t)
    je = np.concatenate([np.zeros(len(lo_t), bool), jump, np.zeros(len(hi_t), bool)])
    # smooth runs: node index ranges [start, end] not crossing a jump interval
    run_id = np.concatenate([[0], np.cumsum(je)])
    starts = {}
    ends = {}
    for idx, r in enumerate(run_id):
        starts.setdefault(r, idx)
        ends[r] = idx
    for i in range(N - 1):
        if jump[i]:
            continue
        j = i + off
        r = run_id[j]
        s0, s1 = starts[r], ends[r]
        if s1 - s0 + 1 < EMBED_NODES:
            continue
        s = min(max(j - m + 1, s0), s1 - EMBED_NODES + 1)
        idx = np.arange(s, s + EMBED_NODES)
        x = t[i] + EMBED_U * (t[i + 1] - t[i])
        lag = np.zeros((len(x), C))
        for a in idx:
            w = np.ones_like(x)
            for b in idx:
                if b != a:
                    w *= (x - te[b]) / (te[a] - te[b])
            lag += w[:, None] * fe[a]
        her = hermite_eval(t, f, slopes, jump, x)
        out[i] = np.abs(her - lag).max(axis=0)
    return out
