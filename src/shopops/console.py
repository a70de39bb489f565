"""The small protocol through which core code reports progress and findings.

Core code never prints. It calls a :class:`Console`; the CLI passes one that renders
with Rich, tests pass :class:`RecordingConsole` and read what was said.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol


class Progress(Protocol):
    def advance(self, amount: int = 1) -> None: ...


class Console(Protocol):
    def info(self, message: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def task(self, description: str, total: int | None = None) -> AbstractContextManager[Progress]: ...


class _NullProgress:
    def advance(self, amount: int = 1) -> None:
        return None


class NullConsole:
    """Says nothing; the default for library calls."""

    def info(self, message: str) -> None:
        return None

    def warn(self, message: str) -> None:
        return None

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Progress]:
        yield _NullProgress()


@dataclass
class _CountingProgress:
    done: int = 0

    def advance(self, amount: int = 1) -> None:
        self.done += amount


@dataclass
class RecordingConsole:
    """Keeps every message, for tests."""

    messages: list[tuple[str, str]] = field(default_factory=list)
    tasks: list[tuple[str, int | None, int]] = field(default_factory=list)

    def info(self, message: str) -> None:
        self.messages.append(("info", message))

    def warn(self, message: str) -> None:
        self.messages.append(("warn", message))

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Progress]:
        progress = _CountingProgress()
        yield progress
        self.tasks.append((description, total, progress.done))
