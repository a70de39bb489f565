"""The metric layer: a declared metric dictionary and a query API on top of the warehouse.

>>> from shopops.metrics import query                                     # doctest: +SKIP
>>> df = query(project, ["paid_amount", "buyers"], start="2026-01-01", end="2026-03-31",
...            grain="month", by=["store"], compare="mom")                 # doctest: +SKIP

``df`` has ``period_start``, ``period``, the dimensions, the metrics (and ``<m>_prev``,
``<m>_change``, ``<m>_change_pct`` with a comparison); ``df.attrs["notes"]`` explains figures
the store's sources cannot give, ``df.attrs["sql"]`` is the SQL that ran.
"""

from __future__ import annotations

from shopops.metrics.catalogue import Catalogue, Dimension, Metric, load_catalogue
from shopops.metrics.query import MetricQuery, build, explain, query, run

__all__ = ["Catalogue", "Dimension", "Metric", "MetricQuery", "build", "explain", "load_catalogue", "query", "run"]
