"""Property: whatever dirt a file holds, rows in = rows kept + rows quarantined + exact duplicates,
and nothing is lost: every row that is not kept is in the quarantine or counted as a duplicate
(a file none of whose rows can be kept is an error that stores nothing)."""

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_value.errors import NothingKeptError
from customer_value.pipeline.ingest import ingest_file
from customer_value.workspace import init_workspace
from customer_value.workspace.store import list_batches
from customer_value.workspace.views import connect

IDS = st.sampled_from(["C1", "C2", "C3", "", "NA", "无", " C1 "])
DATES = st.sampled_from(["2024-03-05", "2024/3/6 10:00", "2024年3月7日", "3/8/24 9:41", "45360", "not a date", "", "-"])
AMOUNTS = st.sampled_from(["¥1,234.50", "1.2万", "-20", "(5.00)", "88", "", "N/A", "abc", "1,234.50元"])
STATUSES = st.sampled_from(["已完成", "已取消", "退款", "交易成功", "weird", ""])
ROWS = st.lists(st.tuples(IDS, DATES, AMOUNTS, STATUSES), min_size=1, max_size=40)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, copies=st.integers(0, 3))
def test_every_row_is_accounted_for(tmp_path_factory, rows, copies):
    root = tmp_path_factory.mktemp("recon")
    workspace = init_workspace(root / "ws")
    path = root / "orders.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["客户编号", "下单时间", "实付金额", "订单状态"])
        writer.writerows(rows + rows[:copies])
    rows_in = len(rows) + min(copies, len(rows))
    try:
        record = ingest_file(workspace, workspace.settings(), path, table="orders").record
    except NothingKeptError as exc:  # every row quarantined: an error naming the main reason, nothing stored
        assert exc.fields["rows"] == rows_in and 0 < exc.fields["count"] <= rows_in
        assert list_batches(workspace) == []
        return
    assert record.rows_in == rows_in
    assert record.rows_in == record.rows_kept + record.rows_quarantined + record.exact_duplicates
    assert sum(record.quarantine_reasons.values()) == record.rows_quarantined
    con = connect(workspace)
    kept = con.raw_sql("SELECT count(*) FROM _raw_orders").fetchone()[0] if record.rows_kept else 0
    assert kept == record.rows_kept
    if record.rows_quarantined:
        rejected = con.raw_sql("SELECT count(*) FROM quarantine WHERE action = 'rejected'").fetchone()[0]
        assert rejected == record.rows_quarantined
