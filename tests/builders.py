"""Tiny declarative builders that write small export files for hand-computed fixtures.

Example::

    tmall_report_csv(tmp / "a.csv", rows=[order(id=1, total="10.00"), order(id=2, total="5.00", paid_at=None)])

A row is an :class:`Order` (a well-formed 天猫 order-report line), a sequence of cell
texts (written as CSV, for bad values or wrong field counts) or a ``Raw`` line
(written verbatim, for anything CSV quoting would hide).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")

# The real report's header bytes, trailing spaces included (see tmall_order_report/SOURCE.md).
TMALL_REPORT_HEADERS: tuple[str, ...] = (
    "订单编号",
    "总金额",
    "买家实际支付金额",
    "收货地址 ",
    "订单创建时间",
    "订单付款时间 ",
    "退款金额",
)
INVOICE_HEADERS: tuple[str, ...] = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)


class Raw(str):
    """A line written exactly as given (no CSV quoting), without its line ending."""


@dataclass(frozen=True)
class Order:
    """One line of a 天猫 order report (``tmall_report``); money as exact text."""

    id: str
    total: str = "10.00"
    paid: str = "10.00"  # 买家实际支付金额: net of refunds
    refund: str = "0.00"
    province: str = "上海"
    created: str = "2020-02-01 10:00:00"
    paid_at: str | None = "2020-02-01 10:00:05"

    def cells(self) -> list[str]:
        return [self.id, self.total, self.paid, self.province, self.created, self.paid_at or "", self.refund]

    def with_(self, **changes: str | None) -> Order:
        return replace(self, **changes)  # type: ignore[arg-type]

    # What the warehouse must hold for this order (tmall_report semantics).
    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def gross_paid(self) -> Decimal:
        """支付金额 rebuilt as 买家实际支付金额 + 退款金额 for paid orders, 0 for unpaid ones."""
        return money(self.paid) + money(self.refund) if self.is_paid else Decimal("0.00")

    @property
    def refund_amount(self) -> Decimal:
        return money(self.refund)

    @property
    def total_amount(self) -> Decimal:
        return money(self.total)


def money(text: str) -> Decimal:
    return Decimal(text).quantize(CENT)


def order(
    id: int | str,
    total: str = "10.00",
    paid: str | None = None,
    *,
    refund: str = "0.00",
    province: str = "上海",
    created: str = "2020-02-01 10:00:00",
    paid_at: str | None = "2020-02-01 10:00:05",
) -> Order:
    """A consistent order: ``paid`` defaults to total − refund when paid, else 0.00 (as Tmall writes it)."""
    if paid is None:
        paid = f"{money(total) - money(refund):.2f}" if paid_at is not None else "0.00"
    return Order(str(id), total, paid, refund, province, created, paid_at)


Row = Order | Raw | Sequence[str]


def render_rows(headers: Sequence[str], rows: Iterable[Row], *, newline: str = "\r\n") -> str:
    """The text of a CSV file: header line, then one line per row."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=newline)
    writer.writerow(headers)
    for row in rows:
        if isinstance(row, Raw):
            buf.write(row + newline)
        elif isinstance(row, Order):
            writer.writerow(row.cells())
        else:
            writer.writerow(list(row))
    return buf.getvalue()


def write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Row],
    *,
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> Path:
    """Write a CSV export; ``encoding`` may be ``utf-8``, ``utf-8-sig`` (with BOM) or ``gbk``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_rows(headers, rows, newline=newline).encode(encoding))
    return path


def tmall_report_csv(path: Path, rows: Iterable[Row], *, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    return write_csv(path, TMALL_REPORT_HEADERS, rows, encoding=encoding, newline=newline)


def big_tmall_report(path: Path, n: int, *, start: int = 1) -> Path:
    """A large, valid order report (ids ``start … start+n-1``), written fast."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(TMALL_REPORT_HEADERS) + "\r\n")
        for chunk in range(start, start + n, 50_000):
            stop = min(chunk + 50_000, start + n)
            fh.writelines(
                f"{i},{i % 997}.{i % 100:02d},{i % 997}.{i % 100:02d},广东省,2020-02-{1 + i % 28:02d} 10:00:00,"
                f"2020-02-{1 + i % 28:02d} 10:00:05,0.00\r\n"
                for i in range(chunk, stop)
            )
    return path


@dataclass(frozen=True)
class Line:
    """One invoice line (``invoice_lines`` source, e.g. UCI Online Retail)."""

    invoice: str
    sku: str = "85123A"
    quantity: int = 1
    unit_price: str = "2.55"
    description: str = "WHITE HANGING HEART T-LIGHT HOLDER"
    date: str = "2010-12-01 08:26:00"
    customer: str = "17850"
    country: str = "United Kingdom"

    def cells(self) -> list[str]:
        return [
            self.invoice,
            self.sku,
            self.description,
            str(self.quantity),
            self.date,
            self.unit_price,
            self.customer,
            self.country,
        ]


def invoice_lines_csv(path: Path, lines: Iterable[Line], *, encoding: str = "utf-8") -> Path:
    return write_csv(path, INVOICE_HEADERS, [line.cells() for line in lines], encoding=encoding, newline="\n")


__all__ = [
    "INVOICE_HEADERS",
    "TMALL_REPORT_HEADERS",
    "Line",
    "Order",
    "Raw",
    "big_tmall_report",
    "invoice_lines_csv",
    "money",
    "order",
    "render_rows",
    "tmall_report_csv",
    "write_csv",
]


def run_cli(
    monkeypatch: Any,
    capsys: Any,
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    columns: int = 200,
) -> tuple[int, str, str]:
    """``shopops ARGS`` in this process, as the console script calls ``main()``: (exit code, stdout, stderr)."""
    from shopops.cli.main import main

    if cwd is not None:
        monkeypatch.chdir(cwd)
    for key, value in {"COLUMNS": str(columns), **(env or {})}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(sys, "argv", ["shopops", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def cli_ok(monkeypatch: Any, capsys: Any, *args: str, cwd: Path | None = None, columns: int = 200) -> str:
    """:func:`run_cli` that must succeed; its stdout."""
    code, out, err = run_cli(monkeypatch, capsys, *args, cwd=cwd, columns=columns)
    assert code == 0, err
    return out
