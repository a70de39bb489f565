"""The Python API: a project folder with its settings and warehouse.

>>> from shopops.project import Project
>>> import tempfile, pathlib
>>> p = Project.init(pathlib.Path(tempfile.mkdtemp()) / "shop", stores=[{"name": "s1", "platform": "tmall"}])
>>> [s.name for s in p.settings.stores]
['s1']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shopops.console import Console, NullConsole
from shopops.errors import ConfigError
from shopops.settings import CONFIG_NAME, DEFAULT_CURRENCY, Platform, Settings, StoreConfig, load_settings

if TYPE_CHECKING:  # the warehouse (Ibis, DuckDB, pandas) loads when first used, so that commands that only
    # read shopops.toml (`shopops stores`) start at once
    import pandas as pd

    from shopops.compositions.plan import PlanRun
    from shopops.plan import PlanParams
    from shopops.reports.model import Report
    from shopops.warehouse import Warehouse
    from shopops.warehouse.load import ImportSummary
    from shopops.warehouse.scope import Scope


class Project:
    """A shopops project: ``shopops.toml`` plus the warehouse file, in one folder."""

    def __init__(self, settings: Settings, console: Console | None = None) -> None:
        self.settings = settings
        self.console = console or NullConsole()
        self._warehouse: Warehouse | None = None  # the DuckDB file
        self._spark: Warehouse | None = None  # engine = "spark": the Parquet layout, read only

    @classmethod
    def open(cls, path: Path | str | None = None, console: Console | None = None) -> Project:
        return cls(load_settings(Path(path) if path is not None else None), console)

    @classmethod
    def init(
        cls,
        path: Path | str,
        *,
        stores: Iterable[Mapping[str, Any]] = (),
        language: str = "zh",
        fiscal_year_start_month: int = 1,
        exist_ok: bool = False,
        console: Console | None = None,
    ) -> Project:
        root = Path(path).resolve()
        if (root / CONFIG_NAME).exists() and not exist_ok:
            raise ConfigError(
                f"{root / CONFIG_NAME} already exists", hint="open the project instead, or choose another folder"
            )
        root.mkdir(parents=True, exist_ok=True)
        store_cfgs = tuple(_store(dict(s)) for s in stores)
        settings = Settings(
            root=root,
            language=language,  # type: ignore[arg-type]
            fiscal_year_start_month=fiscal_year_start_month,
            stores=store_cfgs,
        )
        settings.save()
        project = cls(settings, console)
        project.duckdb_warehouse.ensure_tables()  # creates the warehouse file and its tables
        return project

    @property
    def warehouse(self) -> Warehouse:
        """The warehouse queries read: DuckDB, or with ``engine = "spark"`` the Parquet layout on Spark."""
        if self.settings.engine == "spark":
            if self._spark is None:
                from shopops.warehouse import Warehouse

                self._spark = Warehouse.open_spark(self.settings)
            return self._spark
        return self.duckdb_warehouse

    @property
    def duckdb_warehouse(self) -> Warehouse:
        """The DuckDB warehouse file, whatever the engine: imports write it, exports read it."""
        if self._warehouse is None:
            from shopops.warehouse import Warehouse

            self._warehouse = Warehouse.open(self.settings)
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None
        if self._spark is not None:
            self._spark.close()
            self._spark = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add_store(
        self, name: str, platform: str = "other", currency: str | None = None, timezone: str = "Asia/Shanghai"
    ) -> StoreConfig:
        """Add a store to shopops.toml (currency from the platform when not given); a name already
        there is an error (:class:`ConfigError`), as are an unknown platform, currency or timezone."""
        return self.add_stores([{"name": name, "platform": platform, "currency": currency, "timezone": timezone}])[0]

    def add_stores(self, stores: Iterable[Mapping[str, Any]]) -> list[StoreConfig]:
        """Add several stores at once: every one is checked before any is written."""
        added = [_store(dict(s)) for s in stores]
        names = [s.name for s in self.settings.stores]
        for store in added:
            if store.name in names:
                raise ConfigError(
                    f"store {store.name!r} already exists in {self.settings.config_path}",
                    hint="choose another name, or edit its [[stores]] entry in shopops.toml to change it",
                )
            names.append(store.name)
        settings = self.settings
        for store in added:
            settings = settings.with_store(store)
        self.settings = settings
        self.settings.save()
        if self._warehouse is not None:
            self._warehouse.settings = self.settings
            self._warehouse.sync_stores()
        return added

    def import_files(
        self,
        paths: Iterable[Path | str],
        *,
        store: str,
        source: str | None = None,
        kind: str | None = None,
        mapping: Path | str | None = None,
    ) -> list[ImportSummary]:
        """Import each file in its own transaction; see :func:`shopops.warehouse.load.import_file`."""
        from shopops.warehouse.load import import_file

        return [
            import_file(
                self.duckdb_warehouse, p, store=store, source=source, kind=kind, mapping=mapping, console=self.console
            )
            for p in paths
        ]

    def export_parquet(self, out_dir: Path | str | None = None) -> dict[str, Path]:
        """Write the DuckDB warehouse as the Parquet layout the Spark engine reads (default folder:
        ``spark_layout`` of shopops.toml); see :meth:`Warehouse.export_parquet` and docs/spark.md."""
        target = Path(out_dir) if out_dir is not None else self.settings.spark_layout_path
        return self.duckdb_warehouse.export_parquet(target)

    def report(
        self,
        kind: str = "weekly",
        *,
        day: date | None = None,
        stores: Iterable[str] | Scope = (),
        lang: str | None = None,
        out_dir: Path | str | None = None,
        formats: Iterable[str] = ("html", "xlsx", "md", "json"),
    ) -> tuple[Report, dict[str, Path]]:
        """Build a ``daily``/``weekly``/``monthly``/``customers`` report of ``stores`` (names, or a Scope
        already resolved; one currency) and write it (default folder: ``reports/`` in the project); returns
        the report object and the files. See docs/reports.md."""
        from shopops.compositions.reports import build
        from shopops.reports import render
        from shopops.warehouse.scope import Scope

        scope = stores if isinstance(stores, Scope) else Scope.resolve(self.warehouse, tuple(stores))
        report = build(kind, scope, day=day, lang=lang or self.settings.language)
        target = Path(out_dir) if out_dir is not None else self.settings.root / "reports"
        return report, render(report, target, formats=tuple(formats))

    def plan(
        self,
        params: PlanParams,
        *,
        cvr: float | None = None,
        aov: float | None = None,
        top: int = 5,
        save: bool = True,
        lang: str | None = None,
        out_dir: Path | str | None = None,
        formats: Iterable[str] = ("html", "xlsx", "json"),
    ) -> PlanRun:
        """Plan a year's target down to days, with what it takes; save it as targets (``save``) and write the
        plan report (default folder: ``reports/``; no ``formats``: no file). See docs/plan.md."""
        from shopops.compositions.plan import run_plan
        from shopops.reports import render

        run = run_plan(self, params, cvr=cvr, aov=aov, top=top, save=save, lang=lang)
        wanted = tuple(formats)
        target = Path(out_dir) if out_dir is not None else self.settings.root / "reports"
        run.paths = render(run.report, target, formats=wanted) if wanted else {}
        return run

    def imports(self) -> pd.DataFrame:
        return self.warehouse.imports()

    def quarantine(self, import_id: int | None = None, limit: int | None = None) -> pd.DataFrame:
        return self.warehouse.quarantine(import_id, limit)


def _store(values: dict[str, Any]) -> StoreConfig:
    platform = values.get("platform") or "other"
    if not values.get("currency"):
        values["currency"] = DEFAULT_CURRENCY.get(platform, "CNY")
    values = {k: v for k, v in values.items() if v is not None}
    _check_store(values)
    try:
        return StoreConfig(**values)
    except Exception as exc:  # pydantic's ValidationError, reworded for the user
        raise ConfigError(
            f"invalid store {values.get('name')!r}: {exc}",
            hint="check the store's name, platform, currency and timezone",
        ) from exc


def _check_store(values: dict[str, Any]) -> None:
    """One clear message per wrong field (pydantic's would list them in its own words)."""
    name = str(values.get("name") or "")
    if not re.fullmatch(r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}", name):
        raise ConfigError(
            f"invalid store name {name!r}",
            hint="use 1 to 64 letters, digits, _, - or Chinese characters, e.g. tmall_flagship",
        )
    platforms = get_args(Platform)
    platform = values.get("platform", "other")
    if platform not in platforms:
        raise ConfigError(
            f"store {name!r}: unknown platform {platform!r}", hint=f"choose one of {', '.join(platforms)}"
        )
    currency = values.get("currency", "CNY")
    if not re.fullmatch(r"[A-Z]{3}", str(currency)):
        raise ConfigError(
            f"store {name!r}: {currency!r} is not a currency code",
            hint="write the 3-letter ISO 4217 code in capitals, e.g. CNY, USD, EUR",
        )
    timezone = str(values.get("timezone", "Asia/Shanghai"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"store {name!r}: unknown timezone {timezone!r}",
            hint="write an IANA timezone name, e.g. Asia/Shanghai or America/New_York",
        ) from None
