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

__all__ = [
    "BetaGeoModel",
    "GammaGammaModel",
    "ModifiedBetaGeoModel",
    "ParetoNBDModel",
    "check_is_fitted",
    "customer_lifetime_value",
    "group_triples",
]
