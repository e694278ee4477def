"""Both catalogs carry the same keys with the same placeholders."""

import string

from customer_value.i18n import catalog, msg


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_same_keys():
    assert set(catalog("en")) == set(catalog("zh"))


def test_catalogs_have_same_placeholders():
    en, zh = catalog("en"), catalog("zh")
    mismatched = [key for key in en if _placeholders(en[key]) != _placeholders(zh[key])]
    assert mismatched == []


def test_msg_fills_fields_in_both_languages():
    assert "amount" in msg("error.missing_column", "en", column="amount", table="orders", source="a.csv", seen="x")
    assert "必需列 amount" in msg("error.missing_column", "zh", column="amount", table="orders", source="a.csv", seen="x")


def test_unknown_key_is_visible_not_fatal():
    assert msg("no.such.key", "zh") == "no.such.key"
