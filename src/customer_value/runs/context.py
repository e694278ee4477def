"""What the stages of one run share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from customer_value.config import Settings
from customer_value.diagnostics import Diagnostic


@dataclass
class RunContext:
    """The inputs of a run and what its stages have computed so far.

    Attributes
    ----------
    settings
        The workspace configuration.
    as_of
        The analysis date; stages must not look at anything after it.
    con
        Ibis DuckDB backend with the workspace's clean tables as views (master customer ids).
    orders
        The ``orders`` view.
    summary
        One row per customer with a completed order; each stage adds its columns.
    previous
        The previous run's summary (for migrations and changes), or None.
    diagnostics
        JSON-able facts about the run, keyed by stage (model fits, accuracy, warnings).
    messages
        What the user should know about the run (:class:`~customer_value.diagnostics.Diagnostic`),
        added by the stages with :meth:`add`.
    stage
        The stage running now (set by the run; :meth:`add` records it).
    currency
        Currency of the figures: the orders' own when they have one, else the configured one;
        None when unknown (amounts are then shown without a symbol).
    """

    settings: Settings
    as_of: dt.date
    con: ibis.BaseBackend
    orders: ir.Table
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)
    previous: pd.DataFrame | None = None
    diagnostics: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    messages: list[Diagnostic] = field(default_factory=list)
    stage: str = "run"
    currency: str | None = None

    def add(
        self, severity: str, note: Mapping[str, Any], *, customers: str | None = None, columns: Iterable[str] = ()
    ) -> None:
        """Record a diagnostic of the current stage: ``note`` is a message (key and fields)."""
        self.messages.append(Diagnostic.of(self.stage, severity, note, customers=customers, columns=columns))
