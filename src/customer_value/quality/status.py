"""Order status in three labels: completed, cancelled (never revenue) and refund (nets against it).

- ``cancelled``: the order itself was called off — 已取消, 取消, 作废, 关闭/交易关闭, cancelled,
  void, closed, failed… It never counts as revenue.
- ``refund``: a reversal row — 退款, 退货, 已退款, refund, return, chargeback…, every row with a
  negative amount, and the cancellation invoices numbered ``C…`` (``^C\\d+``) of the UCI Online
  Retail data, which reverse an earlier invoice. It nets against revenue.
- ``completed``: everything else that is a sale — 已完成, 已付款, 已发货, 交易成功, paid, shipped,
  delivered, closed-won… and rows without a status.

A status text that none of the words and keywords explains (``待付款``, ``pending``, a numeric
code, ``部分退款``) is kept as ``completed`` with the error ``unknown_status``: the row is not
rejected, and the pipeline decides (and reports) what to do with it. A negative amount or a
``C…`` invoice decides the label on its own, so such rows carry no error.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.errors import InternalError
from customer_value.quality._columns import ArrayLike, Distinct, as_array, as_text, is_text, normalise_text
from customer_value.quality.missing import is_missing_token
from customer_value.quality.parsed import UNKNOWN_STATUS, ParsedColumn, RulePart

COMPLETED = "completed"
CANCELLED = "cancelled"
REFUND = "refund"
STATUS_LABELS = (COMPLETED, CANCELLED, REFUND)
CANCELLATION_INVOICE = r"^C\d+"

# Whole status texts, compared after NFKC, lower case, and runs of spaces, ``_`` and ``-`` made one space.
STATUS_WORDS: dict[str, str | None] = {
    **dict.fromkeys(
        ("已完成", "完成", "交易完成", "交易成功", "成功", "已付款", "付款成功", "已支付", "支付成功", "已发货",
         "已收货", "确认收货", "已签收", "已结算", "已确认", "paid", "shipped", "delivered", "completed",
         "complete", "fulfilled", "closed won", "won", "success", "successful", "settled", "invoiced",
         "done", "confirmed"),
        COMPLETED,
    ),
    **dict.fromkeys(
        ("已取消", "取消", "订单取消", "作废", "已作废", "关闭", "已关闭", "交易关闭", "订单关闭", "未付款关闭",
         "超时关闭", "失效", "已失效", "支付失败", "cancelled", "canceled", "cancel", "void", "voided",
         "closed", "closed lost", "lost", "expired", "failed", "rejected", "declined"),
        CANCELLED,
    ),
    **dict.fromkeys(
        ("退款", "已退款", "退款成功", "退款完成", "退货", "已退货", "退货退款", "退货完成", "refund", "refunded",
         "return", "returned", "chargeback", "charged back", "reversed", "reversal", "credit note"),
        REFUND,
    ),
    # A closed refund request (淘宝 退款关闭) leaves the sale standing; a partial refund is neither.
    **dict.fromkeys(("退款关闭", "部分退款", "partially refunded", "partial refund"), None),
}  # fmt: skip
# Keywords searched in order when the whole text is not a known word; None = unknown.
STATUS_KEYWORDS: tuple[tuple[str, str | None], ...] = (
    (r"部分|partial", None),
    (r"退款|退货|退单|refund|return|chargeback|charge back|revers|credit note", REFUND),
    (r"取消|作废|关闭|失效|失败|cancel|void|closed|lost|expired|reject|declin|fail", CANCELLED),
    (r"未|待|pending|await|unpaid|not |processing|处理中|进行中", None),
    (r"完成|成功|付款|支付|发货|收货|签收|结算|paid|ship|deliver|complet|fulfil|won|success|settle|invoic", COMPLETED),
)
_KEYWORDS = tuple((re.compile(pattern), label) for pattern, label in STATUS_KEYWORDS)
_SEPARATORS = re.compile(r"[\s_\-]+")


def classify_status(status: ArrayLike | None, amounts: ArrayLike, order_ids: ArrayLike | None = None) -> ParsedColumn:
    """Label every order row ``completed``, ``cancelled`` or ``refund``.

    Parameters
    ----------
    status
        The raw status column, or None when the source has none.
    amounts
        The parsed amounts (``parse_amounts(...).values``); a negative amount is a refund.
    order_ids
        The order or invoice numbers, or None; ``C`` followed by digits is a cancellation
        invoice (a refund).

    Returns
    -------
    ParsedColumn
        ``values`` one of :data:`STATUS_LABELS` on every row; ``errors`` ``unknown_status``
        where the status text was not recognised (the value is then ``completed``).

    Raises
    ------
    InternalError
        The columns differ in length.
    """
    amounts = as_array(amounts)
    rows = len(amounts)
    negative = pc.fill_null(pc.less(amounts, 0), False)
    parts: list[RulePart] = []

    if status is None:
        labels = pa.nulls(rows, pa.string())
        unknown = pa.repeat(False, rows)
        parts.append(("quality.rule.status_none", {}))
    else:
        labels, unknown, status_parts = _labels_from_text(_checked(status, rows, "status"))
        parts += status_parts

    reversal = negative
    if order_ids is not None:
        ids = _checked(order_ids, rows, "order_ids")
        if is_text(ids):
            invoices = pc.fill_null(pc.match_substring_regex(pc.utf8_trim_whitespace(ids), CANCELLATION_INVOICE), False)
            reversal = pc.or_(reversal, invoices)
            first = pc.index(invoices, True).as_py()
            if first >= 0:
                parts.append(("quality.rule.status_cancellation_invoice", {"example": ids[first].as_py()}))
    negatives = pc.sum(negative).as_py() or 0
    if negatives:
        parts.append(("quality.rule.status_negative", {"count": negatives}))

    values = pc.if_else(reversal, REFUND, pc.fill_null(labels, COMPLETED))
    errors = pc.if_else(pc.and_(unknown, pc.invert(reversal)), UNKNOWN_STATUS, pa.scalar(None, pa.string()))
    return ParsedColumn.from_parts(values, errors, tuple(parts))


def refund_amounts_negative(amounts: ArrayLike, status: ArrayLike) -> tuple[pa.Array, pa.Array]:
    """Make the positive amounts of refund rows negative, and say which rows changed.

    Parameters
    ----------
    amounts
        Parsed amounts.
    status
        Labels from :func:`classify_status` (``classify_status(...).values``).

    Returns
    -------
    tuple of pyarrow.Array
        The amounts (``float64``) with every ``refund`` row's positive amount negated, and a
        boolean mask of the rows changed, so the pipeline can log each change.
    """
    amounts = pc.cast(as_array(amounts), pa.float64())
    status = _checked(status, len(amounts), "status")
    changed = pc.fill_null(pc.and_(pc.equal(status, REFUND), pc.greater(amounts, 0)), False)
    return pc.if_else(changed, pc.negate(amounts), amounts), changed


def _checked(values: ArrayLike, rows: int, name: str) -> pa.Array:
    column = as_array(values)
    if len(column) != rows:
        raise InternalError(detail=f"{name} has {len(column)} rows, amounts {rows}")
    return column


def _labels_from_text(status: pa.Array) -> tuple[pa.Array, pa.Array, list[RulePart]]:
    """Per row: the label its status text names (null: none given), whether it is unknown."""
    distinct = Distinct.of(as_text(status))
    normalised = normalise_text(distinct.values)
    blank = is_missing_token(normalised).to_pylist()
    labels: list[str | None] = []
    unknown: list[bool] = []
    for text, is_blank in zip(normalised.to_pylist(), blank, strict=True):
        label = None if is_blank else _label(_SEPARATORS.sub(" ", text).strip())
        labels.append(label)
        unknown.append(not is_blank and label is None)
    parts: list[RulePart] = [("quality.rule.status_column", {})]
    strange = [raw for raw, flag in zip(distinct.values.to_pylist(), unknown, strict=True) if flag]
    if strange:
        parts.append(("quality.rule.status_unknown", {"examples": ", ".join(strange[:5])}))
    row_unknown = pc.fill_null(distinct.to_rows(pa.array(unknown, pa.bool_())), False)
    return distinct.to_rows(pa.array(labels, pa.string())), row_unknown, parts


def _label(text: str) -> str | None:
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    for pattern, label in _KEYWORDS:
        if pattern.search(text):
            return label
    return None
