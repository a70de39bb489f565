"""``shopops export parquet [DIR]``: the warehouse as the Parquet layout the Spark engine reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopops.cli.state import STATE

export_app = typer.Typer(
    help="Write the warehouse out for other engines. 导出数据。", no_args_is_help=True, add_completion=False
)


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")


@export_app.command("parquet")
def parquet_cmd(
    out_dir: Annotated[
        Path | None,
        typer.Argument(help="Folder for the layout (default: spark_layout of shopops.toml, i.e. PROJECT/parquet)."),
    ] = None,
) -> None:
    """One folder per table (DIR/orders/part-0.parquet …), types kept, timestamps as local wall time.

    Point the Spark engine at it: engine = "spark" in shopops.toml (see docs/spark.md).
    Example: shopops export parquet /data/myshop-parquet
    """
    project = STATE.open_project()
    out = STATE.console()
    with project:
        written = project.export_parquet(out_dir)
        counts = project.duckdb_warehouse.counts()
    folder = next(iter(written.values())).parent.parent if written else out_dir
    rows = sum(counts.values())
    out.out.print(f"wrote {len(written)} tables ({rows:,} rows) to {folder}", highlight=False)
