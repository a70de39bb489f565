"""``shopops init`` and ``shopops stores [list|add]``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopops.cli.state import STATE

STORE_SPEC = "NAME[:PLATFORM[:CURRENCY[:TIMEZONE]]]"

stores_app = typer.Typer(
    help="The project's stores: `shopops stores` (or `stores list`) lists them, `stores add` adds. 店铺。",
    invoke_without_command=True,
    add_completion=False,
)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(stores_app, name="stores")


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
    """``us:shopify:USD:America/New_York`` → name, platform, currency, timezone (the ones given)."""
    parts = text.split(":")
    if len(parts) > 4:
        raise typer.BadParameter(f"{text!r}: write {STORE_SPEC}, e.g. us:shopify:USD:America/New_York")
    keys = ["name", "platform", "currency", "timezone"]
    found = {k: v.strip() for k, v in zip(keys, parts, strict=False) if v.strip()}
    if "currency" in found:
        found["currency"] = found["currency"].upper()
    return found


@stores_app.callback()
def stores_cmd(ctx: typer.Context) -> None:
    """The project's stores; without a sub-command, list them. 店铺。"""
    if ctx.invoked_subcommand is None:
        list_cmd()


@stores_app.command("list")
def list_cmd() -> None:
    """List the project's stores: name, platform, currency, timezone. 列出店铺。"""
    from rich.table import Table

    project = STATE.open_project()
    if not project.settings.stores:
        STATE.console().out.print("no stores yet; add one with `shopops stores add NAME:PLATFORM`", highlight=False)
        return
    table = Table("store", "platform", "currency", "timezone")
    for s in project.settings.stores:
        table.add_row(s.name, s.platform, s.currency, s.timezone)
    STATE.console().out.print(table)


@stores_app.command("add")
def add_cmd(
    specs: Annotated[
        list[str],
        typer.Argument(
            metavar=STORE_SPEC,
            help="Stores to add, e.g. tmall_flagship:tmall or us:shopify:USD:America/New_York. Currency defaults "
            "to the platform's (USD for shopify, else CNY), timezone to Asia/Shanghai.",
        ),
    ],
) -> None:
    """Add stores to shopops.toml (all or none: each is checked first). 添加店铺。

    Example: shopops stores add tmall_flagship:tmall us:shopify:USD:America/New_York
    """
    project = STATE.open_project()
    with project:
        added = project.add_stores([parse_store(s) for s in specs])
    out = STATE.console()
    for s in added:
        out.out.print(
            f"added store {s.name} ({s.platform}, {s.currency}, {s.timezone}) to {project.settings.config_path}",
            highlight=False,
        )
