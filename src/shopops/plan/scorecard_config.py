"""The scorecard's configuration (``scorecard.toml``): roles and their KPIs, read and checked.

The layout is documented in :mod:`shopops.plan.scorecard` and docs/track.md; :data:`DEFAULT_CONFIG`
is the built-in scorecard used when a project has none.

>>> [r.key for r in parse_config(DEFAULT_CONFIG, "built-in").roles]
['operations', 'ads', 'service', 'design']
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from shopops.errors import ConfigError
from shopops.metrics.catalogue import Catalogue, load_catalogue
from shopops.metrics.targets import additive

CONFIG_FILE = "scorecard.toml"
KINDS = ("achievement", "value")
DIRECTIONS = ("higher", "lower")

#: The built-in scorecard, used when the project has no ``scorecard.toml``. ``previous`` targets ask
#: each rate to be at least as good as the period before, since shopops cannot know a shop's numbers;
#: write your own targets in scorecard.toml. The ads' click-through rate is the only click-through the
#: exports give (a main-image CTR needs a product traffic export with impressions and clicks per item).
DEFAULT_CONFIG = """\
# shopops built-in scorecard: copy to scorecard.toml in the project folder and set your own targets.

[[roles]]
key = "operations"
name_zh = "运营"
name_en = "Operations"

[[roles.kpis]]
metric = "paid_amount"
kind = "achievement"      # the weekly achievement rate (周达成率): actual / the week's target
target = 1.0
weight = 0.7

[[roles.kpis]]
metric = "cvr"
kind = "value"
target = "previous"       # at least last period's conversion rate
weight = 0.3

[[roles]]
key = "ads"
name_zh = "推广"
name_en = "Ads"

[[roles.kpis]]
metric = "roas"
kind = "value"
target = "previous"
weight = 0.6

[[roles.kpis]]
metric = "cpc"
kind = "value"
target = "previous"
direction = "lower"
weight = 0.4

[[roles]]
key = "service"
name_zh = "客服"
name_en = "Customer service"

[[roles.kpis]]
metric = "refund_rate"
kind = "value"
target = "previous"
direction = "lower"
weight = 1.0

[[roles]]
key = "design"
name_zh = "设计"
name_en = "Design"

[[roles.kpis]]
metric = "ctr"            # the ads' click-through rate: the only click-through the exports carry
kind = "value"
target = "previous"
weight = 1.0
"""

# ---------------------------------------------------------------- configuration


@dataclass(frozen=True)
class KpiSpec:
    metric: str
    kind: Literal["achievement", "value"]
    target: float | Literal["targets", "previous"]
    direction: Literal["higher", "lower"]
    weight: float


@dataclass(frozen=True)
class Role:
    key: str
    name_zh: str
    name_en: str
    kpis: tuple[KpiSpec, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class ScorecardConfig:
    roles: tuple[Role, ...]
    source: str  # the file it came from, or "built-in"


def load_config(path: Path | None = None, project_root: Path | None = None) -> ScorecardConfig:
    """``path``, else ``scorecard.toml`` in ``project_root``, else the built-in default."""
    if path is None and project_root is not None and (project_root / CONFIG_FILE).is_file():
        path = project_root / CONFIG_FILE
    if path is None:
        return parse_config(DEFAULT_CONFIG, "built-in")
    if not path.is_file():
        raise ConfigError(f"scorecard config {path} does not exist", hint="give an existing file with --config")
    return parse_config(path.read_text(encoding="utf-8"), str(path))


def parse_config(text: str, source: str, cat: Catalogue | None = None) -> ScorecardConfig:
    """Validate a scorecard TOML text; errors name ``source`` and the entry (``roles[2].kpis[1]``)."""
    cat = cat or load_catalogue()
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}", hint="see docs/track.md for the layout") from exc
    _no_extra(raw, {"roles"}, source, "the file")
    roles_raw = raw.get("roles")
    if not isinstance(roles_raw, list) or not roles_raw:
        raise ConfigError(f"{source}: no [[roles]]", hint="add a [[roles]] table with key, name_zh, name_en and kpis")
    roles, keys = [], set()
    for i, r in enumerate(roles_raw):
        where = f"roles[{i}]"
        if not isinstance(r, dict):
            raise ConfigError(f"{source}: {where} must be a table")
        _no_extra(r, {"key", "name_zh", "name_en", "kpis"}, source, where)
        key = r.get("key")
        if not isinstance(key, str) or not key:
            raise ConfigError(f'{source}: {where} needs a key (e.g. key = "ads")')
        where = f"roles[{i}] ({key})"
        if key in keys:
            raise ConfigError(f"{source}: {where}: role key {key!r} is repeated")
        keys.add(key)
        kpis = r.get("kpis")
        if not isinstance(kpis, list) or not kpis:
            raise ConfigError(f"{source}: {where} has no [[roles.kpis]]", hint="give the role at least one KPI")
        specs = tuple(_kpi(k, cat, source, f"{where}.kpis[{j}]") for j, k in enumerate(kpis))
        roles.append(Role(key, str(r.get("name_zh", key)), str(r.get("name_en", key)), specs))
    return ScorecardConfig(tuple(roles), source)


def _no_extra(table: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise ConfigError(f"{source}: {where}: unknown key {', '.join(extra)}; allowed: {', '.join(sorted(allowed))}")


def _kpi(k: Any, cat: Catalogue, source: str, where: str) -> KpiSpec:
    if not isinstance(k, dict):
        raise ConfigError(f"{source}: {where} must be a table")
    _no_extra(k, {"metric", "kind", "target", "direction", "weight"}, source, where)
    metric = k.get("metric")
    if not isinstance(metric, str) or metric not in cat.metrics:
        raise ConfigError(
            f"{source}: {where}: unknown metric {metric!r}",
            hint=f"valid metrics: {', '.join(cat.metrics)} (see docs/metrics.md)",
        )
    where = f"{where} ({metric})"
    kind = k.get("kind", "value")
    if kind not in KINDS:
        raise ConfigError(f"{source}: {where}: kind must be achievement or value, not {kind!r}")
    m = cat.metrics[metric]
    summable = additive(cat, metric) and m.unit in ("money", "count")
    target = k.get("target", 1.0 if kind == "achievement" else "previous")
    if kind == "achievement" and not summable:
        raise ConfigError(
            f"{source}: {where}: an achievement needs a metric with targets (a sum such as paid_amount)",
            hint='use kind = "value" with a number target for rates',
        )
    if isinstance(target, bool) or not (isinstance(target, int | float) or target in ("targets", "previous")):
        raise ConfigError(f'{source}: {where}: target must be a number, "targets" or "previous", not {target!r}')
    if kind == "achievement" and isinstance(target, str):
        raise ConfigError(f"{source}: {where}: an achievement's target is a rate such as 1.0 or 0.95")
    if target == "targets" and not summable:
        raise ConfigError(f"{source}: {where}: the targets table holds sums (paid_amount …), not {metric}")
    direction = k.get("direction", "higher" if m.good == "up" or kind == "achievement" else "lower")
    if direction not in DIRECTIONS:
        raise ConfigError(f"{source}: {where}: direction must be higher or lower, not {direction!r}")
    weight = k.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or weight <= 0:
        raise ConfigError(f"{source}: {where}: weight must be a positive number, not {weight!r}")
    rule: float | Literal["targets", "previous"] = float(target) if not isinstance(target, str) else target  # type: ignore[assignment]
    return KpiSpec(metric, kind, rule, direction, float(weight))


__all__ = [
    "CONFIG_FILE",
    "DEFAULT_CONFIG",
    "DIRECTIONS",
    "KINDS",
    "KpiSpec",
    "Role",
    "ScorecardConfig",
    "load_config",
    "parse_config",
]
