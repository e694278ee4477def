"""The workspace configuration (``cva.yaml``) as one typed, documented settings object.

Load it once at the entry point with :func:`load_settings` and pass each stage only its section.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from customer_value.errors import ConfigError
from customer_value.i18n import LANGUAGES, has_message, message, msg, normalise_language

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
#: The canonical tables, in the order of the design.
TABLES: tuple[str, ...] = get_args(TableName)


_CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")


def normalise_currency(code: str, *, option: str = "currency") -> str:
    """``gbp`` → ``GBP``.

    Raises
    ------
    ConfigError
        ``code`` is not three letters (an ISO 4217 code such as CNY, USD, GBP); ``option`` names
        where it was given.
    """
    text = code.strip().upper()
    if not _CURRENCY_CODE.match(text):
        raise ConfigError("option.bad_currency", option=option, code=code)
    return text


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _invalid(key: str, **fields: Any) -> PydanticCustomError:
    """A validation problem whose type is the catalog key ``key`` (rendered by :func:`load_settings`)."""
    return PydanticCustomError(key, msg(key, "en", field="", **fields).lstrip(": "), fields)


def _problem(error: Any) -> dict[str, Any]:
    """One pydantic validation error as a message: ``config.<type>`` with the field and the limits."""
    field = ".".join(str(p) for p in error["loc"]) or "(top)"
    context = {k: v for k, v in (error.get("ctx") or {}).items() if k != "error"}
    if "expected" in context:  # pydantic lists choices in English: "'a', 'b' or 'c'"
        context["expected"] = str(context["expected"]).replace("' or '", "', '")
    kind = error["type"]
    key = kind if kind.startswith("config.") else f"config.{kind}"
    key = key if has_message(key) else "config.invalid"
    given = error.get("input")
    shown = given if isinstance(given, (str, int, float, bool)) else type(given).__name__
    return message(key, **{**context, "field": field, "input": shown})


class SourceConfig(_Section):
    """One data source that ``cva ingest`` (without a FILE) reads."""

    path: str | None = Field(None, description="File to read, relative to the workspace.")
    table: TableName = Field(description="Canonical table the source fills.")
    sheet: str | None = Field(None, description="Excel sheet name (default: the first sheet).")
    delimiter: str | None = Field(
        None, description="Delimiter of a text file: comma, semicolon, tab, pipe, whitespace or one character (default: detected)."
    )
    sql_url: str | None = Field(None, description="SQLAlchemy URL of a database source.")
    query: str | None = Field(None, description="SELECT statement run against sql_url.")

    @field_validator("delimiter")
    @classmethod
    def _known_delimiter(cls, value: str | None) -> str | None:
        from customer_value.ingest.detect import parse_delimiter  # the ingest package imports this module

        return None if value is None else parse_delimiter(value)

    @model_validator(mode="after")
    def _one_kind(self) -> SourceConfig:
        if (self.path is None) == (self.sql_url is None):
            raise _invalid("config.path_or_sql")
        if self.sql_url is not None and not self.query:
            raise _invalid("config.sql_needs_query")
        return self


#: Values that stand for "no id" in exports (Excel pivot tables write ``(blank)``; CRMs 未知, 散客).
#: Empty ids and missing-value tokens (N/A, null, -, 无, #N/A…) are missing whatever this list says.
PLACEHOLDER_IDS = (
    "(blank)", "(空白)", "(empty)", "未知", "不详", "unknown", "guest", "散客", "游客", "anonymous", "匿名",
)  # fmt: skip


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
    placeholder_ids: list[str] = Field(
        default_factory=lambda: list(PLACEHOLDER_IDS),
        description="Id values that mean no id ((blank), 未知…): rows with one are set aside, never one customer.",
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
    tier_by: Literal["share", "score"] = Field(
        "share", description="Tiers by cumulative value share (share) or by value_score thresholds (score)."
    )
    tier_a_min_score: float = Field(
        70, ge=0, le=100, description="With tier_by: score, tier A = value_score at least this."
    )
    tier_b_min_score: float = Field(
        40, ge=0, le=100, description="With tier_by: score, tier B = value_score at least this."
    )
    current_days: int = Field(90, gt=0, description="Current value looks at this many most recent days.")
    potential_clv: Literal["clv_12m", "clv_24m", "clv_36m"] = Field(
        "clv_36m", description="Predicted lifetime value column behind potential value."
    )
    cross_buy_weight: float = Field(
        0.25,
        ge=0,
        le=1,
        description="Share of potential value from cross-buy probability (where orders have categories).",
    )
    quadrant_split: float = Field(
        50,
        gt=0,
        lt=100,
        description="Current and potential value at or above this score count as high in the quadrant.",
    )

    @model_validator(mode="after")
    def _some_weight(self) -> ValueWeights:
        if self.historical + self.potential + self.strategic <= 0:
            raise _invalid("config.no_positive_weight")
        if self.tier_b_share < self.tier_a_share:
            raise _invalid("config.at_least", name="tier_b_share", other="tier_a_share")
        if self.tier_b_min_score > self.tier_a_min_score:
            raise _invalid("config.at_most", name="tier_b_min_score", other="tier_a_min_score")
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
    inactivity_cycle_multiple: float = Field(
        2.0, gt=0, description="Inactive also means longer than this many times the customer's own mean purchase cycle."
    )
    p_alive_drop: float = Field(0.2, gt=0, le=1, description="Alert when P(alive) dropped by more than this.")
    probability_threshold: float = Field(0.7, gt=0, lt=1, description="Alert when churn probability exceeds this.")


Tier = Literal["A", "B", "C"]
LifecycleStage = Literal["acquisition", "growth", "maturity", "decline", "churned"]
Quadrant = Literal["star", "develop", "maintain", "observe"]
RFMGroup = Literal["high_value", "potential", "churn_risk", "low_value"]
#: Built-in next-best-action codes (their zh/en text is in the message catalog).
BUILTIN_ACTIONS = (
    "personal_outreach",
    "account_manager",
    "priority_service",
    "win_back_coupon",
    "new_product_trial",
    "tiered_offer",
    "training",
    "solution_content",
    "automated_message",
)


class LifecycleConfig(_Section):
    """Rules of the five lifecycle stages (docs/lifecycle.md); the first matching rule wins."""

    acquisition_days: int = Field(90, gt=0, description="Acquisition = first order fewer than this many days ago.")
    maturity_days: int = Field(
        365, gt=0, description="Growth until this many days after the first order, then maturity."
    )
    decline_cycles: float = Field(1.5, gt=0, description="Decline = inactive this many own purchase cycles.")
    decline_min_days: int = Field(30, ge=0, description="Decline needs at least this many days without an order.")
    churned_cycles: float = Field(3.0, gt=0, description="Churned = inactive this many own purchase cycles.")
    churned_min_days: int = Field(90, ge=0, description="Churned needs at least this many days without an order.")
    trend_falling: float = Field(
        -0.33, ge=-1, lt=0, description="Decline when the order trend (late − early half) / all is at or below this."
    )
    trend_rising: float = Field(0.2, gt=0, le=1, description="Growth when the order trend is at or above this.")
    decline_p_alive: float = Field(0.5, ge=0, le=1, description="Decline when P(alive) is below this (if modelled).")
    churned_p_alive: float = Field(0.1, ge=0, le=1, description="Churned when P(alive) is below this (if modelled).")
    decline_churn_probability: float = Field(
        0.7, gt=0, le=1, description="Decline when the churn probability is at least this (if modelled)."
    )
    default_cycle_days: float = Field(
        90, gt=0, description="Purchase cycle assumed when no customer bought twice (else the repeat buyers' median)."
    )

    @model_validator(mode="after")
    def _ordered(self) -> LifecycleConfig:
        if self.churned_cycles < self.decline_cycles:
            raise _invalid("config.at_least", name="churned_cycles", other="decline_cycles")
        if self.churned_p_alive > self.decline_p_alive:
            raise _invalid("config.at_most", name="churned_p_alive", other="decline_p_alive")
        return self


class ActionText(_Section):
    """A custom next-best action: its text in both languages and its priority."""

    en: str = Field(description="Text in English.")
    zh: str = Field(description="Text in Chinese.")
    priority: int = Field(5, ge=1, le=9, description="1 = most urgent; action lists sort by it.")


class PlaybookRule(_Section):
    """One playbook rule: every condition given must hold; a missing condition matches anyone."""

    action: str = Field(description="Action code (built-in or defined under playbooks.actions).")
    churn_signal: bool | None = Field(None, description="Churn signal present (true) or absent (false).")
    tier: list[Tier] | None = Field(None, description="Tiers the rule applies to.")
    lifecycle_stage: list[LifecycleStage] | None = Field(None, description="Lifecycle stages it applies to.")
    rfm_group: list[RFMGroup] | None = Field(None, description="RFM groups it applies to.")
    rfm_segment: list[str] | None = Field(None, description="RFM segments it applies to.")
    quadrant: list[Quadrant] | None = Field(None, description="Value × potential quadrants it applies to.")


class PlaybookConfig(_Section):
    """Next best action per customer: custom rules first, then the built-in ones (docs/playbooks.md)."""

    rules: list[PlaybookRule] = Field(
        default_factory=list, description="Custom rules, checked in order before the built-in rules."
    )
    actions: dict[str, ActionText] = Field(
        default_factory=dict, description="Custom action codes with zh/en text and priority (may override built-ins)."
    )
    builtin_rules: bool = Field(True, description="Apply the built-in rules after the custom ones.")
    default_action: str = Field("automated_message", description="Action of customers no rule matches.")

    @model_validator(mode="after")
    def _known_actions(self) -> PlaybookConfig:
        known = set(BUILTIN_ACTIONS) | set(self.actions)
        unknown = sorted(({r.action for r in self.rules} | {self.default_action}) - known)
        if unknown:
            raise _invalid("config.unknown_actions", actions=", ".join(unknown), known=", ".join(BUILTIN_ACTIONS))
        return self


class ClusterConfig(_Section):
    """Behavioural clustering and the rules that describe each cluster."""

    min_k: int = Field(3, ge=2, le=20, description="Fewest clusters tried.")
    max_k: int = Field(8, ge=2, le=20, description="Most clusters tried; the number with the best silhouette wins.")
    sample_size: int = Field(
        50_000, ge=1000, description="Customers the clusters and rules are fitted on; every customer is assigned."
    )
    rule_depth: int = Field(
        3, ge=1, le=3, description="Most conditions in a cluster's rule (depth of its decision tree)."
    )
    min_customers: int = Field(30, ge=2, description="With fewer customers everyone forms one cluster.")
    seed: int = Field(0, ge=0, description="Seed of the sample and the clustering: same data and seed, same clusters.")
    exclude: list[str] = Field(default_factory=list, description="Dimensions not to cluster on, e.g. [hour_mean].")

    @model_validator(mode="after")
    def _k_range(self) -> ClusterConfig:
        if self.min_k > self.max_k:
            raise _invalid("config.at_most", name=f"min_k ({self.min_k})", other=f"max_k ({self.max_k})")
        return self


class Settings(_Section):
    """Everything in ``cva.yaml``."""

    language: Literal["en", "zh"] = Field("en", description="Language of messages and reports (en or zh).")
    currency: str | None = Field(
        None,
        description="ISO 4217 code of amounts whose data names no currency (no symbol, no currency column); "
        "unset: unknown, shown without a symbol.",
    )
    sources: list[SourceConfig] = Field(default_factory=list, description="Sources read by `cva ingest`.")
    mappings: dict[TableName, dict[str, str]] = Field(
        default_factory=dict, description="Per table, source header -> canonical column."
    )
    quality: QualityConfig = Field(default_factory=QualityConfig, description="Cleaning rules.")
    rfm: RFMConfig = Field(default_factory=RFMConfig, description="RFM scoring.")
    value: ValueWeights = Field(default_factory=ValueWeights, description="Value score weights and tiers.")
    models: ModelsConfig = Field(default_factory=ModelsConfig, description="Lifetime value models.")
    churn: ChurnConfig = Field(default_factory=ChurnConfig, description="Churn model and alerts.")
    lifecycle: LifecycleConfig = Field(default_factory=LifecycleConfig, description="Lifecycle stage rules.")
    clusters: ClusterConfig = Field(default_factory=ClusterConfig, description="Behavioural clusters and their rules.")
    playbooks: PlaybookConfig = Field(default_factory=PlaybookConfig, description="Next-best-action playbooks.")

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        try:
            return None if value is None else normalise_currency(value)
        except ConfigError:
            raise _invalid("config.bad_currency", input=value) from None

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
        raise ConfigError(where=line, detail=message("config.yaml", problem=str(getattr(exc, "problem", exc)))) from exc
    if not isinstance(raw, dict):
        raise ConfigError("option.config_not_mapping", path=str(path))
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(where=str(path), detail=[_problem(err) for err in exc.errors()]) from exc
