"""The latent behaviour of each synthetic customer: the ground truth the models should recover.

Purchase rate λ ~ Gamma(r = 0.55) per customer (orders per average day while alive); dropout rate
μ ~ Gamma(s = 1.5) scaled by the customer's latent satisfaction and acquisition channel, lifetime
τ ~ Exponential(μ) from the first order; order value lognormal with a per-customer log-mean
independent of λ. Satisfaction z ~ N(0, 1) also drives surveys and tickets, so voice-of-customer
data carries a real signal about churn.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from customer_value.sample._calendar import SECONDS_PER_DAY, to_seconds

MEAN_PURCHASE_RATE = 0.030  # orders per day while alive (≈ 11 a year)
RATE_SHAPE = 0.55
MEAN_DROPOUT_RATE = 0.55 / 365  # per day (0.55 a year on average; ~35% of buyers churn by the end)
DROPOUT_SHAPE = 1.5
NEVER_BUY_SHARE = 0.05
AT_RISK_DAYS = 180

_CHANNEL_EFFECT = {  # (dropout multiplier, spend log shift)
    "客户推荐": (0.7, 0.10), "抖音广告": (1.4, -0.20), "小红书": (1.2, -0.10),
    "线下展会": (0.9, 0.25), "电话销售": (1.0, 0.15),
}  # fmt: skip
_SIZE_SPEND = {"1-20人": 0.3, "21-100人": 0.6, "101-500人": 0.9, "501-2000人": 1.2, "2000人以上": 1.5}


def draw_behaviour(rng: np.random.Generator, customers: pd.DataFrame, end: date) -> pd.DataFrame:
    """Latent parameters, first-order and death times of every customer (one row each).

    Columns: customer_id, purchase_rate, dropout_rate (per day), spend_log_mean, spend_log_sd,
    mean_amount (expected order value, ¥), satisfaction, ordered, first_order_at, death_at,
    lifetime_days, churned (dead before the end of the window).
    """
    n = len(customers)
    end_at = to_seconds(end) + np.timedelta64(1, "D")
    channel = customers["acquisition_channel"].to_numpy()
    effect = np.array([_CHANNEL_EFFECT.get(c, (1.0, 0.0)) for c in channel]).reshape(n, 2)
    satisfaction = rng.standard_normal(n)

    rate = rng.gamma(RATE_SHAPE, MEAN_PURCHASE_RATE / RATE_SHAPE, n)
    dropout = rng.gamma(DROPOUT_SHAPE, MEAN_DROPOUT_RATE / DROPOUT_SHAPE, n)
    dropout *= effect[:, 0] * np.exp(-0.45 * satisfaction - 0.45**2 / 2)

    size_shift = customers["size"].map(_SIZE_SPEND).fillna(0.0).to_numpy(dtype=float)
    log_mean = np.log(220.0) + size_shift + effect[:, 1] + 0.8 * rng.standard_normal(n)
    log_sd = rng.uniform(0.35, 0.75, n)

    signup = customers["signup_at"].to_numpy().astype("datetime64[s]")
    delay = np.where(rng.random(n) < 0.6, 0.0, rng.exponential(6.0, n))  # days from sign-up
    first_at = signup + (delay * SECONDS_PER_DAY).astype(np.int64).astype("timedelta64[s]")
    ordered = (rng.random(n) >= NEVER_BUY_SHARE) & (first_at < end_at)
    lifetime = np.minimum(rng.exponential(1.0, n) / dropout, 100 * 365.0)
    death_at = first_at + (lifetime * SECONDS_PER_DAY).astype(np.int64).astype("timedelta64[s]")
    churned = ordered & (death_at < end_at)
    nat = np.datetime64("NaT", "s")
    return pd.DataFrame(
        {
            "customer_id": customers["customer_id"],
            "purchase_rate": rate,
            "dropout_rate": dropout,
            "spend_log_mean": log_mean,
            "spend_log_sd": log_sd,
            "mean_amount": np.exp(log_mean + log_sd**2 / 2),
            "satisfaction": satisfaction,
            "ordered": ordered,
            "first_order_at": np.where(ordered, first_at, nat),
            "death_at": np.where(ordered, death_at, nat),
            "lifetime_days": np.where(ordered, lifetime, np.nan),
            "churned": churned,
        }
    )


def label_segments(truth: pd.DataFrame, end: date) -> pd.DataFrame:
    """Add the true segment and value type to ``truth`` (a copy).

    ``true_segment``: ``prospect`` (never bought), ``lost`` (dead before the end), ``at_risk``
    (alive at the end but dies within 180 days), else by latent yearly value λ·365·E[amount]
    among buyers: ``high_value`` (top 20%), ``potential`` (rate above the median),
    ``low_value``. ``value_type``: ``whale`` (order value in the top 10%, rate below the
    median), ``small_fish`` (rate in the top 25%, order value below the median), ``regular``.
    """
    out = truth.copy()
    end_at = to_seconds(end) + np.timedelta64(1, "D")
    buyers = out["ordered"].to_numpy()
    rate, amount = out["purchase_rate"].to_numpy(), out["mean_amount"].to_numpy()
    value = rate * 365 * amount
    v80 = np.quantile(value[buyers], 0.8) if buyers.any() else np.inf
    r50 = np.median(rate[buyers]) if buyers.any() else np.inf
    death = out["death_at"].to_numpy()
    soon = buyers & ~out["churned"].to_numpy() & (death < end_at + np.timedelta64(AT_RISK_DAYS, "D"))
    segment = np.select(
        [~buyers, out["churned"].to_numpy(), soon, value >= v80, rate >= r50],
        ["prospect", "lost", "at_risk", "high_value", "potential"],
        "low_value",
    )
    a90, a50 = np.quantile(amount[buyers], [0.9, 0.5]) if buyers.any() else (np.inf, np.inf)
    r75 = np.quantile(rate[buyers], 0.75) if buyers.any() else np.inf
    value_type = np.select(
        [buyers & (amount >= a90) & (rate < r50), buyers & (rate >= r75) & (amount < a50)],
        ["whale", "small_fish"],
        "regular",
    )
    out["true_segment"] = pd.array(segment, dtype="str")
    out["value_type"] = pd.array(value_type, dtype="str")
    return out
