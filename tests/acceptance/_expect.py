"""Expected figures worked out by hand from the rows a builder wrote — never from the product."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Customer:
    """What a user expects to see for one customer."""

    orders: set = field(default_factory=set)
    gross: float = 0.0
    refunds: float = 0.0
    cancelled: set = field(default_factory=set)

    @property
    def net(self) -> float:
        return self.gross - self.refunds


def per_customer() -> defaultdict[str, Customer]:
    return defaultdict(Customer)


def by_id(customers_json: list[dict]) -> dict[str, dict]:
    """``cva customers --json`` rows keyed by customer id."""
    return {row["customer_id"]: row for row in customers_json}
