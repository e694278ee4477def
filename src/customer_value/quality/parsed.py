"""The result of parsing one raw column: typed values, a reason per bad row, the rule used.

Every parser in :mod:`customer_value.quality` returns a :class:`ParsedColumn` of the same
length as its input, so the ingest pipeline can quarantine each row whose ``errors`` entry is
set, with the field and the reason, and state in the quality report how the column was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from customer_value.errors import InternalError
from customer_value.i18n import msg

# Reason codes in ``ParsedColumn.errors``; each has a message ``quality.reason.<code>``.
MISSING = "missing"
UNPARSEABLE = "unparseable"
OUT_OF_RANGE = "out_of_range"
UNKNOWN_STATUS = "unknown_status"
INVALID_PHONE = "invalid_phone"
INVALID_EMAIL = "invalid_email"
PLACEHOLDER = "placeholder"
REASONS = (MISSING, UNPARSEABLE, OUT_OF_RANGE, UNKNOWN_STATUS, INVALID_PHONE, INVALID_EMAIL, PLACEHOLDER)

RulePart = tuple[str, Mapping[str, object]]


def render_rule(parts: tuple[RulePart, ...], lang: str = "en") -> str:
    """The rule parts as one sentence in ``lang``: each part's message, joined by ``; ``."""
    return "; ".join(msg(key, lang, **fields) for key, fields in parts)


def reason_text(code: str, lang: str = "en") -> str:
    """The user-facing words for a reason code (``missing`` → "missing value")."""
    return msg(f"quality.reason.{code}", lang)


@dataclass(frozen=True, eq=False)
class ParsedColumn:
    """One parsed column.

    Attributes
    ----------
    values
        The typed values (``timestamp[us]``, ``float64`` or ``string``), null where the input
        was missing or could not be read.
    errors
        Per row, a reason code (see ``REASONS``) or null when the row is fine. A set reason
        with a non-null value (``unknown_status``) flags the row without rejecting it.
    rule
        How the column was read, in English words, for the quality report
        (``"month-first (12/1/2010 8:26)"``).
    rule_parts
        The same rule as message keys and fields, to render it in another language with
        :meth:`describe`.
    """

    values: pa.Array
    errors: pa.Array
    rule: str
    rule_parts: tuple[RulePart, ...] = ()

    def __post_init__(self) -> None:
        if len(self.values) != len(self.errors):
            raise InternalError(detail=f"{len(self.values)} values but {len(self.errors)} errors")
        if not pa.types.is_string(self.errors.type):
            raise InternalError(detail=f"errors must be strings, not {self.errors.type}")

    @classmethod
    def from_parts(cls, values: pa.Array, errors: pa.Array, parts: tuple[RulePart, ...]) -> ParsedColumn:
        """A parsed column whose English ``rule`` is rendered from ``parts``."""
        return cls(values=values, errors=errors, rule=render_rule(parts), rule_parts=parts)

    def describe(self, lang: str = "en") -> str:
        """The rule in ``lang`` (``en`` or ``zh``)."""
        return render_rule(self.rule_parts, lang) if self.rule_parts else self.rule

    @property
    def ok(self) -> pa.Array:
        """Boolean per row: true where no reason is set."""
        return pc.is_null(self.errors)

    def error_counts(self) -> dict[str, int]:
        """Rows per reason code, most frequent first."""
        counts = pc.value_counts(self.errors.drop_null()).to_pylist()
        pairs = sorted(((c["values"], c["counts"]) for c in counts), key=lambda p: (-p[1], p[0]))
        return dict(pairs)
