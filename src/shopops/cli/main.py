"""Entry point: ``shopops [--project DIR] [--debug] COMMAND …``."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from shopops import __version__
from shopops.cli import analyses as analyses_cmds
from shopops.cli import analyze as analyze_cmds
from shopops.cli import calendar as calendar_cmds
from shopops.cli import data as data_cmds
from shopops.cli import export as export_cmds
from shopops.cli import forecast as forecast_cmds
from shopops.cli import metrics as metrics_cmds
from shopops.cli import plan as plan_cmds
from shopops.cli import project as project_cmds
from shopops.cli import report as report_cmds
from shopops.cli import sample as sample_cmds
from shopops.cli import track as track_cmds
from shopops.cli.state import STATE


class _Root(TyperGroup):
    """The root group: every command and sub-command also takes ``-q/--quiet`` after its name (as in
    ``shopops report weekly -q``), added here once rather than to each command's signature."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        quiet = next(p for p in self.params if p.name == "quiet")
        _add_quiet(self, quiet)


def _add_quiet(group: TyperGroup, quiet: Any) -> None:
    for command in group.commands.values():
        if not any(p.name == "quiet" for p in command.params):
            option = copy.copy(quiet)  # the root's own -q/--quiet, so the help and parsing are the same
            option.expose_value = False
            option.callback = _set_quiet
            command.params.append(option)
        if isinstance(command, TyperGroup):
            _add_quiet(command, quiet)


def _set_quiet(ctx: Any, param: Any, value: bool) -> bool:
    if value:  # the root callback has run (it set STATE.quiet from `shopops -q`); this only turns it on
        STATE.quiet = True
    return value


app = typer.Typer(
    name="shopops",
    cls=_Root,
    help="E-commerce operations from your own exports: import, metrics, reports, plans. 电商运营数据分析。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shopops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help="Project folder (default: the current folder or the nearest parent with shopops.toml).",
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only results and errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    STATE.project = project
    STATE.debug = debug
    STATE.quiet = quiet


project_cmds.register(app)
data_cmds.register(app)
sample_cmds.register(app)
metrics_cmds.register(app)
analyses_cmds.register(app)
analyze_cmds.register(app)
report_cmds.register(app)
export_cmds.register(app)
forecast_cmds.register(app)
calendar_cmds.register(app)
track_cmds.register(app)
plan_cmds.register(app)


def main() -> None:
    from shopops.errors import ShopopsError

    try:
        app(standalone_mode=False)
    except ShopopsError as exc:
        if STATE.debug:
            raise
        from rich.console import Console
        from rich.markup import escape

        err = Console(stderr=True, soft_wrap=True)  # one line per message, also in pipes and logs
        err.print(f"[bold red]error:[/bold red] {escape(exc.message)}", highlight=False)
        if exc.hint:
            err.print(f"  [dim]hint:[/dim] {escape(exc.hint)}", highlight=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(130)
    except Exception as exc:  # usage errors (Typer's click exceptions) and anything unexpected
        show = getattr(exc, "show", None)
        if callable(show) and hasattr(exc, "exit_code"):
            show()
            sys.exit(int(exc.exit_code))
        if STATE.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        sys.exit(70)


if __name__ == "__main__":
    main()
