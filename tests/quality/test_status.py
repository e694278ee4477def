"""Order status in three labels: cancelled never counts, refunds net, unknown statuses are flagged."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from customer_value.errors import InternalError
from customer_value.quality import STATUS_LABELS, classify_status, parse_amounts, refund_amounts_negative


def _classify(statuses, amounts=None, order_ids=None):
    amounts = pa.array(amounts if amounts is not None else [10.0] * len(statuses), pa.float64())
    ids = None if order_ids is None else pa.array(order_ids, pa.string())
    return classify_status(pa.array(statuses, pa.string()), amounts, ids)


@pytest.mark.parametrize(
    "status",
    ["已完成", "已付款", "已发货", "交易成功", "完成", "买家已付款", "paid", "Shipped", "delivered", "completed",
     "Closed-Won", "closed won", "closed_won", "确认收货"],
)  # fmt: skip
def test_completed_statuses(status):
    parsed = _classify([status])
    assert parsed.values.to_pylist() == ["completed"]
    assert parsed.errors.to_pylist() == [None]


@pytest.mark.parametrize(
    "status",
    ["买家已付款，等待卖家发货", "卖家已发货，等待买家确认", "卖家部分发货", "已付款待发货", "待发货", "待收货", "待评价",
     "等待出库", "等待确认收货", "等待发货", "processing", "authorized", "partially_paid", "partially_refunded",
     "部分退款", "退款关闭", "交易成功，退款关闭"],
)  # fmt: skip
def test_paid_orders_on_their_way_are_completed_and_not_flagged(status):
    parsed = _classify([status])
    assert parsed.values.to_pylist() == ["completed"]
    assert parsed.errors.to_pylist() == [None]


@pytest.mark.parametrize(
    "status",
    ["已取消", "取消", "作废", "关闭", "交易关闭", "交易关闭（买家取消）", "未付款关闭", "cancelled", "Canceled", "VOID",
     "voided", "closed", "Cancelled by customer", "payment failed", "Closed Lost", "expired", "failed"],
)  # fmt: skip
def test_cancelled_statuses(status):
    assert _classify([status]).values.to_pylist() == ["cancelled"]


@pytest.mark.parametrize(
    "status", ["退款", "退货", "已退款", "退款成功", "refund", "Refunded", "return", "returned", "chargeback"]
)
def test_refund_statuses(status):
    assert _classify([status]).values.to_pylist() == ["refund"]


@pytest.mark.parametrize(
    "status",
    ["等待买家付款", "待付款", "未付款", "待支付", "等待付款", "付款中", "awaiting payment", "Pending payment", "unpaid",
     "pending", "Pending", "on-hold", "交易关闭（买家未付款）"],
)  # fmt: skip
def test_unpaid_orders_are_cancelled(status):
    parsed = _classify([status])
    assert parsed.values.to_pylist() == ["cancelled"]
    assert parsed.errors.to_pylist() == [None]
    assert "unpaid orders are counted with cancelled" in parsed.rule


@pytest.mark.parametrize(
    ("status", "label"),
    [("未作废", "completed"), ("非作废", "completed"), ("未取消", "completed"), ("未关闭", "completed"),
     ("不作废", "completed"), ("无退款", "completed"), ("not cancelled", "completed"), ("已作废", "cancelled"),
     ("作废", "cancelled"), ("无效", "cancelled"), ("invalid", "cancelled"), ("未付款", "cancelled")],
)  # fmt: skip
def test_a_negated_word_means_the_opposite(status, label):
    parsed = _classify([status])
    assert parsed.values.to_pylist() == [label]
    assert parsed.errors.to_pylist() == [None]


@pytest.mark.parametrize("status", ["待审核", "pending review", "weird", "3", "售后中"])
def test_unknown_statuses_stay_completed_but_are_flagged(status):
    parsed = _classify([status])
    assert parsed.values.to_pylist() == ["completed"]
    assert parsed.errors.to_pylist() == ["unknown_status"]
    assert f"unknown statuses kept as completed and flagged: {status}" in parsed.rule


def test_blank_statuses_are_completed_without_a_flag():
    parsed = _classify([None, "NA", ""])
    assert parsed.values.to_pylist() == ["completed"] * 3
    assert parsed.errors.null_count == 3


def test_any_negative_amount_is_a_refund_whatever_the_status():
    parsed = _classify(["已完成", "weird", None, "已取消"], [-5.0, -5.0, -1.0, -2.0])
    assert parsed.values.to_pylist() == ["refund"] * 4
    assert parsed.errors.null_count == 4
    assert "4 rows with a negative amount are refunds" in parsed.rule


def test_uci_cancellation_invoices_are_refunds():
    parsed = classify_status(None, pa.array([-2.0, 3.0, 5.0, 1.0]), pa.array(["C489449", "489450", " C1", "c12"]))
    assert parsed.values.to_pylist() == ["refund", "completed", "refund", "completed"]
    assert parsed.rule == (
        "no status column: rows are completed unless negative; invoice numbers starting with C are refunds (C489449); "
        "1 rows with a negative amount are refunds"
    )


def test_numeric_order_ids_are_never_cancellation_invoices():
    parsed = classify_status(None, pa.array([1.0]), pa.array([489449]))
    assert parsed.values.to_pylist() == ["completed"]


def test_labels_from_parsed_amounts_with_nulls():
    amounts = parse_amounts(pa.array(["¥10", "NA", "(5.00)"])).values
    parsed = classify_status(pa.array(["已付款", "已取消", "已付款"]), amounts)
    assert parsed.values.to_pylist() == ["completed", "cancelled", "refund"]


def test_mismatched_lengths_are_a_bug():
    with pytest.raises(InternalError):
        classify_status(pa.array(["paid"]), pa.array([1.0, 2.0]))
    with pytest.raises(InternalError):
        refund_amounts_negative(pa.array([1.0]), pa.array(["refund", "refund"]))


def test_positive_refunds_are_made_negative_and_reported():
    amounts = pa.array([50.0, -20.0, 30.0, None, 10.0])
    labels = _classify(["退款", "退款", "已完成", "退款", "已取消"], [50.0, -20.0, 30.0, 0.0, 10.0]).values
    fixed, changed = refund_amounts_negative(amounts, labels)
    assert fixed.to_pylist() == [-50.0, -20.0, 30.0, None, 10.0]
    assert changed.to_pylist() == [True, False, False, False, False]


def test_the_rule_renders_in_chinese():
    parsed = _classify(["已完成"], [1.0])
    assert parsed.describe("zh") == "状态文本：已完成、已取消（不计收入；未付款订单计入已取消）或退款（冲减收入）"


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.text(max_size=10), st.sampled_from(["已取消", "退款", "paid", "pending"])),
            st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=32)),
            st.one_of(st.none(), st.from_regex(r"C?\d{1,6}", fullmatch=True)),
        ),
        max_size=20,
    )
)
def test_every_row_gets_one_of_three_labels_and_negatives_are_refunds(rows):
    statuses, amounts, ids = (list(column) for column in zip(*rows, strict=True)) if rows else ([], [], [])
    amounts_column = pa.array(amounts, pa.float64())
    parsed = classify_status(pa.array(statuses, pa.string()), amounts_column, pa.array(ids, pa.string()))
    labels = parsed.values.to_pylist()
    assert len(labels) == len(rows) and set(labels) <= set(STATUS_LABELS)
    negatives = [label for label, amount in zip(labels, amounts, strict=True) if amount is not None and amount < 0]
    assert set(negatives) <= {"refund"}
    fixed, changed = refund_amounts_negative(amounts_column, parsed.values)
    assert all(x is None or x <= 0 for x, label in zip(fixed.to_pylist(), labels, strict=True) if label == "refund")
    assert changed.to_pylist() == [
        label == "refund" and amount is not None and amount > 0 for label, amount in zip(labels, amounts, strict=True)
    ]
