"""The workspace configuration (``cva.yaml``) as one typed, documented settings object.

Load it once at the entry point with :func:`load_settings` and pass each stage only its section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from customer_value.errors import ConfigError
from customer_value.i18n import LANGUAGES, normalise_language

TABLES = (
    "customers",
    "orders",
    "interactions",
    "tickets",
    "surveys",
    "referrals",
    "opportunities",
    "marketing_spend",
)
TableName = Literal[
    "customers",
    "orders",
    "interactions",
    "tickets",
    "surveys",
    "referrals",
    "opportunities",
    "marketing_spend",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceConfig(_Section):
    """One data source that ``cva ingest`` (without a FILE) reads."""

    path: str | None = Field(None, description="File to read, relative to the workspace.")
    table: TableName = Field(description="Canonical table the source fills.")
    sheet: str | None = Field(None, description="Excel sheet name (default: the first sheet).")
    sql_url: str | None = Field(None, description="SQLAlchemy URL of a database source.")
    query: str | None = Field(None, description="SELECT statement run against sql_url.")

    @model_validator(mode="after")
    def _one_kind(self) -> SourceConfig:
        if (self.path is None) == (self.sql_url is None):
            raise ValueError("give either path or sql_url")
        if self.sql_url is not None and not self.query:
            raise ValueError("sql_url needs a query")
        return self


class QualityConfig(_Section):
    """How raw values are read and cleaned."""

    phone_region: str = Field("CN", description="Default region for phone numbers without +country code.")
    date_order: Literal["auto", "dayfirst", "monthfirst"] = Field(
        "auto", description="Order of day and month in ambiguous dates; auto decides per file from the data."
    )
    link_customers: bool = Field(True, description="Merge the same customer entered twice (record linkage).")
    link_threshold: float = Field(
        0.9, ge=0.5, le=1.0, description="Match probability above which two customer records are merged."
    )

    @field_validator("phone_region")
    @classmethod
    def _upper_region(cls, value: str) -> str:
        return value.strip().upper()


class RFMConfig(_Section):
    """Recency / frequency / monetary scoring."""

    bins: int = Field(5, ge=2, le=10, description="Number of score bins (5 = quintiles, scores 1..5).")


class ValueWeights(_Section):
    """Weights of the composite value score; they are normalised to sum to 1."""

    historical: float = Field(0.4, ge=0, description="Weight of historical value (cumulative net revenue, profit).")
    potential: float = Field(0.4, ge=0, description="Weight of potential value (predicted CLV, cross-buy).")
    strategic: float = Field(0.2, ge=0, description="Weight of strategic value (configured customer flags).")
    strategic_fields: list[str] = Field(
        default_factory=list, description="Customer fields that mark strategic value (truthy = strategic)."
    )
    tier_a_share: float = Field(0.8, gt=0, le=1, description="Tier A = top customers making up this share of value.")
    tier_a_max_share: float = Field(0.2, gt=0, le=1, description="Tier A holds at most this share of customers.")
    tier_b_share: float = Field(0.95, gt=0, le=1, description="Tier B = next customers up to this cumulative share.")

    @model_validator(mode="after")
    def _some_weight(self) -> ValueWeights:
        if self.historical + self.potential + self.strategic <= 0:
            raise ValueError("at least one value weight must be positive")
        return self


class ModelsConfig(_Section):
    """Lifetime value models."""

    purchase_model: Literal["auto", "bgnbd", "pareto_nbd", "mbgnbd"] = Field(
        "auto", description="Purchase model; auto = best holdout accuracy in the backtest, else bgnbd."
    )
    time_unit: Literal["days", "weeks"] = Field("weeks", description="Time unit the models are fitted in.")
    profit_margin: float = Field(1.0, gt=0, le=1, description="Share of revenue that is profit, for CLV.")
    monthly_discount_rate: float = Field(0.01, ge=0, lt=1, description="Monthly discount rate for CLV.")


class ChurnConfig(_Section):
    """Churn prediction and early-warning rules."""

    window_days: int = Field(90, gt=0, description="Churn = no purchase in this many days after the cut-off.")
    inactivity_days: int = Field(90, gt=0, description="Alert when a customer is inactive this long.")
    p_alive_drop: float = Field(0.2, gt=0, le=1, description="Alert when P(alive) dropped by more than this.")
    probability_threshold: float = Field(0.7, gt=0, lt=1, description="Alert when churn probability exceeds this.")


class Settings(_Section):
    """Everything in ``cva.yaml``."""

    language: Literal["en", "zh"] = Field("en", description="Language of messages and reports (en or zh).")
    currency: str = Field("CNY", description="Currency of amounts (and of reports) when a source has no currency.")
    sources: list[SourceConfig] = Field(default_factory=list, description="Sources read by `cva ingest`.")
    mappings: dict[TableName, dict[str, str]] = Field(
        default_factory=dict, description="Per table, source header -> canonical column."
    )
    quality: QualityConfig = Field(default_factory=QualityConfig, description="Cleaning rules.")
    rfm: RFMConfig = Field(default_factory=RFMConfig, description="RFM scoring.")
    value: ValueWeights = Field(default_factory=ValueWeights, description="Value score weights and tiers.")
    models: ModelsConfig = Field(default_factory=ModelsConfig, description="Lifetime value models.")
    churn: ChurnConfig = Field(default_factory=ChurnConfig, description="Churn model and alerts.")

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        code = str(value).strip().lower()[:2] if value is not None else "en"
        return normalise_language(code) if code in LANGUAGES else value


def load_settings(path: Path) -> Settings:
    """Read and validate ``cva.yaml``; a missing file gives the defaults.

    Raises
    ------
    ConfigError
        The file is not YAML or a value is invalid; every problem is listed in one message.
    """
    if not path.exists():
        return Settings()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"{path}:{where.line + 1}" if where is not None else str(path)
        raise ConfigError(where=line, detail=str(getattr(exc, "problem", exc))) from exc
    if not isinstance(raw, dict):
        raise ConfigError(where=str(path), detail="the top level must be a mapping of settings")
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(where=str(path), detail=problems) from exc
