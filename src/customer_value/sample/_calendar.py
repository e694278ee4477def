"""The shopping calendar of the synthetic data: seasonal day weights and times of day.

Days carry a weight (mean 1 over the simulated window): weekends buy more, 618 (June 18) and
双11 (Nov 11) spike, 双12 a little, and the Spring Festival week is quiet. Times are drawn in
whole seconds as ``datetime64[s]``.
"""

from __future__ import annotations

from datetime import date

import numpy as np

SECONDS_PER_DAY = 86_400

# 春节 (Chinese New Year's day), for the quiet week around it.
_SPRING_FESTIVAL = {
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}  # fmt: skip

# Relative share of orders per hour of day (evening peak, a lunch bump, quiet nights).
_ORDER_HOURS = np.array(
    [2.0, 1.2, 0.6, 0.3, 0.2, 0.3, 0.6, 1.5, 2.5, 3.5, 4.5, 4.8,
     5.0, 4.5, 4.2, 4.3, 4.4, 4.5, 4.6, 5.5, 6.8, 7.2, 6.0, 3.8]
)  # fmt: skip
# Office hours, for sign-ups, calls, webinars and support tickets.
_OFFICE_HOURS = np.array(
    [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 2.5, 5.0, 6.0, 5.5,
     3.5, 4.5, 5.8, 5.8, 5.2, 4.0, 2.0, 1.2, 1.0, 0.8, 0.5, 0.2]
)  # fmt: skip
# Browsing and messaging: all day, busy in the evening.
_ACTIVITY_HOURS = np.array(
    [1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 2.0, 3.0, 3.8, 4.0, 4.0,
     4.2, 4.0, 3.8, 3.8, 3.9, 4.0, 4.2, 4.8, 5.5, 5.8, 4.6, 2.6]
)  # fmt: skip
HOUR_PROFILES = {"orders": _ORDER_HOURS, "office": _OFFICE_HOURS, "activity": _ACTIVITY_HOURS}


def day_range(start: date, end: date) -> np.ndarray:
    """Every day from ``start`` to ``end`` inclusive as ``datetime64[D]``."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)


def shopping_weights(days: np.ndarray) -> np.ndarray:
    """Relative order volume of each day in ``days`` (``datetime64[D]``), mean 1.

    Weekend ×1.3; 618 pre-sale (June 1–17) ×1.3 and June 18 ×3.5; 双11 pre-sale (Nov 1–10) ×1.4,
    Nov 11 ×5, Nov 12 ×1.5; 双12 (Dec 12) ×1.8; the Spring Festival week (−7 … +6 days) ×0.55.
    """
    days = np.asarray(days, dtype="datetime64[D]")
    weights = np.ones(len(days))
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    weights[weekday >= 5] *= 1.3
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    weights[(month == 6) & (day < 18)] *= 1.3
    weights[(month == 6) & (day == 18)] *= 3.5
    weights[(month == 11) & (day < 11)] *= 1.4
    weights[(month == 11) & (day == 11)] *= 5.0
    weights[(month == 11) & (day == 12)] *= 1.5
    weights[(month == 12) & (day == 12)] *= 1.8
    for new_year in _SPRING_FESTIVAL.values():
        offset = (days - np.datetime64(new_year, "D")).astype(np.int64)
        weights[(offset >= -7) & (offset <= 6)] *= 0.55
    return weights / weights.mean()


class DayCurve:
    """Cumulative day weights, to draw event days from a seasonal intensity.

    Parameters
    ----------
    days
        Consecutive days (``datetime64[D]``).
    weights
        Relative intensity of each day.
    """

    def __init__(self, days: np.ndarray, weights: np.ndarray) -> None:
        self.days = np.asarray(days, dtype="datetime64[D]")
        self.origin = self.days[0].astype("datetime64[s]")
        self.weights = np.asarray(weights, dtype=float)
        self.cumulative = np.concatenate([[0.0], np.cumsum(self.weights)])

    def mass(self, at: np.ndarray) -> np.ndarray:
        """Integrated weight from the first day up to ``at`` (``datetime64[s]``), linear in a day."""
        offset = (np.asarray(at, dtype="datetime64[s]") - self.origin).astype(np.int64)
        offset = np.clip(offset, 0, len(self.weights) * SECONDS_PER_DAY)
        day = np.minimum(offset // SECONDS_PER_DAY, len(self.weights) - 1)
        fraction = (offset - day * SECONDS_PER_DAY) / SECONDS_PER_DAY
        return self.cumulative[day] + self.weights[day] * fraction

    def draw(self, rng: np.random.Generator, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """One time (``datetime64[s]``) per row, between ``low`` and ``high``, by day weight."""
        m_low, m_high = self.mass(low), self.mass(high)
        u = m_low + rng.random(len(m_low)) * (m_high - m_low)
        day = np.clip(np.searchsorted(self.cumulative, u, side="right") - 1, 0, len(self.weights) - 1)
        fraction = np.clip((u - self.cumulative[day]) / self.weights[day], 0.0, 1.0 - 1e-9)
        seconds = day * SECONDS_PER_DAY + (fraction * SECONDS_PER_DAY).astype(np.int64)
        return self.origin + seconds.astype("timedelta64[s]")


def with_time_of_day(
    rng: np.random.Generator,
    at: np.ndarray,
    profile: str,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
) -> np.ndarray:
    """Move each time in ``at`` to a time of day drawn from an hour ``profile``, same day.

    Times that would fall outside ``[low, high)`` keep their original value.
    """
    at = np.asarray(at, dtype="datetime64[s]")
    hours = HOUR_PROFILES[profile]
    hour = np.searchsorted(np.cumsum(hours) / hours.sum(), rng.random(len(at)), side="right")
    hour = np.minimum(hour, 23)
    second = hour * 3600 + rng.integers(0, 3600, len(at))
    moved = at.astype("datetime64[D]").astype("datetime64[s]") + second.astype("timedelta64[s]")
    keep = np.zeros(len(at), dtype=bool)
    if low is not None:
        keep |= moved < low
    if high is not None:
        keep |= moved >= high
    return np.where(keep, at, moved)


def to_seconds(value: date) -> np.datetime64:
    """Midnight of ``value`` as ``datetime64[s]``."""
    return np.datetime64(value, "D").astype("datetime64[s]")
