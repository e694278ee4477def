"""Message catalogs: every user-facing string, in English and Simplified Chinese.

``msg(key, lang, **fields)`` looks ``key`` up in ``i18n/<lang>.toml`` (dotted keys follow the
TOML tables) and fills the ``{placeholders}``. A field may itself be a message,
``message(key, **fields)`` (a plain ``{"key": …, "fields": …}`` dict, so it can be stored as
JSON), or a list of them: it is rendered in the same language. That is how stored diagnostics
stay language-free: keys and fields are stored, text is made when shown.

A template field the caller did not give is a bug. With the environment variable
``CVA_STRICT_MESSAGES=1`` (the test suite sets it) :func:`msg` raises
:class:`MissingFieldError`; otherwise the placeholder is left visible (``{count}``) so the
message still reads.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("en", "zh")
STRICT_ENV = "CVA_STRICT_MESSAGES"


class MissingFieldError(KeyError):
    """A message template names a field the caller did not give (strict mode only)."""


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


def placeholders(template: str) -> set[str]:
    """The ``{field}`` names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def message(key: str, /, **fields: Any) -> dict[str, Any]:
    """A message to render later, in whatever language: ``{"key": key, "fields": fields}``."""
    return {"key": key, "fields": fields}


def is_message(value: Any) -> bool:
    """True for a ``{"key": …, "fields": …}`` dict made by :func:`message` (or read back from JSON)."""
    return isinstance(value, Mapping) and set(value) == {"key", "fields"} and isinstance(value["key"], str)


def has_message(key: str) -> bool:
    """True when the catalogs have ``key``."""
    return key in catalog("en")


def render(item: Mapping[str, Any], lang: str = "en") -> str:
    """A stored message (:func:`message`) in ``lang``."""
    return msg(item["key"], lang, **item["fields"])


def _value(value: Any, lang: str) -> Any:
    if is_message(value):
        return render(value, lang)
    if isinstance(value, list) and value and all(is_message(v) for v in value):
        return msg("common.separator", lang).join(render(v, lang) for v in value)
    return value


class _Visible(dict):
    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def msg(key: str, lang: str = "en", /, **fields: Any) -> str:
    """The message ``key`` in ``lang`` with ``fields`` filled in (nested messages rendered too).

    An unknown key returns the key itself, so a missing translation is visible, never a crash.

    Raises
    ------
    MissingFieldError
        In strict mode (``CVA_STRICT_MESSAGES=1``), when the template needs a field not given.
    """
    lang = normalise_language(lang)
    template = catalog(lang).get(key) or catalog("en").get(key) or key
    values = {name: _value(value, lang) for name, value in fields.items()}
    missing = placeholders(template) - set(values)
    if missing and os.environ.get(STRICT_ENV) == "1":
        raise MissingFieldError(f"message {key} needs field(s) {', '.join(sorted(missing))}")
    return template.format_map(_Visible(values))
