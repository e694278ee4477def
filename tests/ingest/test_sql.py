"""read_sql against a real PostgreSQL server and SQLite: types, streaming, errors, password masking."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa

from customer_value.errors import ConfigError, DatabaseError
from customer_value.ingest import check_query, mask_url, read_sql


@pytest.fixture(scope="module")
def pg_orders(postgres_url):
    engine = sa.create_engine(postgres_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS 订单")
        connection.exec_driver_sql(
            "CREATE TABLE 订单 (客户编号 text, 下单时间 timestamp, 下单时间tz timestamptz, 金额 numeric(12, 2),"
            " 数量 integer, 备注 text)"
        )
        connection.execute(
            sa.text(
                "INSERT INTO 订单 VALUES"
                " ('C001', '2024-03-05 10:30', '2024-03-05 10:30+08', 1234.50, 2, '老客户，北京'),"
                " ('C002', '2024-03-06 00:00', NULL, NULL, NULL, NULL),"
                " ('C003', '2024-03-07 23:59:59', '2024-03-07 12:00Z', -88.00, 1, '退款 50%')"
            )
        )
        connection.exec_driver_sql("DROP SEQUENCE IF EXISTS 订单_seq")
        connection.exec_driver_sql("CREATE SEQUENCE 订单_seq")
        connection.exec_driver_sql("DROP TABLE IF EXISTS big")
        connection.exec_driver_sql("CREATE TABLE big AS SELECT g AS id, g * 1.5 AS amount FROM generate_series(1, 25000) g")
    engine.dispose()
    return postgres_url


def test_postgres_types_chinese_and_nulls(pg_orders):
    raw = read_sql(pg_orders, "SELECT * FROM 订单 ORDER BY 客户编号;")
    assert (raw.format, raw.encoding, raw.delimiter, raw.sheet) == ("sql", None, None, None)
    table = raw.table
    assert table.column_names == ["客户编号", "下单时间", "下单时间tz", "金额", "数量", "备注"]
    assert table.column("备注").to_pylist() == ["老客户，北京", None, "退款 50%"]
    assert table.column("金额").to_pylist() == [Decimal("1234.50"), None, Decimal("-88.00")]
    assert pa.types.is_decimal(table.schema.field("金额").type)
    assert table.schema.field("数量").type == pa.int64()
    assert table.column("下单时间").to_pylist()[0] == dt.datetime(2024, 3, 5, 10, 30)
    aware = table.column("下单时间tz").to_pylist()
    assert aware[0] == dt.datetime(2024, 3, 5, 2, 30, tzinfo=dt.timezone.utc) and aware[1] is None


def test_postgres_streams_in_chunks(pg_orders):
    raw = read_sql(pg_orders, "WITH b AS (SELECT * FROM big) SELECT * FROM b ORDER BY id", chunk_rows=10_000)
    assert raw.table.num_rows == 25_000
    assert len(raw.table.column("id").chunks) == 3  # 10k + 10k + 5k record batches
    assert raw.table.column("amount").to_pylist()[-1] == Decimal("37500.0")


def test_fingerprint_is_stable_and_changes_with_the_data(pg_orders):
    query = "SELECT * FROM 订单 ORDER BY 客户编号"
    first, second = read_sql(pg_orders, query), read_sql(pg_orders, query)
    assert first.fingerprint == second.fingerprint
    assert read_sql(pg_orders, query + " LIMIT 2").fingerprint != first.fingerprint
    engine = sa.create_engine(pg_orders)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE 订单 SET 备注 = 'changed' WHERE 客户编号 = 'C002'")
    engine.dispose()
    try:
        assert read_sql(pg_orders, query).fingerprint != first.fingerprint
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE 订单 SET 备注 = NULL WHERE 客户编号 = 'C002'")
        engine.dispose()


def test_fingerprint_ignores_the_password(postgres_server):
    server = postgres_server
    good = server.url_for(server.password_user, server.password)
    raw = read_sql(good, "SELECT 1 AS one")
    assert server.password not in raw.source and "***" in raw.source
    other_password_same_data = read_sql(server.url_for(server.password_user, server.password), "SELECT 1 AS one")
    assert raw.fingerprint == other_password_same_data.fingerprint


def test_postgres_bad_query(pg_orders):
    with pytest.raises(DatabaseError) as info:
        read_sql(pg_orders, "SELECT * FROM no_such_table")
    assert 'relation "no_such_table" does not exist' in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(DatabaseError) as info:
        read_sql(pg_orders, "SELECT 客户编号 FROM 订单 WHERE")
    assert "syntax error" in str(info.value)


def test_postgres_session_is_read_only(pg_orders):
    raw = read_sql(pg_orders, "SELECT current_setting('transaction_read_only') AS ro")
    assert raw.table.column("ro").to_pylist() == ["on"]
    with pytest.raises(DatabaseError) as info:  # a SELECT that writes is refused by the read-only transaction
        read_sql(pg_orders, "SELECT nextval('订单_seq')")
    assert "read-only transaction" in str(info.value)


def test_postgres_unreachable_port(postgres_server):
    server = postgres_server
    with socket_closed_port() as port:
        url = f"postgresql+psycopg://someone:topsecret@127.0.0.1:{port}/postgres"
        with pytest.raises(DatabaseError) as info:
            read_sql(url, "SELECT 1")
    message = str(info.value)
    assert "topsecret" not in message and "topsecret" not in info.value.render("zh")
    assert "someone:***@127.0.0.1" in message
    assert "Connection refused" in message or "connection" in message.lower()


def test_postgres_wrong_password_and_user(postgres_server):
    server = postgres_server
    with pytest.raises(DatabaseError) as info:
        read_sql(server.url_for(server.password_user, "wrong-password-123"), "SELECT 1")
    message = str(info.value)
    assert "password authentication failed" in message
    assert "wrong-password-123" not in message and "wrong-password-123" not in repr(info.value.fields)
    assert "wrong-password-123" not in str(info.value.__cause__)
    with pytest.raises(DatabaseError) as info:
        read_sql(server.url_for("no_such_user", "pw-xyz-987"), "SELECT 1")
    assert "no_such_user" in str(info.value) and "pw-xyz-987" not in str(info.value)


def test_password_echoed_by_the_server_is_scrubbed(postgres_url, postgres_server):
    # A query whose error text contains the password: the message masks it.
    server = postgres_server
    url = server.url_for(server.password_user, server.password)
    with pytest.raises(DatabaseError) as info:
        read_sql(url, f"SELECT * FROM \"{server.password}\"")
    assert server.password not in str(info.value)


# -- SQLite ---------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE orders (customer_id TEXT, ordered_at TEXT, amount REAL, note TEXT)")
        connection.executemany(
            "INSERT INTO orders VALUES (?, ?, ?, ?)",
            [("C1", "2024-01-01", 10.5, "首单"), ("C2", "2024-01-02", None, None), ("C1", "2024-02-01", 3.0, "a:b")],
        )
    connection.close()
    return path


def test_sqlite(sqlite_db):
    raw = read_sql(f"sqlite:///{sqlite_db}", "select customer_id, amount, note from orders where note <> ' :x' or note is null")
    assert raw.source == f"sqlite:///{sqlite_db}"
    assert raw.table.to_pydict() == {
        "customer_id": ["C1", "C2", "C1"],
        "amount": [10.5, None, 3.0],
        "note": ["首单", None, "a:b"],
    }


def test_sqlite_mixed_types_across_chunks_become_text(tmp_path):
    path = tmp_path / "mixed.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (v)")
        connection.executemany("INSERT INTO t VALUES (?)", [(1,), (2,), ("x",)])
    connection.close()
    raw = read_sql(f"sqlite:///{path}", "SELECT v FROM t ORDER BY rowid", chunk_rows=2)
    assert raw.table.column("v").to_pylist() == ["1", "2", "x"]


def test_sqlite_empty_result_keeps_the_columns(sqlite_db):
    raw = read_sql(f"sqlite:///{sqlite_db}", "SELECT customer_id, amount FROM orders WHERE 1 = 0")
    assert raw.table.column_names == ["customer_id", "amount"] and raw.table.num_rows == 0


def test_sqlite_is_read_only(sqlite_db):
    with pytest.raises(ConfigError):
        read_sql(f"sqlite:///{sqlite_db}", "DELETE FROM orders")
    raw = read_sql(f"sqlite:///{sqlite_db}", "SELECT query_only FROM pragma_query_only()")
    assert raw.table.column("query_only").to_pylist() == [1]


def test_sqlite_missing_file_and_table(tmp_path, sqlite_db):
    missing = tmp_path / "nope.db"
    with pytest.raises(DatabaseError) as info:
        read_sql(f"sqlite:///{missing}", "SELECT 1")
    assert info.value.key == "ingest.sqlite_missing" and not missing.exists()
    with pytest.raises(DatabaseError) as info:
        read_sql(f"sqlite:///{sqlite_db}", "SELECT * FROM customers")
    assert "no such table: customers" in str(info.value)


def test_mysql_without_a_driver_or_server():
    with pytest.raises(DatabaseError) as info:
        read_sql("mysql+pymysql://root:hunter22@127.0.0.1:1/shop", "SELECT 1")
    assert "hunter22" not in str(info.value)
    assert info.value.key in ("ingest.db_driver_missing", "error.database")


def test_bad_url():
    with pytest.raises(DatabaseError) as info:
        read_sql("not a url with pass:word@", "SELECT 1")
    assert info.value.key == "ingest.db_bad_url"
    with pytest.raises(DatabaseError) as info:
        read_sql("nosuchdb://u:secret123@h/db", "SELECT 1")
    assert "secret123" not in str(info.value)


# -- the statement check --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT 1",
        "  select * from t;  ",
        "-- comment\nWITH x AS (SELECT 1) SELECT * FROM x",
        "SELECT 'DELETE; DROP TABLE t' AS s",
        'SELECT "update" FROM t /* insert into */',
        "SELECT update_time, created_by FROM t",
        "SELECT $$ ; delete $$",
    ],
)
def test_read_only_queries_pass(query):
    assert check_query(query) in ("SELECT", "WITH")


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("DELETE FROM orders", "DELETE"),
        ("update orders set amount = 0", "UPDATE"),
        ("DROP TABLE orders", "DROP"),
        ("INSERT INTO t VALUES (1)", "INSERT"),
        ("WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "WITH … DELETE"),
        ("SELECT * INTO copy FROM t", "SELECT … INTO"),
        ("PRAGMA table_info(t)", "PRAGMA"),
    ],
)
def test_other_statements_are_rejected_by_kind(query, kind):
    with pytest.raises(ConfigError) as info:
        check_query(query)
    assert info.value.fields["kind"] == kind
    assert kind in str(info.value)


def test_several_statements_or_none():
    with pytest.raises(ConfigError) as info:
        check_query("SELECT 1; SELECT 2")
    assert info.value.key == "ingest.sql_multiple"
    with pytest.raises(ConfigError) as info:
        check_query("  ; -- nothing")
    assert info.value.key == "ingest.sql_empty"


def test_mask_url():
    assert mask_url("postgresql+psycopg://u:p%40ss@h:5432/db") == "postgresql+psycopg://u:***@h:5432/db"
    masked = mask_url("postgresql://h/db?user=u&password=abc")
    assert "password=***" in masked and "abc" not in masked
    assert mask_url("garbage://u:pw@@") .count("pw") == 0


class socket_closed_port:
    """A port nothing listens on (bound, then closed)."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        return None


def test_unroutable_host_times_out_quickly():
    # 192.0.2.0/24 is reserved for documentation (TEST-NET-1): nothing answers there.
    url = "postgresql+psycopg://u:pw-123@192.0.2.1:5432/db?connect_timeout=1"
    with pytest.raises(DatabaseError) as info:
        read_sql(url, "SELECT 1")
    assert "pw-123" not in str(info.value)


def test_percent_and_colons_in_postgres_queries(pg_orders):
    raw = read_sql(pg_orders, "SELECT 备注, 下单时间::date AS d FROM 订单 WHERE 备注 LIKE '%50\\%' OR 备注 = ' :x'")
    assert raw.table.column("备注").to_pylist() == ["退款 50%"]


def test_password_in_query_parameters_is_masked(postgres_server):
    server = postgres_server
    url = f"postgresql+psycopg://{server.password_user}@127.0.0.1:{server.port}/postgres?password=qp-secret-42"
    with pytest.raises(DatabaseError) as info:
        read_sql(url, "SELECT 1")
    assert "qp-secret-42" not in str(info.value)
    assert "password authentication failed" in str(info.value)
