"""Bundled and synthetic data: the CDNOW sample and a seeded synthetic CRM with realistic dirt.

Used by ``cva demo``, ``cva init --sample``, the tests and the benchmarks.
"""

from customer_value.sample.bulk import BULK_COLUMNS, generate_orders, iter_orders_chunks, write_orders_csv
from customer_value.sample.cdnow import cdnow_transactions_path, read_cdnow_transactions, write_cdnow_csv
from customer_value.sample.crm import TABLES, CRMData, generate_crm
from customer_value.sample.exports import (
    EXPORT_HEADERS,
    MANIFEST_NAME,
    OPPORTUNITY_LABELS,
    ORDER_STYLES,
    STATUS_LABELS,
    write_messy_exports,
)

__all__ = [
    "BULK_COLUMNS",
    "EXPORT_HEADERS",
    "MANIFEST_NAME",
    "OPPORTUNITY_LABELS",
    "ORDER_STYLES",
    "STATUS_LABELS",
    "TABLES",
    "CRMData",
    "cdnow_transactions_path",
    "generate_crm",
    "generate_orders",
    "iter_orders_chunks",
    "read_cdnow_transactions",
    "write_cdnow_csv",
    "write_messy_exports",
    "write_orders_csv",
]
