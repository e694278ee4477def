"""Order status in three labels: completed, cancelled (never revenue) and refund (nets against it).

- ``cancelled``: the order itself was called off or never paid — 已取消, 取消, 作废, 关闭/交易关闭,
  cancelled, void, closed, failed, expired…, and the unpaid ones: 等待买家付款, 待付款, 未付款,
  awaiting payment, pending payment, unpaid, ``pending`` (Shopify, WooCommerce) and ``on-hold``
  (WooCommerce: awaiting payment confirmation). It never counts as revenue.
- ``refund``: a reversal row — 退款, 退货, 已退款, refund, return, chargeback…, every row with a
  negative amount, and the cancellation invoices numbered ``C…`` (``^C\\d+``) of the UCI Online
  Retail data, which reverse an earlier invoice. It nets against revenue.
- ``completed``: everything else that is a sale — 已完成, 已付款, 已发货, 交易成功, paid, shipped,
  delivered, closed-won… and rows without a status. Paid orders still on their way are sales too:
  买家已付款，等待卖家发货, 卖家已发货，等待买家确认, 待发货, 待收货, 等待出库, 等待确认收货,
  ``processing`` (WooCommerce: paid, not yet shipped) and ``authorized`` (Shopify: the card payment
  is held for the order and captured when it ships; an authorisation that lapses shows as
  ``voided`` or ``expired`` in a later export). So are a partial refund (部分退款,
  ``partially_refunded``: the sale stands, a refunded-amount column nets it), ``partially_paid``
  and a refund request that was closed (退款关闭).

A payment or shipping word decides before a waiting word: ``待`` / ``等待`` / ``pending`` only
leave a text unknown when nothing else explains it. A negated word says the opposite of the word:
未作废, 非作废, 未取消, 未关闭, 无退款, ``not cancelled`` mean the order stands (``completed``).

A status text that none of the words and keywords explains (``待审核``, ``pending review``, a
numeric code) is kept as ``completed`` with the error ``unknown_status``: the row is not
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

# Whole status texts, compared after NFKC (full-width ``，`` becomes ``,``), lower case, and runs of
# spaces, ``_`` and ``-`` made one space.
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("已完成", "完成", "交易完成", "交易成功", "成功", "已付款", "付款成功", "已支付", "支付成功", "已发货",
         "已收货", "确认收货", "已签收", "已结算", "已确认", "已审核", "有效", "买家已付款,等待卖家发货",
         "卖家已发货,等待买家确认", "已付款待发货", "待发货", "待收货", "等待出库", "等待确认收货", "待评价",
         "paid", "shipped", "delivered", "completed", "complete", "fulfilled", "closed won", "won", "success",
         "successful", "settled", "invoiced", "done", "confirmed", "processing", "authorized", "authorised",
         "partially paid", "部分退款", "partially refunded", "partial refund", "退款关闭"),
        COMPLETED,
    ),
    **dict.fromkeys(
        ("已取消", "取消", "订单取消", "作废", "已作废", "关闭", "已关闭", "交易关闭", "订单关闭", "未付款关闭",
         "超时关闭", "失效", "已失效", "支付失败", "无效", "cancelled", "canceled", "cancel", "void", "voided",
         "closed", "closed lost", "lost", "expired", "failed", "rejected", "declined", "invalid",
         # never paid: not revenue, and not an order either
         "等待买家付款", "待付款", "未付款", "待支付", "未支付", "等待付款", "awaiting payment", "pending payment",
         "pending", "unpaid", "on hold", "draft", "checkout draft"),
        CANCELLED,
    ),
    **dict.fromkeys(
        ("退款", "已退款", "退款成功", "退款完成", "退货", "已退货", "退货退款", "退货完成", "refund", "refunded",
         "return", "returned", "chargeback", "charged back", "reversed", "reversal", "credit note"),
        REFUND,
    ),
}  # fmt: skip
# A negated word (未作废, 非作废, 未取消, 退款关闭, not cancelled) says the order stands: it is read as 有效.
STATUS_NEGATIONS = (
    r"(未|非|不|无|没有|尚未)(被)?(作废|取消|关闭|失效|删除|冻结|退款|退货)|退款(关闭|失败|取消|撤销|驳回)|拒绝退款"
    r"|\bnot (cancel|void|closed|refund|return|delete)\w*|\bnon ?void\w*"
)
# Keywords searched in order when the whole text is not a known word; None = unknown. Unpaid comes
# before the payment words (待付款 holds 付款), payment and shipping words before waiting words.
STATUS_KEYWORDS: tuple[tuple[str, str | None], ...] = (
    (r"部分退|partial(ly)? refund", COMPLETED),
    (r"退款|退货|退单|refund|return|chargeback|charge back|revers|credit note", REFUND),
    (r"(未|待|等待|尚未|没有)(买家)?(付款|支付|付)|(付款|支付)中|unpaid|not paid|awaiting payment|(pending|due) payment"
     r"|payment (pending|due)|on hold", CANCELLED),
    (r"closed won", COMPLETED),
    (r"取消|作废|关闭|失效|失败|删除|无效|cancel|void|closed|lost|expired|reject|declin|fail|invalid", CANCELLED),
    (r"完成|成功|付款|支付|已付|发货|出库|收货|签收|配送|派送|运输|自提|结算|评价|有效|paid|ship|deliver|complet"
     r"|fulfil|won|success|settle|invoic|processing|authori[sz]|valid|in transit", COMPLETED),
    (r"未|待|pending|await|not |处理中|进行中", None),
)
_NEGATED = re.compile(STATUS_NEGATIONS)
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
    text = _NEGATED.sub("有效", text)
    for pattern, label in _KEYWORDS:
        if pattern.search(text):
            return label
    return None
