"""Dates and timestamps from any export, read into ``timestamp[us]`` with a reason per bad row.

Supported text forms (full-width digits and punctuation are folded first, case is ignored):

- year first: ``2024-03-05``, ``2024/03/05``, ``2024.03.05``, with an optional time
  ``14:03``, ``14:03:01``, ``14:03:01.123456``, after a space or ``T``, ``AM``/``PM``, and a
  zone ``Z``, ``UTC``, ``+08:00``, ``+0800``;
- ``20240305`` and ``20240305140301`` (compact);
- Chinese ``2024年3月5日`` with an optional time ``14:03``, ``14时03分``, ``下午2点03分``;
- year last: ``12/1/2010 8:26``, ``20.02.2011``, ``2/20/11 11:39`` — day-first or month-first,
  decided once per column (see below);
- month names: ``5 Mar 2024``, ``Mar 5, 2024``, ``Tue, 05 Mar 2024 14:03:01 +0000``;
- Excel serial day numbers (text or native numbers) from 20000 to 80000 (1954–2119), counted
  from 1899-12-30, the fraction being the time of day (rounded to the millisecond).

Native Arrow timestamps and dates are passed through (converted to microseconds).

Decisions, stated in the column's ``rule``:

- **Time zones**: every time keeps the wall-clock time it was written in: the zone of a value
  with one (``Z``, ``+08:00``) and of a zone-aware native timestamp is dropped, not converted, so
  a shop's 00:30 on 11 November stays on 11 November (converting to UTC would move a Chinese
  shop's evening and midnight orders to another day). The rule says when a zone was dropped.
  The result is always naive ``timestamp[us]``.
- **Two-digit years** pivot like ``strptime``'s ``%y``: 00–68 → 2000–2068, 69–99 → 1969–1999.
- **Day or month first** (year-last numeric dates) is decided once per column, never per row:
  a first field above 12 somewhere means day-first, a second field above 12 means
  month-first. When both occur, the order under which more rows are real dates wins and the
  rows only the other order could read are ``unparseable``. When no field is above 12, the
  column is ambiguous: dotted dates (``05.03.2024``) are taken as day-first, others as
  month-first, and the rule says so. ``order="dayfirst"`` or ``"monthfirst"`` (the setting
  ``quality.date_order``) overrides the decision.
- **Plausible years**: a date before 1900 or more than 365 days after ``today`` is
  ``out_of_range``. A text that is not a real date (``2024-02-30``, ``25:00``) is
  ``unparseable``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Literal

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality._columns import (
    ArrayLike,
    Distinct,
    as_array,
    connect,
    as_text,
    normalise_text,
    sql_string,
)
from customer_value.quality.missing import is_missing_token
from customer_value.quality.parsed import MISSING, OUT_OF_RANGE, UNPARSEABLE, ParsedColumn, RulePart

DateOrder = Literal["auto", "dayfirst", "monthfirst"]

EXCEL_EPOCH = date(1899, 12, 30)
EXCEL_SERIALS = (20000, 80000)  # [low, high): 1954-10-03 .. 2119-01-10
MIN_YEAR = 1900
FUTURE_DAYS = 365
TWO_DIGIT_PIVOT = 69  # %y: 00-68 -> 20xx, 69-99 -> 19xx

# -- the text forms: (family, regex, names of its capture groups in order) ----------------------

_TIME = (
    r"(?:(?:t|\s+|,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?"
    r"(?:\s*([ap])\.?m\.?)?(?:\s*(z|utc|gmt))?(?:\s*([+-])(\d{1,2})(?::?(\d{2}))?)?)?"
)
_TIME_GROUPS = ("h", "mi", "sec", "frac", "ap", "tz", "osign", "oh", "om")
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?"
# ``iso``: the canonical ISO shape, read by DuckDB's own (much faster) timestamp cast; the
# ranges in the pattern keep the cast from accepting what the general rules reject (24:00).
_ISO = r"^\d{4}-\d{2}-\d{2}(?:[t ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?)?$"
_FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("iso", _ISO, ()),
    ("compact", r"^(\d{4})(\d{2})(\d{2})(?:t?(\d{2})(\d{2})(\d{2})?)?$", ("y", "mo", "d", "h", "mi", "sec")),
    ("ymd", r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + "$", ("y", "mo", "d", *_TIME_GROUPS)),
    (
        "chinese",
        r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"
        r"(?:\s*(上午|早上|凌晨|中午|下午|晚上)?\s*(\d{1,2})\s*[:时点點]\s*(\d{1,2})\s*分?"
        r"(?:\s*:?\s*(\d{1,2})\s*秒?)?)?$",
        ("y", "mo", "d", "ap", "h", "mi", "sec"),
    ),
    ("yearlast", r"^(\d{1,2})([-/.])(\d{1,2})[-/.](\d{4}|\d{2})" + _TIME + "$", ("a", "sep", "b", "y", *_TIME_GROUPS)),
    (
        "day_month_name",
        "^" + _WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]{3,9})\.?,?[\s\-/.]*(\d{4}|\d{2})" + _TIME + "$",
        ("d", "mon", "y", *_TIME_GROUPS),
    ),
    (
        "month_name_day",
        "^" + _WEEKDAY + r"([a-z]{3,9})\.?[\s\-/.]*(\d{1,2})(?:st|nd|rd|th)?,?[\s\-/.]*(\d{4})" + _TIME + "$",
        ("mon", "d", "y", *_TIME_GROUPS),
    ),
    ("number", r"^\+?(\d+(?:\.\d*)?)$", ("num",)),
)
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_AM = ("a", "上午", "早上", "凌晨")
_PM = ("p", "下午", "晚上", "中午")

# Rule message per family (``yearlast`` depends on the order chosen).
_FAMILY_RULES = {
    "iso": "quality.rule.date_ymd",
    "compact": "quality.rule.date_compact",
    "ymd": "quality.rule.date_ymd",
    "chinese": "quality.rule.date_chinese",
    "day_month_name": "quality.rule.date_month_name",
    "month_name_day": "quality.rule.date_month_name",
    "excel": "quality.rule.date_excel",
}


def parse_datetimes(
    values: ArrayLike, *, order: DateOrder = "auto", today: date | None = None
) -> ParsedColumn:
    """Read a column of dates or timestamps, whatever its form.

    Parameters
    ----------
    values
        Raw column: text, native timestamps or dates, or numbers (Excel serials, ``20240305``).
    order
        Day and month order of year-last numeric dates (``quality.date_order``); ``auto``
        decides once for the whole column from the data (see the module docstring).
    today
        Reference day for the plausibility check (default: the current date).

    Returns
    -------
    ParsedColumn
        ``values`` as naive ``timestamp[us]`` (the wall-clock time as written; a zone is dropped); ``errors``
        ``missing``, ``unparseable`` or ``out_of_range``; ``rule`` naming every form found,
        with an example, and the decisions taken.
    """
    column = as_array(values)
    latest = datetime.combine((today or date.today()) + timedelta(days=FUTURE_DAYS + 1), time())
    if pa.types.is_timestamp(column.type) or pa.types.is_date(column.type):
        return _native(column, latest)
    return _text(as_text(column), order, latest)


def _native(column: pa.Array, latest: datetime) -> ParsedColumn:
    zoned = bool(getattr(column.type, "tz", None))
    local = pc.local_timestamp(column) if zoned else column  # wall-clock time in the stamp's own zone
    stamps = pc.cast(local, pa.timestamp("us"), safe=False)
    too_late = pc.greater_equal(stamps, pa.scalar(latest, pa.timestamp("us")))
    implausible = pc.or_(pc.less(pc.year(stamps), MIN_YEAR), too_late)
    fine = pa.scalar(None, pa.string())
    errors = pc.if_else(pc.is_null(stamps), MISSING, pc.if_else(implausible, OUT_OF_RANGE, fine))
    values = pc.if_else(pc.is_null(errors), stamps, pa.scalar(None, stamps.type))
    parts: tuple[RulePart, ...] = (("quality.rule.date_native", {}),)
    first = pc.index(pc.is_valid(column), True).as_py()
    if zoned and first >= 0:
        parts += (("quality.rule.date_zone_dropped", {"example": str(column[first])}),)
    return ParsedColumn.from_parts(values, errors, parts)


# -- text ---------------------------------------------------------------------------------------


def _text(column: pa.Array, order: DateOrder, latest: datetime) -> ParsedColumn:
    distinct = Distinct.of(column)
    normalised = normalise_text(distinct.values)
    table = pa.table(
        {
            "i": pa.array(np.arange(len(distinct.values), dtype=np.int64)),
            "s": normalised,
            "missing": is_missing_token(normalised),
            "cnt": pa.array(distinct.counts()),
        }
    )
    with connect(v=table) as con:
        con.execute(_families_sql())
        present = {row[0] for row in con.sql("SELECT DISTINCT fam FROM c WHERE fam IS NOT NULL").fetchall()}
        con.execute(_fields_sql(present))
        dayfirst, notes = _decide_order(con, order, yearlast="yearlast" in present)
        con.execute(_values_sql(dayfirst, latest))
        result = con.sql("SELECT ts, err FROM r ORDER BY i").to_arrow_table()
        parts = _family_parts(con, distinct.values, dayfirst) + notes

    stamps = distinct.to_rows(result["ts"].combine_chunks())
    errors = pc.if_else(pc.is_null(distinct.indices), MISSING, distinct.to_rows(result["err"].combine_chunks()))
    return ParsedColumn.from_parts(stamps, errors, parts or (("quality.rule.nothing_read", {}),))


_FIELDS = ("y", "mo", "mon", "d", "a", "sep", "b", *_TIME_GROUPS, "num")


def _families_sql() -> str:
    """Table ``c``: per distinct value, the first family whose pattern it matches (null: none)."""
    detect = " ".join(f"WHEN regexp_full_match(s, {sql_string(rx)}) THEN '{name}'" for name, rx, _ in _FAMILIES)
    return f"CREATE TEMP TABLE c AS SELECT i, s, missing, cnt, CASE WHEN missing THEN NULL {detect} END AS fam FROM v"


def _fields_sql(present: set[str]) -> str:
    """Table ``f``: per distinct value, its numeric fields (year, month, day, time, offset).

    Only the ``present`` families are extracted (a smaller statement for small columns).
    """

    unmatched = ", ".join(f"NULL::VARCHAR AS {g}" for g in _FIELDS)

    def family(name: str, rx: str, groups: tuple[str, ...]) -> str:
        if name == "iso":
            direct = "TRY_CAST(replace(s, 't', ' ') AS TIMESTAMP)"
            return f"SELECT i, missing, cnt, fam, {unmatched}, {direct} AS direct FROM c WHERE fam = 'iso'"
        picks = ", ".join(f"NULLIF(x.{g}, '') AS {g}" if g in groups else f"NULL::VARCHAR AS {g}" for g in _FIELDS)
        return (
            f"SELECT i, missing, cnt, fam, {picks}, NULL::TIMESTAMP AS direct FROM "
            f"(SELECT *, regexp_extract(s, {sql_string(rx)}, {list(groups)!r}) AS x FROM c WHERE fam = '{name}')"
        )

    parts = [family(*spec) for spec in _FAMILIES if spec[0] in present]
    parts.append(f"SELECT i, missing, cnt, fam, {unmatched}, NULL::TIMESTAMP AS direct FROM c WHERE fam IS NULL")
    months = " ".join(f"WHEN {sql_string(name)} THEN {month}" for name, month in _MONTHS.items())
    am = ", ".join(sql_string(word) for word in _AM)
    pm = ", ".join(sql_string(word) for word in _PM)
    return f"""
    CREATE TEMP TABLE f AS
    WITH g AS (
        {" UNION ALL ".join(parts)}
    ), n AS (
        SELECT i, missing, cnt, fam, direct, sep, ap, tz, osign,
            y::INTEGER AS y0, length(y) = 2 AS two_digit,
            COALESCE(mo::INTEGER, CASE mon {months} END) AS mo,
            d::INTEGER AS d, a::INTEGER AS a, b::INTEGER AS b,
            COALESCE(h::INTEGER, 0) AS h0, COALESCE(mi::INTEGER, 0) AS mi, COALESCE(sec::INTEGER, 0) AS sec,
            COALESCE(rpad(left(frac, 6), 6, '0')::INTEGER, 0) AS us,
            oh::INTEGER AS oh, COALESCE(om::INTEGER, 0) AS om, TRY_CAST(num AS DOUBLE) AS num
        FROM g
    )
    SELECT i, missing, cnt, fam, direct, two_digit, mo, d, a, b, sep, mi, sec, us, num,
        CASE WHEN two_digit THEN y0 + CASE WHEN y0 < {TWO_DIGIT_PIVOT} THEN 2000 ELSE 1900 END ELSE y0 END AS y,
        CASE
            WHEN ap IS NULL THEN h0
            WHEN ap IN ({am}) AND h0 <= 12 THEN h0 % 12
            WHEN ap IN ({pm}) AND h0 BETWEEN 1 AND 12 THEN h0 % 12 + 12
            ELSE -1
        END AS h,
        CASE
            WHEN osign IS NOT NULL THEN (CASE osign WHEN '-' THEN -1 ELSE 1 END) * (oh * 60 + om)
            WHEN tz IS NOT NULL THEN 0
        END AS off_min
    FROM n
    """


def _is_date(y: str, m: str, d: str) -> str:
    """SQL: whether year ``y``, month ``m`` and day ``d`` make a real calendar date."""
    leap = f"({y} % 4 = 0 AND ({y} % 100 <> 0 OR {y} % 400 = 0))"
    last = f"CASE WHEN {m} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    return f"({y} BETWEEN 1 AND 9999 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {last})"


def _decide_order(
    con: duckdb.DuckDBPyConnection, order: DateOrder, *, yearlast: bool
) -> tuple[bool, tuple[RulePart, ...]]:
    """Day-first or month-first for the year-last family, once for the column, and why."""
    if order != "auto":
        return order == "dayfirst", (("quality.rule.date_order_configured", {}),)
    if not yearlast:
        return False, ()
    stats = con.sql(
        f"""
        SELECT
            count(*) FILTER (a BETWEEN 13 AND 31 AND b BETWEEN 1 AND 12) AS ev_day,
            count(*) FILTER (b BETWEEN 13 AND 31 AND a BETWEEN 1 AND 12) AS ev_month,
            COALESCE(sum(cnt) FILTER (day_ok), 0) AS rows_day,
            COALESCE(sum(cnt) FILTER (month_ok), 0) AS rows_month,
            COALESCE(sum(cnt) FILTER (day_ok AND NOT month_ok), 0) AS only_day,
            COALESCE(sum(cnt) FILTER (month_ok AND NOT day_ok), 0) AS only_month,
            COALESCE(bool_and(sep = '.'), false) AS dotted,
            count(*) AS n
        FROM (
            SELECT *, {_is_date("y", "b", "a")} AS day_ok, {_is_date("y", "a", "b")} AS month_ok
            FROM f WHERE fam = 'yearlast'
        )
        """
    ).to_arrow_table().to_pylist()[0]
    if stats["n"] == 0:
        return False, ()
    if stats["ev_day"] and stats["ev_month"]:
        dayfirst = stats["rows_day"] > stats["rows_month"]
        lost = stats["only_month"] if dayfirst else stats["only_day"]
        return dayfirst, (("quality.rule.date_order_conflict", {"count": lost}),)
    if stats["ev_day"] or stats["ev_month"]:
        return bool(stats["ev_day"]), ()
    if stats["dotted"]:
        return True, (("quality.rule.date_assumed_dayfirst", {}),)
    return False, (("quality.rule.date_assumed_monthfirst", {}),)


def _values_sql(dayfirst: bool, latest: datetime) -> str:
    """Table ``r``: per distinct value, the timestamp and the reason it has none."""
    low, high = EXCEL_SERIALS
    month = "b" if dayfirst else "a"
    day = "a" if dayfirst else "b"
    return f"""
    CREATE TEMP TABLE r AS
    WITH f2 AS (
        SELECT *,
            CASE WHEN fam = 'yearlast' THEN {month} ELSE mo END AS mo2,
            CASE WHEN fam = 'yearlast' THEN {day} ELSE d END AS d2
        FROM f
    ), t AS (
        SELECT *,
            CASE
                WHEN fam = 'iso' THEN direct
                WHEN fam = 'number' THEN
                    CASE WHEN num >= {low} AND num < {high} THEN
                        TIMESTAMP '{EXCEL_EPOCH.isoformat()}' + to_milliseconds(round(num * 86400000)::BIGINT)
                    END
                WHEN {_is_date("y", "mo2", "d2")} AND h BETWEEN 0 AND 23 AND mi BETWEEN 0 AND 59
                    AND sec BETWEEN 0 AND 59 AND COALESCE(abs(off_min) <= 14 * 60, true)
                THEN make_timestamp(y, mo2, d2, h, mi, sec::DOUBLE)
                    + to_microseconds(us)
            END AS stamp
        FROM f2
    ), e AS (
        SELECT i, cnt, two_digit, off_min, CASE WHEN fam = 'number' THEN 'excel' ELSE fam END AS fam, stamp,
            CASE
                WHEN missing THEN '{MISSING}'
                WHEN stamp IS NULL THEN '{UNPARSEABLE}'
                WHEN year(stamp) < {MIN_YEAR} OR stamp >= TIMESTAMP '{latest.isoformat(sep=" ")}'
                    THEN '{OUT_OF_RANGE}'
            END AS err
        FROM t
    )
    SELECT i, cnt, fam, two_digit, off_min, CASE WHEN err IS NULL THEN stamp END AS ts, err FROM e
    """


def _family_parts(con: duckdb.DuckDBPyConnection, raw: pa.Array, dayfirst: bool) -> tuple[RulePart, ...]:
    """One rule part per form that gave values, most rows first, with the first example."""
    summary = con.sql(
        """
        SELECT fam, sum(cnt) AS rows, min(i) AS first,
            min(i) FILTER (off_min IS NOT NULL) AS first_zoned,
            min(i) FILTER (two_digit) AS first_two_digit
        FROM r WHERE err IS NULL GROUP BY fam ORDER BY rows DESC, first
        """
    ).to_arrow_table().to_pylist()
    yearlast = "quality.rule.date_dayfirst" if dayfirst else "quality.rule.date_monthfirst"
    parts: dict[str, dict[str, object]] = {}
    for row in summary:
        key = yearlast if row["fam"] == "yearlast" else _FAMILY_RULES[row["fam"]]
        parts.setdefault(key, {"example": raw[row["first"]].as_py()})
    zoned = [row["first_zoned"] for row in summary if row["first_zoned"] is not None]
    if zoned:
        parts["quality.rule.date_zone_dropped"] = {"example": raw[min(zoned)].as_py()}
    two_digit = [row["first_two_digit"] for row in summary if row["first_two_digit"] is not None]
    if two_digit:
        parts["quality.rule.date_two_digit_year"] = {"example": raw[min(two_digit)].as_py()}
    return tuple(parts.items())
