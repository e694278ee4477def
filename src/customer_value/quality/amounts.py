"""Money amounts and quantities from any export, read into ``float64`` with a reason per bad row.

Amounts may carry a currency (``¥`` ``￥`` ``元`` ``RMB`` ``CNY`` ``$`` ``US$`` ``€`` ``£``…, before
or after the number), a sign (``-¥50.00``, ``¥-50``, ``+5``, a trailing ``50.00-``) or
accounting parentheses (``(50.00)`` is −50), Chinese units (``1.2万`` = 12 000, ``3亿`` = 3×10⁸,
also ``千``, ``百万``, ``千万`` and ``k``/``w``), full-width digits (``１２３``), thousands
separators (``1,234.50``, ``1 234,50``, ``1.234,50``, ``1'234.50``, Indian ``1,23,456``) and
scientific notation (``1.5E+05``, as Excel writes wide numbers to CSV).

Decimal comma or decimal point is read from each value's own shape where it is unambiguous
(``1.234,50``, ``12,5`` → comma; ``1,234.50``, ``12.5`` → point). A value with one separator
followed by exactly three digits (``1,234``, ``1.234``) is ambiguous and is read the same
way for the whole column: as a decimal comma only when the column has decimal-comma values
and no decimal-point values, else as a decimal point (``1,234`` = 1234, ``1.234`` = 1.234).
The rule states which reading was used.

Currency symbols are not converted: :func:`parse_currency_codes` says which currency a value
named (``¥`` is read as CNY, ``$`` as USD); the pipeline fills the configured default where
none was named.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from customer_value.quality._columns import (
    ArrayLike,
    Distinct,
    as_array,
    as_text,
    connect,
    is_number,
    is_text,
    normalise_text,
    sql_string,
)
from customer_value.quality.missing import is_missing_token
from customer_value.quality.parsed import MISSING, OUT_OF_RANGE, UNPARSEABLE, ParsedColumn, RulePart

# Currency words and symbols (lower case, after NFKC: ￥ is ¥) and their ISO 4217 codes.
CURRENCY_SYMBOLS: dict[str, str] = {
    "¥": "CNY", "元": "CNY", "块": "CNY", "rmb": "CNY", "cny": "CNY", "人民币": "CNY",
    "us$": "USD", "usd": "USD", "$": "USD", "美元": "USD", "美金": "USD",
    "hk$": "HKD", "hkd": "HKD", "港币": "HKD", "港元": "HKD",
    "nt$": "TWD", "twd": "TWD", "新台币": "TWD",
    "€": "EUR", "eur": "EUR", "欧元": "EUR",
    "£": "GBP", "gbp": "GBP", "英镑": "GBP",
    "円": "JPY", "jpy": "JPY", "日元": "JPY",
    "a$": "AUD", "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD", "cad": "CAD", "s$": "SGD", "sgd": "SGD",
    "₹": "INR", "inr": "INR", "₩": "KRW", "krw": "KRW", "r$": "BRL", "brl": "BRL", "chf": "CHF",
    "rm": "MYR", "myr": "MYR", "₽": "RUB", "rub": "RUB", "฿": "THB", "thb": "THB",
}  # fmt: skip
# Symbols several currencies are written with: the symbol means the configured currency when it is one of these.
SHARED_SYMBOLS: dict[str, frozenset[str]] = {
    "$": frozenset({"USD", "AUD", "CAD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP"}),
    "¥": frozenset({"CNY", "JPY"}),
}
# Chinese and shorthand units (longest first, so 千万 is not read as 千).
UNITS: dict[str, float] = {"千万": 1e7, "百万": 1e6, "亿": 1e8, "万": 1e4, "千": 1e3, "w": 1e4, "k": 1e3}
# Count words a quantity may carry (``3件``, ``2 pcs``).
QUANTITY_WORDS = ("件", "个", "只", "箱", "盒", "包", "瓶", "套", "台", "pcs", "pc")

_CURRENCY = "(" + "|".join(
    "".join("\\" + ch if ch in "$." else ch for ch in word) for word in sorted(CURRENCY_SYMBOLS, key=len, reverse=True)
) + ")"  # fmt: skip
_UNIT = "(" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"
# open paren, sign, number, unit, trailing minus, close paren
_SHAPE = r"^(\()?\s*([+-])?\s*([0-9][0-9,.' ’]*(?:e[+-]?[0-9]+)?|[.,][0-9]+)\s*" + _UNIT + r"?\s*(-)?\s*(\))?$"
_PLAIN = r"^[+-]?[0-9][0-9,.]*$"  # the common case, split without a capturing regex
_SPACED = r"^\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?$"  # space or apostrophe thousands
# Number shapes after the thousands spaces are removed: (kind, pattern), first match wins.
_KINDS = (
    ("int", r"^\d+$"),
    ("ambiguous", r"^[1-9]\d{0,2}[.,]\d{3}$"),
    (
        "point",
        r"^\d*\.\d+$|^\d+\.$|^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?$"  # Indian 1,23,456
        r"|^\d*\.?\d+e[+-]?\d+$",
    ),
    ("comma", r"^\d*,\d+$|^\d{1,3}(?:\.\d{3})+(?:,\d+)?$"),
)


def parse_amounts(values: ArrayLike) -> ParsedColumn:
    """Read a column of money amounts.

    Parameters
    ----------
    values
        Raw column: text such as ``"¥1,234.50"``, ``"1.2万"``, ``"(50.00)"``, or native numbers.

    Returns
    -------
    ParsedColumn
        ``values`` as ``float64`` in the unit written (currency symbols dropped, Chinese units
        applied); ``errors`` ``missing``, ``unparseable`` or ``out_of_range`` (infinite);
        ``rule`` naming the decimal separator used and the notations found.
    """
    return _parse(values, currency=True)


def parse_quantities(values: ArrayLike) -> ParsedColumn:
    """Read a column of quantities: numbers, possibly negative (returns), possibly with a count word.

    Same number grammar as :func:`parse_amounts` (signs, separators, ``万``), plus a trailing count
    word (``3件``, ``2 pcs``); a currency symbol makes the value ``unparseable``.
    """
    return _parse(values, currency=False)


def parse_currency_codes(values: ArrayLike, *, default: str | None = None) -> pa.Array:
    """The ISO 4217 code named by each value's currency symbol or word, else null.

    ``¥ ￥ 元 RMB 人民币`` → CNY, ``$ US$ 美元`` → USD, ``€`` → EUR, ``£`` → GBP, ``HK$`` → HKD…
    (see :data:`CURRENCY_SYMBOLS`). Native numbers name no currency. A bare ``$`` or ``¥`` is
    written for several currencies: it means ``default`` (the configured currency) when that is
    one of them (:data:`SHARED_SYMBOLS`: ``$`` with AUD, ``¥`` with JPY…).
    """
    column = as_array(values)
    if not is_text(column):
        return pa.nulls(len(column), pa.string())
    distinct = Distinct.of(column)
    meaning = {word: default if default in SHARED_SYMBOLS.get(word, ()) else code
               for word, code in CURRENCY_SYMBOLS.items()}
    codes = " ".join(f"WHEN {sql_string(word)} THEN {sql_string(code)}" for word, code in meaning.items())
    table = pa.table({"s": normalise_text(distinct.values)})
    with connect(v=table) as con:
        found = con.sql(
            f"SELECT CASE regexp_extract(s, {sql_string(_CURRENCY)}, 1) {codes} END AS code FROM v"
        ).to_arrow_table()
    return distinct.to_rows(found["code"].combine_chunks())


def _parse(values: ArrayLike, *, currency: bool) -> ParsedColumn:
    column = as_array(values)
    if is_number(column):
        return _native(column, currency=currency)
    distinct = Distinct.of(as_text(column))
    normalised = normalise_text(distinct.values)
    table = pa.table(
        {
            "i": pa.array(np.arange(len(distinct.values), dtype=np.int64)),
            "s": normalised,
            "missing": is_missing_token(normalised),
        }
    )
    with connect(v=table) as con:
        for statement in _shapes_sql(currency):
            con.execute(statement)
        evidence = con.sql(
            "SELECT count(*) FILTER (kind = 'point') AS point, count(*) FILTER (kind = 'comma') AS comma,"
            " min(i) FILTER (kind = 'point') AS first_point, min(i) FILTER (kind = 'comma') AS first_comma,"
            " min(i) FILTER (unit IS NOT NULL) AS first_unit, min(i) FILTER (paren) AS first_paren,"
            " min(i) FILTER (kind IS NOT NULL) AS first FROM k"
        ).to_arrow_table().to_pylist()[0]
        comma = evidence["comma"] > 0 and evidence["point"] == 0
        result = con.sql(_values_sql(comma)).to_arrow_table()

    numbers = distinct.to_rows(result["x"].combine_chunks())
    errors = pc.if_else(pc.is_null(distinct.indices), MISSING, distinct.to_rows(result["err"].combine_chunks()))
    return ParsedColumn.from_parts(numbers, errors, _rule(evidence, comma, distinct.values, currency=currency))


def _shapes_sql(currency: bool) -> tuple[str, ...]:
    """Table ``k``: per distinct value its sign, unit and number text, and the number's kind.

    Four statements, each materialised, so that no regular expression runs twice per value; a
    plain signed number skips the (slower) extraction of parentheses, units and trailing signs.
    """
    if currency:
        body = f"regexp_replace(s, {sql_string(_CURRENCY)}, '', 'g')"
    else:
        body = f"regexp_replace(s, {sql_string('(' + '|'.join(QUANTITY_WORDS) + ')$')}, '')"
    kinds = " ".join(f"WHEN regexp_full_match(core, {sql_string(rx)}) THEN '{kind}'" for kind, rx in _KINDS)
    units = " ".join(f"WHEN {sql_string(word)} THEN {factor!r}" for word, factor in UNITS.items())
    groups = ["open", "sign", "num", "unit", "minus", "close"]
    plain = (  # the same struct as the extraction gives, for a plain signed number
        "struct_pack(open := '', sign := CASE WHEN left(body, 1) IN ('+', '-') THEN left(body, 1) ELSE '' END,"
        " num := ltrim(body, '+-'), unit := '', minus := '', close := '')"
    )
    return (
        f"CREATE TEMP TABLE b AS SELECT i, missing, replace(trim({body}), '−', '-') AS body FROM v",
        f"""
        CREATE TEMP TABLE p AS
        SELECT i, missing,
            CASE WHEN regexp_full_match(body, {sql_string(_PLAIN)}) THEN {plain}
                ELSE regexp_extract(body, {sql_string(_SHAPE)}, {groups!r}) END AS x
        FROM b
        """,
        f"""
        CREATE TEMP TABLE q AS
        SELECT i, missing,
            (x.open = '(') AS paren,
            (x.open = '(') <> (x.close = ')') OR ((x.open = '(')::INT + (x.sign = '-')::INT + (x.minus = '-')::INT) > 1
                AS bad_sign,
            (x.open = '(') OR x.sign = '-' OR x.minus = '-' AS negative,
            CASE NULLIF(x.unit, '') {units} END AS unit,
            CASE WHEN regexp_full_match(x.num, {sql_string(_SPACED)})
                THEN regexp_replace(x.num, '[ ''’]', '', 'g') ELSE x.num END AS core
        FROM p
        """,
        f"""
        CREATE TEMP TABLE k AS
        SELECT i, missing, paren, negative, unit, core,
            CASE WHEN missing OR bad_sign OR core = '' THEN NULL {kinds} END AS kind
        FROM q
        """,
    )


def _values_sql(comma: bool) -> str:
    """Per distinct value: the number and the reason it has none."""
    ambiguous_as = "comma" if comma else "point"
    return f"""
    WITH r AS (
        SELECT i, missing,
            CASE
                WHEN kind = 'ambiguous' THEN '{ambiguous_as}' ELSE kind
            END AS reading, core, negative, unit
        FROM k
    ), x AS (
        SELECT i, missing,
            TRY_CAST(CASE reading
                WHEN 'int' THEN core
                WHEN 'point' THEN replace(core, ',', '')
                WHEN 'comma' THEN replace(replace(core, '.', ''), ',', '.')
            END AS DOUBLE) * COALESCE(unit, 1) * CASE WHEN negative THEN -1 ELSE 1 END AS x
        FROM r
    )
    SELECT CASE WHEN isfinite(x) THEN x END AS x,
        CASE
            WHEN missing THEN '{MISSING}'
            WHEN x IS NULL THEN '{UNPARSEABLE}'
            WHEN NOT isfinite(x) THEN '{OUT_OF_RANGE}'
        END AS err
    FROM x ORDER BY i
    """


def _rule(evidence: dict[str, int | None], comma: bool, raw: pa.Array, *, currency: bool) -> tuple[RulePart, ...]:
    def example(key: str) -> dict[str, object]:
        return {"example": raw[evidence[key]].as_py()}

    if evidence["first"] is None:
        return (("quality.rule.nothing_read", {}),)
    if not currency:
        parts: list[RulePart] = [("quality.rule.quantity", example("first"))]
    elif comma:
        parts = [("quality.rule.amount_comma", example("first_comma"))]
    else:
        parts = [("quality.rule.amount_point", example("first_point" if evidence["point"] else "first"))]
    if evidence["point"] and evidence["comma"]:
        parts.append(("quality.rule.amount_mixed_separators", example("first_comma")))
    if evidence["first_unit"] is not None:
        parts.append(("quality.rule.amount_units", example("first_unit")))
    if evidence["first_paren"] is not None:
        parts.append(("quality.rule.amount_parentheses", example("first_paren")))
    return tuple(parts)


def _native(column: pa.Array, *, currency: bool) -> ParsedColumn:
    numbers = pc.cast(column, pa.float64())
    nan = pc.is_nan(numbers)
    errors = pc.if_else(
        pc.fill_null(nan, True),
        MISSING,
        pc.if_else(pc.is_inf(numbers), OUT_OF_RANGE, pa.scalar(None, pa.string())),
    )
    values = pc.if_else(pc.is_null(errors), numbers, pa.scalar(None, pa.float64()))
    key = "quality.rule.amount_native" if currency else "quality.rule.quantity_native"
    return ParsedColumn.from_parts(values, errors, ((key, {}),))
