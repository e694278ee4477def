"""Settings: validation in one message, documentation of every field."""

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from customer_value.config import Settings, load_settings
from customer_value.errors import ConfigError
from customer_value.i18n import msg
from customer_value.workspace.template import config_template

DOCS = Path(__file__).parents[1] / "docs" / "configuration.md"


def _field_paths(model: type[BaseModel], prefix: str = ""):
    for name, field in model.model_fields.items():
        yield f"{prefix}{name}", field
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and name != "sources":
            yield from _field_paths(annotation, f"{prefix}{name}.")


def test_every_setting_is_described_and_documented():
    text = DOCS.read_text(encoding="utf-8")
    for path, field in _field_paths(Settings):
        assert field.description, path
        assert f"`{path}`" in text, path


def test_the_init_template_is_valid_and_has_the_defaults():
    import yaml

    assert Settings.model_validate(yaml.safe_load(config_template("zh"))) == Settings(language="zh")


def test_all_problems_are_reported_at_once(tmp_path):
    path = tmp_path / "cva.yaml"
    path.write_text("value: {historical: -1}\nrfm: {bins: 1}\nunknown_key: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "value.historical" in message and "rfm.bins" in message and "unknown_key" in message
    assert "\n" not in message


@pytest.mark.parametrize("text", ["a: [1\n", "- just\n- a list\n", "language: fr\n"])
def test_malformed_yaml_is_a_one_line_config_error(tmp_path, text):
    path = tmp_path / "cva.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=str(path).replace("\\", "\\\\")):
        load_settings(path)


def test_a_missing_file_gives_the_defaults(tmp_path):
    assert load_settings(tmp_path / "none.yaml") == Settings()


def test_every_problem_reads_in_the_language_asked_for(tmp_path):
    path = tmp_path / "cva.yaml"
    path.write_text(
        "rfm: {bins: abc}\nchurn: {window_days: -5}\nmodels: {purchase_model: xyz}\n"
        "value: {tier_a_share: 0.9, tier_b_share: 0.5}\nclusters: {min_k: 9, max_k: 3}\nfoo: 1\n"
        "sources: [{table: orders}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    problems = caught.value.fields["detail"]
    assert {p["key"] for p in problems} == {
        "config.int_parsing", "config.greater_than", "config.literal_error", "config.at_least", "config.at_most",
        "config.extra_forbidden", "config.path_or_sql"}
    chinese = caught.value.render("zh")
    assert chinese == msg("error.config", "zh", where=str(path), detail=problems)
    assert all(msg(p["key"], "zh", **p["fields"]) in chinese for p in problems)
    assert not re.search(r"Input should|Value error|greater than| or |must", chinese)
    assert "rfm.bins" in chinese and "-5" in chinese and "tier_b_share" in chinese


def test_currency_is_an_iso_code_or_unset(tmp_path):
    path = tmp_path / "cva.yaml"
    assert Settings().currency is None  # unknown unless configured: never yuan by default
    path.write_text("currency: gbp\n", encoding="utf-8")
    assert load_settings(path).currency == "GBP"
    path.write_text("currency: pounds\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="currency: pounds is not a 3-letter ISO 4217"):
        load_settings(path)
