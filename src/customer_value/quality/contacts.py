"""Phone numbers to E.164, e-mail addresses validated, names folded for matching.

Phones and e-mails are checked with ``phonenumbers`` and ``email-validator`` once per distinct
value; the common shapes (a mobile number of the default region with or without its country
code; a plain ASCII address) take a vectorised path built from the same libraries' metadata and
rules, so a column of a million different numbers stays fast. The tests check that both paths
agree.

An invalid phone or e-mail is not a reason to reject a customer: the value is null and the
error (``invalid_phone``, ``invalid_email``) lets the pipeline flag the row while the original
text stays in the source column.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import email_validator
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality._columns import ArrayLike, Distinct, as_text
from customer_value.quality.missing import is_missing_token
from customer_value.quality.parsed import INVALID_EMAIL, INVALID_PHONE, MISSING, ParsedColumn, RulePart

_PHONE_SEPARATORS = r"[\s\-().]"
_WHITESPACE = r"[\s\p{Z}\x{85}]+"
_CJK = r"\x{3040}-\x{30ff}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}\x{ac00}-\x{d7af}"
_EMAIL_LOCAL = r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
_EMAIL_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
_EMAIL = rf"^(?P<local>{_EMAIL_LOCAL})@(?P<domain>(?:{_EMAIL_LABEL}\.)+(?P<tld>[A-Za-z]{{2,63}}))$"


def normalise_phones(values: ArrayLike, *, region: str = "CN") -> ParsedColumn:
    """Phone numbers in E.164 (``+8613812345678``).

    Parameters
    ----------
    values
        Raw phone numbers: ``+86 138-1234-5678``, ``0086 13812345678``, ``(010) 6552-9988``,
        ``+1 415 555 0100``, or integers from a spreadsheet.
    region
        ISO 3166 region of numbers written without a country code (``quality.phone_region``).

    Returns
    -------
    ParsedColumn
        ``values`` E.164 text, null where missing or invalid; ``errors`` ``missing`` or
        ``invalid_phone``.
    """
    column = as_text(values)
    distinct = Distinct.of(column)
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(distinct.values, form="NFKC"))
    missing = is_missing_token(pc.utf8_lower(text))
    fast = _fast_phones(pc.replace_substring_regex(text, _PHONE_SEPARATORS, ""), region)
    slow = pc.and_(pc.is_null(fast), pc.invert(missing))
    e164 = _fill_slow(fast, text, slow, lambda raw: _phone(raw, region))

    return _result(distinct, e164, missing, INVALID_PHONE, ("quality.rule.phone_e164", {"region": region}))


def normalise_emails(values: ArrayLike) -> ParsedColumn:
    """E-mail addresses validated (syntax only, no DNS) with the domain in lower case.

    Returns
    -------
    ParsedColumn
        ``values`` the normalised address (``Zhang.San@example.com``; the local part keeps its
        case, full-width characters are folded), null where missing or invalid; ``errors``
        ``missing`` or ``invalid_email``.
    """
    column = as_text(values)
    distinct = Distinct.of(column)
    text = pc.utf8_trim_whitespace(pc.utf8_normalize(distinct.values, form="NFKC"))
    missing = is_missing_token(pc.utf8_lower(text))
    fast = _fast_emails(text)
    slow = pc.and_(pc.is_null(fast), pc.invert(missing))
    addresses = _fill_slow(fast, text, slow, _email)

    return _result(distinct, addresses, missing, INVALID_EMAIL, ("quality.rule.email", {}))


def normalise_names(values: ArrayLike) -> pa.Array:
    """Names folded for matching: NFKC, case folded, whitespace collapsed, none next to CJK.

    ``"  ＺＨＡＮＧ   San "`` → ``"zhang san"``, ``"张 三"`` → ``"张三"``, ``"Straße"`` → ``"strasse"``.
    Missing-value tokens and blanks become null. The result is a matching key for record
    linkage, not a display name.
    """
    column = as_text(values)
    folded = pc.utf8_lower(pc.utf8_normalize(column, form="NFKC"))
    folded = pc.replace_substring(pc.replace_substring(folded, "ß", "ss"), "ς", "σ")  # casefold beyond lower
    folded = pc.utf8_trim_whitespace(pc.replace_substring_regex(folded, _WHITESPACE, " "))
    folded = pc.replace_substring_regex(folded, rf" ?([{_CJK}]) ?", r"\1")
    return pc.if_else(pc.fill_null(is_missing_token(folded), True), pa.scalar(None, pa.string()), folded)


# -- helpers ------------------------------------------------------------------------------------


def _fast_phones(digits: pa.Array, region: str) -> pa.Array:
    """E.164 of the values that are a mobile number of ``region``, with or without its country code.

    The patterns are the ``phonenumbers`` metadata of the region, so a value taken here is one
    ``phonenumbers`` accepts; everything else is null and goes to ``phonenumbers`` itself.
    """
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    if meta is None or meta.mobile is None or meta.mobile.national_number_pattern is None:
        return pa.nulls(len(digits), pa.string())
    code = str(meta.country_code)
    prefixes = [r"\+", ""] + (["00"] if re.fullmatch(meta.international_prefix or "", "00") else [])
    loose = rf"^(?:(?:{'|'.join(prefixes)}){code})?(?P<nsn>\d+)$"
    nsn = pc.struct_field(pc.extract_regex(digits, loose), "nsn")
    lengths = meta.mobile.possible_length or meta.general_desc.possible_length
    ok = pc.and_(
        pc.and_(
            pc.match_substring_regex(nsn, f"^(?:{meta.general_desc.national_number_pattern})$"),
            pc.match_substring_regex(nsn, f"^(?:{meta.mobile.national_number_pattern})$"),
        ),
        pc.is_in(pc.utf8_length(nsn), value_set=pa.array(lengths, pa.int32())),
    )
    return pc.if_else(pc.fill_null(ok, False), pc.binary_join_element_wise(f"+{code}", nsn, ""), None)


def _phone(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _fast_emails(text: pa.Array) -> pa.Array:
    """Plain ASCII addresses that ``email-validator`` accepts, with the domain lower-cased.

    Domains with ``--`` (Punycode and its look-alikes) and special-use domains go to
    ``email-validator`` itself.
    """
    parts = pc.extract_regex(text, _EMAIL)
    local, domain = pc.struct_field(parts, "local"), pc.utf8_lower(pc.struct_field(parts, "domain"))
    special = "|".join(re.escape(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
    ok = pc.and_(
        pc.and_(pc.less_equal(pc.utf8_length(local), 64), pc.less_equal(pc.utf8_length(text), 254)),
        pc.invert(pc.or_(pc.match_substring(domain, "--"), pc.match_substring_regex(domain, rf"(^|\.)({special})$"))),
    )
    return pc.if_else(pc.fill_null(ok, False), pc.binary_join_element_wise(local, domain, "@"), None)


def _email(text: str) -> str | None:
    try:
        return email_validator.validate_email(text, check_deliverability=False).normalized
    except email_validator.EmailNotValidError:
        return None


def _fill_slow(fast: pa.Array, text: pa.Array, slow: pa.Array, check: Callable[[str], str | None]) -> pa.Array:
    """``fast`` with the ``slow`` values checked one by one by ``check`` (text → result or None)."""
    pending = pc.filter(text, slow).to_pylist()
    if not pending:
        return fast
    return pc.replace_with_mask(fast, slow, pa.array([check(raw) for raw in pending], pa.string()))


def _result(distinct: Distinct, per_value: pa.Array, missing: pa.Array, invalid: str, rule: RulePart) -> ParsedColumn:
    """Rows from per-value results; the rule's example is the first value that gave a result."""
    reasons = pc.if_else(missing, MISSING, pc.if_else(pc.is_null(per_value), invalid, pa.scalar(None, pa.string())))
    errors = pc.if_else(pc.is_null(distinct.indices), MISSING, distinct.to_rows(reasons))
    values = distinct.to_rows(pc.if_else(missing, pa.scalar(None, pa.string()), per_value))
    first = pc.index(pc.is_valid(values), True).as_py()
    if first < 0:
        return ParsedColumn.from_parts(values, errors, (("quality.rule.nothing_read", {}),))
    key, fields = rule
    example = distinct.values[distinct.indices[first].as_py()].as_py()
    return ParsedColumn.from_parts(values, errors, ((key, {**fields, "example": example}),))
