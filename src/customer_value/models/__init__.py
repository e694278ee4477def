"""models stage: buy-till-you-die models of purchases, spend and retention, and their backtest.

Estimators follow the scikit-learn convention (options in ``__init__``, ``fit`` returns self,
learned values end in ``_``) and are fitted by maximum likelihood on distinct
(frequency, recency, T) triples with counts as weights.
"""

from customer_value.models._base import check_is_fitted
from customer_value.models._data import group_triples
from customer_value.models.bgnbd import BetaGeoModel
from customer_value.models.clv import customer_lifetime_value
from customer_value.models.gamma_gamma import GammaGammaModel
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

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "ShiftedBetaGeoModel",
    "check_is_fitted",
    "customer_lifetime_value",
    "group_triples",
    "simulate_bgnbd",
    "simulate_gamma_gamma",
    "simulate_mbgnbd",
    "simulate_pareto_nbd",
    "simulate_sbg",
]
