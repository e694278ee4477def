"""How values look in real exports: amount and date styles, phone formats, typos and garbage.

Every function takes clean values and a random generator and returns the strings as a business
system, a spreadsheet or a person would have written them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Garbage that no date or amount parser can read (and that pandas does not treat as missing).
BAD_DATES_ZH = ("见备注", "#VALUE!", "0000-00-00 00:00:00", "2024-13-45 25:61:00", "待定", "昨天下午")
BAD_DATES_EN = ("TBD", "#VALUE!", "13/45/24 25:61", "yesterday", "00/00/00 00:00")
BAD_AMOUNTS = ("待确认", "¥--", "见附件", "面议", "#REF!", "abc")
MISSING_ZH = ("无", "-", "")
MISSING_EN = ("NA",)
EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def _money(value: float) -> str:
    return f"{abs(value):,.2f}"


def format_amount(value: float, style: str) -> str:
    """``value`` (¥) written as ``yen`` ¥1,234.50, ``yuan`` 1,234.50元, ``plain`` 1234.50,
    ``comma`` 1,234.50 or ``wan`` 1.23万 (rounded to ¥100); negatives lead with ``-``."""
    sign = "-" if value < 0 else ""
    if style == "yen":
        return f"{sign}¥{_money(value)}"
    if style == "yuan":
        return f"{sign}{_money(value)}元"
    if style == "comma":
        return f"{sign}{_money(value)}"
    if style == "wan":
        return f"{sign}{abs(value) / 10_000:.2f}万"
    return f"{value:.2f}"


def amount_styles(rng: np.random.Generator, amounts: np.ndarray, shares: dict[str, float]) -> np.ndarray:
    """A style per amount; amounts of ¥10,000 or more are written in 万 70% of the time."""
    names = list(shares)
    p = np.array([shares[k] for k in names], dtype=float)
    styles = np.array(names, dtype=object)[rng.choice(len(names), len(amounts), p=p / p.sum())]
    big = (np.abs(amounts) >= 10_000) & (rng.random(len(amounts)) < 0.7)
    styles[big] = "wan"
    return styles


def wan_value(value: float) -> float:
    """What a ``wan``-formatted amount reads back as."""
    return round(round(abs(value) / 10_000, 2) * 10_000, 2) * (-1 if value < 0 else 1)


def _one_style(at: pd.Series, style: str) -> pd.Series:
    if style == "excel_serial":
        days = (at.to_numpy().astype("datetime64[D]") - EXCEL_EPOCH).astype(np.int64)
        return pd.Series(days, index=at.index).astype("str")
    if style in _STRFTIME:
        return at.dt.strftime(_STRFTIME[style])
    ymd = at.dt.year.astype("str"), at.dt.month.astype("str"), at.dt.day.astype("str")
    if style == "slash_time":
        return ymd[0] + "/" + ymd[1] + "/" + ymd[2] + " " + at.dt.strftime("%H:%M:%S")
    if style == "chinese":
        return ymd[0] + "年" + ymd[1] + "月" + ymd[2] + "日"
    if style == "us_short":
        return ymd[1] + "/" + ymd[2] + "/" + at.dt.strftime("%y %H:%M")
    raise ValueError(style)


_STRFTIME = {
    "iso": "%Y-%m-%d %H:%M:%S",
    "iso_minute": "%Y-%m-%d %H:%M",
    "slash": "%Y/%m/%d",
    "iso_offset": "%Y-%m-%dT%H:%M:%S+08:00",
    "date": "%Y-%m-%d",
}


def format_datetimes(at: np.ndarray, styles: np.ndarray | str) -> list[str]:
    """Times (``datetime64``) written in a style each: ``iso`` 2024-03-05 14:22:10,
    ``iso_minute`` 2024-03-05 14:22, ``slash`` 2024/03/05, ``slash_time`` 2024/3/5 14:22:10,
    ``chinese`` 2024年3月5日, ``us_short`` 3/5/24 14:22, ``iso_offset`` 2024-03-05T14:22:10+08:00,
    ``date`` 2024-03-05, or ``excel_serial`` 45356 (days since 1899-12-30)."""
    at = pd.Series(np.asarray(at, dtype="datetime64[s]"))
    styles = np.broadcast_to(np.asarray(styles, dtype=object), (len(at),))
    out = np.empty(len(at), dtype=object)
    for style in np.unique(styles.astype(str)) if len(at) else []:
        rows = np.flatnonzero(styles == style)
        out[rows] = _one_style(at.iloc[rows], str(style)).to_numpy(dtype=object)
    return out.tolist()


def format_phone(e164: str, style: int) -> str:
    """A valid E.164 number as typed in a CRM (style 0–4: plain, spaced, dashed, +86, 0086)."""
    national = e164[3:]
    mobile = national.startswith("1") and len(national) == 11
    if not mobile:  # landline: area code without its 0 in E.164
        area_len = 2 if national[0] in "12" else 3
        area, local = "0" + national[:area_len], national[area_len:]
        return (f"{area}-{local}", f"({area}){local}", f"{area} {local}", f"+86 {area[1:]} {local}",
                f"{area}{local}")[style]  # fmt: skip
    return (
        national,
        f"{national[:3]} {national[3:7]} {national[7:]}",
        f"{national[:3]}-{national[3:7]}-{national[7:]}",
        f"+86 {national}",
        f"0086{national}",
    )[style]


def break_phone(rng: np.random.Generator, e164: str) -> tuple[str, str]:
    """An invalid version of a phone number and the kind of damage (too_short/letters/masked)."""
    national = e164[3:]
    kind = ("too_short", "letters", "masked")[int(rng.integers(0, 3))]
    if kind == "too_short":
        return national[: int(rng.integers(5, len(national) - 1))], kind
    if kind == "letters":
        i = int(rng.integers(3, len(national) - 2))
        return national[:i] + "".join(rng.choice(list("OolIxX"), 2)) + national[i + 2 :], kind
    return national[:3] + "****" + national[7:], kind


def break_email(rng: np.random.Generator, email: str) -> str:
    """An invalid version of an email address (no @, no dot in the domain, a space, ``@@`` …)."""
    local, domain = email.split("@", 1)
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return local + domain
    if kind == 1:
        return f"{local}@{domain.split('.')[0]}"
    if kind == 2:
        return f"{local[:2]} {local[2:]}@{domain}"
    if kind == 3:
        return f"{local}@@{domain}"
    return f"{local}@{domain.replace('.', ',', 1)}"
