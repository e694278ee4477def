"""Phones to E.164, e-mails validated, names folded; the fast paths agree with the libraries."""

from __future__ import annotations

import re
import unicodedata

import email_validator
import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.quality import normalise_emails, normalise_names, normalise_phones
from customer_value.quality.missing import MISSING_TOKENS


def _library_phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _library_email(text: str) -> str | None:
    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


# -- phones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 138-1234-5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),
        ("0086 13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("８６１３８１２３４５６７８", "+8613812345678"),
        ("+86 (0)138 1234 5678", "+8613812345678"),
        ("(010) 6552-9988", "+861065529988"),
        ("010-65529988", "+861065529988"),
        ("+1 415 555 0100", "+14155550100"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phones_to_e164(text, expected):
    parsed = normalise_phones(pa.array([text]))
    assert parsed.values.to_pylist() == [expected]
    assert parsed.errors.to_pylist() == [None]


def test_invalid_and_missing_phones():
    parsed = normalise_phones(pa.array(["12345", "not a phone", "NA", None, "", "138123456789"]))
    assert parsed.values.null_count == 6
    assert parsed.errors.to_pylist() == ["invalid_phone"] * 2 + ["missing"] * 3 + ["invalid_phone"]


def test_phones_from_a_spreadsheet_column_of_numbers():
    parsed = normalise_phones(pa.array([13812345678, None]))
    assert parsed.values.to_pylist() == ["+8613812345678", None]
    floats = normalise_phones(pa.array([13812345678.0]))
    assert floats.values.to_pylist() == ["+8613812345678"]


def test_the_region_applies_to_numbers_without_a_country_code():
    parsed = normalise_phones(pa.array(["(415) 555-0100", "+86 13812345678"]), region="US")
    assert parsed.values.to_pylist() == ["+14155550100", "+8613812345678"]
    assert parsed.rule == "phone numbers in E.164, default region US ((415) 555-0100)"
    assert parsed.describe("zh") == "电话号码转为 E.164 格式，默认地区 US（(415) 555-0100）"


def test_a_column_without_one_valid_phone_says_so():
    assert normalise_phones(pa.array(["x"])).rule == "no value could be read"


SEPARATOR = st.sampled_from(["", "", " ", "-"])


@st.composite
def _phone_texts(draw, prefixes: list[str], first: str, digits: int) -> str:
    body = draw(st.sampled_from(first)) + "".join(draw(st.sampled_from("0123456789")) for _ in range(digits))
    cut = draw(st.integers(0, len(body)))
    return draw(st.sampled_from(prefixes)) + draw(SEPARATOR) + body[:cut] + draw(SEPARATOR) + body[cut:]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            _phone_texts(["", "+86", "0086", "86"], "1", 10),
            _phone_texts(["", "+86", "0"], "123456789", 9),
            st.from_regex(r"\+?[0-9 \-]{0,16}", fullmatch=True),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_cn_phones_agree_with_phonenumbers(texts):
    parsed = normalise_phones(pa.array(texts), region="CN")
    expected = [None if not t.strip(" -") else _library_phone(t, "CN") for t in texts]
    assert parsed.values.to_pylist() == expected


@settings(max_examples=25, deadline=None)
@given(st.lists(_phone_texts(["", "+1", "1"], "23456789", 9), min_size=1, max_size=30))
def test_us_phones_agree_with_phonenumbers(texts):
    assert normalise_phones(pa.array(texts), region="US").values.to_pylist() == [_library_phone(t, "US") for t in texts]


# -- e-mails ----------------------------------------------------------------------------------------------


def test_emails_validated_with_the_domain_in_lower_case():
    texts = ["Zhang.San@Example.COM", " x@Y.cn ", "zs＠qq．com", "张三@例子.中国", "a..b@x.com", "x@foo.test", "bad", "NA"]
    parsed = normalise_emails(pa.array(texts))
    assert parsed.values.to_pylist() == [
        "Zhang.San@example.com",
        "x@y.cn",
        "zs@qq.com",
        "张三@例子.中国",
        None,
        None,
        None,
        None,
    ]
    assert parsed.errors.to_pylist() == [None] * 4 + ["invalid_email"] * 3 + ["missing"]
    assert parsed.rule == "e-mail addresses checked, domain in lower case (Zhang.San@Example.COM)"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.emails(),
            st.from_regex(r"[A-Za-z0-9._%+\-]{1,12}@[A-Za-z0-9\-.]{1,12}\.[A-Za-z0-9]{1,4}", fullmatch=True),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_emails_agree_with_email_validator(texts):
    assert normalise_emails(pa.array(texts)).values.to_pylist() == [_library_email(t) for t in texts]


# -- names ------------------------------------------------------------------------------------------------


def test_names_are_folded_for_matching():
    names = pa.array(["  ＺＨＡＮＧ   San ", "Straße", "张 三", "a 张 三 b", "金\u3000美玲", "无", None, ""])
    assert normalise_names(names).to_pylist() == ["zhang san", "strasse", "张三", "a张三b", "金美玲", None, None, None]


_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])")


def _reference_name(text: str) -> str | None:
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).casefold()).strip()
    folded = _CJK.sub("", folded)
    return None if folded in MISSING_TOKENS else folded


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="abcXYZßΣ張张三李 \t\u3000ＡＢ-", max_size=12), max_size=20))
def test_names_fold_like_python_casefold(texts):
    assert normalise_names(pa.array(texts, pa.string())).to_pylist() == [_reference_name(t) for t in texts]
