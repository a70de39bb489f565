"""Import one export file into the warehouse: all or nothing, nothing lost, nothing doubled.

The steps, all inside one transaction:

1. stage the file's rows as text (``_row`` = data-row number);
2. parse every field in the engine; a cell that does not parse quarantines its row;
3. ``derive`` canonical records (a row may yield several: an order line and its order);
4. classify each record against the warehouse and against earlier rows of the same
   file with the same key: **loaded** (new key), **updated** (different values),
   **unchanged** (same values). Within a file, rows apply in order, so the last
   version of a key is what is stored;
5. a row's status is the strongest of its records' (loaded > updated > unchanged);
   ``rows read = loaded + updated + unchanged + quarantined`` holds by construction;
6. write the manifest row. Any error rolls everything back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir
import pyarrow as pa

from shopops.backends import delete_within, drop_temp, replace_rows, stage_arrow, transaction
from shopops.console import Console, NullConsole, Progress
from shopops.errors import FormatError
from shopops.ingest.formats import Context, Field, Source, match_headers
from shopops.ingest.mapping import load_mapping
from shopops.ingest.parse import fast_value, parser_for
from shopops.ingest.readers import RawData, open_raw
from shopops.ingest.sources import detect_source, get_source
from shopops.ingest.sources.generic import GENERIC
from shopops.warehouse.schema import TABLES
from shopops.warehouse.store import Warehouse

LOADED, UPDATED, UNCHANGED = 3, 2, 1


@dataclass
class TableCounts:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Supersede:
    """Stored target rows a targets file replaces (a saved plan): the store's targets of ``metric``
    overlapping ``start``..``end`` and reaching at most ``margin_days`` beyond it (a plan of the same
    year on another calendar), deleted in the import's own transaction."""

    metric: str
    start: date
    end: date
    margin_days: int = 0


@dataclass
class ImportSummary:
    import_id: int
    file: str
    source: str
    kind: str
    store: str
    encoding: str
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    tables: dict[str, TableCounts] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)
    seconds: float = 0.0
    superseded: int = 0  # stored rows the file replaced (Supersede), not part of the file's counts

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.loaded + self.updated + self.unchanged + self.quarantined

    def line(self) -> str:
        return (
            f"{self.file}: rows read {self.rows_read:,} = loaded {self.loaded:,} + updated {self.updated:,}"
            f" + unchanged {self.unchanged:,} + quarantined {self.quarantined:,}"
            + (f" (replacing {self.superseded:,} earlier target rows)" if self.superseded else "")
        )


def resolve_source(path: Path, *, source: str | None, kind: str | None, mapping: Path | None) -> tuple[Source, RawData]:
    """Pick the export format (named, from a mapping file, or detected from the headers) and open the file."""
    if mapping is not None:
        src = load_mapping(mapping, kind)
        return src, open_raw(path)
    if source is not None:
        src = get_source(source, kind)
        names = [f.headers[0] for f in src.fields] if not src.has_header else None
        return src, open_raw(path, has_header=src.has_header, column_names=names)
    raw = open_raw(path)
    detected = detect_source(raw.headers, kind)
    if detected is not None:
        return detected, raw
    if kind is not None:
        generic = GENERIC[kind]
        found = match_headers(generic.fields, raw.headers)
        if all(f.name in found for f in generic.fields if f.required):
            return generic, raw
    shown = ", ".join(repr(h) for h in raw.headers[:30])
    raise FormatError(
        f"unknown export format (columns found: {shown})",
        file=str(path),
        hint="pass --source (see `shopops sources`), or write a mapping with "
        f"`shopops import --suggest-mapping {path} > mapping.toml` and import with --mapping mapping.toml",
    )


def _missing_columns(path: Path, src: Source, headers: list[str], missing: list[str], kind: str | None) -> FormatError:
    """Missing required columns; when the headers are those of another export format (``--source tmall``
    on a ``tmall_report`` file), say which one and how to import it."""
    message = (
        f"missing required column(s) {', '.join(repr(m) for m in missing)} for source {src.name!r}"
        f" (columns found: {', '.join(repr(h) for h in headers[:30])})"
    )
    other = detect_source(headers, kind) if src.has_header else None
    if other is not None and other.name != src.name:
        return FormatError(
            f"{message}; this file's headers are those of {other.name} ({other.title})",
            file=str(path),
            hint=f"import it with --source {other.name} or without --source",
        )
    return FormatError(
        message,
        file=str(path),
        hint=f"map them with `shopops import --suggest-mapping {path} > mapping.toml`, edit it, then import with --mapping mapping.toml",
    )


def source_platform(
    path: Path | str, *, source: str | None = None, kind: str | None = None, mapping: Path | str | None = None
) -> str | None:
    """The platform of the export format ``path`` is read as — named, from a mapping file, or detected
    from its headers (``tmall_report`` → ``tmall``) — or None for a format of no platform (generic, traffic
    reports …). An import that adds its store takes the platform from here."""
    src, _ = resolve_source(Path(path), source=source, kind=kind, mapping=Path(mapping) if mapping else None)
    return src.platform


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_file(
    wh: Warehouse,
    path: Path | str,
    *,
    store: str,
    source: str | None = None,
    kind: str | None = None,
    mapping: Path | str | None = None,
    console: Console | None = None,
    supersede: Supersede | None = None,
) -> ImportSummary:
    """Import ``path`` for ``store``. Raises :class:`InputError`/`FormatError` before touching the warehouse.

    ``supersede`` (targets only): first delete the store's stored targets it names, in the same
    transaction, so a re-saved plan leaves no row of the plan it replaces."""
    out: Console = console or NullConsole()
    path = Path(path)
    started = time.perf_counter()
    store_cfg = wh.settings.store(store)
    src, raw = resolve_source(path, source=source, kind=kind, mapping=Path(mapping) if mapping else None)
    positions = match_headers(src.fields, raw.headers)
    if not src.has_header:
        positions = {f.name: i for i, f in enumerate(src.fields) if i < len(raw.headers)}
    missing = [f.headers[0] for f in src.fields if f.required and f.name not in positions]
    if missing:
        raise _missing_columns(path, src, raw.headers, missing, kind)
    ctx = Context(store_cfg.name, store_cfg.timezone, store_cfg.platform, src.name, frozenset(positions))
    sha = file_sha256(path)
    con = wh.con
    summary = ImportSummary(0, str(path), src.name, src.kind, store, raw.encoding)
    if supersede is not None and src.kind != "targets":
        raise ValueError(f"supersede is for targets files, not {src.kind}")
    with out.task(f"importing {path.name}", None) as progress, transaction(con):
        if supersede is not None:
            summary.superseded = delete_within(
                con,
                "targets",
                {"store": store_cfg.name, "metric": supersede.metric},
                "period_start",
                "period_end",
                supersede.start,
                supersede.end,
                timedelta(days=supersede.margin_days),
            )
        imports = con.table("imports")
        summary.import_id = int(imports.import_id.max().fill_null(0).execute()) + 1
        batches = _counted(raw, progress)
        try:
            staged = stage_arrow(con, "__raw", pa.RecordBatchReader.from_batches(raw.schema(), batches))
        except Exception:
            # the engine wraps a reader's error in its own; the reader kept ours (file, row, hint)
            if raw.failure is not None:
                raise raw.failure from None
            raise
        try:
            _run(wh, src, raw, staged, positions, ctx, summary)
        finally:
            for name in (
                "__raw",
                "__fast",
                "__parsed",
                "__status",
                "__quarantine",
                "__bad_raw",
                *(f"__out_{t}{suffix}" for t in TABLES for suffix in ("", "_s")),
            ):
                drop_temp(con, name)
        if not summary.balanced:  # a bug, never bad input: the counts are built to add up; commit nothing
            raise AssertionError(f"import counts do not add up: {summary}")
        _write_manifest(wh, summary, sha, started)
    summary.seconds = time.perf_counter() - started
    return summary


def _counted(raw: RawData, progress: Progress) -> Iterator[pa.RecordBatch]:
    for batch in raw.batches:
        progress.advance(batch.num_rows)
        yield batch


def _run(
    wh: Warehouse,
    src: Source,
    raw: RawData,
    staged: ir.Table,
    positions: dict[str, int],
    ctx: Context,
    summary: ImportSummary,
) -> None:
    con = wh.con
    staged_rows = int(staged.count().execute())
    summary.rows_read = staged_rows + len(raw.bad_rows)

    # 2. parse, in two passes: plain casts for the common shapes first, then the full parser
    # only for the rows where some cell needs it (see parse.fast_value)
    present = [(f, positions[f.name]) for f in src.fields if f.name in positions]
    parsed = _parse(con, src, staged, positions, ctx)
    _quarantine_cells(con, parsed, staged, present, raw, ctx)
    drop_temp(con, "__raw")  # every later step reads the parsed rows; free the text copy early

    good = parsed.filter(~parsed["__bad"]).drop("__bad")

    # 3. derive
    outputs = dict(src.derive(good, ctx))
    extra_errors = outputs.pop("_errors", None)
    if extra_errors is not None:
        con.insert(
            "__quarantine", extra_errors.select(row=extra_errors._row, column="column", value="value", reason="reason")
        )
        rejected = con.table("__quarantine").select("row").distinct()
        outputs = {name: expr.filter(~expr._row.isin(rejected.row)) for name, expr in outputs.items()}

    # 4. classify and write each table
    status_parts: list[ir.Table] = []
    for table, expr in outputs.items():
        counts, statuses, provided = _apply(wh, table, _conform(table, expr, summary.import_id))
        summary.tables[table] = counts
        status_parts.append(statuses)
        summary.fields += provided

    # 5. one status per file row; rows that yielded no record at all go to quarantine too
    status = (
        ibis.union(*status_parts, distinct=False)
        if status_parts
        else ibis.memtable({"_row": [], "_status": []}, schema={"_row": "int64", "_status": "int64"})
    )
    per_row = con.create_table(
        "__status", status.group_by("_row").agg(_status=status._status.max()), temp=True, overwrite=True
    )
    q = con.table("__quarantine")
    if int(per_row.count().execute()) + int(q.row.nunique().execute()) - len(raw.bad_rows) < staged_rows:
        orphans = parsed.filter(~parsed._row.isin(per_row._row) & ~parsed._row.isin(q.row))
        con.insert(
            "__quarantine",
            orphans.select(
                row=orphans._row,
                column=ibis.literal(""),
                value=ibis.null(dt.string),
                reason=ibis.literal("row carries no data for this source (all needed values empty)"),
            ),
        )
    summary.quarantined = int(q.row.nunique().execute())
    tallies = per_row.group_by("_status").agg(n=per_row.count()).execute()
    tally = {int(s): int(n) for s, n in zip(tallies["_status"], tallies["n"], strict=True)}
    summary.loaded, summary.updated, summary.unchanged = (
        tally.get(LOADED, 0),
        tally.get(UPDATED, 0),
        tally.get(UNCHANGED, 0),
    )
    con.insert(
        "quarantine",
        q.select(
            import_id=ibis.literal(summary.import_id, dt.int64),
            file=ibis.literal(summary.file),
            row=q.row,
            column=q.column,
            value=q.value,
            reason=q.reason,
        ).distinct(on=["row", "column"]),
    )


def _parse(con: ibis.BaseBackend, src: Source, staged: ir.Table, positions: dict[str, int], ctx: Context) -> ir.Table:
    """Typed values of every field plus ``__bad`` (some cell of the row cannot be read)."""
    fast_cols: dict[str, ir.Value] = {"_row": staged._row}
    needs_full: list[ir.BooleanValue] = []
    for f in src.fields:
        if f.name not in positions:
            fast_cols[f.name] = parser_for(f.type, ctx.timezone)(ibis.null(dt.string))[0]
            continue
        text = staged[f"c{positions[f.name]}"]
        fast = fast_value(f.type, text)
        if fast is None:  # no fast path for this type: the full parser runs on every row
            value, err = _parse_field(f, text, ctx)
            fast_cols[f.name] = value
            needs_full.append(err.notnull())
        else:
            fast_cols[f.name] = fast
            needs_full.append((fast.isnull() & text.notnull()) | (text.isnull() & ibis.literal(f.not_null)))
    fast_cols["__slow"] = ibis.or_(*needs_full) if needs_full else ibis.literal(False)
    first = con.create_table("__fast", staged.select(**fast_cols), temp=True, overwrite=True)
    names = [f.name for f in src.fields]
    if not int(first.filter(first["__slow"]).count().execute()):
        return first.select("_row", *names, __bad=ibis.literal(False))
    slow_raw = staged.filter(staged._row.isin(first.filter(first["__slow"])._row))
    full_cols: dict[str, ir.Value] = {"_row": slow_raw._row}
    errors: list[ir.BooleanValue] = []
    for f in src.fields:
        if f.name in positions:
            value, err = _parse_field(f, slow_raw[f"c{positions[f.name]}"], ctx)
            errors.append(err.notnull())
        else:
            value = parser_for(f.type, ctx.timezone)(ibis.null(dt.string))[0]
        full_cols[f.name] = value
    full_cols["__bad"] = ibis.or_(*errors) if errors else ibis.literal(False)
    slow = slow_raw.select(**full_cols)
    kept = first.filter(~first["__slow"]).select("_row", *names, __bad=ibis.literal(False))
    slow = slow.select(*[slow[c].cast(t).name(c) for c, t in kept.schema().items()])
    return con.create_table("__parsed", ibis.union(kept, slow, distinct=False), temp=True, overwrite=True)


def _parse_field(f: Field, text: ir.StringValue, ctx: Context) -> tuple[ir.Value, ir.StringValue]:
    value, err = parser_for(f.type, ctx.timezone)(text)
    if f.not_null:
        empty = ibis.ifelse(value.isnull(), ibis.literal("required value is empty"), ibis.null(dt.string))
        err = ibis.coalesce(err, empty)
    return value, err


def _quarantine_cells(
    con: ibis.BaseBackend,
    parsed: ir.Table,
    staged: ir.Table,
    present: list[tuple[Field, int]],
    raw: RawData,
    ctx: Context,
) -> None:
    """Fill ``__quarantine`` with one entry per bad cell (flagged rows only) and per malformed row."""
    quarantine = con.create_table("__quarantine", _empty_quarantine(), temp=True, overwrite=True)
    flagged = parsed.filter(parsed["__bad"]).select("_row")
    if int(flagged.count().execute()):
        bad = con.create_table("__bad_raw", staged.filter(staged._row.isin(flagged._row)), temp=True, overwrite=True)
        parts = []
        for f, pos in present:
            text = bad[f"c{pos}"]
            _, err = _parse_field(f, text, ctx)
            header = raw.headers[pos]
            parts.append(
                bad.filter(err.notnull()).select(row=bad._row, column=ibis.literal(header), value=text, reason=err)
            )
        con.insert("__quarantine", ibis.union(*parts, distinct=False))
    if raw.bad_rows:
        malformed = ibis.memtable(
            {
                "row": [b.row for b in raw.bad_rows],
                "column": ["" for _ in raw.bad_rows],
                "value": [b.text for b in raw.bad_rows],
                "reason": [_malformed_reason(b.reason, b.text) for b in raw.bad_rows],
            },
            schema=quarantine.schema(),
        )
        con.insert("__quarantine", malformed)


def _malformed_reason(reason: str, text: str) -> str:
    lines = text.count("\n") + 1 if text else 1
    if lines > 1:
        return (
            f'malformed row: {reason}; it runs over {lines:,} lines or more, probably an unclosed quote (") '
            "that swallowed the lines after it: close the quote in the file and import it again"
        )
    return f"malformed row: {reason}; fix the row in the file"


def _empty_quarantine() -> ir.Table:
    return ibis.memtable(
        {"row": [], "column": [], "value": [], "reason": []},
        schema={"row": "int64", "column": "string", "value": "string", "reason": "string"},
    )


def _conform(table: str, expr: ir.Table, import_id: int) -> ir.Table:
    """Every column of the canonical table, typed; key text columns never null; lineage added."""
    spec = TABLES[table]
    schema = spec.schema()
    cols: dict[str, ir.Value] = {}
    for name in spec.column_names:
        typ = schema[name]
        value = expr[name].cast(typ) if name in expr.columns else ibis.null(typ)
        if name in spec.key and typ.is_string():
            value = value.fill_null("")
        cols[name] = value
    # A struct of the typed values hashes without text conversion and tells NULL from ''. With no
    # payload (events: every column is key) equal key means equal record.
    payload = {n: cols[n] for n in spec.payload}
    digest = ibis.struct(payload).hash() if payload else ibis.literal(0, dt.int64)
    cols["_import_id"] = ibis.literal(import_id, dt.int64)
    cols["_hash"] = digest
    cols["_row"] = expr._row
    return expr.select(**cols)


def _apply(wh: Warehouse, table: str, records: ir.Table) -> tuple[TableCounts, ir.Table, list[str]]:
    """Classify ``records`` against the warehouse and earlier rows of the file, write the winners.

    The general path orders each key's records by file row (a window); it only runs when the
    file repeats a key. Otherwise one hash join against the stored rows says it all, and a
    first import into an empty table needs not even that.
    """
    con = wh.con
    spec = TABLES[table]
    keys = list(spec.key)
    names = spec.schema().names
    tmp = f"__out_{table}"
    records = con.create_table(tmp, records, temp=True, overwrite=True)
    provided = _provided(records, table)
    repeats = int(records.group_by(keys).agg(_n=records.count()).filter(lambda t: t._n > 1).count().execute())
    target = con.table(table)
    stored = int(target.count().execute())
    if not stored and not repeats:  # a first import into an empty table: every record is new
        # (the records table stays until the import ends: the row statuses read it)
        con.insert(table, records.select(*names))
        statuses = records.select("_row", _status=ibis.literal(LOADED, dt.int64))
        return TableCounts(loaded=int(records.count().execute())), statuses, provided
    if repeats:
        win = ibis.window(group_by=[records[k] for k in keys], order_by=records._row)
        seq = records.mutate(_prev=records._hash.lag().over(win), _next=records._row.lead().over(win))
    else:
        seq = records.mutate(_prev=ibis.null(dt.int64), _next=ibis.null(dt.int64))
    if stored:
        old = target.select(*[target[k].name(f"__k_{k}") for k in keys], _old=target._hash)
        joined = seq.left_join(old, [seq[k] == old[f"__k_{k}"] for k in keys])
    else:
        joined = seq.mutate(_old=ibis.null(dt.int64))
    classified = joined.mutate(
        _status=ibis.cases(
            (joined._prev.isnull() & joined._old.isnull(), LOADED),
            (joined._prev.isnull() & (joined._old == joined._hash), UNCHANGED),
            (joined._prev.isnull(), UPDATED),
            (joined._prev == joined._hash, UNCHANGED),
            else_=UPDATED,
        ).cast(dt.int64)
    )
    done = con.create_table(f"{tmp}_c", classified, temp=True, overwrite=True)
    try:
        winners = done.filter(done._next.isnull() & (done._old.isnull() | (done._old != done._hash)))
        replacing = winners.filter(winners._old.notnull())
        if int(replacing.count().execute()):
            replace_rows(con, table, winners.select(*names), keys)
        else:  # nothing stored under these keys: a plain insert
            con.insert(table, winners.select(*names))
        tallies = done.group_by("_status").agg(n=done.count()).execute()
        tally = {int(s): int(n) for s, n in zip(tallies["_status"], tallies["n"], strict=True)}
        counts = TableCounts(tally.get(LOADED, 0), tally.get(UPDATED, 0), tally.get(UNCHANGED, 0))
        statuses = con.create_table(f"{tmp}_s", done.select("_row", "_status"), temp=True, overwrite=True)
    finally:
        drop_temp(con, tmp)
        drop_temp(con, f"{tmp}_c")
    return counts, statuses, provided


def _provided(records: ir.Table, table: str) -> list[str]:
    """Columns of ``table`` this import filled for at least one record (its honest coverage)."""
    spec = TABLES[table]
    counts = records.aggregate(**{c: records[c].count() for c in spec.column_names}).execute()
    return [f"{table}.{c}" for c in spec.column_names if int(counts[c].iloc[0]) > 0]


def _write_manifest(wh: Warehouse, s: ImportSummary, sha: str, started: float) -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    begun = datetime.fromtimestamp(time.time() - (time.perf_counter() - started), UTC).replace(tzinfo=None)
    row = {
        "import_id": s.import_id,
        "file": s.file,
        "sha256": sha,
        "source": s.source,
        "kind": s.kind,
        "store": s.store,
        "encoding": s.encoding,
        "rows_read": s.rows_read,
        "loaded": s.loaded,
        "updated": s.updated,
        "unchanged": s.unchanged,
        "quarantined": s.quarantined,
        "fields": ",".join(s.fields),
        "started_at": begun,
        "finished_at": now,
    }
    wh.con.insert("imports", ibis.memtable([row], schema=TABLES["imports"].schema()))


__all__ = ["ImportSummary", "Supersede", "TableCounts", "import_file", "resolve_source"]
