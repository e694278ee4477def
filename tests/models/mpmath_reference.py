"""Reference values of the model predictions in 30-digit arithmetic (mpmath), by other formulas.

The BG/NBD-family expectation is the integral over the dropout probability p ~ Beta(a, B) of
h(p) = (1 − (1 + p u)^−m)/p, computed by mpmath's tanh-sinh quadrature in y = logit(p) over
sub-intervals placed at the density's mode and the knee of h, plus (for a < 1, whose density
piles up at p = 0) the exact mass below a cut in closed form. It is checked against
``mpmath.hyp2f1`` where that is quick (``test_reference_agrees_with_hyp2f1``).
"""

from __future__ import annotations

import mpmath as mp

DIGITS = 30


def _logit_points(centre: mp.mpf, scale: mp.mpf, low: mp.mpf, high: mp.mpf) -> list[mp.mpf]:
    return [centre + k * scale for k in (-10, -3, 0, 3, 10) if low < centre + k * scale < high]


def alive_purchases(m: float, a: float, b: float, u: float) -> mp.mpf:
    """E[(1 − (1 + p u)^−m)/p] for p ~ Beta(a, b): expected purchases of an active customer."""
    with mp.workdps(DIGITS):
        m, a, b, u = (mp.mpf(v) for v in (m, a, b, u))
        if u == 0:
            return mp.mpf(0)
        mu = m * u

        def h(p: mp.mpf) -> mp.mpf:
            return -mp.expm1(-m * mp.log1p(p * u)) / p

        def density(y: mp.mpf) -> mp.mpf:  # of y = logit(p)
            return mp.exp(-a * mp.log1p(mp.exp(-y)) - b * mp.log1p(mp.exp(y)) - log_beta)

        def p_of(y: mp.mpf) -> mp.mpf:
            return 1 / (1 + mp.exp(-y))

        log_beta = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
        h1 = h(mp.mpf(1))
        mode, width = mp.log(a / b), mp.sqrt(1 / a + 1 / b)
        knee = -mp.log(u * max(m, 1))
        high = max(knee, mode) + 12 * min(width, 10) + 120 / (b + 1)
        total = h1
        if a < 1:  # exact mass below the cut, minus the (small) shortfall of h there
            cut = min(knee, mode) - 5
            p_cut = p_of(cut)
            mass = mp.exp(a * mp.log(p_cut) + b * mp.log1p(-p_cut) - mp.log(a) - log_beta) * mp.hyp2f1(a + b, 1, a + 1, p_cut)
            low = cut - 120 / (a + 1)
            left = [low + i * (cut - low) / 3 for i in range(4)]
            total += (mu - h1) * mass - mp.quad(lambda y: (mu - h(p_of(y))) * density(y), left)
        else:
            cut = min(knee, mode) - 120 / a - 12 * min(width, 10)
        points = {cut, high, *_logit_points(mode, width, cut, high), *_logit_points(knee, mp.mpf(1), cut, high)}
        step = cut + 40
        while step < high:
            points.add(step)
            step += 40
        return total + mp.quad(lambda y: (h(p_of(y)) - h1) * density(y), sorted(points))


def alive_purchases_hyp2f1(m: float, a: float, b: float, u: float) -> mp.mpf:
    """The same by the closed form C/(a−1) [1 − (1+u)^−m 2F1(m, b; C; u/(1+u))], C = a+b−1."""
    with mp.workdps(DIGITS + 20):
        m, a, b, u = (mp.mpf(v) for v in (m, a, b, u))
        c = a + b - 1
        return c / (a - 1) * (1 - (1 + u) ** -m * mp.hyp2f1(m, b, c, u / (1 + u)))


def p_alive(log_odds_dropped: mp.mpf) -> mp.mpf:
    return 1 / (1 + mp.exp(log_odds_dropped))


def bgnbd_p_alive(params: dict[str, float], x: float, t_x: float, T: float, shift: int) -> mp.mpf:
    """P(alive) of BG/NBD (shift 0; 1 for x = 0) or MBG/NBD (shift 1)."""
    with mp.workdps(DIGITS):
        r, alpha, a, b = (mp.mpf(params[k]) for k in ("r", "alpha", "a", "b"))
        x, t_x, T = mp.mpf(x), mp.mpf(t_x), mp.mpf(T)
        if shift == 0 and x == 0:
            return mp.mpf(1)
        ratio = a / (b + x - 1 + shift)
        return p_alive(mp.log(ratio) + (r + x) * mp.log((alpha + T) / (alpha + t_x)))


def bgnbd_conditional(params: dict[str, float], t: float, x: float, t_x: float, T: float, shift: int) -> mp.mpf:
    """E[purchases in (T, T+t] | x, t_x, T] of BG/NBD (shift 0) or MBG/NBD (shift 1)."""
    with mp.workdps(DIGITS):
        r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
        u = mp.mpf(t) / (mp.mpf(alpha) + T)
        factor = alive_purchases(mp.mpf(r) + x, a, mp.mpf(b) + x + shift, u)
        return factor * bgnbd_p_alive(params, x, t_x, T, shift)


def bgnbd_count_probability(params: dict[str, float], t: float, n: int, shift: int) -> mp.mpf:
    """P(X(t) = n) for a new customer: survive n (+shift) dropout chances and buy exactly n, or
    drop out right after the n-th purchase (BG/NBD: not before the first repeat purchase)."""
    with mp.workdps(DIGITS):
        r, alpha, a, b = (mp.mpf(params[k]) for k in ("r", "alpha", "a", "b"))
        t, n = mp.mpf(t), int(n)

        def survive(k: int) -> mp.mpf:  # B(a, b+k)/B(a, b)
            return mp.exp(mp.loggamma(b + k) - mp.loggamma(b) - mp.loggamma(a + b + k) + mp.loggamma(a + b))

        z = t / (alpha + t)
        pmf = mp.exp(mp.loggamma(r + n) - mp.loggamma(r) - mp.loggamma(n + 1) + r * mp.log(alpha / (alpha + t)) + n * mp.log(z)) if t > 0 else mp.mpf(n == 0)
        reached = _negative_binomial_reached(r, z, n) if n > 0 else mp.mpf(1)
        dead_after = n + shift - 1  # dropout chances survived before the fatal one
        dead = a / (a + b + dead_after) * survive(dead_after) * reached if dead_after >= 0 else mp.mpf(0)
        return survive(n + shift) * pmf + dead


def _negative_binomial_reached(r: mp.mpf, z: mp.mpf, n: int) -> mp.mpf:
    """P(N ≥ n) for N ~ NB(r, 1−z) by summing the pmf: 1 minus the n head terms in 60 digits, or,
    when that leaves less than 1e-25 (then the pmf falls fast past n), the tail."""
    if z == 0:
        return mp.mpf(0)
    with mp.workdps(60):
        term, head = mp.exp(r * mp.log1p(-z)), mp.mpf(0)
        for k in range(n):
            head += term
            term *= (r + k) / (k + 1) * z
        if 1 - head > mp.mpf(10) ** -25:
            return 1 - head
        tail, k = mp.mpf(0), n
        while term > tail * mp.mpf(10) ** -(DIGITS + 5):
            tail += term
            term *= (r + k) / (k + 1) * z
            k += 1
        return tail


def pareto_conditional(params: dict[str, float], t: float, x: float, t_x: float, T: float) -> mp.mpf:
    """E[purchases in (T, T+t] | x, t_x, T]: (r+x)(β+T)/(α+T) [1 − ((β+T)/(β+T+t))^(s−1)]/(s−1) P(alive)."""
    with mp.workdps(DIGITS):
        r, alpha, s, beta = (mp.mpf(params[k]) for k in ("r", "alpha", "s", "beta"))
        growth = mp.log1p(mp.mpf(t) / (beta + T))  # ln((β+T+t)/(β+T))
        bracket = growth if s == 1 else -mp.expm1(-(s - 1) * growth) / (s - 1)
        return (r + x) * (beta + T) / (alpha + T) * bracket * pareto_p_alive(params, x, t_x, T)


def pareto_log_integral(params: dict[str, float], x: float, t_x: float, T: float) -> mp.mpf:
    """ln ∫_{t_x}^{T} (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, by quadrature on sub-intervals growing by 4."""
    with mp.workdps(DIGITS):
        r, alpha, s, beta = (mp.mpf(params[k]) for k in ("r", "alpha", "s", "beta"))
        x, t_x, T = mp.mpf(x), mp.mpf(t_x), mp.mpf(T)
        if T == t_x:
            return mp.mpf("-inf")
        first, second, k1, k2 = alpha + t_x, beta + t_x, r + x, s + 1
        points, w = [mp.mpf(0)], min(first, second) / (k1 + k2)
        while w < T - t_x:
            points.append(w)
            w *= 4
        points.append(T - t_x)
        value = mp.quad(lambda v: mp.exp(-k1 * mp.log1p(v / first) - k2 * mp.log1p(v / second)), points)
        return -k1 * mp.log(first) - k2 * mp.log(second) + mp.log(value)


def pareto_p_alive(params: dict[str, float], x: float, t_x: float, T: float) -> mp.mpf:
    with mp.workdps(DIGITS):
        r, alpha, s, beta = (mp.mpf(params[k]) for k in ("r", "alpha", "s", "beta"))
        log_odds = mp.log(s) + (r + x) * mp.log(alpha + T) + s * mp.log(beta + T) + pareto_log_integral(params, x, t_x, T)
        return p_alive(log_odds)


def relative_error(value: float, reference: mp.mpf) -> float:
    return float(abs((mp.mpf(value) - reference) / reference)) if reference != 0 else abs(value)
