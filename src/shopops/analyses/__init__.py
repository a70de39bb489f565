"""Analyses on top of the metric layer: one module per analysis (``Params`` → run → ``Result``).

>>> from shopops.analyses import DecomposeParams, decompose            # doctest: +SKIP
>>> result = decompose(project, DecomposeParams(start=..., end=..., base_start=..., base_end=..., by="channel"))  # doctest: +SKIP
>>> result.table                                                      # doctest: +SKIP

``ANALYSES`` maps the two original analyses to their plain functions (for notebooks). The registry of
every analysis, with its ``Params``, ``build`` and ``present``, is :mod:`shopops.compositions.registry`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shopops.analyses.decompose import DecomposeParams, DecomposeResult, decompose, lmdi, lmdi_float
from shopops.analyses.rootcause import RootCauseParams, RootCauseResult, rootcause

ANALYSES: dict[str, Callable[..., Any]] = {"decompose": decompose, "rootcause": rootcause}

__all__ = [
    "ANALYSES",
    "DecomposeParams",
    "DecomposeResult",
    "RootCauseParams",
    "RootCauseResult",
    "decompose",
    "lmdi",
    "lmdi_float",
    "rootcause",
]
