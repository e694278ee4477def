"""Values as plain JSON: lists as arrays, numbers as numbers, missing as null."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


def to_plain(value: Any) -> Any:
    """``value`` with NumPy arrays and scalars, tuples, NaN/NaT and timestamps made JSON-able.

    Arrays and tuples become lists, NumPy numbers Python numbers, NaN, NaT and ``pd.NA`` null;
    anything else (dates, timestamps: ``2025-06-30 10:15:00``) its text.
    """
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    return str(value)


def dumps(data: Any) -> str:
    """Indented JSON text (UTF-8, non-ASCII kept) of :func:`to_plain` ``(data)``."""
    return json.dumps(to_plain(data), ensure_ascii=False, indent=2, allow_nan=False)
