"""Dates in every export's form become timestamps; day/month order is decided once per column."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.quality import REASONS, parse_datetimes

TODAY = date(2024, 6, 1)
FAR = date(2200, 1, 1)  # plausibility bound out of the way of round-trip properties


def _parse(values, **options):
    return parse_datetimes(pa.array(values, pa.string()), today=options.pop("today", TODAY), **options)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05", datetime(2024, 3, 5)),
        ("2024-03-05 14:03:01", datetime(2024, 3, 5, 14, 3, 1)),
        ("2024-03-05T14:03:01", datetime(2024, 3, 5, 14, 3, 1)),
        ("2024-03-05T14:03:01.250", datetime(2024, 3, 5, 14, 3, 1, 250000)),
        ("2024/03/05", datetime(2024, 3, 5)),
        ("2024.03.05", datetime(2024, 3, 5)),
        ("2024/3/5 9:07", datetime(2024, 3, 5, 9, 7)),
        ("20240305", datetime(2024, 3, 5)),
        ("20240305140301", datetime(2024, 3, 5, 14, 3, 1)),
        ("2024年3月5日", datetime(2024, 3, 5)),
        ("2024年03月05日 14:03", datetime(2024, 3, 5, 14, 3)),
        ("2024年3月5日14时03分", datetime(2024, 3, 5, 14, 3)),
        ("2024年3月5日 14时03分05秒", datetime(2024, 3, 5, 14, 3, 5)),
        ("2024年3月5日 下午2点03分", datetime(2024, 3, 5, 14, 3)),
        ("２０２４年３月５日", datetime(2024, 3, 5)),
        ("12/1/2010 8:26", datetime(2010, 12, 1, 8, 26)),
        ("12/01/2010 08:26:00", datetime(2010, 12, 1, 8, 26)),
        ("12/1/2010 8:26 PM", datetime(2010, 12, 1, 20, 26)),
        ("12/1/2010 12:05 am", datetime(2010, 12, 1, 0, 5)),
        ("2/20/11 11:39", datetime(2011, 2, 20, 11, 39)),
        ("20.02.2011", datetime(2011, 2, 20)),
        ("20/02/2011", datetime(2011, 2, 20)),
        ("5 Mar 2024", datetime(2024, 3, 5)),
        ("05-MAR-24", datetime(2024, 3, 5)),
        ("Mar 5, 2024", datetime(2024, 3, 5)),
        ("March 5th, 2024 2:03 pm", datetime(2024, 3, 5, 14, 3)),
        ("Tue, 05 Mar 2024 14:03:01 +0000", datetime(2024, 3, 5, 14, 3, 1)),
        ("45356", datetime(2024, 3, 5)),
        ("45356.5", datetime(2024, 3, 5, 12)),
        ("  2024-03-05  ", datetime(2024, 3, 5)),
    ],
)
def test_each_supported_form(text, expected):
    parsed = _parse([text])
    assert parsed.errors.to_pylist() == [None]
    assert parsed.values.to_pylist() == [expected]


def test_zones_are_dropped_keeping_the_written_time_and_the_rule_says_so():
    parsed = _parse(["2024-11-11T00:30:01+08:00", "2024-03-05T14:03:01Z", "2024-03-05 01:00 -0530", "2024-03-05"])
    assert parsed.values.to_pylist() == [
        datetime(2024, 11, 11, 0, 30, 1),  # a Chinese shop's 双11 midnight order stays on 11 November
        datetime(2024, 3, 5, 14, 3, 1),
        datetime(2024, 3, 5, 1, 0),
        datetime(2024, 3, 5),
    ]
    assert "the zone is dropped (2024-11-11T00:30:01+08:00)" in parsed.rule


def test_uci_style_two_digit_us_timestamps():
    column = ["12/1/10 8:26", "12/1/10 8:26", "2/20/11 11:39", "12/9/11 12:50"]
    parsed = _parse(column, today=date(2012, 1, 1))
    assert parsed.values.to_pylist() == [
        datetime(2010, 12, 1, 8, 26),
        datetime(2010, 12, 1, 8, 26),
        datetime(2011, 2, 20, 11, 39),
        datetime(2011, 12, 9, 12, 50),
    ]
    assert parsed.rule == "month-first (12/1/10 8:26); 2-digit years: 00–68 → 2000s, 69–99 → 1900s (12/1/10 8:26)"
    assert parsed.describe("zh").startswith("月在前（12/1/10 8:26）")


@pytest.mark.parametrize(("two_digit", "year"), [("00", 2000), ("68", 2068), ("69", 1969), ("99", 1999)])
def test_two_digit_year_pivot_follows_strptime(two_digit, year):
    assert _parse([f"1/2/{two_digit}"], today=FAR).values.to_pylist() == [datetime(year, 1, 2)]
    assert datetime.strptime(f"1/2/{two_digit}", "%m/%d/%y").year == year


def test_a_column_mixing_slashes_chinese_and_excel_serials():
    parsed = _parse(["2024/03/05", "2024年3月5日", "45356", "2024/03/06", "45357.25"])
    assert parsed.values.to_pylist() == [
        datetime(2024, 3, 5),
        datetime(2024, 3, 5),
        datetime(2024, 3, 5),
        datetime(2024, 3, 6),
        datetime(2024, 3, 6, 6),
    ]
    assert parsed.rule == (
        "year-month-day (2024/03/05); Excel serial day numbers since 1899-12-30 (45356); Chinese 年月日 (2024年3月5日)"
    )


def test_excel_serials_as_native_numbers():
    parsed = parse_datetimes(pa.array([45356, 45357, None]), today=TODAY)
    assert parsed.values.to_pylist() == [datetime(2024, 3, 5), datetime(2024, 3, 6), None]
    assert parsed.errors.to_pylist() == [None, None, "missing"]
    floats = parse_datetimes(pa.array([45356.5833333333, float("nan")]), today=TODAY)
    assert floats.values.to_pylist() == [datetime(2024, 3, 5, 14), None]
    assert floats.errors.to_pylist() == [None, "missing"]


def test_numbers_that_are_not_dates_are_unparseable():
    parsed = parse_datetimes(pa.array([20240305, 12345678, 7, 10**10]), today=TODAY)
    assert parsed.values.to_pylist() == [datetime(2024, 3, 5), None, None, None]
    assert parsed.errors.to_pylist() == [None, "unparseable", "unparseable", "unparseable"]


# -- day or month first: once per column ---------------------------------------------------------


def test_a_first_field_above_12_makes_the_whole_column_day_first():
    parsed = _parse(["01/02/2011", "20/02/2011", "03/04/2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 2, 1), datetime(2011, 2, 20), datetime(2011, 4, 3)]
    assert parsed.rule == "day-first (01/02/2011)"


def test_a_second_field_above_12_makes_the_whole_column_month_first():
    parsed = _parse(["01/02/2011", "02/20/2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 1, 2), datetime(2011, 2, 20)]
    assert parsed.rule == "month-first (01/02/2011)"


def test_an_all_ambiguous_column_is_assumed_month_first_and_says_so():
    parsed = _parse(["01/02/2011", "03/04/2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 1, 2), datetime(2011, 3, 4)]
    assert parsed.rule == (
        "month-first (01/02/2011); ambiguous (no day or month above 12), assumed month-first; set quality.date_order"
    )
    assert "请设置 quality.date_order" in parsed.describe("zh")


def test_an_all_ambiguous_dotted_column_is_assumed_day_first():
    parsed = _parse(["01.02.2011", "03.04.2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 2, 1), datetime(2011, 4, 3)]
    assert "assumed day-first" in parsed.rule


def test_a_conflicting_column_takes_the_order_more_rows_fit_and_rejects_the_rest():
    parsed = _parse(["20/02/2011", "13/01/2011", "02/20/2011", "01/02/2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 2, 20), datetime(2011, 1, 13), None, datetime(2011, 2, 1)]
    assert parsed.errors.to_pylist() == [None, None, "unparseable", None]
    assert "1 rows readable only the other way are unparseable" in parsed.rule


def test_the_configured_order_overrides_the_data():
    parsed = _parse(["01/02/2011", "02/20/2011"], order="dayfirst")
    assert parsed.values.to_pylist() == [datetime(2011, 2, 1), None]
    assert parsed.errors.to_pylist() == [None, "unparseable"]
    assert parsed.rule == "day-first (01/02/2011); day/month order set by quality.date_order"


def test_the_order_is_never_mixed_within_a_column():
    parsed = _parse(["05/06/2011", "25/06/2011"])
    assert parsed.values.to_pylist() == [datetime(2011, 6, 5), datetime(2011, 6, 25)]


# -- bad values: a reason each -----------------------------------------------------------------------


def test_missing_unparseable_and_out_of_range_rows():
    missing = ["NA", "", None, "—"]
    unreadable = ["hello", "2024-02-30", "2023-02-29", "25:00", "2024-03-05 24:00"]
    parsed = _parse([*missing, *unreadable, "1899-12-31", "2025-06-02", "2025-06-01"])
    assert parsed.errors.to_pylist() == [
        "missing",
        "missing",
        "missing",
        "missing",
        "unparseable",
        "unparseable",
        "unparseable",
        "unparseable",
        "unparseable",
        "out_of_range",
        "out_of_range",
        None,
    ]
    assert parsed.values.to_pylist()[:-1] == [None] * 11


def test_leap_days_are_real_dates():
    assert _parse(["2024-02-29", "2000-02-29", "1900-02-29"]).errors.to_pylist() == [None, None, "unparseable"]


def test_an_unreadable_column_says_nothing_could_be_read():
    parsed = _parse(["x", None])
    assert parsed.rule == "no value could be read"
    assert parsed.describe("zh") == "没有可识别的值"


# -- native inputs -------------------------------------------------------------------------------------


def test_native_timestamps_pass_through_keeping_their_wall_clock_time():
    shanghai = pd.Series(pd.to_datetime(["2024-03-05 14:00", None]).tz_localize("Asia/Shanghai"))
    parsed = parse_datetimes(pa.array(shanghai), today=TODAY)
    assert parsed.values.type == pa.timestamp("us")
    assert parsed.values.to_pylist() == [datetime(2024, 3, 5, 14), None]
    assert parsed.errors.to_pylist() == [None, "missing"]
    assert parsed.rule == ("native timestamps; times keep the wall-clock time they were written in; "
                           "the zone is dropped (2024-03-05 14:00:00+08:00)")


def test_native_dates_and_nanoseconds_become_microsecond_timestamps():
    dates = parse_datetimes(pa.array([date(2024, 3, 5), date(1850, 1, 1)]), today=TODAY)
    assert dates.values.to_pylist() == [datetime(2024, 3, 5), None]
    assert dates.errors.to_pylist() == [None, "out_of_range"]
    nanos = parse_datetimes(pa.array(pd.to_datetime(["2024-03-05 14:03:01.123456789"])), today=TODAY)
    assert nanos.values.to_pylist() == [datetime(2024, 3, 5, 14, 3, 1, 123456)]


def test_chunked_and_dictionary_columns():
    chunked = pa.chunked_array([["2024-03-05"], ["2024-03-06", None]])
    expected = [datetime(2024, 3, 5), datetime(2024, 3, 6), None]
    assert parse_datetimes(chunked, today=TODAY).values.to_pylist() == expected
    encoded = pa.array(["2024-03-05", "2024-03-05"]).dictionary_encode()
    assert parse_datetimes(encoded, today=TODAY).values.to_pylist() == [datetime(2024, 3, 5)] * 2


def test_empty_column():
    parsed = parse_datetimes(pa.array([], pa.string()))
    assert len(parsed.values) == len(parsed.errors) == 0


# -- properties ------------------------------------------------------------------------------------------

MINUTES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2199, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0)
)


def _formats(moment: datetime) -> dict[str, str]:
    """The same moment in every supported form (each keeps at least minutes)."""
    d = moment
    return {
        "iso": d.strftime("%Y-%m-%d %H:%M:%S"),
        "iso_t": d.strftime("%Y-%m-%dT%H:%M"),
        "slash": d.strftime("%Y/%m/%d %H:%M"),
        "chinese": f"{d.year}年{d.month}月{d.day}日 {d.hour}:{d.minute:02d}",
        "chinese_units": f"{d.year}年{d.month}月{d.day}日{d.hour}时{d.minute}分",
        "us": f"{d.month}/{d.day}/{d.year} {d.hour}:{d.minute:02d}",
        "us_ampm": f"{d.month}/{d.day}/{d.year} {(d.hour - 1) % 12 + 1}:{d.minute:02d} {d.strftime('%p')}",
        "month_name": d.strftime("%d %b %Y %H:%M"),
        "month_name_first": d.strftime("%B %d, %Y %H:%M"),
    }


@settings(max_examples=30, deadline=None)
@given(st.lists(MINUTES, min_size=1, max_size=12), st.sampled_from(list(_formats(datetime(2000, 1, 1)))))
def test_any_datetime_round_trips_through_every_form(moments, form):
    parsed = _parse([_formats(m)[form] for m in moments], today=FAR)
    assert parsed.values.to_pylist() == moments


@settings(max_examples=30, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2300, 12, 31)), min_size=1, max_size=12))
def test_canonical_iso_reads_like_the_general_rules(moments):
    canonical = [m.isoformat(sep=" ") for m in moments]  # DuckDB's cast
    general = [m.strftime("%Y/%m/%d %H:%M:%S.%f") for m in moments]  # the regular expressions
    fast, slow = _parse(canonical), _parse(general)
    assert fast.values.to_pylist() == slow.values.to_pylist()
    assert fast.errors.to_pylist() == slow.errors.to_pylist()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), min_size=1, max_size=12))
def test_day_first_columns_round_trip_once_one_day_is_above_12(days):
    days = [*days, date(2011, 2, 20)]
    parsed = _parse([d.strftime("%d.%m.%Y") for d in days], today=FAR)
    assert parsed.values.to_pylist() == [datetime(d.year, d.month, d.day) for d in days]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.dates(min_value=date(1969, 1, 1), max_value=date(2068, 12, 31)), min_size=1, max_size=12))
def test_two_digit_years_round_trip_within_the_pivot_window(days):
    parsed = _parse([d.strftime("%m/%d/%y") for d in days], today=FAR)
    assert parsed.values.to_pylist() == [datetime(d.year, d.month, d.day) for d in days]


@settings(max_examples=30, deadline=None)
@given(
    st.datetimes(min_value=datetime(1954, 10, 4), max_value=datetime(2119, 1, 9)).map(
        lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)
    )
)
def test_excel_serials_round_trip_to_the_millisecond(moment):
    serial = (moment - datetime(1899, 12, 30)) / timedelta(days=1)
    parsed = parse_datetimes(pa.array([serial]), today=FAR)
    assert abs(parsed.values[0].as_py() - moment) <= timedelta(milliseconds=1)


@settings(max_examples=30, deadline=None)
@given(st.datetimes(min_value=datetime(1901, 1, 1), max_value=datetime(2199, 1, 1)), st.integers(-14 * 60, 14 * 60))
def test_iso_with_an_offset_keeps_its_wall_clock_time(moment, minutes):
    zoned = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    parsed = _parse([zoned.isoformat()], today=FAR)
    assert parsed.values.to_pylist() == [moment]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.text(max_size=25)), max_size=20),
    st.sampled_from(["auto", "dayfirst", "monthfirst"]),
)
def test_never_raises_and_every_row_has_a_value_or_a_reason(values, order):
    parsed = _parse(values, order=order)
    assert len(parsed.values) == len(parsed.errors) == len(values)
    for value, error in zip(parsed.values.to_pylist(), parsed.errors.to_pylist(), strict=True):
        assert (value is None) != (error is None)
        assert error is None or error in REASONS
