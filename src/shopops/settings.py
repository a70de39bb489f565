"""Settings: one object built at the edge (CLI callback, Python API) and passed down.

A project is a folder holding ``shopops.toml`` and the DuckDB warehouse file::

    [project]
    language = "zh"                 # zh | en
    fiscal_year_start_month = 1     # 1..12
    warehouse = "warehouse.duckdb"  # relative to the project folder
    engine = "duckdb"               # duckdb | spark (queries read a Parquet layout; see docs/spark.md)
    memory_limit = "8GB"            # optional; default half the machine's memory
    spark_master = "local[*]"       # with engine = "spark": the Spark master URL
    spark_layout = "parquet"        # with engine = "spark": the Parquet layout (folder or URI such as s3a://…)

    [[stores]]
    name = "tmall_flagship"
    platform = "tmall"              # tmall | taobao | jd | douyin | shopify | other
    currency = "CNY"
    timezone = "Asia/Shanghai"

    [calendar]                      # optional (see docs/calendar.md)
    market = "cn"                   # cn | west; default from the stores' platforms
    holidays_file = "my_holidays.toml"  # more years of official holidays (relative to the project folder)
    pattern = "calendar"            # fiscal months: calendar | 445 | 454 | 544 (retail weeks); docs/plan.md
    week_start = "mon"              # mon | sun
    weeks = "natural"               # natural (clipped to the year) | month4 (12 × 4 = 48 weeks)

    [[campaigns]]                   # the shop's own campaigns, shown beside the festivals
    key = "anniversary"
    name = "店庆"
    name_en = "Anniversary sale"    # optional
    start = 2026-08-01
    end = 2026-08-08
    day = 2026-08-08                # optional node; default end
    stores = ["tmall_flagship"]     # optional; default every store
    uplift = 1.8                    # optional planned multiple of an ordinary day

Environment variables ``SHOPOPS_LANGUAGE``, ``SHOPOPS_FISCAL_YEAR_START_MONTH``,
``SHOPOPS_WAREHOUSE``, ``SHOPOPS_ENGINE``, ``SHOPOPS_MEMORY_LIMIT``, ``SHOPOPS_SPARK_MASTER`` and
``SHOPOPS_SPARK_LAYOUT`` override the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shopops.errors import ConfigError

CONFIG_NAME = "shopops.toml"
Platform = Literal["tmall", "taobao", "jd", "douyin", "shopify", "other"]
DEFAULT_CURRENCY: dict[str, str] = {
    "tmall": "CNY",
    "taobao": "CNY",
    "jd": "CNY",
    "douyin": "CNY",
    "shopify": "USD",
    "other": "CNY",
}


class StoreConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}$")
    platform: Platform = "other"
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Asia/Shanghai)") from exc
        return value


class CalendarConfig(BaseModel):
    """``[calendar]``: which festivals to show and where more years of official holidays live."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    market: Literal["cn", "west"] | None = None
    holidays_file: str | None = Field(default=None, min_length=1)
    pattern: Literal["calendar", "445", "454", "544"] = "calendar"  # retail weeks: 445, 454, 544
    week_start: Literal["mon", "sun"] = "mon"
    weeks: Literal["natural", "month4"] = "natural"  # month4: the 12 × 4 = 48-week view


class CampaignConfig(BaseModel):
    """One ``[[campaigns]]`` entry: the shop's own campaign (店庆, 会员日 …) from ``start`` to ``end``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")
    name: str = Field(min_length=1)
    name_en: str | None = None
    start: date
    end: date
    day: date | None = None
    stores: tuple[str, ...] | None = None
    uplift: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _window(self) -> CampaignConfig:
        if self.end < self.start:
            raise ValueError(f"campaign {self.key!r}: end {self.end} is before start {self.start}")
        if self.day is not None and not self.start <= self.day <= self.end:
            raise ValueError(f"campaign {self.key!r}: day {self.day} is outside start..end ({self.start}..{self.end})")
        return self

    @property
    def node(self) -> date:
        """The campaign's main day: ``day``, or its last day."""
        return self.day or self.end


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    root: Path
    language: Literal["zh", "en"] = "zh"
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    warehouse: str = "warehouse.duckdb"
    engine: Literal["duckdb", "spark"] = "duckdb"
    memory_limit: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$")
    spark_master: str = Field(default="local[*]", min_length=1)
    spark_layout: str = Field(default="parquet", min_length=1)
    stores: tuple[StoreConfig, ...] = ()
    calendar: CalendarConfig = CalendarConfig()
    campaigns: tuple[CampaignConfig, ...] = ()

    @model_validator(mode="after")
    def _campaigns_known(self) -> Settings:
        keys = [c.key for c in self.campaigns]
        if len(set(keys)) < len(keys):
            twice = sorted({k for k in keys if keys.count(k) > 1})
            raise ValueError(
                f"campaigns: key {', '.join(twice)} appears more than once (each campaign needs its own key)"
            )
        names = {s.name for s in self.stores}
        for c in self.campaigns:
            unknown = [s for s in c.stores or () if s not in names]
            if unknown:
                known = ", ".join(sorted(names)) or "none yet"
                raise ValueError(f"campaigns: {c.key!r} names unknown store {unknown[0]!r} (stores: {known})")
        return self

    @property
    def holidays_path(self) -> Path | None:
        """``[calendar] holidays_file`` as a path (relative to the project folder), or None."""
        if self.calendar.holidays_file is None:
            return None
        path = Path(self.calendar.holidays_file)
        return path if path.is_absolute() else self.root / path

    @field_validator("engine", mode="before")
    @classmethod
    def _engine_alias(cls, value: object) -> object:
        return "spark" if value == "pyspark" else value  # the name earlier versions documented

    @property
    def spark_layout_location(self) -> str:
        """Where the Spark engine reads the Parquet layout: a URI (``hdfs://…``, ``s3a://…``,
        ``file:///…``) as written, or a local folder (relative to the project folder)."""
        if is_uri(self.spark_layout):
            return self.spark_layout
        path = Path(self.spark_layout)
        return str(path if path.is_absolute() else self.root / path)

    @property
    def spark_layout_path(self) -> Path:
        """The layout as a local folder (where ``shopops export parquet`` writes by default)."""
        if is_uri(self.spark_layout):
            raise ConfigError(
                f"spark_layout {self.spark_layout} is not a local folder; export writes to a local folder",
                hint="pass the folder (`shopops export parquet DIR`), then copy it to the cluster's storage",
            )
        return Path(self.spark_layout_location)

    @property
    def warehouse_path(self) -> Path:
        path = Path(self.warehouse)
        return path if path.is_absolute() else self.root / path

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    def store(self, name: str) -> StoreConfig:
        for store in self.stores:
            if store.name == name:
                return store
        known = ", ".join(s.name for s in self.stores) or "none yet"
        raise ConfigError(
            f"unknown store {name!r} (stores in {self.config_path}: {known})",
            hint="add it under [[stores]] in shopops.toml, or pass --platform when importing to add it",
        )

    def with_store(self, store: StoreConfig) -> Settings:
        others = tuple(s for s in self.stores if s.name != store.name)
        return self.model_copy(update={"stores": (*others, store)})

    def to_toml(self) -> str:
        lines = [
            "# shopops project settings. See README.md for every option.",
            "[project]",
            f'language = "{self.language}"',
            f"fiscal_year_start_month = {self.fiscal_year_start_month}",
            f"warehouse = {_toml_str(self.warehouse)}",
            f'engine = "{self.engine}"',
        ]
        if self.memory_limit:
            lines.append(f'memory_limit = "{self.memory_limit}"')
        defaults = Settings.model_fields
        for key in ("spark_master", "spark_layout"):
            value = getattr(self, key)
            if value != defaults[key].default:
                lines.append(f"{key} = {_toml_str(value)}")
        for store in self.stores:
            lines += [
                "",
                "[[stores]]",
                f"name = {_toml_str(store.name)}",
                f'platform = "{store.platform}"',
                f'currency = "{store.currency}"',
                f"timezone = {_toml_str(store.timezone)}",
            ]
        return "\n".join(lines + self._calendar_toml()) + "\n"

    def _calendar_toml(self) -> list[str]:
        lines: list[str] = []
        if self.calendar != CalendarConfig():
            lines += ["", "[calendar]"]
            if self.calendar.market is not None:
                lines.append(f'market = "{self.calendar.market}"')
            if self.calendar.holidays_file is not None:
                lines.append(f"holidays_file = {_toml_str(self.calendar.holidays_file)}")
            for name in ("pattern", "week_start", "weeks"):
                value = getattr(self.calendar, name)
                if value != CalendarConfig.model_fields[name].default:
                    lines.append(f'{name} = "{value}"')
        for c in self.campaigns:
            lines += ["", "[[campaigns]]", f"key = {_toml_str(c.key)}", f"name = {_toml_str(c.name)}"]
            if c.name_en is not None:
                lines.append(f"name_en = {_toml_str(c.name_en)}")
            lines += [f"start = {c.start.isoformat()}", f"end = {c.end.isoformat()}"]
            if c.day is not None:
                lines.append(f"day = {c.day.isoformat()}")
            if c.stores is not None:
                lines.append(f"stores = [{', '.join(_toml_str(s) for s in c.stores)}]")
            if c.uplift is not None:
                lines.append(f"uplift = {c.uplift!r}")
        return lines

    def save(self) -> None:
        self.config_path.write_text(self.to_toml(), encoding="utf-8")


def is_uri(location: str) -> bool:
    """``scheme://…`` (hdfs, s3a, file, abfss …) rather than a local path."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", location) is not None


def _toml_str(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


_ENV = {
    "SHOPOPS_LANGUAGE": "language",
    "SHOPOPS_FISCAL_YEAR_START_MONTH": "fiscal_year_start_month",
    "SHOPOPS_WAREHOUSE": "warehouse",
    "SHOPOPS_ENGINE": "engine",
    "SHOPOPS_MEMORY_LIMIT": "memory_limit",
    "SHOPOPS_SPARK_MASTER": "spark_master",
    "SHOPOPS_SPARK_LAYOUT": "spark_layout",
}


def find_project(start: Path | None = None) -> Path:
    """The folder holding shopops.toml: ``start`` or its nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_NAME} in {here} or any folder above it",
        hint="run `shopops init DIR` to create a project, or pass --project DIR",
    )


def load_settings(project: Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Read ``shopops.toml`` of the project at (or above) ``project``, then apply SHOPOPS_* variables."""
    root = find_project(project)
    path = root / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: not valid TOML: {exc}", hint="fix the file or re-create it with `shopops init`"
        ) from exc
    values: dict[str, object] = dict(raw.get("project", {}))
    values["stores"] = tuple(raw.get("stores", []))
    values["campaigns"] = tuple(raw.get("campaigns", []))
    if "calendar" in raw:
        values["calendar"] = raw["calendar"]
    for var, key in _ENV.items():
        value = (env if env is not None else os.environ).get(var)
        if value:
            values[key] = value
    try:
        return Settings(root=root, **values)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        raise ConfigError(f"{path}: {where}: {first['msg']}", hint="see README.md, section shopops.toml") from exc
