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


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (  # Taobao / Tmall 订单报表
            ["订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "总金额", "买家实际支付金额", "订单状态",
             "收货人姓名", "联系电话", "联系手机", "订单创建时间", "订单付款时间", "退款金额"],
            {"order_id": "订单编号", "customer_id": "买家会员名", "amount": "买家实际支付金额", "status": "订单状态",
             "phone": "联系手机", "ordered_at": "订单创建时间", "refunded_amount": "退款金额"},
        ),
        (  # JD POP
            ["订单号", "商品ID", "订购数量", "下单时间", "京东价", "订单金额", "应付金额", "订单状态", "下单帐号", "客户姓名",
             "联系电话"],
            {"order_id": "订单号", "product_id": "商品ID", "quantity": "订购数量", "ordered_at": "下单时间",
             "amount": "应付金额", "status": "订单状态", "customer_id": "下单帐号", "name": "客户姓名", "phone": "联系电话"},
        ),
        (  # WeChat mini-program shop
            ["订单编号", "下单时间", "支付时间", "订单状态", "用户昵称", "用户openid", "手机号", "实付金额", "收货人"],
            {"order_id": "订单编号", "ordered_at": "下单时间", "status": "订单状态", "customer_id": "用户openid",
             "phone": "手机号", "amount": "实付金额"},
        ),
        (  # Kingdee 销售出库单
            ["单据编号", "日期", "单据状态", "作废状态", "客户编码", "客户", "物料编码", "物料名称", "实发数量", "含税单价",
             "价税合计", "税额", "金额", "币别"],
            {"order_id": "单据编号", "ordered_at": "日期", "customer_id": "客户编码", "name": "客户",
             "product_id": "物料编码", "product_name": "物料名称", "quantity": "实发数量", "unit_price": "含税单价",
             "amount": "价税合计", "currency": "币别"},
        ),
        (  # Salesforce opportunities with contacts
            ["Opportunity ID", "Opportunity Name", "Account Name", "Contact ID", "Stage", "Amount", "Close Date",
             "Created Date"],
            {"order_id": "Opportunity ID", "customer_id": "Contact ID", "amount": "Amount", "ordered_at": "Close Date"},
        ),
        (  # Shopify orders export (Email is the e-mail, Name the order number: both need --map)
            ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal", "Total",
             "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Billing Name",
             "Refunded Amount"],
            {"order_id": "Name", "customer_id": "Email", "status": "Financial Status", "currency": "Currency",
             "amount": "Total", "ordered_at": "Created at", "quantity": "Lineitem quantity",
             "product_name": "Lineitem name", "unit_price": "Lineitem price", "product_id": "Lineitem sku",
             "name": "Billing Name", "refunded_amount": "Refunded Amount"},
        ),
        (  # WooCommerce
            ["order_id", "order_number", "order_date", "status", "order_total", "refunded_total", "customer_id",
             "billing_full_name", "billing_email", "billing_phone"],
            {"order_id": "order_id", "ordered_at": "order_date", "status": "status", "amount": "order_total",
             "refunded_amount": "refunded_total", "customer_id": "customer_id", "name": "billing_full_name",
             "email": "billing_email", "phone": "billing_phone"},
        ),
    ],
)  # fmt: skip
def test_platform_order_exports(headers, expected):
    shopify = {"Name": "order_id", "Email": "customer_id"}  # the --map a Shopify export needs; ignored elsewhere
    assert map_columns(headers, "orders", explicit=shopify, strict=False).columns == expected


def test_shopify_needs_a_customer_id_and_the_error_says_how_to_map_it():
    with pytest.raises(MissingColumnError) as info:
        map_columns(["Name", "Email", "Financial Status", "Total", "Created at"], "orders", source="orders_export.csv")
    assert info.value.fields["column"] == "customer_id"
    assert str(info.value).endswith("; map it with --map HEADER=customer_id")
    assert info.value.render("zh").endswith("；可用 --map 列名=customer_id 指定")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (["customer_id", "付款时间", "创建时间", "amount"], "创建时间"),
        (["customer_id", "Paid at", "Created at", "amount"], "Created at"),
        (["customer_id", "订单付款时间", "付款时间", "订单创建时间", "amount"], "订单创建时间"),
        (["customer_id", "付款时间", "amount"], "付款时间"),
        (["customer_id", "Close Date", "Paid at", "amount"], "Paid at"),
    ],
)
def test_the_order_date_is_its_creation_before_its_payment(headers, expected):
    assert map_columns(headers, "orders").columns["ordered_at"] == expected


def test_line_prices_make_the_amount_only_without_an_amount_column():
    lines = map_columns(["Email", "Created at", "Lineitem quantity", "Lineitem price"], "orders",
                        explicit={"Email": "customer_id"})
    assert lines.amount_rule == "quantity_x_unit_price"
    totals = map_columns(["Email", "Created at", "Lineitem quantity", "Lineitem price", "Total"], "orders",
                         explicit={"Email": "customer_id"})
    assert totals.amount_rule == "amount" and totals.columns["amount"] == "Total"


def test_a_receiver_is_not_taken_for_the_buyer():
    mapping = map_columns(["买家会员名", "订单创建时间", "实付金额", "收货人姓名", "收货人"], "orders")
    assert "name" not in mapping.columns and "name" not in mapping.derived
    assert mapping.unmapped == ["收货人姓名", "收货人"]


def test_salesforce_contacts_need_no_map():
    headers = ["Contact ID", "First Name", "Last Name", "Account Name", "Email", "Phone", "Mobile", "Lead Source"]
    mapping = map_columns(headers, "customers")
    assert mapping.columns == {"customer_id": "Contact ID", "phone": "Phone", "email": "Email",
                               "acquisition_channel": "Lead Source"}
    assert mapping.derived == {"name": ("First Name", "Last Name")}


def test_first_and_last_name_make_the_name_and_stay_as_extras():
    raw = pa.table({
        "Contact ID": ["1", "2", "3", "4", "5", "6"],
        "First Name": ["James", "伟", None, " ", "Anna", "Li"],
        "Last Name": ["Smith", "王", "Lee", "", None, "王"],
    })  # fmt: skip
    mapping = map_columns(raw.column_names, "customers")
    mapped = apply_mapping(raw, mapping)
    assert mapped.column_names == ["customer_id", "name", "x_first_name", "x_last_name"]
    assert mapped.column("name").to_pylist() == ["James Smith", "王伟", "Lee", None, "Anna", "Li 王"]
    assert mapped.column("x_first_name").to_pylist() == raw.column("First Name").to_pylist()


def test_chinese_surname_and_given_name_columns():
    raw = pa.table({"客户编号": ["C1"], "姓": ["欧阳"], "名": ["娜娜"], "手机": ["13800000000"]})
    mapping = map_columns(raw.column_names, "customers")
    assert mapping.derived == {"name": ("名", "姓")}
    assert apply_mapping(raw, mapping).to_pylist() == [
        {"customer_id": "C1", "name": "欧阳娜娜", "phone": "13800000000", "x_姓": "欧阳", "x_名": "娜娜"}
    ]


def test_a_name_column_wins_over_first_and_last_name():
    headers = ["customer_id", "First Name", "Last Name", "Full Name"]
    assert map_columns(headers, "customers").derived == {}
    assert map_columns(headers, "customers").columns["name"] == "Full Name"
    explicit = map_columns(headers, "customers", explicit={"Last Name": "name"})
    assert explicit.derived == {} and explicit.columns["name"] == "Last Name"
    assert map_columns(["customer_id", "First Name"], "customers").derived == {}
    assert map_columns(["customer_id", "date", "amount", "First Name", "Last Name"], "orders").derived == {
        "name": ("First Name", "Last Name")
    }
    assert map_columns(["opp_id", "stage", "stage_date", "First Name", "Last Name"], "opportunities").derived == {}
