"""Every analysis and report section by name: what the CLI, the reports, the web server and the
scheduler run.

Built-ins are listed here by module (imported when first asked for, so ``shopops --help`` stays
instant); an extension calls :func:`register` with its own :class:`~shopops.analyses.base.Analysis`.
Each module named below defines ``ANALYSIS`` (one analysis) or ``ANALYSES`` (several: a report's
sections).

>>> sorted(names())[:3]  # doctest: +SKIP
['ads', 'attribution', 'basket']
>>> get("decompose").params  # doctest: +SKIP
<class 'shopops.analyses.decompose.DecomposeParams'>
"""

from __future__ import annotations

import importlib
from typing import Any

from shopops.analyses.base import Analysis
from shopops.errors import QueryError

#: name -> the module that defines it
BUILTIN: dict[str, str] = {
    # what moved and why (the periodic reports' sections, each also runnable on its own)
    "kpis": "shopops.analyses.kpis",
    "kpi_tree": "shopops.analyses.kpis",
    "decompose": "shopops.analyses.decompose",
    "attribution": "shopops.analyses.attribution",
    "rootcause": "shopops.analyses.rootcause",
    "root_cause": "shopops.analyses.attribution",
    "trend": "shopops.analyses.traffic",
    "channels": "shopops.analyses.traffic",
    "product_sales": "shopops.analyses.items",
    "refund_summary": "shopops.analyses.items",
    "ads": "shopops.analyses.items",
    "buyer_types": "shopops.analyses.traffic",
    "stores": "shopops.analyses.traffic",
    # customers and products
    "buyers": "shopops.analyses.buyers",
    "cohorts": "shopops.analyses.cohorts",
    "rfm": "shopops.analyses.rfm",
    "clv": "shopops.analyses.clv",
    "products": "shopops.analyses.products",
    "basket": "shopops.analyses.basket",
    "refunds": "shopops.analyses.refunds",
    # plan and track
    "track": "shopops.plan.track",
    "scorecard": "shopops.plan.scorecard",
    "plan": "shopops.plan.breakdown",
    "forecast": "shopops.plan.forecast",
}

_registered: dict[str, Analysis[Any, Any]] = {}


def register(analysis: Analysis[Any, Any]) -> None:
    """Add an analysis (an extension's, or a built-in's replacement) under ``analysis.name``."""
    _registered[analysis.name] = analysis


def names() -> list[str]:
    """Every registered name, built-in and added."""
    return sorted({*BUILTIN, *_registered})


def get(name: str) -> Analysis[Any, Any]:
    """The analysis registered as ``name``; an error listing the names otherwise."""
    if name in _registered:
        return _registered[name]
    module = BUILTIN.get(name)
    if module is None:
        raise QueryError(f"unknown analysis {name!r}", hint=f"analyses: {', '.join(names())}", code="analysis.unknown")
    loaded = importlib.import_module(module)
    found = [a for a in [getattr(loaded, "ANALYSIS", None), *getattr(loaded, "ANALYSES", ())] if a is not None]
    for analysis in found:
        _registered.setdefault(analysis.name, analysis)
    if name not in _registered:
        raise QueryError(f"{module} registers no analysis {name!r}", code="analysis.missing")
    return _registered[name]


def all_analyses() -> list[Analysis[Any, Any]]:
    return [get(n) for n in names()]


__all__ = ["BUILTIN", "all_analyses", "get", "names", "register"]
