"""The messy exports are reproducible, and dirt.json says exactly what dirt is in them.

Every count in the manifest is counted back here from the files themselves, read with pandas
the way a user would (GBK, BOM, semicolons, Excel), with parsers written in this test.
"""

from __future__ import annotations

import json
import re
import warnings
from datetime import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_value.sample import MANIFEST_NAME, TABLES, generate_crm, write_messy_exports

MISSING = {"", "无", "-", "NA"}



@pytest.fixture(scope="module")
def exported(crm, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    paths = write_messy_exports(crm, out, seed=0)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    return out, paths, manifest


@pytest.fixture(scope="module")
def order_files(exported):
    """Each order file as read with pandas (raw cells), with its manifest entry, by file name."""
    _, paths, manifest = exported
    return {p.name: (manifest["files"][p.name], read_orders(p, manifest["files"][p.name])) for p in paths["orders"]}


# -- independent parsers -----------------------------------------------------------------------


def parse_amount(text) -> float | None:
    """¥1,234.50 / 1,234.50元 / 1.23万 / -¥12.00 / plain numbers; None if unreadable."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip().replace(",", "").replace("¥", "").replace("元", "")
    scale = 1.0
    if s.endswith("万"):
        s, scale = s[:-1], 10_000.0
    try:
        return round(float(s) * scale, 2)
    except ValueError:
        return None


DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%m/%d/%y %H:%M"]


def parse_when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(str(value), fmt)
        except ValueError:
            continue
    return None


def read_orders(path: Path, entry: dict) -> pd.DataFrame:
    if entry["format"] == "xlsx":
        frame = pd.read_excel(path, dtype=object, keep_default_na=False, engine="openpyxl")
    else:
        frame = pd.read_csv(
            path, sep=entry["delimiter"], encoding=entry["encoding"], dtype=str, keep_default_na=False
        )
    canonical = {header: name for name, header in entry["columns"].items()}
    return frame.rename(columns=canonical)


def national_phone(text: str) -> str:
    digits = re.sub(r"[\s()\-]", "", text)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
            if not re.fullmatch(r"1[3-9]\d{9}", digits):
                digits = "0" + digits  # a landline: the area code loses its 0 after +86
    return digits


def phone_is_valid(text: str) -> bool:
    national = national_phone(text)
    return bool(re.fullmatch(r"1[3-9]\d{9}", national) or re.fullmatch(r"0\d{2,3}[2-9]\d{6,7}", national))


# -- tests -------------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(crm, exported, tmp_path):
    out, _, _ = exported
    again = write_messy_exports(crm, tmp_path / "again", seed=0)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(p.name for p in (tmp_path / "again").iterdir())
    for name in names:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    assert set(again) == set(TABLES)


def test_other_seed_gives_other_dirt(tmp_path):
    small = generate_crm(300, seed=5)
    a = write_messy_exports(small, tmp_path / "a", seed=0)
    b = write_messy_exports(small, tmp_path / "b", seed=1)
    assert a["customers"][0].read_bytes() != b["customers"][0].read_bytes()
    assert a["orders"][0].read_bytes() != b["orders"][0].read_bytes()


def test_files_exist_per_table_in_their_formats(exported, order_files):
    out, paths, manifest = exported
    assert list(paths) == list(TABLES)
    assert [p.name for p in paths["orders"]] == ["orders_2023.csv", "orders_2024.xlsx", "orders_2025.csv"]
    for table, files in paths.items():
        for path in files:
            assert path.is_file() and path.parent == out
            assert manifest["files"][path.name]["table"] == table
    raw = (out / "customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("gbk").startswith("客户编号,客户名称")
    assert (out / "orders_2023.csv").read_bytes().startswith(b"\xef\xbb\xbf\xe8\xae\xa2\xe5\x8d\x95\xe5\x8f\xb7")
    first = (out / "orders_2025.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert first[0] == "order_id;customer_id;order_date;amount;status;channel;category;quantity;cost"
    assert re.search(r";\d{1,2}/\d{1,2}/25 \d{2}:\d{2};", first[1])
    for name in ("orders_2024.xlsx", "surveys.xlsx"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a well-formed workbook: no repairs, no default-style warning
            book = openpyxl.load_workbook(out / name, read_only=True)
        assert len(book.sheetnames) == 1
        book.close()
    sheet = order_files["orders_2024.xlsx"][1]
    assert any(isinstance(v, datetime) for v in sheet["ordered_at"])
    assert any(isinstance(v, float) for v in sheet["amount"])
    assert any(isinstance(v, str) and v.startswith("¥") for v in sheet["amount"])


def test_customer_dirt_counts_match_the_file(exported):
    out, _, manifest = exported
    entry = manifest["files"]["customers.csv"]
    frame = pd.read_csv(out / "customers.csv", encoding="gbk", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={h: c for c, h in entry["columns"].items()})
    dirt = entry["dirt"]
    assert len(frame) == entry["rows"] == 2000 + dirt["duplicate_customers"]

    phones = frame["phone"]
    bad = phones.ne("") & ~phones.map(phone_is_valid)
    assert bad.sum() == dirt["bad_phones"] == sum(dirt["bad_phone_kinds"].values())
    assert sorted(frame.loc[bad, "customer_id"]) == sorted(entry["ids"]["bad_phones"])
    assert 0.015 <= dirt["bad_phones"] / len(frame) <= 0.025

    email_ok = frame["email"].str.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
    assert (frame["email"].ne("") & ~email_ok).sum() == dirt["invalid_emails"] > 0
    assert frame["industry"].isin(MISSING).sum() == dirt["missing_industry"]

    # the same person twice: later id, same phone or same email
    key_phone = phones.where(~bad & phones.ne("")).map(lambda p: national_phone(p) if isinstance(p, str) else None)
    key_email = frame["email"].where(email_ok & frame["email"].ne("")).str.lower()
    seen_twice = key_phone.duplicated(keep="first") & key_phone.notna()
    seen_twice |= key_email.duplicated(keep="first") & key_email.notna()
    assert seen_twice.sum() == dirt["duplicate_customers"] == len(manifest["duplicates"])
    names = frame.loc[seen_twice, "name"]
    assert names.str.contains("\u3000").any() and names.str.contains(r"^ | $| \S").any()
    assert set(frame.loc[seen_twice, "customer_id"]) == {d["source_id"] for d in manifest["duplicates"]}

    patterns = {
        "iso": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
        "slash": r"\d{4}/\d{2}/\d{2}",
        "chinese": r"\d{4}年\d{1,2}月\d{1,2}日",
        "slash_time": r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}:\d{2}",
        "excel_serial": r"\d{5}",
    }
    counts = {name: int(frame["signup_at"].str.fullmatch(p).sum()) for name, p in patterns.items()}
    assert counts == dirt["signup_formats"]
    assert sum(counts.values()) == len(frame)


def test_order_dirt_counts_match_the_files(exported, order_files):
    _, _, manifest = exported
    duplicate_ids = {d["source_id"] for d in manifest["duplicates"]}
    totals: dict[str, int] = {}
    for entry, frame in order_files.values():
        dirt = entry["dirt"]
        assert len(frame) == entry["rows"] == entry["clean_rows"] + dirt["exact_duplicates"]
        assert frame.duplicated().sum() == dirt["exact_duplicates"]
        assert frame["order_id"].duplicated().sum() == dirt["exact_duplicates"]
        assert frame["customer_id"].isin(MISSING).sum() == dirt["missing_customer_id"]
        dates = frame["ordered_at"].map(parse_when)
        assert dates.isna().sum() == dirt["unparseable_dates"]
        amounts = frame["amount"].map(parse_amount)
        assert amounts.isna().sum() == dirt["unparseable_amounts"]
        assert frame["amount"].map(lambda v: isinstance(v, str) and v.endswith("万")).sum() >= dirt["amounts_in_wan"]
        unique = frame.drop_duplicates()
        assert unique["customer_id"].isin(duplicate_ids).sum() == dirt["orders_under_duplicate_id"]
        assert unique["amount"].map(lambda v: isinstance(v, str) and v.endswith("万")).sum() == dirt["amounts_in_wan"]
        assert unique["channel"].isin(MISSING).sum() == dirt["missing_channel"]
        assert unique["category"].isin(MISSING).sum() == dirt["missing_category"]
        assert unique["status"].value_counts().to_dict() == entry["status_counts"]
        for kind in ("missing_customer_id", "unparseable_dates", "unparseable_amounts"):
            assert len(entry["ids"][kind]) == dirt[kind] >= 2
        for key, value in dirt.items():
            totals[key] = totals.get(key, 0) + value
    for key in ("exact_duplicates", "unparseable_dates", "unparseable_amounts", "orders_under_duplicate_id"):
        assert manifest["totals"][key] == totals[key]


def test_orders_reconcile_with_the_clean_truth(crm, exported, order_files):
    _, _, manifest = exported
    frames = []
    for entry, raw in order_files.values():
        frame = raw.drop_duplicates()
        frame["minute_only"] = entry["datetime_precision"] == "minute"
        frames.append(frame)
    got = pd.concat(frames, ignore_index=True).set_index("order_id")
    truth = crm.orders.set_index("order_id")
    assert sorted(got.index) == sorted(truth.index)
    got = got.loc[truth.index]
    amounts = got["amount"].map(parse_amount)
    ok = amounts.notna()
    wan = got["amount"].map(lambda v: isinstance(v, str) and v.endswith("万"))
    error = (amounts[ok] - truth.loc[ok, "amount"]).abs()
    assert (error[~wan[ok]] < 0.005).all()
    assert (error[wan[ok]] <= 50).all()
    when = got["ordered_at"].map(parse_when)
    ok = when.notna()
    expected = truth.loc[ok, "ordered_at"].where(~got.loc[ok, "minute_only"], truth.loc[ok, "ordered_at"].dt.floor("min"))
    assert (pd.to_datetime(when[ok]).to_numpy() == expected.to_numpy()).all()
    kept = ~got["customer_id"].isin(MISSING)
    duplicates = {d["source_id"]: d["true_id"] for d in manifest["duplicates"]}
    resolved = got.loc[kept, "customer_id"].map(lambda c: duplicates.get(c, c))
    assert (resolved == truth.loc[kept, "customer_id"]).all()


def test_manifest_totals_are_the_sum_over_files(exported):
    _, _, manifest = exported
    sums: dict[str, int] = {}
    for entry in manifest["files"].values():
        for key, value in entry["dirt"].items():
            if isinstance(value, int):
                sums[key] = sums.get(key, 0) + value
    assert manifest["totals"] == sums
    orders = manifest["totals_by_table"]["orders"]
    assert orders["missing_customer_id"] + manifest["totals_by_table"]["interactions"]["missing_customer_id"] == sums[
        "missing_customer_id"
    ]
    assert manifest["totals_by_table"]["customers"]["bad_phones"] == sums["bad_phones"]
    for key in ("exact_duplicates", "missing_customer_id", "unparseable_dates", "unparseable_amounts",
                "duplicate_customers", "bad_phones"):  # fmt: skip
        assert manifest["totals"][key] > 0


def test_interactions_tickets_and_the_rest_read_back(crm, exported):
    out, _, manifest = exported
    lines = (out / "interactions.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines]
    assert len(events) == len(crm.interactions)
    assert sum(e["customer_id"] is None for e in events) == manifest["files"]["interactions.jsonl"]["dirt"][
        "missing_customer_id"
    ]
    assert events[0]["occurred_at"].endswith("+08:00")

    tickets = pd.read_csv(out / "tickets.csv", dtype=str, keep_default_na=False)
    assert list(tickets["问题描述"]) == list(crm.tickets["text"])
    assert (tickets["满意度"] == "").sum() == crm.tickets["satisfaction"].isna().sum()

    surveys = pd.read_excel(out / "surveys.xlsx")
    assert len(surveys) == len(crm.surveys)
    assert np.array_equal(surveys["NPS"].to_numpy(), crm.surveys["nps"].to_numpy(dtype=float))
    assert surveys["CES"].isna().sum() == crm.surveys["ces"].isna().sum()

    for name, table in (("referrals.csv", "referrals"), ("opportunities.csv", "opportunities"),
                        ("marketing_spend.csv", "marketing_spend")):  # fmt: skip
        frame = pd.read_csv(out / name, encoding=manifest["files"][name]["encoding"], dtype=str)
        assert len(frame) == len(getattr(crm, table)) == manifest["files"][name]["rows"]
    opp = pd.read_csv(out / "opportunities.csv", encoding="utf-8-sig", dtype=str)
    assert set(opp["阶段"]) <= {"线索", "需求确认", "方案报价", "谈判", "赢单", "输单"}
    assert opp["金额"].map(parse_amount).notna().all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n=st.integers(1, 150), seed=st.integers(0, 1000))
def test_any_small_crm_exports_and_reconciles(tmp_path_factory, n, seed):
    out = tmp_path_factory.mktemp("small")
    crm = generate_crm(n, seed=seed)
    paths = write_messy_exports(crm, out, seed=seed)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sum(manifest["files"][p.name]["clean_rows"] for p in paths["orders"]) == len(crm.orders)
    for path in paths["orders"]:
        entry = manifest["files"][path.name]
        frame = read_orders(path, entry)
        assert len(frame) == entry["rows"] == entry["clean_rows"] + entry["dirt"]["exact_duplicates"]
        assert frame.duplicated().sum() == entry["dirt"]["exact_duplicates"]
    customers = pd.read_csv(paths["customers"][0], encoding="gbk", dtype=str, keep_default_na=False)
    assert len(customers) == n + len(crm.duplicates)
