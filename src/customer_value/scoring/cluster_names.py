"""Names for clusters from their profiles: the two most distinctive traits, e.g. "frequent, high-spend".

A trait is a dimension and a direction (``high`` or ``low``). A cluster's distinctiveness on a
dimension is the difference between its mean and the population mean of the scaled dimension
(a standardised effect size). The largest effect gives the first trait; the second is the next
largest on a dimension not strongly correlated with the first (|r| ≤ 0.7), so a name does not
say the same thing twice ("frequent, many orders lately"). When two clusters would share a name
the later one takes further traits until it differs, or finally a number.

Names are stored as traits ``{dimension, direction}`` and rendered per language from the
``cluster.high`` / ``cluster.low`` catalog tables by :func:`render_name`.
"""

from __future__ import annotations

import numpy as np

from customer_value.i18n import msg

MAX_CORRELATION = 0.7


def _ranked_traits(effects: np.ndarray, names: list[str], corr: np.ndarray) -> list[tuple[str, str]]:
    """Traits of one cluster, most distinctive first, skipping dimensions redundant with earlier ones."""
    order = np.argsort(-np.abs(effects), kind="stable")
    chosen: list[int] = []
    for j in order:
        if all(abs(corr[j, i]) <= MAX_CORRELATION for i in chosen):
            chosen.append(int(j))
    return [(names[j], "high" if effects[j] > 0 else "low") for j in chosen]


def name_clusters(
    scaled: np.ndarray, labels: np.ndarray, ids: list[int], names: list[str], *, traits: int = 2
) -> dict[int, list[dict[str, str]]]:
    """The traits naming each cluster.

    Parameters
    ----------
    scaled
        ``(n, d)`` scaled dimensions of a sample of customers.
    labels
        ``(n,)`` cluster id of each row.
    ids
        The cluster ids, in the order names are given out (earlier clusters keep the short name).
    names
        The ``d`` dimension names.
    traits
        Traits per name.

    Returns
    -------
    dict
        Cluster id → list of ``{"dimension": ..., "direction": "high" | "low"}``.
    """
    mean, sd = scaled.mean(axis=0), scaled.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.nan_to_num(np.corrcoef(scaled, rowvar=False)) if scaled.shape[1] > 1 else np.ones((1, 1))
    taken: set[tuple[tuple[str, str], ...]] = set()
    out: dict[int, list[dict[str, str]]] = {}
    for c in ids:
        members = scaled[labels == c]
        effects = (members.mean(axis=0) - mean) / sd if len(members) else np.zeros(len(names))
        ranked = _ranked_traits(effects, names, corr)
        count = min(traits, len(ranked))
        chosen = tuple(ranked[:count])
        while chosen in taken and count < len(ranked):
            count += 1
            chosen = (*ranked[: traits - 1], ranked[count - 1]) if traits > 1 else (ranked[count - 1],)
        taken.add(chosen)
        out[c] = [{"dimension": d, "direction": direction} for d, direction in chosen]
    return out


def render_name(traits: list[dict[str, str]], lang: str = "en", *, number: int | None = None) -> str:
    """A cluster name in words, e.g. ``frequent, high-spend`` / ``高频、高消费``.

    ``number`` is appended (``frequent, high-spend (3)``) when two clusters' traits coincide.
    """
    if not traits:
        return msg("cluster.name_all", lang)
    words = [msg(f"cluster.{t['direction']}.{t['dimension']}", lang) for t in traits]
    name = words[0]
    for word in words[1:]:
        name = msg("cluster.name_pair", lang, first=name, second=word)
    return msg("cluster.name_numbered", lang, name=name, number=number) if number is not None else name
