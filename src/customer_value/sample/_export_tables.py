"""Writers of the customer, interaction, ticket, survey, referral, opportunity and spend exports.

Each writer takes its random stream, the clean CRM and the output directory and returns the path
written and its manifest entry (format, encoding, headers, row count, dirt counts).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from customer_value.sample import _dirt
from customer_value.sample._headers import EXPORT_HEADERS, OPPORTUNITY_LABELS
from customer_value.sample._xlsx import write_xlsx
from customer_value.sample.crm import CRMData


def pick(rng: np.random.Generator, candidates: np.ndarray, share: float, minimum: int, total: int) -> np.ndarray:
    """About ``share`` × ``total`` positions from ``candidates``, sorted.

    At least ``minimum`` (so "a few" is never none) once ``total`` reaches 100 rows; tiny tables
    get proportionally less.
    """
    k = min(len(candidates), max(min(minimum, total // 100), int(round(share * total))))
    return np.sort(rng.choice(candidates, size=k, replace=False)) if k else np.array([], dtype=np.int64)


def text(values: pd.Series, missing: str = "") -> list[str]:
    return [missing if pd.isna(v) else str(v) for v in values]


def write_csv(
    frame: pd.DataFrame,
    out: Path,
    table: str,
    columns: dict[str, str],
    *,
    encoding: str,
    lineterminator: str = "\n",
    **extra: Any,
) -> tuple[Path, dict[str, Any]]:
    """Write ``frame`` to ``<table>.csv`` in ``out``; return the path and its manifest entry.

    The entry holds the table, format, encoding, delimiter, row count and ``columns``, then
    ``extra`` (dirt counts, value labels…) in the order given.
    """
    path = out / f"{table}.csv"
    frame.to_csv(path, index=False, encoding=encoding, lineterminator=lineterminator)
    entry = {
        "table": table,
        "format": "csv",
        "encoding": encoding,
        "delimiter": ",",
        "rows": len(frame),
        "columns": columns,
        **extra,
    }
    return path, entry


# -- customers ---------------------------------------------------------------------------------


def write_customers(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """GBK CSV with Chinese headers and CRLF: duplicates, bad phones/emails, mixed sign-up dates."""
    clean, dup = data.customers, data.duplicates
    records = pd.concat(
        [clean, dup.drop(columns=["true_id", "match_on", "name_variant"]).rename(columns={"source_id": "customer_id"})],
        ignore_index=True,
    )
    n_clean, n = len(clean), len(records)
    protected = records["customer_id"].isin(dup["true_id"]).to_numpy() | (np.arange(n) >= n_clean)
    phone = records["phone"].to_numpy(dtype=object)
    mobile = np.array([isinstance(p, str) and p.startswith("+861") and len(p) == 14 for p in phone])
    bad_phone = pick(rng, np.flatnonzero(mobile & ~protected), 0.02, 3, n)
    has_email = records["email"].notna().to_numpy()
    bad_email = pick(rng, np.setdiff1d(np.flatnonzero(has_email & ~protected), bad_phone), 0.01, 3, n)

    phone_style = rng.choice(5, n, p=[0.55, 0.15, 0.12, 0.12, 0.06])
    phones = ["" if pd.isna(p) else _dirt.format_phone(p, s) for p, s in zip(phone, phone_style, strict=True)]
    kinds: Counter[str] = Counter()
    for i in bad_phone:
        phones[i], kind = _dirt.break_phone(rng, phone[i])
        kinds[kind] += 1
    emails = text(records["email"])
    for i in bad_email:
        emails[i] = _dirt.break_email(rng, emails[i])

    formats = np.array(["iso", "slash", "chinese", "slash_time", "excel_serial"])
    style = formats[rng.choice(len(formats), n, p=[0.46, 0.20, 0.17, 0.15, 0.02])]
    signup = records["signup_at"].to_numpy().astype("datetime64[s]")
    signups = _dirt.format_datetimes(signup, style)
    industry_missing = records["industry"].isna().to_numpy()
    industry = np.where(
        industry_missing, np.array(["", "-", "无"])[rng.choice(3, n, p=[0.8, 0.1, 0.1])], text(records["industry"])
    )
    yes_no = {True: "是", False: "否"}
    columns = EXPORT_HEADERS["customers"]
    frame = pd.DataFrame(
        {
            columns["customer_id"]: records["customer_id"],
            columns["name"]: records["name"],
            columns["customer_type"]: records["customer_type"],
            columns["company"]: text(records["company"]),
            columns["phone"]: phones,
            columns["email"]: emails,
            columns["region"]: records["region"],
            columns["province"]: records["province"],
            columns["city"]: records["city"],
            columns["address"]: text(records["address"]),
            columns["industry"]: industry,
            columns["size"]: text(records["size"]),
            columns["acquisition_channel"]: records["acquisition_channel"],
            columns["signup_at"]: signups,
            columns["owner"]: text(records["owner"]),
            columns["key_account"]: [yes_no[bool(v)] for v in records["key_account"]],
            columns["reference_account"]: [yes_no[bool(v)] for v in records["reference_account"]],
        }
    ).sort_values(columns["customer_id"], kind="stable")
    ids = records["customer_id"].to_numpy()
    return write_csv(
        frame,
        out,
        "customers",
        columns,
        encoding="gbk",
        lineterminator="\r\n",
        dirt={
            "duplicate_customers": len(dup),
            "bad_phones": len(bad_phone),
            "bad_phone_kinds": dict(sorted(kinds.items())),
            "invalid_emails": len(bad_email),
            "missing_industry": int(industry_missing.sum()),
            "signup_formats": {f: int((style == f).sum()) for f in formats},
        },
        ids={"bad_phones": ids[bad_phone].tolist(), "invalid_emails": ids[bad_email].tolist()},
    )


# -- activity ----------------------------------------------------------------------------------


def write_interactions(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """JSON lines; times with a +08:00 offset; ~0.3% anonymous events (customer_id null)."""
    events = data.interactions
    n = len(events)
    anonymous = pick(rng, np.arange(n), 0.003, 1, n)
    customer = np.char.add(np.char.add('"', events["customer_id"].to_numpy(dtype=str)), '"').astype(object)
    customer[anonymous] = "null"
    path = out / "interactions.jsonl"
    with open(path, "w", encoding="utf-8", newline="\n") as sink:
        for lo in range(0, n, 200_000):  # in slices, to keep memory flat on big CRMs
            part = events.iloc[lo : lo + 200_000]
            at = part["occurred_at"].to_numpy().astype("datetime64[s]").astype(str)
            rows = zip(customer[lo : lo + 200_000], at, part["kind"], part["channel"], part["duration"], strict=True)
            sink.writelines(
                f'{{"customer_id": {c}, "occurred_at": "{t}+08:00", "kind": "{k}", "channel": "{ch}", '
                f'"duration": {"null" if d != d else int(d)}}}\n'
                for c, t, k, ch, d in rows
            )
    entry = {
        "table": "interactions",
        "format": "jsonl",
        "encoding": "utf-8",
        "rows": n,
        "columns": EXPORT_HEADERS["interactions"],
        "dirt": {"missing_customer_id": len(anonymous)},
    }
    return path, entry


def write_tickets(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """UTF-8 CSV with Chinese headers; free text with commas, quotes and line breaks."""
    tickets = data.tickets
    headers = EXPORT_HEADERS["tickets"]
    minute = "%Y-%m-%d %H:%M"
    frame = pd.DataFrame(
        {
            headers["ticket_id"]: tickets["ticket_id"],
            headers["customer_id"]: tickets["customer_id"],
            headers["opened_at"]: tickets["opened_at"].dt.strftime(minute),
            headers["resolved_at"]: tickets["resolved_at"].dt.strftime(minute).fillna(""),
            headers["channel"]: tickets["channel"],
            headers["topic"]: tickets["topic"],
            headers["text"]: tickets["text"],
            headers["satisfaction"]: text(tickets["satisfaction"]),
        }
    )
    return write_csv(
        frame,
        out,
        "tickets",
        headers,
        encoding="utf-8",
        datetime_precision="minute",
        dirt={
            "multiline_texts": int(tickets["text"].str.contains("\n").sum()),
            "unresolved": int(tickets["resolved_at"].isna().sum()),
            "unrated": int(tickets["satisfaction"].isna().sum()),
        },
    )


def write_surveys(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """An .xlsx sheet from a survey tool: datetime cells, empty cells for unasked questions."""
    surveys = data.surveys
    headers = EXPORT_HEADERS["surveys"]

    def cell(value: Any) -> Any:
        return None if pd.isna(value) else int(value)

    rows = (
        (sid, cid, at.to_pydatetime(), cell(nps), cell(ces), cell(csat))
        for sid, cid, at, nps, ces, csat in zip(
            surveys["survey_id"], surveys["customer_id"], surveys["answered_at"], surveys["nps"], surveys["ces"],
            surveys["csat"], strict=True,
        )
    )  # fmt: skip
    path = out / "surveys.xlsx"
    write_xlsx(path, "responses", list(headers.values()), rows)
    entry = {
        "table": "surveys",
        "format": "xlsx",
        "rows": len(surveys),
        "columns": headers,
        "dirt": {"missing_ces": int(surveys["ces"].isna().sum()), "missing_csat": int(surveys["csat"].isna().sum())},
    }
    return path, entry


# -- sales -------------------------------------------------------------------------------------


def write_referrals(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """Plain UTF-8 CSV with canonical headers."""
    frame = data.referrals.assign(referred_at=data.referrals["referred_at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    return write_csv(frame, out, "referrals", EXPORT_HEADERS["referrals"], encoding="utf-8", dirt={})


def write_opportunities(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """UTF-8 CSV with BOM from a Chinese sales CRM: Chinese headers, stages and ¥ amounts."""
    opp = data.opportunities
    headers = EXPORT_HEADERS["opportunities"]
    second = "%Y-%m-%d %H:%M:%S"
    frame = pd.DataFrame(
        {
            headers["opportunity_id"]: opp["opportunity_id"],
            headers["customer_id"]: opp["customer_id"],
            headers["stage"]: opp["stage"].map(OPPORTUNITY_LABELS["stage"]),
            headers["stage_entered_at"]: opp["stage_entered_at"].dt.strftime(second),
            headers["created_at"]: opp["created_at"].dt.strftime(second),
            headers["closed_at"]: opp["closed_at"].dt.strftime(second).fillna(""),
            headers["amount"]: [_dirt.format_amount(a, "yen") for a in opp["amount"]],
            headers["status"]: opp["status"].map(OPPORTUNITY_LABELS["status"]),
            headers["owner"]: opp["owner"],
            headers["qualified_at"]: opp["qualified_at"].dt.strftime(second).fillna(""),
            headers["proposal_at"]: opp["proposal_at"].dt.strftime(second).fillna(""),
            headers["negotiation_at"]: opp["negotiation_at"].dt.strftime(second).fillna(""),
        }
    )
    return write_csv(
        frame, out, "opportunities", headers, encoding="utf-8-sig", value_labels=OPPORTUNITY_LABELS, dirt={}
    )


def write_marketing_spend(rng: np.random.Generator, data: CRMData, out: Path) -> tuple[Path, dict[str, Any]]:
    """UTF-8 CSV with Chinese headers; spend as ¥1,234.50 or plain, counts empty for fairs."""
    spend = data.marketing_spend
    headers = EXPORT_HEADERS["marketing_spend"]
    style = np.where(rng.random(len(spend)) < 0.5, "yen", "plain")
    frame = pd.DataFrame(
        {
            headers["channel"]: spend["channel"],
            headers["period_start"]: spend["period_start"].dt.strftime("%Y-%m-%d"),
            headers["period_end"]: spend["period_end"].dt.strftime("%Y-%m-%d"),
            headers["spend"]: [_dirt.format_amount(a, s) for a, s in zip(spend["spend"], style, strict=True)],
            headers["impressions"]: text(spend["impressions"]),
            headers["clicks"]: text(spend["clicks"]),
        }
    )
    return write_csv(frame, out, "marketing_spend", headers, encoding="utf-8", dirt={})
