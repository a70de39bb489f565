"""``shopops init`` and ``shopops stores``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopops.cli.state import STATE


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("stores")(stores)


def init(
    directory: Annotated[Path, typer.Argument(help="Project folder to create (default: current folder).")] = Path("."),
    store: Annotated[
        list[str] | None,
        typer.Option(
            "--store",
            "-s",
            help="NAME[:PLATFORM[:CURRENCY[:TIMEZONE]]], e.g. tmall_flagship:tmall or us:shopify:USD:America/New_York. Repeatable.",
        ),
    ] = None,
    language: Annotated[str, typer.Option("--language", "--lang", help="Report language: zh or en.")] = "zh",
    fiscal_start: Annotated[
        int, typer.Option("--fiscal-year-start-month", help="First month of the fiscal year (1-12).")
    ] = 1,
) -> None:
    """Create a project: shopops.toml and an empty DuckDB warehouse. 创建项目。"""
    from shopops.project import Project

    stores_cfg = [parse_store(s) for s in store or []]
    project = Project.init(directory, stores=stores_cfg, language=language, fiscal_year_start_month=fiscal_start)
    out = STATE.console()
    out.out.print(f"created {project.settings.config_path} and {project.settings.warehouse_path}")
    project.close()


def parse_store(text: str) -> dict[str, str]:
    parts = text.split(":")
    keys = ["name", "platform", "currency", "timezone"]
    return {k: v for k, v in zip(keys, parts, strict=False) if v}


def stores() -> None:
    """List the project's stores. 列出店铺。"""
    from rich.table import Table

    project = STATE.open_project()
    table = Table("store", "platform", "currency", "timezone")
    for s in project.settings.stores:
        table.add_row(s.name, s.platform, s.currency, s.timezone)
    STATE.console().out.print(table)
