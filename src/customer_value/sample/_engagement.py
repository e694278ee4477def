"""Interactions, support tickets and surveys, tied to each customer's latent behaviour.

Interactions follow a Poisson process thinned by an activity curve: full strength while the
customer is alive, fading over the 90 days before the (latent) death, nearly silent after it.
Tickets are more frequent and more negative for unhappy customers and close to death; survey
scores follow latent satisfaction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.sample._calendar import SECONDS_PER_DAY, with_time_of_day
from customer_value.sample._orders import labels
from customer_value.sample._text import SENTIMENTS, write_ticket_texts

KINDS = ("login", "visit", "edm_open", "webinar", "call", "message_reply")
_KIND_SHARE = {
    False: [0.35, 0.35, 0.12, 0.01, 0.02, 0.15],  # consumers
    True: [0.20, 0.25, 0.25, 0.08, 0.12, 0.10],  # companies
}
_CHANNELS = ("app", "web", "mini_program", "email", "phone", "wechat", "sms")
_FADE_DAYS = 90


def _seq_ids(prefix: str, n: int, width: int) -> pd.arrays.ArrowStringArray:
    padded = pc.utf8_lpad(pc.cast(pa.array(np.arange(1, n + 1)), pa.string()), width, "0")
    return pd.array(pc.binary_join_element_wise(prefix, padded, ""), dtype="str")


def _nullable(values: np.ndarray, keep: np.ndarray) -> pd.arrays.IntegerArray:
    out = pd.array(values, dtype="Int64")
    out[~keep] = pd.NA
    return out


def _activity(at: np.ndarray, death: np.ndarray) -> np.ndarray:
    """Relative activity at time ``at`` for a customer dying at ``death`` (NaT: never)."""
    days_left = (death - at).astype("timedelta64[s]").astype(np.float64) / SECONDS_PER_DAY
    days_left = np.where(np.isnat(death), np.inf, days_left)
    fading = 0.15 + 0.85 * np.clip(days_left / _FADE_DAYS, 0.0, 1.0)
    return np.where(days_left < 0, 0.04, fading)


def _uniform_times(rng: np.random.Generator, rate: np.ndarray, low: np.ndarray, high: np.ndarray):
    """Homogeneous Poisson candidates: customer position and time of each event."""
    span = np.maximum((high - low).astype("timedelta64[s]").astype(np.int64), 0)
    counts = rng.poisson(rate * span / SECONDS_PER_DAY)
    who = np.repeat(np.arange(len(rate)), counts)
    offset = (rng.random(len(who)) * span[who]).astype(np.int64)
    return who, low[who] + offset.astype("timedelta64[s]")


def make_interactions(
    rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame, end_at: np.datetime64
) -> pd.DataFrame:
    """Logins, visits, EDM opens, webinars, calls and message replies, sorted by time.

    Columns: customer_id, occurred_at, kind, channel, duration (seconds; visits, calls and
    webinars only).
    """
    n = len(customers)
    is_company = (customers["customer_type"] == "企业").to_numpy()
    rate = truth["purchase_rate"].to_numpy()
    base = 0.05 * (rate / rate.mean()) ** 0.4 * rng.gamma(2.0, 0.5, n) * np.where(is_company, 1.2, 0.9)
    base = np.where(truth["ordered"].to_numpy(), base, 0.4 * base)
    signup = customers["signup_at"].to_numpy().astype("datetime64[s]")
    who, at = _uniform_times(rng, base, signup, np.full(n, end_at))
    death = truth["death_at"].to_numpy().astype("datetime64[s]")
    keep = rng.random(len(who)) < _activity(at, death[who])
    who, at = who[keep], at[keep]

    company = is_company[who]
    u = rng.random(len(who))
    cum_c, cum_p = np.cumsum(_KIND_SHARE[True]), np.cumsum(_KIND_SHARE[False])
    kind = np.where(company, np.searchsorted(cum_c, u * cum_c[-1], side="right"),
                    np.searchsorted(cum_p, u * cum_p[-1], side="right"))  # fmt: skip
    kind = np.minimum(kind, len(KINDS) - 1)
    office = np.isin(kind, [3, 4])
    at = np.where(
        office, with_time_of_day(rng, at, "office", high=end_at), with_time_of_day(rng, at, "activity", high=end_at)
    )
    v = rng.random(len(who))
    channel = np.select(  # codes into _CHANNELS
        [kind == 0, kind == 1, kind == 2, kind == 3, kind == 4],
        [np.where(v < 0.6, 0, 1), np.where(v < 0.55, 1, 2), 3, 1, 4],
        np.where(v < 0.85, 5, 6),
    )
    duration = np.select(
        [kind == 1, kind == 3, kind == 4],
        [
            np.round(rng.lognormal(np.log(120), 0.9, len(who))),
            rng.integers(20 * 60, 90 * 60, len(who)).astype(float),
            np.round(rng.lognormal(np.log(240), 0.7, len(who))),
        ],
        np.nan,
    )
    order = np.lexsort((who, at))
    ids = truth["customer_id"].to_numpy()
    return pd.DataFrame(
        {
            "customer_id": pd.array(pa.array(ids).take(who[order]), dtype="str"),
            "occurred_at": at[order],
            "kind": labels(KINDS, kind[order]),
            "channel": labels(_CHANNELS, channel[order]),
            "duration": duration[order],
        }
    )


def make_tickets(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    truth: pd.DataFrame,
    orders: pd.DataFrame,
    end_at: np.datetime64,
) -> pd.DataFrame:
    """Support tickets with text, sentiment label, resolution time and satisfaction (1–5).

    Columns: ticket_id, customer_id, opened_at, resolved_at (NaT: open), channel, topic,
    language (zh/en), text, sentiment (ground-truth label), satisfaction (nullable Int64).
    """
    n = len(customers)
    sat = truth["satisfaction"].to_numpy()
    is_company = (customers["customer_type"] == "企业").to_numpy()
    first = truth["first_order_at"].to_numpy().astype("datetime64[s]")
    death = truth["death_at"].to_numpy().astype("datetime64[s]")
    ordered = truth["ordered"].to_numpy()
    until = np.where(ordered, np.minimum(death + np.timedelta64(30, "D"), end_at), end_at)
    low = np.where(ordered, first, end_at)
    rate = 0.5 / 365 * np.exp(-0.5 * sat) * np.where(is_company, 1.5, 1.0) * 3.0  # thinned below
    who, at = _uniform_times(rng, rate, low, until)
    days_left = (death[who] - at).astype(np.int64) / SECONDS_PER_DAY
    near = (days_left < 120).astype(float)
    keep = rng.random(len(who)) < (1.0 + 1.0 * near) / 3.0
    who, at, near = who[keep], at[keep], near[keep]
    at = with_time_of_day(rng, at, "office", high=end_at)
    order = np.lexsort((who, at))
    who, at, near = who[order], at[order], near[order]
    m = len(who)

    score = -0.9 * sat[who] + 1.4 * near + 0.8 * rng.standard_normal(m)
    sentiment = np.where(score > 0.8, 0, np.where(score < -0.7, 2, 1))
    names = customers["name"].to_numpy()
    english_name = np.array([name.isascii() for name in names])[who]
    english = np.where(english_name, rng.random(m) < 0.9, rng.random(m) < 0.06)
    last_order = _last_order_before(orders, truth["customer_id"].to_numpy()[who], at)
    texts, topics = write_ticket_texts(rng, sentiment, english, last_order)

    median_hours = np.array([30.0, 8.0, 4.0])[sentiment]
    hours = rng.lognormal(np.log(median_hours), 1.0)
    resolved = at + (hours * 3600).astype(np.int64).astype("timedelta64[s]")
    open_ = (resolved >= end_at) | (rng.random(m) < 0.02)
    resolved = np.where(open_, np.datetime64("NaT", "s"), resolved)
    stars = np.array([1.8, 3.8, 4.6])[sentiment] - 0.25 * np.log10(hours) + 0.6 * rng.standard_normal(m)
    stars = np.clip(np.round(stars), 1, 5).astype(np.int64)
    rated = ~open_ & (rng.random(m) < 0.65)
    channel = np.array(["电话", "在线客服", "邮件", "微信"])[rng.choice(4, m, p=[0.3, 0.4, 0.1, 0.2])]
    return pd.DataFrame(
        {
            "ticket_id": _seq_ids("TK", m, 7),
            "customer_id": pd.array(pa.array(truth["customer_id"].to_numpy()).take(who), dtype="str"),
            "opened_at": at,
            "resolved_at": resolved,
            "channel": pd.array(channel, dtype="str"),
            "topic": pd.array(topics, dtype="str"),
            "language": pd.array(np.where(english, "en", "zh"), dtype="str"),
            "text": pd.array(texts, dtype="str"),
            "sentiment": pd.array(np.array(SENTIMENTS)[sentiment], dtype="str"),
            "satisfaction": _nullable(stars, rated),
        }
    )


def _last_order_before(orders: pd.DataFrame, customer_id: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The id of each customer's latest order before ``at`` ("-" if none)."""
    if len(customer_id) == 0:
        return np.array([], dtype=object)
    left = pd.DataFrame({"customer_id": customer_id, "at": at, "row": np.arange(len(at))}).sort_values("at")
    right = orders.loc[orders["status"] != "refund", ["customer_id", "ordered_at", "order_id"]]
    right = right.rename(columns={"ordered_at": "at"}).sort_values("at")
    left["customer_id"] = left["customer_id"].astype(object)
    right = right.assign(customer_id=right["customer_id"].astype(object))
    merged = pd.merge_asof(left, right, on="at", by="customer_id", direction="backward")
    merged = merged.sort_values("row")
    return merged["order_id"].astype(object).fillna("-").to_numpy()


def make_surveys(
    rng: np.random.Generator, customers: pd.DataFrame, truth: pd.DataFrame, end_at: np.datetime64
) -> pd.DataFrame:
    """Survey answers: NPS (0–10), CES (1–7, 7 = very easy) and CSAT (1–5).

    Invitations come every ~6 months while a customer is alive; happier customers answer more
    often, and scores follow latent satisfaction, lower in the last 120 days before death.
    Columns: survey_id, customer_id, answered_at, nps, ces, csat (nullable Int64; CES and CSAT
    are not asked in every survey).
    """
    sat = truth["satisfaction"].to_numpy()
    first = truth["first_order_at"].to_numpy().astype("datetime64[s]")
    death = truth["death_at"].to_numpy().astype("datetime64[s]")
    ordered = truth["ordered"].to_numpy()
    until = np.where(ordered, np.minimum(death, end_at), end_at)
    low = np.where(ordered, np.minimum(first + np.timedelta64(7, "D"), until), end_at)
    who, at = _uniform_times(rng, np.full(len(sat), 1 / 180), low, until)
    answer = rng.random(len(who)) < 1 / (1 + np.exp(-(-0.6 + 0.5 * sat[who])))
    who, at = who[answer], at[answer]
    at = with_time_of_day(rng, at, "activity", high=end_at)
    order = np.lexsort((who, at))
    who, at = who[order], at[order]
    m = len(who)
    days_left = (death[who] - at).astype(np.int64) / SECONDS_PER_DAY
    mood = sat[who] - 0.8 * (days_left < 120)
    nps = np.clip(np.round(7.2 + 1.8 * mood + 1.3 * rng.standard_normal(m)), 0, 10).astype(np.int64)
    ces = np.clip(np.round(5.0 + 1.0 * mood + 1.0 * rng.standard_normal(m)), 1, 7).astype(np.int64)
    csat = np.clip(np.round(3.9 + 0.8 * mood + 0.7 * rng.standard_normal(m)), 1, 5).astype(np.int64)
    ask_ces, ask_csat = rng.random(m) < 0.5, rng.random(m) < 0.7
    return pd.DataFrame(
        {
            "survey_id": _seq_ids("SV", m, 7),
            "customer_id": pd.array(pa.array(truth["customer_id"].to_numpy()).take(who), dtype="str"),
            "answered_at": at,
            "nps": pd.array(nps, dtype="Int64"),
            "ces": _nullable(ces, ask_ces),
            "csat": _nullable(csat, ask_csat),
        }
    )
