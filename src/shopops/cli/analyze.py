"""``shopops analyze …``: every registered analysis by name, and the customer and product analyses'
own commands (buyers, cohorts, RFM, CLV, products, basket, refunds).

``shopops analyze NAME`` runs NAME's own command when it has one, and otherwise the generic runner
(:mod:`shopops.cli.run`, also reachable as ``shopops analyze run NAME`` for every name);
``shopops analyze --list`` lists the registered names. Each module registers its commands on
:data:`app` (``register(app)``).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from shopops.cli import analyze_clv, analyze_customers, analyze_products, run
from shopops.cli.state import STATE


class AnalyzeGroup(TyperGroup):
    """A name without a command of its own goes to ``run NAME``."""

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:  # (typer vendors click: its own Context)
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["run", *args]
        return super().resolve_command(ctx, args)


app = typer.Typer(
    name="analyze",
    cls=AnalyzeGroup,
    help="Run any registered analysis by name (--list), and the customer and product analyses: buyers, cohorts, "
    "RFM, CLV, products, basket, refunds. 分析：按名称运行任一分析。",
    no_args_is_help=True,
)


@app.callback(invoke_without_command=True)
def analyze_root(
    ctx: typer.Context,
    listing: Annotated[bool, typer.Option("--list", help="List every registered analysis with its title.")] = False,
) -> None:
    if listing:
        list_analyses()
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


def list_analyses() -> None:
    """Each registered name with its title in zh and en (a name whose module is not there yet is marked)."""
    from shopops.compositions import registry

    out = STATE.console()
    for name in registry.names():
        try:
            analysis = registry.get(name)
            zh, en = analysis.title_in("zh"), analysis.title_in("en")
        except Exception as exc:  # a listing shows what it can, and says what it cannot
            out.out.print(f"{name:<16} (not available: {type(exc).__name__})", highlight=False)
            continue
        out.out.print(f"{name:<16} {zh} — {en}" if zh or en else name, highlight=False)


analyze_products.register(app)
analyze_clv.register(app)
analyze_customers.register(app)
run.register(app)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="analyze")
