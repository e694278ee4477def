"""Diagnostics: what a run or an ingest wants its user to know, stored language-free.

A diagnostic is a stage, a severity (``error``: part of the analysis could not be computed as
intended and a fallback stands in; ``warning``: results are less certain; ``info``: how a choice
was made), a message key with its fields — rendered in zh or en only when shown — and, when it
concerns customers' numbers, which customers (a named group of :data:`CUSTOMER_GROUPS`) and
which summary columns. A run stores its diagnostics in ``manifest.json`` (``messages``);
``cva run`` prints them, ``cva customer`` shows those that apply to the customer.

Python warnings raised inside a stage are captured (:func:`captured_warnings`) and become
diagnostics too, so none is printed with a source path.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from customer_value.errors import CVAWarning
from customer_value.i18n import message, msg

__all__ = [
    "CUSTOMER_GROUPS",
    "SEVERITIES",
    "Diagnostic",
    "captured_warnings",
    "count_affected",
    "sort_diagnostics",
    "warning_messages",
]

SEVERITIES = ("error", "warning", "info")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame.columns else pd.Series(pd.NA, index=frame.index)


#: The customers a diagnostic can concern, by name: a test on the rows of a run's summary.
CUSTOMER_GROUPS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "all": lambda s: pd.Series(True, index=s.index),
    "one_time_buyers": lambda s: _column(s, "btyd_frequency").eq(0),
    "repeat_buyers": lambda s: _column(s, "btyd_frequency").gt(0),
    "low_confidence": lambda s: _column(s, "prediction_confidence").eq("low"),
    "refunds_excluded": lambda s: _column(s, "btyd_frequency").gt(0) & _column(s, "btyd_monetary").le(0),
    "unassigned": lambda s: _column(s, "action_owner").eq("unassigned"),
}


@dataclass(frozen=True)
class Diagnostic:
    """One thing the user should know about a run, language-free.

    Attributes
    ----------
    stage
        The stage that found it (``models``, ``churn``…; ``ingest`` for an ingest).
    severity
        ``error``, ``warning`` or ``info``.
    key, fields
        The message (``i18n`` catalog key) and the values that fill it.
    customers
        Name of the group of :data:`CUSTOMER_GROUPS` whose numbers it concerns, or None.
    columns
        Summary columns whose values it concerns.
    count
        Customers of the run in ``customers`` (set by the run), or None.
    """

    stage: str
    severity: str
    key: str
    fields: dict[str, Any] = field(default_factory=dict)
    customers: str | None = None
    columns: tuple[str, ...] = ()
    count: int | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.customers is not None and self.customers not in CUSTOMER_GROUPS:
            raise ValueError(f"unknown customer group {self.customers!r}")

    @classmethod
    def of(
        cls, stage: str, severity: str, note: Mapping[str, Any], *, customers: str | None = None,
        columns: Iterable[str] = (),
    ) -> Diagnostic:
        """A diagnostic from a stored message (``{"key", "fields"}``, see :func:`~customer_value.i18n.message`)."""
        return cls(stage, severity, note["key"], dict(note["fields"]), customers, tuple(columns))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnostic:
        """The diagnostic :meth:`to_dict` wrote (e.g. read back from a manifest)."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**{**known, "columns": tuple(known.get("columns", ()))})

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, language-free."""
        return {**asdict(self), "columns": list(self.columns)}

    def render(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return msg(self.key, lang, **self.fields)

    def affects(self, summary: pd.DataFrame) -> pd.Series:
        """Which rows of ``summary`` (a run's per-customer table) it concerns."""
        if self.customers is None:
            return pd.Series(False, index=summary.index)
        return CUSTOMER_GROUPS[self.customers](summary).fillna(False).astype(bool)


def count_affected(diagnostics: Iterable[Diagnostic], summary: pd.DataFrame) -> list[Diagnostic]:
    """The diagnostics with ``count`` set to the customers of ``summary`` they concern."""
    return [d if d.customers is None else replace(d, count=int(d.affects(summary).sum())) for d in diagnostics]


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, then information; the same diagnostic once."""
    unique: dict[str, Diagnostic] = {}
    for item in diagnostics:
        unique.setdefault(repr((item.stage, item.severity, item.key, sorted(item.fields.items()))), item)
    return sorted(unique.values(), key=lambda d: SEVERITIES.index(d.severity))


def _as_message(caught: warnings.WarningMessage) -> dict[str, Any]:
    if isinstance(caught.message, CVAWarning):
        return caught.message.as_message()
    # another library's warning: its text is kept for machines (``detail``), never rendered
    return message("diagnostic.python_warning", category=caught.category.__name__, detail=str(caught.message))


def _relevant(caught: Iterable[warnings.WarningMessage]) -> list[warnings.WarningMessage]:
    """Warnings about the data or the results (deprecations are about the code)."""
    return [w for w in caught if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning))]


def warning_messages(caught: Iterable[warnings.WarningMessage]) -> list[dict[str, Any]]:
    """The distinct warnings among ``caught`` as messages (key and fields), in order."""
    found: dict[str, dict[str, Any]] = {}
    for w in _relevant(caught):
        note = _as_message(w)
        found.setdefault(repr(note), note)
    return list(found.values())


@contextmanager
def captured_warnings(stage: str) -> Iterator[list[Diagnostic]]:
    """Collect every Python warning raised inside as a warning of ``stage``; none is printed."""
    found: list[Diagnostic] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # once per place and text: a warning in a loop is kept once
        yield found
    found.extend(Diagnostic.of(stage, "warning", note) for note in warning_messages(caught))
