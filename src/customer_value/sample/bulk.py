"""Large clean order tables for benchmarks: millions of customers, tens of millions of orders.

The same buy-till-you-die mechanism as :func:`generate_crm`, without the CRM around it, drawn in
chunks of customers so memory stays bounded. Each chunk is reproducible from ``seed`` and its
index alone, so ``iter_orders_chunks`` and ``generate_orders`` give the same rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from customer_value.errors import ConfigError, InternalError
from customer_value.sample import _orders
from customer_value.sample._calendar import SECONDS_PER_DAY, DayCurve, day_range, shopping_weights, to_seconds

BULK_COLUMNS = ("customer_id", "order_id", "ordered_at", "amount", "status", "category", "channel")
_RATE_SHAPE = 0.55
_DROPOUT_SHAPE = 1.5
_MEAN_DROPOUT = 0.55 / 365
_PILOT = 20_000


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, 0xB01C, *key]))


def _lifetimes(rng: np.random.Generator, n: int, curve: DayCurve, end_at: np.datetime64):
    """First-order time, end of activity, and latent draws for ``n`` customers."""
    lo = np.full(n, curve.origin)
    hi = np.full(n, end_at - np.timedelta64(20, "D"))
    first = curve.draw(rng, lo, hi)
    dropout = rng.gamma(_DROPOUT_SHAPE, _MEAN_DROPOUT / _DROPOUT_SHAPE, n)
    life = np.minimum(rng.exponential(1.0, n) / dropout, 100 * 365.0)
    until = np.minimum(first + (life * SECONDS_PER_DAY).astype(np.int64).astype("timedelta64[s]"), end_at)
    return first, until


def _mean_rate(orders_per_customer: float, curve: DayCurve, end_at: np.datetime64, seed: int) -> float:
    """The mean purchase rate that gives ``orders_per_customer`` rows per customer on average."""
    first, until = _lifetimes(_rng(seed, 1 << 30), _PILOT, curve, end_at)
    exposure = np.maximum(curve.mass(until) - curve.mass(first), 0.0).mean()
    rows_per_order = 1 + _orders.REFUND_SHARE  # refund reversals add rows
    return max(orders_per_customer / rows_per_order - 1.0, 0.0) / max(exposure, 1e-9)


def iter_orders_chunks(
    n_customers: int,
    *,
    seed: int = 0,
    start: date = date(2023, 1, 1),
    end: date = date(2025, 6, 30),
    orders_per_customer: float = 10.0,
    chunk_customers: int = 100_000,
) -> Iterator[pd.DataFrame]:
    """Yield the orders of ``n_customers`` customers, ``chunk_customers`` customers at a time.

    Parameters
    ----------
    n_customers
        Number of customers (ids ``C0000001`` …, 7 digits or more).
    seed
        Seed; chunk ``k`` depends only on ``seed``, ``k`` and the other arguments.
    start, end
        Window of the orders (inclusive days).
    orders_per_customer
        Average number of rows per customer (first orders, repeats, cancellations, refunds).
    chunk_customers
        Customers per chunk; a chunk holds about ``chunk_customers × orders_per_customer`` rows.

    Yields
    ------
    pandas.DataFrame
        Columns customer_id, order_id (``O`` + 10 digits, unique over all chunks), ordered_at
        (``datetime64[us]``, whole seconds), amount (¥; refunds negative), status
        (completed/cancelled/refund), category, channel — the last three categorical. Each
        chunk is sorted by ordered_at.

    Raises
    ------
    ConfigError
        If ``n_customers`` < 1, ``chunk_customers`` < 1 or ``orders_per_customer`` < 1.
    """
    if n_customers < 1 or chunk_customers < 1 or orders_per_customer < 1:
        raise ConfigError(
            where="iter_orders_chunks",
            detail=f"n_customers={n_customers}, chunk_customers={chunk_customers} and "
            f"orders_per_customer={orders_per_customer} must all be at least 1",
        )
    days = day_range(start, end)
    curve = DayCurve(days, shopping_weights(days))
    end_at = to_seconds(end) + np.timedelta64(1, "D")
    mean_rate = _mean_rate(orders_per_customer, curve, end_at, seed)
    width = max(7, len(str(n_customers)))
    offset = 0
    for k, lo in enumerate(range(0, n_customers, chunk_customers)):
        rng = _rng(seed, k)
        n = min(chunk_customers, n_customers - lo)
        first, until = _lifetimes(rng, n, curve, end_at)
        rate = rng.gamma(_RATE_SHAPE, mean_rate / _RATE_SHAPE, n)
        who, at = _orders.order_times(rng, curve, first, until, rate)
        who, at = np.r_[np.arange(n), who], np.r_[first, at]
        is_company = rng.random(n) < 0.4
        log_mean = np.log(220.0) + 0.6 * is_company + 0.8 * rng.standard_normal(n)
        log_sd = rng.uniform(0.35, 0.75, n)
        top, probs = _orders.favourite_categories(rng, is_company)
        category = _orders.pick_categories(rng, who, top, probs, is_company)
        channel = _orders.pick_channels(rng, who, is_company)
        amount = _orders.order_amounts(rng, who, log_mean, log_sd)
        numbers = pa.array(np.arange(lo + 1, lo + n + 1))
        ids = pc.binary_join_element_wise("C", pc.utf8_lpad(pc.cast(numbers, pa.string()), width, "0"), "")
        chunk = _orders.build_orders(
            rng, ids, who, at, amount, category, channel, end_at=end_at, detailed=False, id_offset=offset
        )
        offset += len(chunk)
        chunk["ordered_at"] = chunk["ordered_at"].astype("datetime64[us]")
        yield chunk[list(BULK_COLUMNS)]


def generate_orders(
    n_customers: int,
    *,
    seed: int = 0,
    start: date = date(2023, 1, 1),
    end: date = date(2025, 6, 30),
    orders_per_customer: float = 10.0,
    chunk_customers: int = 100_000,
) -> pd.DataFrame:
    """All chunks of :func:`iter_orders_chunks` in one DataFrame (same arguments, same rows).

    1M customers at the default 10 orders each give about 10M rows (roughly 0.6 GB).
    """
    chunks = iter_orders_chunks(
        n_customers,
        seed=seed,
        start=start,
        end=end,
        orders_per_customer=orders_per_customer,
        chunk_customers=chunk_customers,
    )
    return pd.concat(list(chunks), ignore_index=True)


def write_orders_csv(path: str | Path, n_rows: int, seed: int = 0, *, messy: bool = False) -> Path:
    """Write exactly ``n_rows`` orders as a CSV, for ingest benchmarks.

    The orders of about ``1.3 × n_rows / 10`` customers, thinned uniformly at random to
    ``n_rows`` rows (so a refund may lack its original order); the same arguments always give the
    same bytes.

    Clean (default): UTF-8, headers ``customer_id,order_id,ordered_at,amount,status,category,
    channel``, ISO times, plain amounts. ``messy=True``: UTF-8 with BOM, Chinese headers
    (客户编号, 订单号, 下单时间, 实付金额, 订单状态, 品类, 渠道), ``¥1,234.50`` amounts, Chinese
    status labels and ``2024/3/5 14:22:10`` times.

    Returns
    -------
    Path
        The path written.
    """
    if n_rows < 1:
        raise ConfigError(where="n_rows", detail=f"must be at least 1, got {n_rows}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n_customers = math.ceil(n_rows / 10.0 * 1.3) + 100
    chunk_customers = 100_000
    left = n_rows
    with open(path, "wb") as sink:
        header = ",".join(_ZH_HEADERS.values()) if messy else ",".join(BULK_COLUMNS)
        sink.write((("\ufeff" if messy else "") + header + "\n").encode("utf-8"))
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        chunks = iter_orders_chunks(n_customers, seed=seed, chunk_customers=chunk_customers)
        for k, chunk in enumerate(chunks):
            # thin every chunk uniformly to its share of n_rows, so the file spans the whole window
            done = min((k + 1) * chunk_customers, n_customers)
            quota = min(len(chunk), n_rows * done // n_customers - (n_rows - left))
            keep = np.sort(_rng(seed, 1 << 31, k).choice(len(chunk), size=quota, replace=False))
            part = chunk.iloc[keep]
            if messy:
                _messy_frame(part).to_csv(sink, index=False, header=False, lineterminator="\n", encoding="utf-8")
            else:
                pacsv.write_csv(_clean_table(part), sink, write_options=options)
            left -= len(part)
    if left > 0:  # pragma: no cover - 30% head-room makes this practically impossible
        raise InternalError(detail=f"drew {n_rows - left} of {n_rows} order rows")
    return path


_ZH_HEADERS = {"customer_id": "客户编号", "order_id": "订单号", "ordered_at": "下单时间", "amount": "实付金额",
               "status": "订单状态", "category": "品类", "channel": "渠道"}  # fmt: skip
_ZH_STATUS = {"completed": "已完成", "cancelled": "已取消", "refund": "退款"}


def _clean_table(chunk: pd.DataFrame) -> pa.Table:
    at = pa.array(chunk["ordered_at"].to_numpy().astype("datetime64[s]"))
    return pa.table(
        {
            "customer_id": pa.array(chunk["customer_id"].array),
            "order_id": pa.array(chunk["order_id"].array),
            "ordered_at": pc.strftime(at, format="%Y-%m-%d %H:%M:%S"),
            "amount": pa.array([f"{a:.2f}" for a in chunk["amount"].to_numpy()]),
            "status": pa.array(chunk["status"].astype("str").array),
            "category": pa.array(chunk["category"].astype("str").array),
            "channel": pa.array(chunk["channel"].astype("str").array),
        }
    )


def _messy_frame(chunk: pd.DataFrame) -> pd.DataFrame:
    t = chunk["ordered_at"]
    when = t.dt.year.astype("str") + "/" + t.dt.month.astype("str") + "/" + t.dt.day.astype("str")
    return pd.DataFrame(
        {
            _ZH_HEADERS["customer_id"]: chunk["customer_id"],
            _ZH_HEADERS["order_id"]: chunk["order_id"],
            _ZH_HEADERS["ordered_at"]: when + " " + t.dt.strftime("%H:%M:%S"),
            _ZH_HEADERS["amount"]: [f"-¥{-a:,.2f}" if a < 0 else f"¥{a:,.2f}" for a in chunk["amount"].to_numpy()],
            _ZH_HEADERS["status"]: chunk["status"].astype("str").map(_ZH_STATUS),
            _ZH_HEADERS["category"]: chunk["category"].astype("str"),
            _ZH_HEADERS["channel"]: chunk["channel"].astype("str"),
        }
    )
