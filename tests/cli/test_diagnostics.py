"""What ``cva`` tells the user about a run: diagnostics at the end of ``cva run`` (stderr, by
severity, in the chosen language), in ``--json``, per customer, for past runs — and never a Python
warning with a source path."""

import json
import re
import warnings

import pytest

from customer_value.diagnostics import SEVERITIES, Diagnostic
from customer_value.i18n import has_message, msg
from customer_value.runs import stages
from customer_value.runs.snapshot import load_run
from customer_value.workspace import open_workspace
from tests.cli.helpers import cva, ok
from tests.factories import three_customers, workspace_with_orders

#: A Python warning as Python prints it: "path/file.py:12: SomeWarning: text".
PYTHON_WARNING = re.compile(r"\.py:\d+|Warning: ")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    workspace = workspace_with_orders(tmp_path_factory.mktemp("diag") / "ws", three_customers())
    return workspace.root


def _clean(result):
    assert not PYTHON_WARNING.search(result.stdout + result.stderr), result.stdout + result.stderr
    return result


def test_run_prints_every_diagnostic_in_chinese_by_severity(tiny):
    result = _clean(ok(cva("run", "-w", tiny, "--lang", "zh")))
    manifest = load_run(open_workspace(tiny))
    assert manifest.messages
    err = result.stderr
    assert msg("diagnostic.title", "zh", run_id=manifest.run_id) in err
    positions = []
    for item in manifest.messages:
        diagnostic = Diagnostic.from_dict(item)
        chinese, english = diagnostic.render("zh"), diagnostic.render("en")
        assert chinese in err
        assert english == chinese or english not in err
        positions.append((SEVERITIES.index(item["severity"]), err.index(chinese)))
    assert [p for _, p in sorted(positions)] == sorted(p for _, p in positions)  # errors, warnings, notes
    assert msg("diagnostic.group.one_time_buyers", "zh") in err
    assert msg("diagnostic.title", "zh", run_id=manifest.run_id) not in result.stdout


def test_run_json_has_the_diagnostics_as_data(tiny):
    report = json.loads(_clean(ok(cva("run", "-w", tiny, "--json", "--lang", "en"))).stdout)
    one_time = next(m for m in report["messages"] if m["key"] == "models.run.note_bgnbd_one_time")
    assert one_time["severity"] == "warning" and one_time["customers"] == "one_time_buyers"
    assert one_time["count"] == 1 and "p_alive" in one_time["columns"]
    assert one_time["text"] == msg(one_time["key"], "en", **one_time["fields"])
    assert one_time["affects"].startswith("affects P(alive)")


def test_customer_shows_the_diagnostics_that_concern_it(tiny):
    ok(cva("run", "-w", tiny))
    once = json.loads(ok(cva("customer", "C", "-w", tiny, "--json")).stdout)
    often = json.loads(ok(cva("customer", "A", "-w", tiny, "--json")).stdout)
    keys_once = {d["key"] for d in once["diagnostics"]}
    keys_often = {d["key"] for d in often["diagnostics"]}
    assert "models.run.note_bgnbd_one_time" in keys_once and "models.run.note_bgnbd_one_time" not in keys_often
    assert "models.thin_customers" in keys_once & keys_often  # about everyone
    assert all(d["customers"] is not None for d in once["diagnostics"])
    human = ok(cva("customer", "C", "-w", tiny, "--lang", "zh"))
    assert msg("diagnostic.customer_title", "zh") in human.stderr
    note = next(d for d in once["diagnostics"] if d["key"] == "models.run.note_bgnbd_one_time")
    assert msg(note["key"], "zh", **note["fields"]) in human.stderr


def test_diagnostics_and_runs_show_a_past_run(tiny):
    ok(cva("run", "-w", tiny))
    runs = json.loads(ok(cva("runs", "-w", tiny, "--json")).stdout)
    first = runs[0]["run_id"]
    shown = json.loads(ok(cva("diagnostics", "--run", first, "-w", tiny, "--json", "--lang", "zh")).stdout)
    assert shown["run_id"] == first
    assert [m["key"] for m in shown["messages"]] == [m["key"] for m in runs[0]["messages"]]
    assert all(m["text"] == msg(m["key"], "zh", **m["fields"]) for m in shown["messages"])
    human = ok(cva("diagnostics", "-w", tiny, "--lang", "en"))
    assert "Warning · Lifetime value models:" in human.stderr
    table = ok(cva("runs", "-w", tiny)).stdout
    counts = [sum(m["severity"] == s for m in runs[0]["messages"]) for s in SEVERITIES]
    assert " / ".join(map(str, counts)) in table


def test_warnings_in_a_run_and_an_ingest_never_show_a_source_path(tmp_path, monkeypatch):
    def noisy(ctx):
        warnings.warn("overflow encountered in exp", RuntimeWarning, stacklevel=1)

    monkeypatch.setattr(stages, "STAGES", [*stages.STAGES, ("clusters", noisy)])
    root = workspace_with_orders(tmp_path / "ws", three_customers()).root
    customers = tmp_path / "customers.csv"  # nothing to link the customers on: linkage warns
    customers.write_text("customer_id,name\nA,Li\nB,Wang\nC,Zhang\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as outside the tests: warnings would be printed
        ingest = _clean(ok(cva("ingest", customers, "--table", "customers", "-w", root, "--lang", "zh")))
        run = _clean(ok(cva("run", "-w", root, "--lang", "zh")))
    assert msg("linkage.no_contact", "zh", rows=3) in ingest.stderr
    assert msg("diagnostic.python_warning", "zh", category="RuntimeWarning") in run.stderr
    assert "overflow" not in run.stderr


def test_every_command_and_stage_has_a_name_in_both_languages():
    from customer_value.cli.main import app

    names = [c.callback.__name__ for c in app.registered_commands] + [name for name, _ in stages.STAGES]
    assert all(has_message(f"cli.stage.{name}") for name in names), names
