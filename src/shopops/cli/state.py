"""What the root callback parsed, for the commands (built at the edge, not a library global)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shopops.cli.console import RichOut
    from shopops.project import Project


@dataclass
class CliState:
    project: Path | None = None
    debug: bool = False
    quiet: bool = False

    def console(self) -> RichOut:
        from shopops.cli.console import RichOut

        return RichOut(quiet=self.quiet)

    def open_project(self) -> Project:
        from shopops.project import Project

        return Project.open(self.project, console=self.console())


STATE = CliState()
