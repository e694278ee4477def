"""Column mapping: synonyms in Chinese and English, precedence, explicit mappings, missing columns."""

from __future__ import annotations

import pyarrow as pa
import pytest

from customer_value.config import TABLES
from customer_value.errors import ConfigError, MissingColumnError
from customer_value.ingest import (
    OPTIONAL,
    REQUIRED,
    SYNONYMS,
    ColumnMapping,
    apply_mapping,
    map_columns,
    normalise_header,
    parse_map_options,
    read_file,
)
from customer_value.ingest.headers import _synonym_index

UCI = ["Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID", "Country"]


def test_synonym_data_is_consistent():
    assert set(REQUIRED) == set(OPTIONAL) == set(SYNONYMS) == set(TABLES)
    for table in TABLES:
        columns = REQUIRED[table] + OPTIONAL[table]
        assert len(set(columns)) == len(columns)
        assert set(SYNONYMS[table]) == set(columns), table
        _synonym_index.cache_clear()
        _synonym_index(table)  # raises when one synonym means two columns of the table


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (" Customer ID ", "customerid"),
        ("customer_id", "customerid"),
        ("CUSTOMER-ID", "customerid"),
        ("ＣｕｓｔｏｍｅｒＩＤ", "customerid"),
        ("金额（元）", "金额"),
        ("Amount (¥)", "amount"),
        ("(空)", "空"),
        ("客户ID", "客户id"),
    ],
)
def test_normalise_header(header, expected):
    assert normalise_header(header) == expected


def test_uci_online_retail_headers():
    mapping = map_columns(UCI, "orders", source="online_retail.csv")
    assert mapping.columns == {
        "customer_id": "Customer ID",
        "ordered_at": "InvoiceDate",
        "order_id": "Invoice",
        "quantity": "Quantity",
        "unit_price": "Price",
        "product_id": "StockCode",
        "product_name": "Description",
        "region": "Country",
    }
    assert mapping.amount_rule == "quantity_x_unit_price"
    assert mapping.unmapped == []


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["客户编号", "下单时间", "实付金额", "订单号", "数量", "单价", "手机", "省份", "币种", "品类"],
            {
                "customer_id": "客户编号", "ordered_at": "下单时间", "amount": "实付金额", "order_id": "订单号",
                "quantity": "数量", "unit_price": "单价", "phone": "手机", "region": "省份", "currency": "币种",
                "category": "品类",
            },
        ),
        (
            ["会员ID", "付款时间", "支付金额(元)", "交易状态"],
            {"customer_id": "会员ID", "ordered_at": "付款时间", "amount": "支付金额(元)", "status": "交易状态"},
        ),
        (
            ["CustomerID", "order_date", "Order Total", "SKU", "Cost", "Margin"],
            {
                "customer_id": "CustomerID", "ordered_at": "order_date", "amount": "Order Total",
                "product_id": "SKU", "cost": "Cost", "margin": "Margin",
            },
        ),
        (["cust_id", "date", "revenue"], {"customer_id": "cust_id", "ordered_at": "date", "amount": "revenue"}),
        (["买家ID", "成交时间", "金额"], {"customer_id": "买家ID", "ordered_at": "成交时间", "amount": "金额"}),
    ],
)
def test_orders_headers_in_chinese_and_english(headers, expected):
    mapping = map_columns(headers, "orders")
    assert mapping.columns == expected
    assert mapping.amount_rule == "amount"


def test_generic_headers_do_not_steal_specific_ones():
    headers = ["状态", "date", "订单状态", "客户ID", "下单时间", "金额", "实付金额", "名称"]
    mapping = map_columns(headers, "orders")
    assert mapping.columns["status"] == "订单状态"
    assert mapping.columns["ordered_at"] == "下单时间"
    assert mapping.columns["amount"] == "实付金额"
    assert mapping.unmapped == ["状态", "date", "金额", "名称"]
    customers = map_columns(["name", "customer_id", "customer_name", "渠道", "获客渠道"], "customers")
    assert customers.columns["name"] == "customer_name"
    assert customers.columns["acquisition_channel"] == "获客渠道"
    assert customers.unmapped == ["name", "渠道"]


def test_each_header_maps_to_at_most_one_column():
    mapping = map_columns(["客户编号", "客户id", "下单时间", "金额"], "orders")
    assert list(mapping.columns.values()).count("客户编号") == 1
    assert mapping.unmapped == ["客户id"]


@pytest.mark.parametrize(
    ("table", "headers", "expected"),
    [
        ("customers", ["客户编号", "客户名称", "联系电话", "邮箱", "行业", "规模", "来源渠道", "注册时间", "负责人"],
         {"customer_id", "name", "phone", "email", "industry", "size", "acquisition_channel", "signup_at", "owner"}),
        ("interactions", ["用户ID", "发生时间", "行为类型", "渠道", "时长"],
         {"customer_id", "occurred_at", "kind", "channel", "duration"}),
        ("tickets", ["客户ID", "创建时间", "解决时间", "工单内容", "满意度", "工单号"],
         {"customer_id", "opened_at", "resolved_at", "text", "satisfaction", "ticket_id"}),
        ("surveys", ["客户ID", "提交时间", "NPS", "CES", "CSAT"], {"customer_id", "answered_at", "nps", "ces", "csat"}),
        ("referrals", ["推荐人ID", "被推荐人ID", "推荐时间"], {"referrer_id", "referred_id", "referred_at"}),
        ("opportunities", ["商机编号", "商机阶段", "进入阶段时间", "客户编号", "创建时间", "成交时间", "预计金额", "赢单状态", "销售"],
         {"opportunity_id", "stage", "stage_entered_at", "customer_id", "created_at", "closed_at", "amount", "status", "owner"}),
        ("marketing_spend", ["投放渠道", "开始日期", "结束日期", "花费"], {"channel", "period_start", "period_end", "spend"}),
        ("marketing_spend", ["channel", "period_start", "period_end", "spend"], {"channel", "period_start", "period_end", "spend"}),
    ],
)
def test_every_table(table, headers, expected):
    mapping = map_columns(headers, table)
    assert set(mapping.columns) == expected
    assert mapping.unmapped == []


def test_canonical_names_always_match():
    for table in TABLES:
        columns = list(REQUIRED[table] + OPTIONAL[table])
        mapping = map_columns(columns, table)
        assert mapping.columns == {column: column for column in columns}, table


def test_explicit_mapping_takes_precedence():
    headers = ["客户编号", "VIP号", "下单时间", "实付金额", "应付金额"]
    mapping = map_columns(headers, "orders", explicit={"VIP号": "customer_id", "应付金额": "amount"})
    assert mapping.columns["customer_id"] == "VIP号"
    assert mapping.columns["amount"] == "应付金额"
    assert mapping.unmapped == ["客户编号", "实付金额"]
    assert mapping.explicit == {"VIP号": "customer_id", "应付金额": "amount"}


def test_explicit_mapping_to_a_missing_header_lists_the_headers():
    with pytest.raises(ConfigError) as info:
        map_columns(["a", "b"], "orders", explicit={"客户": "customer_id"}, source="x.csv")
    assert info.value.key == "ingest.unknown_header"
    assert "客户" in str(info.value) and "a, b" in str(info.value) and "x.csv" in str(info.value)


def test_explicit_mapping_errors():
    with pytest.raises(ConfigError) as info:
        map_columns(["a"], "orders", explicit={"a": "amonut"})
    assert info.value.key == "ingest.unknown_column" and "amount" in str(info.value)
    with pytest.raises(ConfigError) as info:
        map_columns(["a", "b"], "orders", explicit={"a": "amount", "b": "amount"})
    assert info.value.key == "ingest.duplicate_target"


def test_unknown_table_lists_the_valid_ones():
    with pytest.raises(ConfigError) as info:
        map_columns(["a"], "order")
    assert "orders" in str(info.value) and "marketing_spend" in str(info.value)


def test_missing_required_columns_are_all_named():
    with pytest.raises(MissingColumnError) as info:
        map_columns(["客户编号", "备注"], "orders", source="orders.csv")
    error = info.value
    assert error.fields["column"] == "ordered_at, amount"
    assert error.fields["seen"] == "客户编号, 备注"
    assert "orders.csv" in str(error) and "ordered_at, amount" in str(error)
    assert "必需列" in error.render("zh")


def test_quantity_without_unit_price_does_not_satisfy_amount():
    with pytest.raises(MissingColumnError) as info:
        map_columns(["customer_id", "date", "qty"], "orders")
    assert info.value.fields["column"] == "amount"


def test_amount_rule_outside_orders():
    assert map_columns(["opp_id", "stage", "stage_date"], "opportunities").amount_rule is None
    assert map_columns(["opp_id", "stage", "stage_date", "金额"], "opportunities").amount_rule == "amount"
    assert map_columns(["customer_id"], "customers").amount_rule is None


def test_apply_mapping_renames_without_copying():
    raw = pa.table({"备注": ["x"], "Customer ID": ["c1"], "InvoiceDate": ["2024-01-01"], "Unit Cost": ["1"],
                    "unit cost": ["2"], "Quantity": ["2"], "Price": ["3.5"]})
    mapping = map_columns(raw.column_names, "orders")
    mapped = apply_mapping(raw, mapping)
    assert mapped.column_names == [
        "customer_id", "ordered_at", "quantity", "unit_price", "x_备注", "x_unit_cost", "x_unit_cost_2",
    ]
    assert mapping.extras == {"备注": "x_备注", "Unit Cost": "x_unit_cost", "unit cost": "x_unit_cost_2"}
    for name, original in (("customer_id", "Customer ID"), ("x_备注", "备注")):
        assert mapped.column(name).chunk(0).buffers()[2].address == raw.column(original).chunk(0).buffers()[2].address


def test_apply_mapping_for_another_source():
    mapping = map_columns(["customer_id", "date", "amount"], "orders")
    with pytest.raises(ConfigError):
        apply_mapping(pa.table({"customer_id": ["1"]}), mapping)


def test_read_map_and_apply_a_gbk_file(tmp_path):
    path = tmp_path / "订单.csv"
    path.write_bytes("客户编号,下单时间,实付金额,备注\nC1,2024-01-01,10,老客户\n".encode("gbk"))
    raw = read_file(path)
    mapping = map_columns(raw.table.column_names, "orders", source=raw.source)
    mapped = apply_mapping(raw.table, mapping)
    assert mapped.to_pylist() == [{"customer_id": "C1", "ordered_at": "2024-01-01", "amount": "10", "x_备注": "老客户"}]


def test_parse_map_options():
    assert parse_map_options(["VIP号=customer_id", " a=b = amount "]) == {"VIP号": "customer_id", "a=b": "amount"}
    for bad in ("customer_id", "=amount", "a="):
        with pytest.raises(ConfigError):
            parse_map_options([bad])


def test_column_mapping_is_frozen():
    mapping = map_columns(["customer_id"], "customers")
    assert isinstance(mapping, ColumnMapping)
    with pytest.raises(AttributeError):
        mapping.table = "orders"  # type: ignore[misc]


def test_lenient_explicit_mapping_ignores_headers_of_other_sources():
    shared = {"VIP号": "customer_id", "应付金额": "amount"}
    mapping = map_columns(["VIP号", "下单时间", "实付金额"], "orders", explicit=shared, strict=False)
    assert mapping.columns["customer_id"] == "VIP号"
    assert mapping.columns["amount"] == "实付金额"
    assert mapping.explicit == {"VIP号": "customer_id"}
    with pytest.raises(ConfigError):
        map_columns(["VIP号", "下单时间", "实付金额"], "orders", explicit=shared)
