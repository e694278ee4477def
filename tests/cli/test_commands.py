"""The ``cva`` commands as a user runs them: init, ingest, quality, run, runs, customers,
customer, export — and every kind of bad input gives one line on stderr and exit code 2."""

import json

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from customer_value.i18n import catalog, msg
from tests.cli.helpers import cva, ok, user_error
from tests.factories import add_batch, make_orders, workspace_with_orders

def _machine_name(label: str, lang: str) -> str:
    """The column whose ``column.*`` label is ``label`` (labels are unique, see tests/i18n)."""
    names = {text: key.removeprefix("column.") for key, text in catalog(lang).items() if key.startswith("column.")}
    return names.get(label, label)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A workspace with the sample ingested and one run, through the CLI."""
    root = tmp_path_factory.mktemp("cli") / "shop"
    ok(cva("init", root, "--sample"))
    ok(cva("ingest", "-w", root, "--json"))
    ok(cva("run", "-w", root, "--json"))
    return root


def test_init_writes_a_commented_config(tmp_path):
    result = ok(cva("init", tmp_path / "ws", "--lang", "zh"))
    assert "已在" in result.output
    text = (tmp_path / "ws" / "cva.yaml").read_text(encoding="utf-8")
    assert "language: zh" in text and "# " in text


def test_init_twice_is_an_error(tmp_path):
    ok(cva("init", tmp_path / "ws"))
    user_error(cva("init", tmp_path / "ws"), "already holds a workspace")


def test_quality_json_has_the_documented_keys(workspace):
    report = json.loads(ok(cva("quality", "-w", workspace, "--json")).stdout)
    orders = report["tables"]["orders"]
    for key in ("rows_in", "rows_kept", "rows_quarantined", "exact_duplicates", "merged_duplicates",
                "quarantine_reasons", "completeness"):
        assert key in orders
    assert report["tables"]["customers"]["merged_duplicates"] > 0
    assert all(t["reconciles"] for t in report["tables"].values())


def test_quality_in_chinese_states_missing_shares(workspace):
    result = ok(cva("quality", "-w", workspace, "--lang", "zh"))
    assert "数据质量" in result.stdout and "缺失" in result.stdout


def test_runs_and_customers(workspace):
    runs = json.loads(ok(cva("runs", "-w", workspace, "--json")).stdout)
    assert len(runs) == 1 and runs[0]["current"]
    top = json.loads(ok(cva("customers", "-w", workspace, "--top", "5", "--json")).stdout)
    assert len(top) == 5
    assert [c["net_revenue"] for c in top] == sorted((c["net_revenue"] for c in top), reverse=True)
    champions = json.loads(ok(cva("customers", "-w", workspace, "--segment", "champions", "--json")).stdout)
    assert champions and {c["rfm_segment"] for c in champions} == {"champions"}


def test_unknown_segment_lists_the_known_ones(workspace):
    user_error(cva("customers", "-w", workspace, "--segment", "vip"), "champions")


def test_customer_by_an_old_duplicate_id(workspace):
    mapping = pd.read_parquet(workspace / "data" / "customer_map.parquet")
    merged = mapping[mapping.source_id != mapping.customer_id].iloc[0]
    record = json.loads(ok(cva("customer", merged.source_id, "-w", workspace, "--json")).stdout)
    assert record["customer_id"] == merged.customer_id
    assert merged.source_id in record["profile"]["source_ids"]
    human = ok(cva("customer", merged.source_id, "-w", workspace, "--lang", "zh"))
    assert "重复录入" in human.stdout


def test_unknown_customer(workspace):
    user_error(cva("customer", "NOPE-1", "-w", workspace), "NOPE-1")


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
@pytest.mark.parametrize("table", ["customers", "orders", "quarantine", "customer_map", "summary"])
def test_export_every_table_in_every_format(workspace, tmp_path, table, suffix):
    out = tmp_path / f"{table}.{suffix}"
    result = json.loads(ok(cva("export", table, "--out", out, "-w", workspace, "--json")).stdout)
    reader = {"csv": pd.read_csv, "xlsx": pd.read_excel, "parquet": pd.read_parquet}[suffix]
    frame = reader(out)
    assert result["tables"] == [{"table": table, "rows": len(frame)}] and len(frame) > 0
    if suffix == "xlsx":  # labelled for people: back to the machine names
        frame.columns = [_machine_name(label, "en") for label in frame.columns]
    required = {
        "customers": {"customer_id"},
        "orders": {"customer_id", "order_id", "ordered_at", "amount", "status"},
        "quarantine": {"table", "reason", "field", "raw"},
        "customer_map": {"source_id", "customer_id"},
        "summary": {"customer_id", "orders", "net_revenue", "first_order_at", "last_order_at", "recency_days",
                    "frequency", "monetary", "rfm_r", "rfm_f", "rfm_m"},
    }[table]
    assert required <= set(frame.columns)


def test_export_rejects_an_unknown_format(workspace, tmp_path):
    user_error(cva("export", "orders", "--out", tmp_path / "o.txt", "-w", workspace), ".csv")


def test_ingest_from_postgresql(postgres_url, tmp_path):
    engine = sa.create_engine(postgres_url)
    with engine.begin() as con:
        con.execute(sa.text("DROP TABLE IF EXISTS cli_orders"))
        con.execute(sa.text(
            "CREATE TABLE cli_orders (订单号 text, 客户编号 text, 下单时间 timestamp, 实付金额 numeric(12,2), 状态 text)"))
        con.execute(sa.text(
            "INSERT INTO cli_orders VALUES ('1','A','2024-03-05 10:00',1234.50,'已完成'),"
            "('2','A','2024-04-05 10:00',99.00,'已取消'),('3',NULL,'2024-04-06 10:00',10,'已完成'),"
            "('4','B','2024-05-01 09:00',-20.00,'退款')"))
    root = tmp_path / "ws"
    ok(cva("init", root))
    query = "SELECT * FROM cli_orders ORDER BY 订单号"
    result = json.loads(ok(cva("ingest", "--sql", postgres_url, "--query", query, "--table", "orders", "-w", root,
                               "--json")).stdout)[0]
    assert (result["rows_in"], result["rows_kept"], result["rows_quarantined"]) == (4, 3, 1)
    again = json.loads(ok(cva("ingest", "--sql", postgres_url, "--query", query, "--table", "orders", "-w", root,
                              "--json")).stdout)[0]
    assert again["skipped"]
    exported = tmp_path / "o.csv"
    ok(cva("export", "orders", "--out", exported, "-w", root))
    statuses = pd.read_csv(exported, dtype={"order_id": str}).set_index("order_id")["status"].to_dict()
    assert statuses == {"1": "completed", "2": "cancelled", "4": "refund"}


def test_unreachable_database_is_one_line_without_password(tmp_path):
    root = tmp_path / "ws"
    ok(cva("init", root))
    line = user_error(
        cva("ingest", "--sql", "postgresql+psycopg://u:s3cret@127.0.0.1:1/x", "--query", "SELECT 1", "--table",
            "orders", "-w", root),
        "127.0.0.1",
    )
    assert "s3cret" not in line
    assert not (root / "data" / "batches").exists()


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("missing.csv", None, "missing.csv"),
        ("empty.csv", b"", "empty.csv"),
        ("header.csv", "客户编号,下单时间,金额\n".encode(), "header.csv"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" + bytes(100), "binary.csv"),
    ],
)
def test_bad_files_give_one_line_and_no_state(tmp_path, name, content, fragment):
    root = tmp_path / "ws"
    ok(cva("init", root))
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    user_error(cva("ingest", path, "--table", "orders", "-w", root), fragment)
    assert not (root / "data" / "batches").exists()


def test_a_directory_and_a_wrong_table(tmp_path):
    root = tmp_path / "ws"
    ok(cva("init", root))
    user_error(cva("ingest", tmp_path, "--table", "orders", "-w", root), str(tmp_path))
    csv = tmp_path / "o.csv"
    csv.write_text("customer_id,ordered_at,amount\nA,2024-01-01,1\n", encoding="utf-8")
    user_error(cva("ingest", csv, "--table", "sales", "-w", root), "sales")


def test_malformed_config_and_missing_workspace(tmp_path):
    root = tmp_path / "ws"
    ok(cva("init", root))
    (root / "cva.yaml").write_text("rfm: {bins: [\n", encoding="utf-8")
    user_error(cva("runs", "-w", root), "cva.yaml")
    user_error(cva("runs", "-w", tmp_path / "nowhere"), "cva init")


def test_run_before_any_ingest_and_bad_as_of(tmp_path):
    root = tmp_path / "ws"
    ok(cva("init", root))
    user_error(cva("run", "-w", root), "cva ingest")
    user_error(cva("run", "--as-of", "30/06/2025", "-w", root), "--as-of")


def test_errors_speak_chinese(tmp_path):
    user_error(cva("runs", "-w", tmp_path / "nowhere", "--lang", "zh"), "不是工作区")


@pytest.mark.parametrize("lang, fragments", [("en", ("2025-08-09", "40 days after the last order", "--force")),
                                             ("zh", ("2025-08-09", "晚 40 天", "--force"))])
def test_as_of_after_the_last_order_needs_force(workspace, lang, fragments):
    runs = json.loads(ok(cva("runs", "-w", workspace, "--json")).stdout)
    last = pd.Timestamp(runs[-1]["as_of"]) + pd.Timedelta(days=40)
    assert last.date().isoformat() == "2025-08-09"  # the sample's last order is on 2025-06-30
    user_error(cva("run", "-w", workspace, "--as-of", "2025-08-09", "--lang", lang), *fragments)
    assert json.loads(ok(cva("runs", "-w", workspace, "--json")).stdout) == runs  # no run made


def test_as_of_after_the_last_order_with_force_warns(tmp_path):
    root = tmp_path / "shop"
    ok(cva("init", root, "--sample"))
    ok(cva("ingest", "-w", root))
    result = ok(cva("run", "-w", root, "--as-of", "2025-07-10", "--force"))
    assert "10 days after the last order (2025-06-30)" in result.stderr
    manifest = json.loads(ok(cva("runs", "-w", root, "--json")).stdout)[-1]
    assert manifest["as_of"] == "2025-07-10"
    note = next(m for m in manifest["messages"] if m["key"] == "cli.as_of_after_last_order")
    assert note["fields"]["days"] == 10 and note["severity"] == "warning"


def test_customers_json_has_arrays_and_numbers(workspace):
    top = json.loads(ok(cva("customers", "-w", workspace, "--top", "20", "--json")).stdout)
    for row in top:
        assert isinstance(row["churn_factors"], list) and all(isinstance(f, str) for f in row["churn_factors"])
        assert all(isinstance(v, (int, float)) for v in row["churn_factor_values"])
        assert len(row["churn_factor_values"]) == len(row["churn_factors"])
        assert isinstance(row["alerts"], list) and isinstance(row["whale"], bool)
        assert isinstance(row["orders"], int) and isinstance(row["net_revenue"], float)
        assert [set(r) for r in row["reasons"]] == [{"key", "fields"}] * 3
    record = json.loads(ok(cva("customer", top[0]["customer_id"], "-w", workspace, "--json")).stdout)
    assert isinstance(record["profile"]["source_ids"], list)
    assert record["summary"]["reasons"] == top[0]["reasons"] and len(record["summary"]["reasons_text"]) == 3


def test_customer_table_shows_words_in_the_chosen_language(workspace):
    top = json.loads(ok(cva("customers", "-w", workspace, "--top", "1", "--json")).stdout)[0]
    text = ok(cva("customer", top["customer_id"], "-w", workspace, "--lang", "zh")).stdout
    for raw in ("True", "False", "['", "phone_valid", "signup_at", "builtin:"):
        assert raw not in text
    assert msg(f"confidence.{top['prediction_confidence']}", "zh") in text
    first = top["churn_factors"][0]
    assert msg("common.labelled_value", "zh", label=msg(f"factor.{first}", "zh"), value="") in text
    assert msg("common.no" if not top["whale"] else "common.yes", "zh") in text


def test_an_excel_export_is_labelled_frozen_and_formatted(workspace, tmp_path):
    out = tmp_path / "book.xlsx"
    result = json.loads(ok(cva("export", "summary", "orders", "--out", out, "-w", workspace, "--lang", "zh",
                               "--json")).stdout)
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["summary", "orders"] == [t["table"] for t in result["tables"]]
    sheet = book["summary"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == [msg("column.customer_id", "zh"), msg("column.orders", "zh"), msg("column.gross_revenue", "zh")]
    assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1])
    first = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    label = lambda column: msg(f"column.{column}", "zh")  # noqa: E731
    assert first[label("p_alive")].number_format == "0.0%" and 0 <= first[label("p_alive")].value <= 1
    assert first[label("net_revenue")].number_format == "#,##0.00"
    assert first[label("orders")].number_format == "#,##0" and isinstance(first[label("orders")].value, int)
    assert first[label("first_order_at")].is_date
    assert first[label("whale")].value in (msg("common.yes", "zh"), msg("common.no", "zh"))
    assert first[label("tier")].value.startswith(("A类", "B类", "C类"))
    assert "[" not in str(first[label("churn_factors")].value)
    assert book["orders"].max_row == result["tables"][1]["rows"] + 1


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    orders = make_orders(5, seed=1)
    workspace = workspace_with_orders(tmp_path / "ws", orders)
    ids = sorted(orders.customer_id.unique())
    names = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "@SUM(A1)", "-2", "正常"][: len(ids)]
    add_batch(workspace, "customers", pd.DataFrame({"customer_id": ids, "name": names}), batch_id="c0")
    out = tmp_path / "customers.xlsx"
    ok(cva("export", "customers", "--out", out, "-w", workspace.root))
    sheet = openpyxl.load_workbook(out)["customers"]
    column = [c.value for c in sheet[1]].index(msg("column.name", "en"))
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == names and {c.data_type for c in cells} == {"s"}


def test_export_to_an_unwritable_place_is_one_line(workspace, tmp_path):
    user_error(cva("export", "summary", "--out", "/proc/cva-test/summary.csv", "-w", workspace),
               "/proc/cva-test/summary.csv", "does not exist")
    chinese = user_error(cva("export", "summary", "--out", "/proc/cva-test/s.xlsx", "-w", workspace, "--lang", "zh"))
    assert msg("error.os.not_found", "zh") in chinese
    blocker = tmp_path / "file"
    blocker.write_text("x")
    user_error(cva("export", "summary", "--out", blocker / "s.parquet", "-w", workspace), "not a folder")
    user_error(cva("export", "summary", "orders", "--out", tmp_path / "two.csv", "-w", workspace), ".xlsx")
