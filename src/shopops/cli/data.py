"""``shopops import``, ``imports``, ``quarantine``, ``sources``, ``summary``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shopops.cli.state import STATE

if TYPE_CHECKING:
    import pandas as pd

    from shopops.cli.console import RichOut
    from shopops.project import Project
    from shopops.warehouse.load import ImportSummary


def register(app: typer.Typer) -> None:
    app.command("import")(import_cmd)
    app.command("imports")(imports)
    app.command("quarantine")(quarantine)
    app.command("sources")(sources)
    app.command("summary")(summary)


def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="Export files (CSV, TXT, XLSX, Parquet; .gz ok).")],
    store: Annotated[
        str | None, typer.Option("--store", "-s", help="Store the data belongs to (as in shopops.toml).")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            "-k",
            help="orders, items, refunds, products, customers, traffic, ads, events, targets, competitors, inventory.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Export format (see `shopops sources`); detected from the headers when left out."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", "-m", help="Mapping file (TOML) from the file's columns to canonical fields."),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(
            "--platform",
            help="Platform for a store not yet in shopops.toml (it is added; default: the export format's, "
            "e.g. tmall for a Tmall order report, else other).",
        ),
    ] = None,
    suggest_mapping: Annotated[
        bool,
        typer.Option("--suggest-mapping", help="Print a mapping file proposed from the header names; import nothing."),
    ] = False,
) -> None:
    """Import exports into the warehouse: one transaction per file, nothing lost, no duplicates. 导入数据。"""
    if suggest_mapping:
        _suggest(files, kind)
        return
    if store is None:
        raise typer.BadParameter("--store is required (the store the data belongs to)", param_hint="--store")
    from shopops.errors import ConfigError
    from shopops.warehouse.load import source_platform

    project = STATE.open_project()
    out = STATE.console()
    try:
        project.settings.store(store)
    except ConfigError:
        # the platform of the export format (named, mapped or detected from the first file's headers)
        guess = platform or source_platform(files[0], source=source, kind=kind, mapping=mapping) or "other"
        project.add_store(store, platform=guess)
        out.info(f"added store {store!r} (platform {guess}) to {project.settings.config_path}")
    quarantined: list[int] = []
    with project:
        for path in files:
            summary = project.import_files([path], store=store, source=source, kind=kind, mapping=mapping)[0]
            _print_summary(out, summary)
            if summary.quarantined:
                quarantined.append(summary.import_id)
            if not summary.rows_read:
                out.warn(f"{summary.file}: the file held no rows (only its header): nothing was imported")
    for import_id in quarantined:
        out.info(f"see the quarantined rows with `shopops quarantine --import {import_id}`")


def _print_summary(out: RichOut, s: ImportSummary) -> None:
    console = out.out
    console.print(
        f"[bold]{s.file}[/bold] ({s.source}, {s.encoding}, import #{s.import_id}): "
        f"rows read {s.rows_read:,} = loaded {s.loaded:,} + updated {s.updated:,} + unchanged {s.unchanged:,}"
        f" + quarantined {s.quarantined:,}",
        highlight=False,
    )
    for table, c in s.tables.items():
        console.print(
            f"  {table}: {c.loaded:,} new, {c.updated:,} updated, {c.unchanged:,} unchanged",
            highlight=False,
        )


def _suggest(files: list[Path], kind: str | None) -> None:
    from shopops.ingest.mapping import mapping_toml, suggest_mapping
    from shopops.ingest.readers import read_head

    for path in files:
        headers, _ = read_head(path)
        found_kind, found = suggest_mapping(headers, kind)
        typer.echo(mapping_toml(found_kind, found, headers), nl=False)


def imports() -> None:
    """The import manifest: file, hash, source, kind, rows. 导入记录。"""
    project = STATE.open_project()
    frame = project.imports()
    cols = [
        "import_id",
        "file",
        "source",
        "kind",
        "store",
        "rows_read",
        "loaded",
        "updated",
        "unchanged",
        "quarantined",
        "finished_at",
    ]
    _table(frame[cols] if len(frame) else frame, "no imports yet")


def quarantine(
    import_id: Annotated[int | None, typer.Option("--import", help="Only this import.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many rows (0 = all).")] = 50,
    fmt: Annotated[str, typer.Option("--format", help="table or csv.")] = "table",
) -> None:
    """Rows that were not loaded, with file, row, column and reason. 隔离行。"""
    project = STATE.open_project()
    frame = project.quarantine(import_id, limit or None)
    if fmt == "csv":
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    _table(frame, "no quarantined rows")


def sources() -> None:
    """Export formats shopops reads, with the headers each needs. 支持的导出格式。"""
    from rich.table import Table

    from shopops.ingest.sources import GENERIC, SOURCES

    table = Table("source", "kind", "platform", "what", "required columns")
    for s in SOURCES.values():
        table.add_row(s.name, s.kind, s.platform or "", s.title, ", ".join(s.required_headers) or "(no header)")
    table.add_row("generic", ", ".join(GENERIC), "", "any file via header synonyms or --mapping", "see docs/sources.md")
    STATE.console().out.print(table)


def summary() -> None:
    """Key totals per store from the warehouse. 各店铺关键汇总。"""
    project = STATE.open_project()
    print_store_totals(project)


def print_store_totals(project: Project) -> None:
    from rich.table import Table

    from shopops.warehouse.summary import store_totals

    totals = store_totals(project.warehouse)
    table = Table(
        "store",
        "orders",
        "paid orders",
        "支付金额 paid",
        "退款 refunds",
        "units",
        "buyers",
        "visitors",
        "ad spend",
        "from",
        "to",
    )
    for t in totals:
        table.add_row(
            f"{t.store} ({t.currency})",
            f"{t.orders:,}",
            f"{t.paid_orders:,}",
            f"{t.paid_amount:,.2f}",
            f"{t.refund_amount:,.2f}",
            _opt(t.units),
            _opt(t.buyers),
            _opt(t.traffic_uv),
            f"{t.ad_spend:,.2f}" if t.ad_spend is not None else "n/a",
            str(t.first_day or ""),
            str(t.last_day or ""),
        )
    out = STATE.console()
    out.out.print(table)
    for t in totals:
        for note in t.notes:
            out.out.print(f"{t.store}: {note}", highlight=False, markup=False)


def _opt(value: int | None) -> str:
    return f"{value:,}" if value is not None else "n/a"


def _table(frame: pd.DataFrame, empty: str) -> None:
    from rich.table import Table

    out = STATE.console()
    if not len(frame):
        out.out.print(empty)
        return
    table = Table(*[str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        table.add_row(*["" if v is None else str(v) for v in row])
    out.out.print(table)
