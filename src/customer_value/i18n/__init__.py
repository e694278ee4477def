"""Message catalogs: every user-facing string, in English and Simplified Chinese.

``msg(key, lang, **fields)`` looks ``key`` up in ``i18n/<lang>.toml`` (dotted keys follow the
TOML tables) and fills the ``{placeholders}``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "zh")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key + "."))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalog(lang: str) -> dict[str, str]:
    """All messages of one language as a flat ``{dotted.key: text}`` dict."""
    if lang not in LANGUAGES:
        lang = "en"
    text = resources.files(__name__).joinpath(f"{lang}.toml").read_text(encoding="utf-8")
    return _flatten(tomllib.loads(text))


def normalise_language(lang: str | None) -> str:
    """Map ``zh-CN``, ``zh_cn``, ``EN-us``… to ``zh`` or ``en`` (default ``en``)."""
    code = (lang or "en").strip().lower()[:2]
    return code if code in LANGUAGES else "en"


def msg(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` with ``fields`` filled in.

    An unknown key returns the key itself, so a missing translation is visible, never a crash.
    """
    template = catalog(normalise_language(lang)).get(key) or catalog("en").get(key) or key
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template
