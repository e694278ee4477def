"""Both catalogs carry the same keys with the same placeholders."""

import string

import pytest

from customer_value.i18n import STRICT_ENV, MissingFieldError, catalog, message, msg, render


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


def test_a_missing_field_is_an_error_in_tests_and_visible_otherwise(monkeypatch):
    with pytest.raises(MissingFieldError, match="column"):
        msg("error.missing_column", "en", table="orders", source="a.csv", seen="x")
    monkeypatch.delenv(STRICT_ENV)
    text = msg("error.missing_column", "zh", table="orders", source="a.csv", seen="x")
    assert "{column}" in text and "orders" in text


def test_nested_messages_are_rendered_in_the_same_language():
    reason = message("models.reason_gradient", method="L-BFGS-B", gradient="0.002", detail="ABNORMAL")
    error = message("models.not_converged", model="ParetoNBDModel", starts=4, reason=reason)
    zh = render(error, "zh")
    assert "梯度" in render(reason, "zh") and render(reason, "zh") in zh
    assert render(reason, "en") in render(error, "en")
    both = msg("models.run.choice_backtest_failed", "zh", detail=[error, error])
    assert both.count(render(error, "zh")) == 2 and msg("common.separator", "zh") in both


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_column_labels_tell_the_columns_apart(lang):
    labels = [text for key, text in catalog(lang).items() if key.startswith("column.")]
    assert len(labels) == len(set(labels))
