"""One error hierarchy. Every error carries what the user needs and a hint that says what to do.

The CLI turns a :class:`ShopopsError` into one clear line and a non-zero exit code;
``--debug`` shows the traceback.
"""

from __future__ import annotations


class ShopopsError(Exception):
    """Root of every error shopops raises on purpose."""

    exit_code = 1
    #: a stable, machine-readable name of the error (``period.syntax``, ``param.invalid`` …): the web API
    #: and tests match on it, never on the wording
    code = "error"

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} — {self.hint}"
        return self.message


class ConfigError(ShopopsError):
    """shopops.toml or an option is wrong, or no project was found."""

    code = "config"

    exit_code = 2


class InputError(ShopopsError):
    """A file cannot be imported; names the file and, where known, row and column."""

    code = "input"

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message, hint=hint, code=code)
        self.file = file
        self.row = row
        self.column = column


class FormatError(InputError):
    """The file's layout is not one we can read (unknown format, missing required columns)."""

    code = "format"


class NotAvailableError(ShopopsError):
    """A figure needs data the imported sources do not carry (e.g. buyer ids in a Tmall report)."""

    code = "not_available"

    exit_code = 4


class QueryError(ConfigError):
    """A metric query names an unknown metric, dimension, grain, filter or comparison, or combines them
    in a way the metric catalogue does not allow; the message lists the valid choices."""

    code = "query"
