"""Export formats as data: which headers a source has, how each is typed, what it becomes.

A :class:`Source` lists its :class:`Field` s (canonical field name, the header texts
that mean it, a parse type) and a ``derive`` function from the parsed rows to rows of
canonical tables. New export formats are new ``Source`` entries under ``sources/``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import ibis.expr.types as ir

PARSE_TYPES = ("text", "money", "decimal", "integer", "percent", "timestamp", "timestamp_tz", "date", "unix_seconds")
KINDS = (
    "orders",
    "items",
    "refunds",
    "products",
    "customers",
    "traffic",
    "ads",
    "events",
    "targets",
    "competitors",
    "inventory",
)


@dataclass(frozen=True)
class Field:
    """One input column: ``name`` (what derive calls it), accepted ``headers``, parse ``type``.

    ``required``: the column must be in the file. ``not_null``: every row needs a value.
    """

    name: str
    headers: tuple[str, ...]
    type: str = "text"
    required: bool = False
    not_null: bool = False

    def __post_init__(self) -> None:
        if self.type not in PARSE_TYPES:
            raise ValueError(f"field {self.name}: unknown parse type {self.type!r}")


@dataclass(frozen=True)
class Context:
    store: str
    timezone: str
    platform: str
    source: str
    present: frozenset[str] = frozenset()  # fields whose column is in the file


Derive = Callable[[ir.Table, Context], Mapping[str, ir.Table]]


@dataclass(frozen=True)
class Source:
    """An export format.

    ``derive`` returns, per canonical table, an expression with that table's key
    columns, any payload columns the source knows, and ``_row`` (the file row the
    record came from; for records built from several rows, the first of them).
    """

    name: str
    kind: str
    title: str
    fields: tuple[Field, ...]
    derive: Derive
    has_header: bool = True
    platform: str | None = None
    notes: str = ""
    provides: tuple[str, ...] = field(default=())  # "table.column" the source fills

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"source {self.name}: unknown kind {self.kind!r}")

    @property
    def required_headers(self) -> list[str]:
        return [f.headers[0] for f in self.fields if f.required]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def match_headers(fields: tuple[Field, ...], headers: list[str]) -> dict[str, int]:
    """Field name -> column position, by exact header text (trimmed, case-insensitive)."""
    norm = {_norm(h): i for i, h in reversed(list(enumerate(headers)))}
    out: dict[str, int] = {}
    for f in fields:
        for alias in f.headers:
            pos = norm.get(_norm(alias))
            if pos is not None:
                out[f.name] = pos
                break
    return out


def _norm(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").strip().lower().split())
