"""The import pipeline's guarantees (warehouse/load.py): all or nothing, nothing lost, nothing doubled.

- re-importing a file changes nothing; a later, overlapping export updates exactly what changed;
- bad cells and malformed rows are quarantined with file, row, column and reason, the rest loads,
  and ``rows read = loaded + updated + unchanged + quarantined``;
- fatal problems raise before the warehouse is touched; an error or a SIGKILL half-way leaves it as it was;
- property tests: random valid exports round-trip exactly, random corruption only ever quarantines.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import shopops.ingest.readers as readers
import shopops.warehouse.load as load
from builders import (
    TMALL_REPORT_HEADERS,
    Line,
    Order,
    Raw,
    big_tmall_report,
    invoice_lines_csv,
    money,
    order,
    render_rows,
    tmall_report_csv,
    write_csv,
)
from shopops.backends import connect_duckdb
from shopops.errors import ConfigError, FormatError, InputError
from shopops.project import Project
from shopops.warehouse.load import ImportSummary
from shopops.warehouse.schema import TABLES

Snapshot = dict[str, pd.DataFrame]
NewProject = Callable[[], AbstractContextManager[Project]]


# --------------------------------------------------------------------------- helpers


def snapshot(p: Project) -> Snapshot:
    return p.warehouse.snapshot()


def assert_same(before: Snapshot, after: Snapshot, *, ignore: Sequence[str] = ()) -> None:
    """The two snapshots hold the same tables with the same rows (apart from ``ignore``)."""
    assert sorted(set(before) - set(ignore)) == sorted(set(after) - set(ignore))
    for name in before:
        if name not in ignore:
            pd.testing.assert_frame_equal(before[name], after[name], check_dtype=True, obj=name)


def rows(p: Project, sql: str) -> list[tuple[Any, ...]]:
    table = p.warehouse.con.sql(sql).to_pyarrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True))


def counts(s: ImportSummary) -> tuple[int, int, int, int, int]:
    return s.rows_read, s.loaded, s.updated, s.unchanged, s.quarantined


def balanced(s: ImportSummary) -> bool:
    return s.rows_read == s.loaded + s.updated + s.unchanged + s.quarantined


def import_one(p: Project, path: Path, store: str = "tmall", **kw: Any) -> ImportSummary:
    [summary] = p.import_files([path], store=store, **kw)
    return summary


def ts(text: str | None) -> datetime | None:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S") if text else None


@dataclass(frozen=True)
class Stored:
    """What ``orders`` must hold for a tmall_report line."""

    total: Decimal | None
    paid: Decimal
    refund: Decimal
    group: str
    province: str | None
    created: datetime | None
    paid_at: datetime | None


def expected(o: Order, *, total: Decimal | None = None, province: str | None = None) -> Stored:
    paid_net = money(o.paid)
    group = "pending" if not o.is_paid else ("refunded" if o.refund_amount > 0 and paid_net == 0 else "paid")
    return Stored(
        total if total is not None else o.total_amount,
        o.gross_paid,
        o.refund_amount,
        group,
        province if province is not None else o.province,
        ts(o.created),
        ts(o.paid_at),
    )


def stored_orders(p: Project, store: str = "tmall") -> dict[str, Stored]:
    got = rows(
        p,
        "SELECT order_id, total_amount, paid_amount, refund_amount, status_group, province, created_at, paid_at"
        f" FROM orders WHERE store = '{store}'",
    )
    return {r[0]: Stored(*r[1:]) for r in got}


def quarantine_rows(p: Project, import_id: int) -> list[tuple[Any, ...]]:
    return rows(
        p, f'SELECT "row", "column", value, reason, file FROM quarantine WHERE import_id = {import_id} ORDER BY 1, 2'
    )


# --------------------------------------------------------------------------- re-import and overlap


def test_reimport_of_the_same_file_changes_nothing(project: Project, tmp_path: Path) -> None:
    path = tmall_report_csv(
        tmp_path / "report.csv",
        [
            order(1, "10.00"),
            order(2, "25.50", refund="25.50"),
            order(3, "99.99", refund="9.99", province="广东省"),
            order(4, "5.00", paid_at=None),
            order(5, "1234.56", created="2020-02-29 23:59:59", paid_at="2020-03-01 00:00:01"),
        ],
        encoding="gbk",
    )
    first = import_one(project, path)
    assert counts(first) == (5, 5, 0, 0, 0)
    assert first.encoding == "gbk"
    before = snapshot(project)

    second = import_one(project, path)

    assert counts(second) == (5, 0, 0, 5, 0)
    assert second.tables["orders"].unchanged == 5
    after = snapshot(project)
    assert_same(before, after, ignore=["imports"])
    manifest = project.imports()
    assert list(manifest.import_id) == [1, 2]
    assert manifest.sha256.nunique() == 1
    assert list(manifest.unchanged) == [0, 5]
    # unchanged rows keep the import that wrote them
    assert rows(project, "SELECT DISTINCT _import_id FROM orders") == [(1,)]


def test_overlapping_later_export_updates_what_changed(project: Project, tmp_path: Path) -> None:
    o = {i: order(i, f"{i}0.00", province="浙江省") for i in range(1, 9)}
    o[5] = order(5, "50.00", paid_at=None)
    first = tmall_report_csv(tmp_path / "feb.csv", [o[i] for i in range(1, 6)])
    assert counts(import_one(project, first)) == (5, 5, 0, 0, 0)

    refunded4 = o[4].with_(paid="0.00", refund="40.00")  # refunded after the first export
    paid5 = order(5, "50.00", paid_at="2020-02-03 09:00:00")  # paid after the first export
    first7 = order(7, "70.00", paid_at=None)
    later7 = order(7, "70.00", refund="7.00")  # the same file has 7 twice: the later row wins
    later = tmall_report_csv(
        tmp_path / "mar.csv",
        [o[3], refunded4, paid5, o[6], first7, o[8], later7, o[8]],
        encoding="utf-8-sig",
    )
    s = import_one(project, later)

    # rows: 3 unchanged, 4 updated, 5 updated, 6 loaded, 7 loaded, 8 loaded, 7 updated (in-file), 8 unchanged (in-file)
    assert counts(s) == (8, 3, 3, 2, 0)
    assert (s.tables["orders"].loaded, s.tables["orders"].updated, s.tables["orders"].unchanged) == (3, 3, 2)
    got = stored_orders(project)
    assert sorted(got, key=int) == [str(i) for i in range(1, 9)]
    assert got["4"] == expected(refunded4)
    assert got["4"].group == "refunded" and got["4"].paid == Decimal("40.00") and got["4"].refund == Decimal("40.00")
    assert got["5"] == expected(paid5) and got["5"].paid == Decimal("50.00")
    assert got["7"] == expected(later7) and got["7"].refund == Decimal("7.00")
    for i in (1, 2, 3, 6, 8):
        assert got[str(i)] == expected(o[i]), i
    lineage = dict(rows(project, "SELECT order_id, _import_id FROM orders"))
    assert lineage == {"1": 1, "2": 1, "3": 1, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2}
    assert sum(stored.paid for stored in got.values()) == sum(
        expected(x).paid for x in [o[1], o[2], o[3], refunded4, paid5, o[6], later7, o[8]]
    )


def test_in_file_duplicates_last_row_wins(project: Project, tmp_path: Path) -> None:
    path = tmall_report_csv(
        tmp_path / "dups.csv",
        [order(1, "1.00"), order(1, "2.00"), order(2, "3.00"), order(1, "4.00", paid_at=None), order(2, "3.00")],
    )
    s = import_one(project, path)
    assert counts(s) == (5, 2, 2, 1, 0)
    got = stored_orders(project)
    assert got == {"1": expected(order(1, "4.00", paid_at=None)), "2": expected(order(2, "3.00"))}


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("encoding", "yen"), [("utf-8", "¥"), ("gbk", "￥"), ("utf-8-sig", "¥")])
def test_bad_rows_are_quarantined_and_the_rest_loads(project: Project, tmp_path: Path, encoding: str, yen: str) -> None:
    good = [order(1, "10.00"), order(6, f"{yen}1,234.50", paid="1234.50"), order(8, "3.00", paid_at=None)]
    path = tmall_report_csv(
        tmp_path / "bad.csv",
        [
            good[0],
            order(2, f"{yen}abc", paid="1.00"),  # 2: money that is not money
            order(3, "5.00", created="2020-02-30 10:00:00"),  # 3: impossible date
            order("", "5.00"),  # 4: no order id
            Raw("5,1.00,1.00"),  # 5: too few fields
            good[1],  # 6
            Raw("7,1.00,1.00,上海,2020-02-01 10:00:00,,0.00,surplus"),  # 7: too many fields
            good[2],  # 8
            order(9, "9.00", paid_at="yesterday"),  # 9: bad payment time
        ],
        encoding=encoding,
    )
    s = import_one(project, path)

    assert counts(s) == (9, 3, 0, 0, 6)
    assert balanced(s)
    got = quarantine_rows(project, s.import_id)
    assert [(r, c, v) for r, c, v, _, _ in got] == [
        (2, "总金额", f"{yen}abc"),
        (3, "订单创建时间", "2020-02-30 10:00:00"),
        (4, "订单编号", None),
        (5, "", got[3][2]),
        (7, "", got[4][2]),
        (9, "订单付款时间", "yesterday"),
    ]
    reasons = {r: reason for r, _, _, reason, _ in got}
    assert "money" in reasons[2]
    assert "date" in reasons[3] and "date" in reasons[9]
    assert "empty" in reasons[4]
    assert "malformed" in reasons[5] and "found 3" in reasons[5]
    assert "malformed" in reasons[7] and "found 8" in reasons[7]
    assert {file for *_, file in got} == {str(path)}
    stored = stored_orders(project)
    assert stored == {
        "1": expected(good[0]),
        "6": expected(good[1], total=Decimal("1234.50")),
        "8": expected(good[2]),
    }
    manifest = project.imports().iloc[0]
    assert (manifest.rows_read, manifest.loaded, manifest.quarantined) == (9, 3, 6)


def test_quarantined_rows_reach_the_quarantine_table_only_once_per_cell(project: Project, tmp_path: Path) -> None:
    path = tmall_report_csv(tmp_path / "two_bad_cells.csv", [order(1, "x", paid="y"), order(2)])
    s = import_one(project, path)
    assert counts(s) == (2, 1, 0, 0, 1)
    got = quarantine_rows(project, s.import_id)
    assert [(r, c) for r, c, *_ in got] == [(1, "买家实际支付金额"), (1, "总金额")]


def test_malformed_rows_across_read_blocks_keep_exact_row_numbers(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow reports a skipped row while parsing a block ahead of the batch being numbered."""
    monkeypatch.setattr(readers, "BLOCK_SIZE", 1 << 12)  # ~60 rows per block instead of 8 MiB
    short = {1, 37, 38, 500, 1_499, 1_500}
    bad_money = {2, 250, 1_000, 1_001}
    lines: list[Order | Raw] = []
    for i in range(1, 1_501):
        if i in short:
            lines.append(Raw(f"{i},1.00,1.00"))
        elif i in bad_money:
            lines.append(order(i, "￥abc", paid="1.00"))
        else:
            lines.append(order(i, f"{i}.00", province="内蒙古自治区"))
    path = tmall_report_csv(tmp_path / "blocks.csv", lines, encoding="gbk")
    assert path.stat().st_size > 20 * (1 << 12)

    s = import_one(project, path)

    assert counts(s) == (1_500, 1_490, 0, 0, 10)
    got = quarantine_rows(project, s.import_id)
    assert [(r, c) for r, c, *_ in got] == sorted([(r, "") for r in short] + [(r, "总金额") for r in bad_money])
    stored = stored_orders(project)
    assert set(stored) == {str(i) for i in range(1, 1_501)} - {str(i) for i in short | bad_money}
    assert all(stored[k].total == Decimal(k) for k in stored)


CANONICAL_GROUPS = ("pending", "paid", "shipped", "completed", "cancelled", "refunded")


def test_status_groups_are_the_ones_the_schema_declares(project: Project, tmp_path: Path) -> None:
    declared = TABLES["orders"].column("status_group").en
    assert all(group in declared for group in CANONICAL_GROUPS), declared
    report = tmall_report_csv(
        tmp_path / "report.csv",
        [order(1), order(2, "5.00", paid_at=None), order(3, "5.00", refund="5.00"), order(4, "5.00", refund="1.00")],
    )
    import_one(project, report)
    generic = write_csv(
        tmp_path / "orders.csv",
        ["订单编号", "订单状态", "下单时间", "付款时间", "总金额"],
        [
            ["g1", "等待买家付款", "2020-02-01 10:00:00", "", "1"],
            ["g2", "交易关闭", "2020-02-01 10:00:00", "", "1"],
            ["g3", "交易关闭", "2020-02-01 10:00:00", "2020-02-01 10:01:00", "1"],
            ["g4", "交易成功", "2020-02-01 10:00:00", "2020-02-01 10:01:00", "1"],
            ["g5", "卖家已发货，等待买家确认", "2020-02-01 10:00:00", "2020-02-01 10:01:00", "1"],
            ["g6", "pending", "2020-02-01 10:00:00", "", "1"],
            ["g7", "", "2020-02-01 10:00:00", "", "1"],
            ["g8", "", "2020-02-01 10:00:00", "2020-02-01 10:01:00", "1"],
            ["g9", "买家已付款，等待卖家发货", "2020-02-01 10:00:00", "2020-02-01 10:01:00", "1"],
        ],
    )
    assert import_one(project, generic, store="jd", kind="orders").source == "generic"
    groups = dict(rows(project, "SELECT order_id, status_group FROM orders"))
    assert groups == {
        "1": "paid",
        "2": "pending",
        "3": "refunded",
        "4": "paid",
        "g1": "pending",
        "g2": "cancelled",
        "g3": "refunded",
        "g4": "completed",
        "g5": "shipped",
        "g6": "pending",
        "g7": "pending",
        "g8": "paid",
        "g9": "paid",
    }


# --------------------------------------------------------------------------- fatal problems


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


FATAL: list[tuple[str, Callable[[Path], Path], dict[str, Any], type[Exception], list[str]]] = [
    (
        "unknown format",
        lambda d: _write(d / "mystery.csv", "a,b,c\n1,2,3\n"),
        {},
        FormatError,
        ["mystery.csv", "unknown export format", "'a', 'b', 'c'"],
    ),
    (
        "missing required column (named source)",
        lambda d: _write(d / "short.csv", "订单编号,总金额,买家实际支付金额,订单创建时间\n1,2,3,2020-02-01\n"),
        {"source": "tmall_report"},
        FormatError,
        ["short.csv", "missing required column", "'订单付款时间'", "'退款金额'", "'订单编号', '总金额'"],
    ),
    (
        "missing required column (detected)",
        lambda d: _write(d / "short.csv", "订单编号,总金额,买家实际支付金额,订单创建时间\n1,2,3,2020-02-01\n"),
        {},
        FormatError,
        ["short.csv", "columns found", "'订单编号', '总金额', '买家实际支付金额', '订单创建时间'"],
    ),
    (
        "headers of another source (named source)",
        lambda d: tmall_report_csv(d / "report.csv", [order(1)]),
        {"source": "tmall"},
        FormatError,
        [
            "report.csv: missing required column(s) '买家会员名', '订单状态' for source 'tmall'",
            "; this file's headers are those of tmall_report (天猫订单报表（精简版",
            " — import it with --source tmall_report or without --source",
        ],
    ),
    ("empty file", lambda d: _write(d / "empty.csv", ""), {}, FormatError, ["empty.csv", "empty"]),
    ("blank file", lambda d: _write(d / "blank.csv", "\r\n  \r\n"), {}, FormatError, ["blank.csv", "empty"]),
    ("BOM only", lambda d: _write(d / "bom.csv", "\ufeff"), {}, FormatError, ["bom.csv", "empty"]),
    ("BOM and a blank line", lambda d: _write(d / "bom2.csv", "\ufeff\r\n"), {}, FormatError, ["bom2.csv", "empty"]),
    (
        "unknown store",
        lambda d: tmall_report_csv(d / "ok.csv", [order(1)]),
        {"store": "nowhere"},
        ConfigError,
        ["nowhere", "tmall, jd, shop, uk"],
    ),
    (
        "unknown source",
        lambda d: tmall_report_csv(d / "ok.csv", [order(1)]),
        {"source": "amazon"},
        FormatError,
        ["amazon", "tmall_report"],
    ),
    ("missing file", lambda d: d / "nope.csv", {}, InputError, ["nope.csv", "not found"]),
]


@pytest.mark.parametrize(("case", "make", "options", "error", "words"), FATAL, ids=[c[0] for c in FATAL])
def test_fatal_problems_raise_and_leave_the_warehouse_untouched(
    project: Project,
    tmp_path: Path,
    case: str,
    make: Callable[[Path], Path],
    options: dict[str, Any],
    error: type[Exception],
    words: list[str],
) -> None:
    before = snapshot(project)
    path = make(tmp_path)
    kwargs = {"store": "tmall", **options}
    with pytest.raises(error) as info:
        project.import_files([path], **kwargs)
    message = str(info.value)
    for word in words:
        assert word in message, (case, message)
    assert_same(before, snapshot(project))


# --------------------------------------------------------------------------- failures half-way


def _three_table_file(path: Path) -> Path:
    return invoice_lines_csv(
        path,
        [
            Line("536365", quantity=6, unit_price="2.55"),
            Line("536365", sku="71053", quantity=6, unit_price="3.39"),
            Line("536366", sku="22633", quantity=6, unit_price="1.85", customer="17851"),
            Line("C536379", sku="D", quantity=-1, unit_price="27.50", customer="14527"),
        ],
    )


@pytest.mark.parametrize("exc", [RuntimeError("disk full"), KeyboardInterrupt()], ids=["error", "interrupt"])
def test_failure_after_the_first_table_was_written_rolls_everything_back(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    seed = invoice_lines_csv(tmp_path / "seed.csv", [Line("500000", quantity=2, unit_price="1.005")])
    assert counts(import_one(project, seed, store="uk")) == (1, 1, 0, 0, 0)
    before = snapshot(project)
    real = load._apply
    written: list[tuple[str, int]] = []

    def write_then_fail(wh: Any, table: str, records: Any) -> Any:
        real(wh, table, records)
        written.append((table, int(wh.table(table).count().execute())))
        raise exc

    monkeypatch.setattr(load, "_apply", write_then_fail)
    path = _three_table_file(tmp_path / "lines.csv")
    with pytest.raises(type(exc)):
        import_one(project, path, store="uk")
    assert written == [("order_items", 4)]  # the first table had been written inside the transaction

    assert_same(before, snapshot(project))
    monkeypatch.undo()
    s = import_one(project, path, store="uk")  # the warehouse is usable and the file imports as new
    assert (s.import_id, *counts(s)) == (2, 4, 4, 0, 0, 0)
    assert {t: c.loaded for t, c in s.tables.items()} == {"order_items": 3, "orders": 2, "refunds": 1}


def test_failure_writing_the_manifest_rolls_everything_back(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(project)

    def fail(*args: Any) -> None:
        raise OSError("no space left on device")

    monkeypatch.setattr(load, "_write_manifest", fail)
    with pytest.raises(OSError):
        import_one(project, _three_table_file(tmp_path / "lines.csv"), store="uk")
    assert_same(before, snapshot(project))


def test_unbalanced_counts_are_an_error_that_commits_nothing(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the accounting ever fails to add up, the import must not be committed with that manifest."""
    before = snapshot(project)
    monkeypatch.setattr(ImportSummary, "balanced", property(lambda self: False))
    with pytest.raises(AssertionError, match="do not add up"):
        import_one(project, tmall_report_csv(tmp_path / "a.csv", [order(1), order(2)]))
    assert_same(before, snapshot(project))


def test_import_leaves_no_temporary_tables_behind(project: Project, tmp_path: Path) -> None:
    import_one(project, _three_table_file(tmp_path / "lines.csv"), store="uk")
    import_one(project, tmall_report_csv(tmp_path / "a.csv", [order(1)]))
    temp = rows(project, "SELECT table_name FROM duckdb_tables() WHERE temporary")
    assert temp == []


def test_imports_print_nothing(project: Project, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import_one(project, tmall_report_csv(tmp_path / "a.csv", [order(1), Raw("2,1")]))
    assert capfd.readouterr() == ("", "")


def test_the_warehouse_connection_never_draws_a_progress_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Core code never prints; DuckDB draws a progress bar on stdout for queries over 2 s when it is on
    (its default outside pytest), which is how it showed up in the SIGKILL test's child."""
    real = ibis.duckdb.connect

    def progress_bar_on(*args: Any, **kwargs: Any) -> Any:
        con = real(*args, **kwargs)
        con.raw_sql("SET enable_progress_bar = true")
        return con

    monkeypatch.setattr(ibis.duckdb, "connect", progress_bar_on)
    con = connect_duckdb(tmp_path / "w.duckdb")
    try:
        setting = con.sql("SELECT current_setting('enable_progress_bar') AS on_").to_pyarrow()
        assert setting.column("on_").to_pylist() == [False]
    finally:
        con.disconnect()


# --------------------------------------------------------------------------- SIGKILL


CHILD = textwrap.dedent(
    """
    import sys, time
    from shopops.project import Project
    import shopops.warehouse.load as load

    root, path, mode = sys.argv[1:4]
    project = Project.open(root)
    project.warehouse
    if mode == "pause":  # stop inside the transaction, right after the first table was written
        real = load._apply
        def write_then_wait(wh, table, records):
            result = real(wh, table, records)
            print("written", table, wh.table(table).count().execute(), flush=True)
            time.sleep(120)
            return result
        load._apply = write_then_wait
    print("started", flush=True)
    summary = project.import_files([path], store="tmall")[0]
    print("finished", summary.line(), flush=True)
    """
)


def _start(root: Path, path: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(path), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _expect(child: subprocess.Popen[str], prefix: str) -> str:
    """The child's next stdout line that starts with ``prefix`` (other output is skipped)."""
    assert child.stdout is not None and child.stderr is not None
    while line := child.stdout.readline():
        if line.startswith(prefix):
            return line
    raise AssertionError(f"child ended without saying {prefix!r}: {child.stderr.read()}")


def _kill(child: subprocess.Popen[str], mode: str, delay: float) -> str | None:
    """SIGKILL the child mid-import; what it last said, or None if the import finished first."""
    assert child.stderr is not None
    try:
        line = _expect(child, "started")
        if mode == "pause":
            line = _expect(child, "written ")
        else:
            deadline = time.monotonic() + delay
            while time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.02)
        if child.poll() is not None:
            assert child.returncode == 0, child.stderr.read()
            return None
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        assert child.returncode == -signal.SIGKILL
        return line
    finally:
        _stop(child)


def _stop(child: subprocess.Popen[str]) -> None:
    if child.poll() is None:
        child.kill()
        child.wait()
    for stream in (child.stdout, child.stderr):
        if stream is not None:
            stream.close()


@pytest.mark.slow
def test_sigkill_during_import_leaves_the_warehouse_as_before(tmp_path: Path, project: Project) -> None:
    """Two child processes import at once, each into its own copy of the warehouse, and are SIGKILLed:
    ``timed`` ~1.5 s into the import; ``pause`` inside the transaction right after ``orders`` got the
    file's rows (more than one DuckDB row group, so they were written to the database file before commit).
    """
    seed = tmall_report_csv(tmp_path / "seed.csv", [order(1, "10.00"), order(2, "5.00", refund="5.00")])
    import_one(project, seed)
    before = snapshot(project)
    project.close()

    def launch(name: str, rows_: int, mode: str) -> tuple[Path, subprocess.Popen[str]]:
        root = tmp_path / name
        shutil.copytree(project.settings.root, root)
        return root, _start(root, big_tmall_report(tmp_path / f"{name}.csv", rows_), mode)

    paused_root, paused = launch("pause", 130_000, "pause")
    try:
        killed: list[Path] = []
        for attempt in range(3):  # if the import wins the race, start again from a copy with a bigger file
            timed_root, timed = launch(f"timed{attempt}", 300_000 * 4**attempt, "timed")
            if _kill(timed, "timed", 1.5 / 2**attempt) is not None:
                killed.append(timed_root)
                break
        else:
            pytest.fail("the import always finished before it could be killed")
        said = _kill(paused, "pause", 0)
        assert said is not None and said.split() == ["written", "orders", "130000"]  # ids 1 and 2 were there already
        killed.append(paused_root)
    finally:
        _stop(paused)

    for root in killed:
        with Project.open(root) as reopened:
            assert_same(before, snapshot(reopened))
            again = import_one(reopened, seed)  # still a working warehouse
            assert (again.import_id, *counts(again)) == (2, 2, 0, 0, 2, 0)


# --------------------------------------------------------------------------- property tests

PROVINCES = ["上海", "北京", "广东省", "江苏省", "内蒙古自治区", "香港特别行政区", "Ontario", "x"]
GARBAGE = "#@!%^&*~?abcxyzABC测试乱码口们"  # never valid money/date, encodable in GBK, not stripped by parsers


@st.composite
def money_text(draw: st.DrawFn, value: Decimal, encoding: str) -> str:
    yen = "￥" if encoding == "gbk" else "¥"
    forms = [f"{value:.2f}", f"{value:,.2f}", f"{yen}{value:,.2f}", f"{value:.2f}元", f"RMB {value:.2f}"]
    if value == value.to_integral_value():
        forms.append(f"{int(value)}")
    return draw(st.sampled_from(forms))


@st.composite
def an_order(draw: st.DrawFn, ids: st.SearchStrategy[int], encoding: str) -> Order:
    total = Decimal(draw(st.integers(1, 99_999_999))) / 100
    created = draw(st.datetimes(min_value=datetime(2015, 1, 1), max_value=datetime(2030, 12, 31))).replace(
        microsecond=0
    )
    state = draw(st.sampled_from(["unpaid", "paid", "paid", "partly refunded", "refunded"]))
    refund = Decimal(0)
    if state == "partly refunded":
        refund = Decimal(draw(st.integers(1, int(total * 100)))) / 100
    elif state == "refunded":
        refund = total
    paid = Decimal(0) if state == "unpaid" else total - refund
    paid_at = None if state == "unpaid" else created + timedelta(seconds=draw(st.integers(0, 3 * 86_400)))
    return Order(
        id=str(draw(ids)),
        total=draw(money_text(total, encoding)),
        paid=draw(money_text(paid, encoding)),
        refund=draw(st.sampled_from(["", "0.00", "0"])) if refund == 0 else draw(money_text(refund, encoding)),
        province=draw(st.sampled_from(PROVINCES)),
        created=created.strftime("%Y-%m-%d %H:%M:%S"),
        paid_at=paid_at.strftime("%Y-%m-%d %H:%M:%S") if paid_at else None,
    )


def canonical(o: Order) -> Stored:
    def num(text: str) -> Decimal:
        cleaned = text.replace("¥", "").replace("￥", "").replace(",", "").replace("元", "").replace("RMB ", "")
        return money(cleaned or "0")

    plain = Order(o.id, f"{num(o.total)}", f"{num(o.paid)}", f"{num(o.refund)}", o.province, o.created, o.paid_at)
    return expected(plain)


@dataclass
class Outcome:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0


def simulate(lines: Sequence[Stored | None], ids: Sequence[str], state: dict[str, Stored]) -> Outcome:
    """The documented classification: each row against the warehouse, then against earlier rows of the file.

    ``None`` marks a row that must be quarantined. ``state`` is updated in place.
    """
    out = Outcome()
    seen: set[str] = set()
    for line, key in zip(lines, ids, strict=True):
        if line is None:
            out.quarantined += 1
            continue
        if key not in state and key not in seen:
            out.loaded += 1
        elif state[key] == line:
            out.unchanged += 1
        else:
            out.updated += 1
        state[key] = line
        seen.add(key)
    return out


def outcome(s: ImportSummary) -> Outcome:
    return Outcome(s.loaded, s.updated, s.unchanged, s.quarantined)


ENCODINGS = st.sampled_from(["utf-8", "gbk", "utf-8-sig"])
PROPERTY = settings(
    max_examples=6,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the repository
    phases=[Phase.explicit, Phase.generate, Phase.shrink],  # each example imports files: skip the slow explain phase
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(data=st.data(), encoding=ENCODINGS)
def test_random_valid_exports_round_trip(fresh_project: NewProject, data: st.DataObject, encoding: str) -> None:
    ids = st.integers(1, 40)
    orders = data.draw(st.lists(an_order(ids, encoding), min_size=1, max_size=60), label="orders")
    with fresh_project() as p:
        path = tmall_report_csv(p.settings.root / "export.csv", orders, encoding=encoding)
        state: dict[str, Stored] = {}
        want = simulate([canonical(o) for o in orders], [o.id for o in orders], state)
        first = import_one(p, path)
        assert outcome(first) == want
        assert first.encoding == encoding
        assert stored_orders(p) == state
        sums = rows(p, "SELECT sum(total_amount), sum(paid_amount), sum(refund_amount), count(paid_at) FROM orders")
        assert sums == [
            (
                sum(v.total for v in state.values() if v.total is not None),
                sum(v.paid for v in state.values()),
                sum(v.refund for v in state.values()),
                sum(v.paid_at is not None for v in state.values()),
            )
        ]
        before = snapshot(p)

        again = import_one(p, path)
        assert again.loaded == 0 and again.quarantined == 0 and balanced(again)
        assert outcome(again) == simulate([canonical(o) for o in orders], [o.id for o in orders], dict(state))
        assert_same(before, snapshot(p), ignore=["imports"])


@st.composite
def corrupted(draw: st.DrawFn, encoding: str) -> tuple[list[Order | Raw | list[str]], list[Stored | None], list[str]]:
    """Valid orders, some made bad in ways whose outcome is known: (rows, expected record or None, ids)."""
    orders = draw(st.lists(an_order(st.integers(1, 30), encoding), min_size=1, max_size=40))
    out_rows: list[Order | Raw | list[str]] = []
    want: list[Stored | None] = []
    ids: list[str] = []
    junk = st.text(alphabet=GARBAGE, min_size=0, max_size=6).map(lambda s: "#" + s)
    for o in orders:
        how = draw(
            st.sampled_from(["keep", "keep", "keep", "junk money", "junk date", "no id", "short", "long", "text"])
        )
        cells = o.cells()
        record: Stored | None = None
        if how == "keep":
            record = canonical(o)
        elif how == "junk money":
            cells[draw(st.sampled_from([1, 2, 6]))] = draw(junk)
        elif how == "junk date":
            cells[draw(st.sampled_from([4, 5]))] = draw(junk)
        elif how == "no id":
            cells[0] = draw(st.sampled_from(["", "  "]))
        elif how == "short":
            cells = cells[: draw(st.integers(1, 6))]
            cells[0] = cells[0] or "0"
        elif how == "long":
            cells = [*cells, *draw(st.lists(junk, min_size=1, max_size=3))]
        else:  # decodable garbage inside a text cell still loads, as text
            garbage = draw(st.text(alphabet=GARBAGE, min_size=1, max_size=8))
            o = o.with_(province=garbage)
            cells = o.cells()
            record = canonical(o)
        out_rows.append(cells)
        want.append(record)
        ids.append(o.id)
    return out_rows, want, ids


@PROPERTY
@given(data=st.data(), encoding=ENCODINGS)
def test_random_bad_cells_and_rows_are_quarantined_exactly(
    fresh_project: NewProject, data: st.DataObject, encoding: str
) -> None:
    lines, want, ids = data.draw(corrupted(encoding), label="rows")
    with fresh_project() as p:
        path = tmall_report_csv(p.settings.root / "export.csv", lines, encoding=encoding)
        state: dict[str, Stored] = {}
        s = import_one(p, path)
        assert outcome(s) == simulate(want, ids, state)
        assert balanced(s) and s.rows_read == len(lines)
        assert stored_orders(p) == state
        q = quarantine_rows(p, s.import_id)
        assert sorted({r for r, *_ in q}) == [i for i, w in enumerate(want, start=1) if w is None]
        assert all(reason and file == str(path) for *_, reason, file in q)
        assert {c for _, c, *_ in q} <= {"", *(h.strip() for h in TMALL_REPORT_HEADERS)}


@st.composite
def mangled(draw: st.DrawFn, encoding: str) -> tuple[str, int]:
    """A valid export's text with random edits in its body: inserted garbage (quotes, commas and line
    breaks included, all encodable), deleted spans, duplicated lines. Returns (text, header length)."""
    orders = draw(st.lists(an_order(st.integers(1, 30), encoding), min_size=1, max_size=30))
    text = render_rows(TMALL_REPORT_HEADERS, orders, newline=draw(st.sampled_from(["\r\n", "\n"])))
    head = text.index("\n") + 1
    body = list(text[head:])
    alphabet = GARBAGE + ",\"'\r\n\t ;|=元¥￥0123456789.-" + ("" if encoding == "gbk" else "😀é\u00a0")
    if encoding == "gbk":
        alphabet = alphabet.replace("¥", "")
    for _ in range(draw(st.integers(1, 12))):
        op = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if not body:
            break
        at = draw(st.integers(0, len(body) - 1))
        if op == "insert":
            body[at:at] = list(draw(st.text(alphabet=alphabet, min_size=1, max_size=5)))
        elif op == "delete":
            del body[at : at + draw(st.integers(1, 40))]
        else:
            joined = "".join(body)
            start = joined.rfind("\n", 0, at) + 1
            end = joined.find("\n", at)
            line = joined[start : end + 1 if end >= 0 else len(joined)]
            body = list(joined[:start] + line + joined[start:])
    return text[:head] + "".join(body), head


@PROPERTY
@given(data=st.data(), encoding=ENCODINGS)
def test_random_corruption_only_ever_quarantines(fresh_project: NewProject, data: st.DataObject, encoding: str) -> None:
    text, _ = data.draw(mangled(encoding), label="file")
    with fresh_project() as p:
        path = p.settings.root / "export.csv"
        path.write_bytes(text.encode(encoding))
        s = import_one(p, path)  # anything but quarantine would raise here
        assert balanced(s)
        assert s.loaded + s.updated + s.unchanged == s.rows_read - s.quarantined
        q = quarantine_rows(p, s.import_id)
        assert len({r for r, *_ in q}) == s.quarantined
        assert all(1 <= r <= s.rows_read for r, *_ in q)
        (manifest,) = rows(p, "SELECT rows_read, loaded, updated, unchanged, quarantined FROM imports")
        assert manifest == counts(s)
        n_orders = rows(p, "SELECT count(*) FROM orders")[0][0]
        assert n_orders <= s.loaded
        before = snapshot(p)
        again = import_one(p, path)
        assert again.rows_read == s.rows_read and again.quarantined == s.quarantined and again.loaded == 0
        assert_same(before, snapshot(p), ignore=["imports", "quarantine"])
