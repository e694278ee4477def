"""The synthetic CRM is deterministic, consistent with its latent truth, and realistic."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.errors import ConfigError
from customer_value.sample import TABLES, generate_crm

END = pd.Timestamp("2025-07-01")  # exclusive end of the default window



def test_same_seed_same_tables_other_seed_other_tables(crm):
    again = generate_crm(2000, seed=0)
    for name in (*TABLES, "truth", "duplicates"):
        pd.testing.assert_frame_equal(getattr(crm, name), getattr(again, name))
    other = generate_crm(2000, seed=1)
    assert not crm.orders["amount"].equals(other.orders["amount"])


def test_one_table_per_canonical_table_with_required_columns(crm):
    required = {
        "customers": ["customer_id"],
        "orders": ["customer_id", "ordered_at", "amount"],
        "interactions": ["customer_id", "occurred_at", "kind"],
        "tickets": ["customer_id", "opened_at"],
        "surveys": ["customer_id", "answered_at"],
        "referrals": ["referrer_id", "referred_id"],
        "opportunities": ["opportunity_id", "stage", "stage_entered_at"],
        "marketing_spend": ["channel", "period_start", "spend"],
    }
    tables = crm.tables()
    assert list(tables) == list(TABLES)
    for name, columns in required.items():
        assert set(columns) <= set(tables[name].columns), name
        assert len(tables[name]) > 0, name


def test_sizes_scale_with_customers(crm):
    assert 15_000 <= len(crm.orders) <= 30_000
    small = generate_crm(200, seed=0)
    assert 1_000 <= len(small.orders) <= 3_500


def test_invalid_arguments_raise_config_error():
    with pytest.raises(ConfigError):
        generate_crm(0)
    with pytest.raises(ConfigError):
        generate_crm(10, start=date(2024, 1, 1), end=date(2024, 1, 20))


# -- customers ---------------------------------------------------------------------------------


def test_ids_unique_and_phones_valid_e164(crm):
    customers = crm.customers
    assert customers["customer_id"].is_unique
    phones = customers["phone"].dropna()
    assert phones.is_unique
    assert customers["email"].dropna().is_unique
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones)
    mobile = phones.str.fullmatch(r"\+861[3-9]\d{9}")
    assert 0.85 < mobile.mean() < 0.99  # the rest are landlines
    assert phones[~mobile].str.fullmatch(r"\+86[1-9]\d{8,10}").all()


def test_common_names_repeat_among_different_people(crm):
    counts = crm.customers["name"].value_counts()
    assert counts.iloc[0] >= 4
    assert (counts >= 2).sum() >= 30
    assert crm.customers["name"].str.isascii().mean() > 0.02  # some English names


def test_customer_attributes_look_like_a_crm(crm):
    customers = crm.customers
    assert 0.35 <= customers["industry"].isna().mean() <= 0.45
    assert customers["owner"].nunique() <= 10
    assert customers["region"].nunique() >= 6
    assert 0.03 <= customers["key_account"].mean() <= 0.07
    assert 0.01 <= customers["reference_account"].mean() <= 0.05
    assert customers["signup_at"].is_monotonic_increasing
    emails = customers["email"].dropna()
    assert emails.str.fullmatch(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]+").all()


def test_duplicates_point_at_true_customers_by_phone_or_email(crm):
    dup = crm.duplicates
    assert 0.02 <= len(dup) / len(crm.customers) <= 0.04
    assert not set(dup["source_id"]) & set(crm.customers["customer_id"])
    true = crm.customers.set_index("customer_id").loc[dup["true_id"]]
    same_phone = dup["phone"].to_numpy() == true["phone"].to_numpy()
    same_email = dup["email"].to_numpy() == true["email"].to_numpy()
    assert (same_phone | same_email).all()
    assert (dup["name"].to_numpy() != true["name"].to_numpy()).all()
    squeezed = dup["name"].str.replace(r"[\s\u3000]", "", regex=True).str.lower()
    assert (squeezed.str.isascii() | (squeezed == true["name"].str.replace(" ", "").to_numpy())).all()


# -- orders and the latent truth ---------------------------------------------------------------


def test_orders_are_consistent_with_the_latent_truth(crm):
    orders, truth = crm.orders, crm.truth.set_index("customer_id")
    assert orders["order_id"].is_unique
    assert orders["ordered_at"].is_monotonic_increasing
    assert orders["ordered_at"].min() >= pd.Timestamp(crm.start)
    assert orders["ordered_at"].max() < END
    assert (orders["ordered_at"] == orders["ordered_at"].dt.floor("s")).all()
    sales = orders[orders["status"] != "refund"]
    death = truth.loc[sales["customer_id"], "death_at"].to_numpy()
    assert (sales["ordered_at"].to_numpy() <= death).all()
    first = truth.loc[sales["customer_id"], "first_order_at"].to_numpy()
    assert (sales["ordered_at"].to_numpy() >= first).all()
    assert set(sales["customer_id"]) == set(truth.index[truth["ordered"]])


def test_churn_and_repeat_shares_are_realistic(crm):
    truth = crm.truth[crm.truth["ordered"]]
    assert 0.20 <= truth["churned"].mean() <= 0.60
    completed = crm.orders[crm.orders["status"] == "completed"]
    per_customer = completed.groupby("customer_id").size()
    assert 0.4 <= (per_customer >= 2).mean() <= 0.9
    assert set(crm.truth["true_segment"]) == {"prospect", "lost", "at_risk", "high_value", "potential", "low_value"}
    assert set(crm.truth["value_type"]) == {"whale", "small_fish", "regular"}


def test_spend_is_independent_of_frequency(crm):
    truth = crm.truth[crm.truth["ordered"]]
    rho = np.corrcoef(np.log(truth["purchase_rate"]), truth["spend_log_mean"])[0, 1]
    assert abs(rho) < 0.1


def test_status_cancellations_and_refund_reversals(crm):
    orders = crm.orders
    share = orders["status"].value_counts(normalize=True)
    assert 0.02 <= share["cancelled"] <= 0.04
    assert 0.01 <= share["refund"] <= 0.03
    refunds = orders[orders["status"] == "refund"]
    assert (refunds["amount"] < 0).all()
    original = orders.set_index("order_id").loc[refunds["refund_of"]]
    assert (original["status"] == "completed").all()
    assert (original["customer_id"].to_numpy() == refunds["customer_id"].to_numpy()).all()
    assert (original["ordered_at"].to_numpy() < refunds["ordered_at"].to_numpy()).all()
    assert (-refunds["amount"].to_numpy() <= original["amount"].to_numpy() + 1e-9).all()
    assert orders.loc[orders["status"] != "refund", "order_id"].str.fullmatch(r"SO\d{13}").all()


def test_seasonal_peaks_and_categories(crm):
    sales = crm.orders[crm.orders["status"] != "refund"]
    per_day = sales.groupby(sales["ordered_at"].dt.normalize()).size()
    typical = per_day.median()
    assert per_day[pd.Timestamp("2024-11-11")] > 3 * typical
    assert per_day[pd.Timestamp("2024-06-18")] > 2 * typical
    weekend = per_day.index.dayofweek >= 5
    assert per_day[weekend].mean() > per_day[~weekend].mean()
    assert sales["category"].nunique() == 12
    assert sales["channel"].nunique() >= 6
    top_share = sales.groupby("customer_id")["category"].agg(lambda c: c.value_counts(normalize=True).iloc[0])
    assert top_share[sales.groupby("customer_id").size() >= 5].mean() > 0.5  # preferences


# -- engagement --------------------------------------------------------------------------------


def test_interactions_dry_up_before_death(crm):
    interactions = crm.interactions.merge(crm.truth[["customer_id", "death_at", "churned"]], on="customer_id")
    churned = interactions[interactions["churned"]]
    days_left = (churned["death_at"] - churned["occurred_at"]).dt.days
    assert set(crm.interactions["kind"]) == {"login", "visit", "edm_open", "webinar", "call", "message_reply"}
    # events per day of remaining life: 90–180 days before death vs. after death
    before = ((days_left >= 90) & (days_left < 180)).sum() / 90
    after = ((days_left < 0) & (days_left >= -90)).sum() / 90
    assert after < 0.2 * before


def test_tickets_carry_sentiment_and_keywords(crm):
    tickets = crm.tickets
    share = tickets["sentiment"].value_counts(normalize=True)
    assert share.min() > 0.1
    negative = tickets.loc[tickets["sentiment"] == "negative", "text"]
    keywords = re.compile(r"投诉|退货|太差|骗子|退款|差评|失望|terrible|refund|scam|worst|disappointed", re.I)
    assert negative.str.contains(keywords).all()
    assert tickets["text"].str.contains("\n").any() and tickets["text"].str.contains('"').any()
    assert set(tickets["language"]) == {"zh", "en"}
    assert tickets["satisfaction"].dropna().between(1, 5).all()
    resolved = tickets.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] > resolved["opened_at"]).all()
    hours = (resolved["resolved_at"] - resolved["opened_at"]).dt.total_seconds() / 3600
    assert hours[resolved["sentiment"] == "negative"].median() > hours[resolved["sentiment"] == "positive"].median()
    sat = crm.truth.set_index("customer_id").loc[tickets["customer_id"], "satisfaction"].to_numpy()
    assert sat[tickets["sentiment"].to_numpy() == "negative"].mean() < sat[tickets["sentiment"].to_numpy() == "positive"].mean()


def test_survey_scores_follow_latent_satisfaction(crm):
    surveys = crm.surveys.merge(crm.truth[["customer_id", "satisfaction"]], on="customer_id")
    assert surveys["nps"].between(0, 10).all()
    assert surveys["ces"].dropna().between(1, 7).all()
    assert surveys["csat"].dropna().between(1, 5).all()
    for column in ("nps", "ces", "csat"):
        answered = surveys.dropna(subset=[column])
        assert np.corrcoef(answered[column].astype(float), answered["satisfaction"])[0, 1] > 0.4


# -- referrals, opportunities, marketing -------------------------------------------------------


def test_a_minority_refers_most_others(crm):
    referrals, customers = crm.referrals, crm.customers.set_index("customer_id")
    assert referrals["referred_id"].is_unique
    assert (customers.loc[referrals["referred_id"], "acquisition_channel"] == "客户推荐").all()
    per_referrer = referrals["referrer_id"].value_counts()
    top = per_referrer.iloc[: max(1, int(0.2 * len(per_referrer)))].sum()
    assert top / len(referrals) >= 0.45
    signup = customers.loc[referrals["referred_id"], "signup_at"].to_numpy()
    lag = (signup - referrals["referred_at"].to_numpy()) / np.timedelta64(1, "D")
    assert ((lag >= 0) & (lag <= 14)).all()
    assert (customers.loc[referrals["referrer_id"], "signup_at"].to_numpy() < referrals["referred_at"].to_numpy()).all()


def test_opportunities_walk_the_stages_and_stalls_lose_more(crm):
    opp = crm.opportunities
    assert opp["opportunity_id"].is_unique
    assert set(opp["stage"]) == {"lead", "qualified", "proposal", "negotiation", "won", "lost"}
    closed = opp[opp["status"] != "open"]
    assert (closed["closed_at"] == closed["stage_entered_at"]).all()
    assert opp.loc[opp["status"] == "open", "closed_at"].isna().all()
    assert (opp["stage_entered_at"] >= opp["created_at"]).all()
    times = opp[["created_at", "qualified_at", "proposal_at", "negotiation_at"]]
    gaps = times.diff(axis=1).iloc[:, 1:].apply(lambda c: c.dt.days)
    stalled = (gaps > 45).any(axis=1)
    won = opp["status"] == "won"
    reached = opp["negotiation_at"].notna() & (opp["status"] != "open")
    assert won[reached & stalled].mean() < won[reached & ~stalled].mean()


def test_marketing_spend_per_paid_channel_and_month(crm):
    spend = crm.marketing_spend
    assert set(spend["channel"]) == {"百度推广", "抖音广告", "微信广告", "小红书", "线下展会"}
    assert (spend["spend"] > 0).all()
    assert (spend["period_end"] > spend["period_start"]).all()
    assert not spend.duplicated(["channel", "period_start"]).any()
    fairs = spend.loc[spend["channel"] == "线下展会", "period_start"].dt.month
    assert set(fairs) <= {3, 6, 9, 11}


# -- any size, any seed ------------------------------------------------------------------------


@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 80), seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_for_any_size_and_seed(n, seed):
    crm = generate_crm(n, seed=seed)
    customers, orders = crm.customers, crm.orders
    assert len(customers) == len(crm.truth) == n
    assert customers["customer_id"].is_unique and customers["phone"].dropna().is_unique
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in customers["phone"].dropna())
    assert orders["order_id"].is_unique and orders["ordered_at"].is_monotonic_increasing
    assert orders["ordered_at"].between(pd.Timestamp(crm.start), END, inclusive="left").all()
    assert set(orders["customer_id"]) <= set(customers["customer_id"])
    refunds = orders[orders["status"] == "refund"]
    assert (refunds["amount"] < 0).all() and refunds["refund_of"].isin(orders["order_id"]).all()
    assert set(crm.referrals["referred_id"]) | set(crm.referrals["referrer_id"]) <= set(customers["customer_id"])
    assert set(crm.duplicates["true_id"]) <= set(customers["customer_id"])
