"""Diagnostics: language-free records, the customers they concern, and captured Python warnings."""

import json
import warnings

import pandas as pd
import pytest

from customer_value.diagnostics import (
    Diagnostic,
    captured_warnings,
    count_affected,
    sort_diagnostics,
    warning_messages,
)
from customer_value.errors import ConvergenceWarning
from customer_value.i18n import message, msg

SUMMARY = pd.DataFrame({
    "customer_id": ["a", "b", "c"],
    "btyd_frequency": [0, 3, 1],
    "btyd_monetary": [0.0, 25.0, -5.0],
    "prediction_confidence": ["low", "high", "medium"],
})


def test_a_diagnostic_is_stored_as_keys_and_fields_and_read_back():
    note = message("models.run.note_bgnbd_one_time", count=1, share="33%")
    item = Diagnostic.of("models", "warning", note, customers="one_time_buyers", columns=["p_alive"])
    stored = json.loads(json.dumps(item.to_dict()))
    assert stored == {"stage": "models", "severity": "warning", "key": note["key"], "fields": note["fields"],
                      "customers": "one_time_buyers", "columns": ["p_alive"], "count": None}
    assert Diagnostic.from_dict(stored) == item
    assert item.render("zh") == msg(note["key"], "zh", count=1, share="33%") != item.render("en")


def test_bad_severity_or_group_is_a_bug():
    with pytest.raises(ValueError, match="severity"):
        Diagnostic("models", "fatal", "models.run.fallback_rate")
    with pytest.raises(ValueError, match="group"):
        Diagnostic("models", "info", "models.run.fallback_rate", customers="vips")


@pytest.mark.parametrize(("group", "expected"), [
    ("all", ["a", "b", "c"]),
    ("one_time_buyers", ["a"]),
    ("repeat_buyers", ["b", "c"]),
    ("low_confidence", ["a"]),
    ("refunds_excluded", ["c"]),
    (None, []),
])
def test_the_customers_a_diagnostic_concerns(group, expected):
    item = Diagnostic("models", "info", "models.run.fallback_rate", customers=group)
    assert SUMMARY.loc[item.affects(SUMMARY), "customer_id"].tolist() == expected
    assert count_affected([item], SUMMARY)[0].count == (len(expected) if group else None)


def test_a_group_whose_column_the_run_lacks_concerns_nobody():
    item = Diagnostic("actions", "info", "models.run.fallback_rate", customers="unassigned")
    assert not item.affects(SUMMARY).any()


def test_errors_come_first_and_repeats_once():
    info = Diagnostic("models", "info", "models.run.fallback_rate")
    warning = Diagnostic("churn", "warning", "churn.tables_skipped", {"tables": "tickets"})
    error = Diagnostic("models", "error", "models.run.fallback_rate")
    assert sort_diagnostics([info, warning, error, warning]) == [error, warning, info]


def test_python_warnings_become_diagnostics_and_are_not_shown():
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        with captured_warnings("churn") as caught:
            warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
            warnings.warn(ConvergenceWarning("models.singular_hessian", model="BetaGeoModel"), stacklevel=1)
            warnings.warn("old API", DeprecationWarning, stacklevel=1)
    assert outside == []
    assert [(d.stage, d.severity, d.key) for d in caught] == [
        ("churn", "warning", "diagnostic.python_warning"), ("churn", "warning", "models.singular_hessian")]
    assert caught[0].fields == {"category": "RuntimeWarning", "detail": "overflow encountered in exp"}
    assert "overflow" not in caught[0].render("en")  # a library's own words stay out of the message
    assert caught[1].render("zh") == msg("models.singular_hessian", "zh", model="BetaGeoModel")


def test_warning_messages_are_distinct():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            warnings.warn(ConvergenceWarning("models.at_boundary", model="M", params="b"), stacklevel=1)
    assert warning_messages(caught) == [message("models.at_boundary", model="M", params="b")]


def test_a_warning_in_a_loop_is_one_diagnostic():
    with captured_warnings("models") as caught:
        for _ in range(1000):
            warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)
    assert len(caught) == 1
