"""Synthetic customers: names, phones, emails, places, companies, channels and owners.

Everything is drawn with NumPy in whole arrays; strings are assembled with ``numpy.strings``.
Phones are stored in E.164 (``+8613812345678``, landlines ``+8657188123456``) and are unique, as
are emails, so that a duplicate record matched on phone or email points to one true customer.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from customer_value.sample import _names
from customer_value.sample._calendar import (
    SECONDS_PER_DAY,
    DayCurve,
    day_range,
    shopping_weights,
    to_seconds,
    with_time_of_day,
)

_FULL_PROVINCE = {
    "北京": "北京市", "上海": "上海市", "天津": "天津市", "重庆": "重庆市",
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "新疆": "新疆维吾尔自治区",
    "宁夏": "宁夏回族自治区",
}  # fmt: skip
_MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}


def _choice(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def _strings(values) -> np.ndarray:
    return np.asarray(values, dtype=np.str_)


def _zfill(values: np.ndarray, width: int) -> np.ndarray:
    """``numpy.strings.zfill`` that also accepts an empty array."""
    text = np.asarray(values).astype(np.str_)
    return np.strings.zfill(text, width) if len(text) else np.array([], dtype=f"<U{width}")


def _digits(rng: np.random.Generator, n: int, width: int) -> np.ndarray:
    """``n`` random strings of ``width`` decimal digits (leading zeros allowed)."""
    return _zfill(rng.integers(0, 10**width, n), width)


def customer_ids(numbers: np.ndarray, width: int) -> np.ndarray:
    """``C000123``-style ids for 1-based ``numbers``."""
    return np.strings.add("C", _zfill(numbers, width))


def id_width(n_customers: int) -> int:
    """Digits in customer ids, with room for the duplicate records added to exports."""
    return max(6, len(str(int(n_customers * 1.1) + 10)))


def _unique_mobiles(rng: np.random.Generator, n: int, taken: np.ndarray | None = None) -> np.ndarray:
    """``n`` distinct mobile numbers (11 digits), none of them in ``taken``."""
    prefixes = _strings([p for p, _ in _names.MOBILE_PREFIXES])
    weights = [w for _, w in _names.MOBILE_PREFIXES]
    taken = np.array([], dtype=np.str_) if taken is None else np.asarray(taken, dtype=np.str_)
    numbers = np.strings.add(prefixes[_choice(rng, n, weights)], _digits(rng, n, 8))
    for _ in range(20):
        _, first = np.unique(numbers, return_index=True)
        repeated = np.union1d(np.setdiff1d(np.arange(n), first), np.flatnonzero(np.isin(numbers, taken)))
        if len(repeated) == 0:
            break
        numbers[repeated] = np.strings.add(
            prefixes[_choice(rng, len(repeated), weights)], _digits(rng, len(repeated), 8)
        )
    return numbers


def _people_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Display names plus the pinyin of surname and given name (for emails)."""
    s_idx = _choice(rng, n, [w for _, _, w in _names.SURNAMES])
    ranks = np.arange(1, len(_names.GIVEN_NAMES) + 1)
    g_idx = _choice(rng, n, 1.0 / ranks**0.8)
    surname = _strings([s for s, _, _ in _names.SURNAMES])[s_idx]
    surname_py = _strings([p for _, p, _ in _names.SURNAMES])[s_idx]
    given = _strings([g for g, _ in _names.GIVEN_NAMES])[g_idx]
    given_py = _strings([p for _, p in _names.GIVEN_NAMES])[g_idx]
    # 60% of people have a less common two-character given name from the long tail.
    chars = _strings([c for c, _ in _names.GIVEN_CHARS])
    chars_py = _strings([p for _, p in _names.GIVEN_CHARS])
    a, b = rng.integers(0, len(chars), n), rng.integers(0, len(chars), n)
    tail = (rng.random(n) < 0.6) & (a != b)
    given = np.where(tail, np.strings.add(chars[a], chars[b]), given)
    given_py = np.where(tail, np.strings.add(chars_py[a], chars_py[b]), given_py)
    name = np.strings.add(surname, given)
    english = rng.random(n) < 0.06
    first = _strings(_names.ENGLISH_FIRST_NAMES)[rng.integers(0, len(_names.ENGLISH_FIRST_NAMES), n)]
    foreign = _strings(_names.FOREIGN_SURNAMES)[rng.integers(0, len(_names.FOREIGN_SURNAMES), n)]
    last = np.where(rng.random(n) < 0.8, np.strings.capitalize(surname_py), foreign)
    name = np.where(english, np.strings.add(np.strings.add(first, " "), last), name)
    given_py = np.where(english, np.strings.lower(first), given_py)
    surname_py = np.where(english, np.strings.lower(last), surname_py)
    return name, surname_py, given_py


def _emails(
    rng: np.random.Generator,
    surname_py: np.ndarray,
    given_py: np.ndarray,
    company_domain: np.ndarray,
    is_company: np.ndarray,
) -> np.ndarray:
    n = len(surname_py)
    domains = _strings(_names.EMAIL_DOMAINS)[_choice(rng, n, _names.EMAIL_DOMAIN_WEIGHTS)]
    style = rng.random(n)
    joined = np.strings.add(surname_py, given_py)
    local = np.where(
        style < 0.35,
        np.strings.add(joined, rng.integers(1, 100, n).astype(np.str_)),
        np.where(
            style < 0.6,
            np.strings.add(np.strings.add(given_py, "."), surname_py),
            np.where(style < 0.75, np.strings.add(joined, rng.integers(1970, 2005, n).astype(np.str_)), joined),
        ),
    )
    qq = (style >= 0.85) & ~is_company
    local = np.where(qq, rng.integers(10_000_000, 3_000_000_000, n).astype(np.str_), local)
    domains = np.where(qq, "qq.com", domains)
    corporate = is_company & (rng.random(n) < 0.55)
    domains = np.where(corporate, company_domain, domains)
    emails = np.strings.add(np.strings.add(local, "@"), domains)
    _, first = np.unique(emails, return_index=True)
    repeated = np.setdiff1d(np.arange(n), first)
    suffix = np.strings.add("", (repeated + 1).astype(np.str_))
    emails[repeated] = np.strings.add(
        np.strings.add(np.strings.add(local[repeated], "_"), suffix), np.strings.add("@", domains[repeated])
    )
    return emails


def generate_people(rng: np.random.Generator, n: int, start: date, end: date) -> pd.DataFrame:
    """The customer master data: one row per customer, clean (no duplicates, valid contacts).

    Columns: customer_id, name, customer_type (企业/个人), company, phone (E.164), email, region,
    province, city, address, industry, size, acquisition_channel, signup_at, owner.
    """
    ids = customer_ids(np.arange(1, n + 1), id_width(n))
    is_company = rng.random(n) < 0.6
    name, surname_py, given_py = _people_names(rng, n)

    city_idx = _choice(rng, n, [c[4] for c in _names.CITIES])
    province = _strings([c[0] for c in _names.CITIES])[city_idx]
    city = _strings([c[1] for c in _names.CITIES])[city_idx]
    region = _strings([c[2] for c in _names.CITIES])[city_idx]
    area_code = _strings([c[3] for c in _names.CITIES])[city_idx]

    ind_idx = _choice(rng, n, _names.INDUSTRY_WEIGHTS)
    word_idx = rng.integers(0, len(_names.COMPANY_WORDS), n)
    word = _strings([w for w, _ in _names.COMPANY_WORDS])[word_idx]
    word_py = _strings([p for _, p in _names.COMPANY_WORDS])[word_idx]
    suffix = _strings([s for _, s, _ in _names.INDUSTRIES])[ind_idx]
    company = np.strings.add(np.strings.add(np.strings.add(city, word), suffix), "有限公司")
    domain = np.strings.add(
        np.strings.add(np.strings.add(word_py, "-"), _strings([d for _, _, d in _names.INDUSTRIES])[ind_idx]),
        np.where(rng.random(n) < 0.5, ".com", ".com.cn"),
    )
    industry = _strings([i for i, _, _ in _names.INDUSTRIES])[ind_idx].astype(object)
    industry[~is_company | (rng.random(n) < 0.06)] = None
    size = _strings(_names.COMPANY_SIZES)[_choice(rng, n, _names.COMPANY_SIZE_WEIGHTS)].astype(object)
    size[~is_company] = None

    days = day_range(start, end)
    ramp = np.linspace(0.7, 1.5, len(days)) * shopping_weights(days) ** 0.3
    curve = DayCurve(days, ramp)
    lo = np.full(n, to_seconds(start))
    hi = np.full(n, to_seconds(end) - np.timedelta64(20, "D"))
    signup_at = curve.draw(rng, lo, hi)
    signup_at = np.where(
        is_company,
        with_time_of_day(rng, signup_at, "office"),
        with_time_of_day(rng, signup_at, "activity"),
    )
    order = np.argsort(signup_at, kind="stable")  # ids follow sign-up order, as in a real CRM
    signup_at = signup_at[order]

    channel_names = _strings([c[0] for c in _names.ACQUISITION_CHANNELS])
    base = np.array([c[1] for c in _names.ACQUISITION_CHANNELS], dtype=float)
    fair = _names.ACQUISITION_CHANNELS.index(next(c for c in _names.ACQUISITION_CHANNELS if c[0] == "线下展会"))
    in_fair_month = np.isin(signup_at.astype("datetime64[M]").astype(np.int64) % 12 + 1, _names.TRADE_FAIR_MONTHS)
    w_fair, w_other = base.copy(), base.copy()
    w_fair[fair] *= 3.0
    w_other[fair] = 0.0
    channel = np.where(in_fair_month, _choice(rng, n, w_fair), _choice(rng, n, w_other))
    # a referral needs an earlier customer to come from (see _sales.make_referrals)
    referral = list(channel_names).index("客户推荐")
    too_early = signup_at < signup_at[0] + np.timedelta64(45, "D")
    channel[(channel == referral) & too_early] = list(channel_names).index("自然搜索")

    owner = _strings(_names.SALES_REPS)[_choice(rng, n, _names.SALES_REP_WEIGHTS)].astype(object)
    owner[rng.random(n) < 0.04] = None

    phone = np.strings.add("+86", _unique_mobiles(rng, n)).astype(object)
    landline = is_company & (rng.random(n) < 0.12)
    lead_digit = np.array(["2", "3", "5", "6"])[rng.integers(0, 4, n)]
    seven = np.isin(area_code, list(_names.SEVEN_DIGIT_AREA_CODES))
    local = np.strings.add(lead_digit, np.where(seven, _digits(rng, n, 6), _digits(rng, n, 7)))
    fixed = np.strings.add(np.strings.add("+86", np.strings.slice(area_code, 1, None)), local)
    phone = np.where(landline, fixed, phone).astype(object)
    email = _emails(rng, surname_py, given_py, domain, is_company).astype(object)
    no_email = rng.random(n) < 0.10
    email[no_email] = None
    phone[~no_email & (rng.random(n) < 0.03)] = None

    road = _strings(_names.ROADS)[rng.integers(0, len(_names.ROADS), n)]
    province_full = _strings([_FULL_PROVINCE.get(c[0], c[0] + "省") for c in _names.CITIES])
    prov_text = province_full[city_idx]
    city_text = np.where(np.isin(province, list(_MUNICIPALITIES)), "", np.strings.add(city, "市"))
    address = np.strings.add(
        np.strings.add(np.strings.add(prov_text, city_text), road),
        np.strings.add(rng.integers(1, 999, n).astype(np.str_), "号"),
    ).astype(object)
    address[rng.random(n) < 0.2] = None

    table = pd.DataFrame(
        {
            "name": name,
            "customer_type": np.where(is_company, "企业", "个人"),
            "company": np.where(is_company, company, None),
            "phone": phone,
            "email": email,
            "region": region,
            "province": province,
            "city": city,
            "address": address,
            "industry": industry,
            "size": size,
            "owner": owner,
        }
    ).iloc[order].reset_index(drop=True)
    table.insert(0, "customer_id", ids)
    table["acquisition_channel"] = channel_names[channel]
    table["signup_at"] = signup_at
    for column in table.columns.drop("signup_at"):
        table[column] = table[column].astype("str")
    return table


_NAME_VARIANTS_ZH = ("inner_space", "padded", "fullwidth_space")
_NAME_VARIANTS_EN = ("upper", "lower", "fullwidth", "double_space")


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text)


def vary_name(name: str, variant: str) -> str:
    """``name`` as typed differently: spaces inside or around it, other case, full-width."""
    if variant == "inner_space":
        return name[0] + " " + name[1:] if len(name) > 1 else name + " "
    if variant == "padded":
        return " " + name + "  "
    if variant == "fullwidth_space":
        return name[0] + "\u3000" + name[1:]
    if variant == "upper":
        return name.upper()
    if variant == "lower":
        return name.lower()
    if variant == "fullwidth":
        return _fullwidth(name)
    if variant == "double_space":
        return name.replace(" ", "  ")
    raise ValueError(variant)


def make_duplicates(rng: np.random.Generator, customers: pd.DataFrame, end: date, share: float = 0.03) -> pd.DataFrame:
    """Second records of ~``share`` of the customers, as a CRM accumulates them.

    Each copy has a new id, the same phone or the same email (or both, ``match_on``), the
    name typed differently (``name_variant``), a later sign-up, and otherwise the attributes of
    the true customer. Columns: source_id, true_id, match_on, name_variant, then the customer
    columns (name, phone, email, … signup_at).
    """
    n = len(customers)
    k = int(round(n * share))
    pick = np.sort(rng.choice(n, size=k, replace=False))
    dup = customers.iloc[pick].reset_index(drop=True).copy()
    has_phone, has_email = dup["phone"].notna().to_numpy(), dup["email"].notna().to_numpy()
    u = rng.random(k)
    match = np.where(u < 0.45, "phone", np.where(u < 0.8, "email", "both"))
    match = np.where(~has_phone, "email", np.where(~has_email, "phone", match))
    keep_other = rng.random(k) < 0.45
    taken = np.strings.slice(customers["phone"].dropna().to_numpy(dtype=np.str_), 3, None)
    new_mobile = np.strings.add("+86", _unique_mobiles(rng, k, taken))
    phone = dup["phone"].to_numpy(dtype=object)
    email = dup["email"].to_numpy(dtype=object)
    qq = np.strings.add(rng.integers(10_000_000, 3_000_000_000, k).astype(np.str_), "@qq.com")
    phone = np.where(match == "email", np.where(keep_other, new_mobile, None), phone)
    email = np.where(match == "phone", np.where(keep_other, qq, None), email)
    english = np.array([name.isascii() for name in dup["name"]], dtype=bool)
    zh_variant = np.array(_NAME_VARIANTS_ZH)[rng.integers(0, len(_NAME_VARIANTS_ZH), k)]
    en_variant = np.array(_NAME_VARIANTS_EN)[rng.integers(0, len(_NAME_VARIANTS_EN), k)]
    variant = np.where(english, en_variant, zh_variant)
    names = [vary_name(name, v) for name, v in zip(dup["name"], variant, strict=True)]
    lag = rng.integers(7, 400, k) * SECONDS_PER_DAY + rng.integers(0, SECONDS_PER_DAY, k)
    signup = dup["signup_at"].to_numpy().astype("datetime64[s]") + lag.astype("timedelta64[s]")
    signup = np.minimum(signup, to_seconds(end) - np.timedelta64(1, "D"))
    ids = customer_ids(np.arange(n + 1, n + k + 1), id_width(n))
    dup["name"] = pd.array(names, dtype="str")
    dup["phone"] = pd.array(phone, dtype="str")
    dup["email"] = pd.array(email, dtype="str")
    dup["signup_at"] = signup
    dup["owner"] = dup["owner"].where(rng.random(k) < 0.7, None)
    dup["industry"] = dup["industry"].where(rng.random(k) < 0.6, None)
    dup.insert(0, "source_id", pd.array(ids, dtype="str"))
    dup = dup.rename(columns={"customer_id": "true_id"})
    dup.insert(2, "match_on", pd.array(match, dtype="str"))
    dup.insert(3, "name_variant", pd.array(variant, dtype="str"))
    return dup
