"""models stage: buy-till-you-die models of purchases, spend and retention, and their backtest.

Estimators follow the scikit-learn convention (options in ``__init__``, ``fit`` returns self,
learned values end in ``_``) and are fitted by maximum likelihood on distinct
(frequency, recency, T) triples with counts as weights.
"""

from customer_value.models._base import check_is_fitted
from customer_value.models._data import group_triples
from customer_value.models.backtest import PURCHASE_MODELS, evaluate_models
from customer_value.models.bgnbd import BetaGeoModel
from customer_value.models.clv import customer_lifetime_value
from customer_value.models.gamma_gamma import GammaGammaModel, spend_frequency_independence
from customer_value.models.mbgnbd import ModifiedBetaGeoModel
from customer_value.models.pareto_nbd import ParetoNBDModel
from customer_value.models.sbg import ShiftedBetaGeoModel
from customer_value.models.simulate import (
    simulate_bgnbd,
    simulate_gamma_gamma,
    simulate_mbgnbd,
    simulate_pareto_nbd,
    simulate_sbg,
)
from customer_value.models.sufficiency import (
    Issue,
    SufficiencyReport,
    check_data_sufficiency,
    customer_confidence,
)

__all__ = [
    "PURCHASE_MODELS",
    "BetaGeoModel",
    "GammaGammaModel",
    "Issue",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "ShiftedBetaGeoModel",
    "SufficiencyReport",
    "check_data_sufficiency",
    "check_is_fitted",
    "customer_confidence",
    "customer_lifetime_value",
    "evaluate_models",
    "group_triples",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_mbgnbd",
    "simulate_pareto_nbd",
    "simulate_sbg",
    "spend_frequency_independence",
]
