"""A run records what the user should know as language-free diagnostics in its manifest."""

import datetime as dt
import json
import warnings

import pytest

from customer_value.diagnostics import SEVERITIES, Diagnostic
from customer_value.i18n import catalog, msg
from customer_value.runs import stages
from customer_value.runs.execute import execute_run
from customer_value.runs.results import run_summary
from customer_value.runs.snapshot import MANIFEST
from tests.factories import three_customers, workspace_with_orders

NOW = dt.datetime(2025, 1, 2, 9, 0)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    workspace = workspace_with_orders(tmp_path_factory.mktemp("run") / "ws", three_customers())
    manifest = execute_run(workspace, workspace.settings(), now=NOW)
    return workspace, manifest


def test_thin_data_is_reported_most_severe_first(tiny_run):
    _, manifest = tiny_run
    messages = manifest.messages
    severities = [m["severity"] for m in messages]
    assert severities == sorted(severities, key=SEVERITIES.index)
    keys = {m["key"] for m in messages}
    assert {"models.thin_customers", "models.run.choice_short_history", "churn.reason_short_history",
            "cluster.fallback_too_few_customers", "value.profit_assumed", "cli.actions.no_owner"} <= keys
    assert {m["stage"] for m in messages} >= {"models", "churn", "clusters"}


def test_the_manifest_holds_keys_and_fields_never_text(tiny_run):
    workspace, manifest = tiny_run
    stored = json.loads((workspace.runs_dir / manifest.run_id / MANIFEST).read_text(encoding="utf-8"))
    assert stored["messages"] == manifest.messages
    english, chinese = catalog("en"), catalog("zh")
    for item in stored["messages"]:
        assert set(item) == {"stage", "severity", "key", "fields", "customers", "columns", "count"}
        assert item["key"] in english and item["key"] in chinese
        diagnostic = Diagnostic.from_dict(item)
        assert diagnostic.render("zh") == msg(item["key"], "zh", **item["fields"])
    notes = [n for n in stored["diagnostics"]["models"]["notes"] + [stored["diagnostics"]["models"]["choice"]]]
    assert notes and all("message" not in n for n in notes)


def test_each_diagnostic_counts_the_customers_it_concerns(tiny_run):
    workspace, manifest = tiny_run
    summary = run_summary(workspace, manifest.run_id)
    for item in manifest.messages:
        diagnostic = Diagnostic.from_dict(item)
        if diagnostic.customers is None:
            assert item["count"] is None
        else:
            assert item["count"] == int(diagnostic.affects(summary).sum())
            assert set(diagnostic.columns) <= set(summary.columns)
    low = next(m for m in manifest.messages if m["key"] == "models.run.low_confidence")
    assert low["customers"] == "low_confidence" and low["count"] == (summary.prediction_confidence == "low").sum()


def test_a_warning_inside_a_stage_becomes_a_diagnostic(tmp_path, monkeypatch, capfd):
    def noisy(ctx):
        warnings.warn("invalid value encountered in divide", RuntimeWarning, stacklevel=1)

    monkeypatch.setattr(stages, "STAGES", [*stages.STAGES, ("clusters", noisy)])
    workspace = workspace_with_orders(tmp_path / "ws", three_customers())
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        manifest = execute_run(workspace, workspace.settings(), now=NOW)
    assert [w for w in outside if not issubclass(w.category, DeprecationWarning)] == []  # libraries' own
    assert capfd.readouterr().err == ""
    caught = [m for m in manifest.messages if m["key"] == "diagnostic.python_warning"]
    assert caught == [{"stage": "clusters", "severity": "warning", "key": "diagnostic.python_warning",
                       "fields": {"category": "RuntimeWarning", "detail": "invalid value encountered in divide"},
                       "customers": None, "columns": [], "count": None}]


def test_amounts_in_several_currencies_are_a_warning_about_every_customer(tmp_path):
    orders = three_customers()
    orders["currency"] = ["CNY", "CNY", "USD", "CNY", "CNY", "USD"]
    workspace = workspace_with_orders(tmp_path / "ws", orders)
    manifest = execute_run(workspace, workspace.settings(), now=NOW)
    mixed = next(m for m in manifest.messages if m["key"] == "cli.mixed_currencies")
    assert mixed["severity"] == "warning" and mixed["stage"] == "summary"
    assert mixed["fields"] == {"currencies": "CNY (4), USD (2)"}
    assert mixed["customers"] == "all" and mixed["count"] == 3 and "net_revenue" in mixed["columns"]


def test_a_strategic_field_the_customers_lack_is_a_warning_of_the_value_stage(tmp_path):
    workspace = workspace_with_orders(tmp_path / "ws", three_customers())
    settings = workspace.settings()
    settings = settings.model_copy(update={"value": settings.value.model_copy(update={"strategic_fields": ["partner"]})})
    manifest = execute_run(workspace, settings, now=NOW)
    missing = next(m for m in manifest.messages if m["key"] == "value.strategic_missing")
    assert (missing["stage"], missing["severity"], missing["fields"]) == ("value", "warning", {"fields": "partner"})
