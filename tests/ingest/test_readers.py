"""Readers: every file becomes all-text batches with exact data-row numbers."""

from __future__ import annotations

import datetime as dt
import gc
import gzip
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from shopops.errors import FormatError, InputError
from shopops.ingest import readers
from shopops.ingest.readers import RawData, detect_encoding, detect_file_encoding, open_raw, read_head, sniff_delimiter
from shopops.project import Project

MIB = 1 << 20


def rows_of(raw: RawData) -> list[dict[str, Any]]:
    """Every staged row as {header: text, "_row": n}, checking the batch schema on the way."""
    out: list[dict[str, Any]] = []
    for batch in raw.batches:
        assert batch.schema == raw.schema()
        for rec in batch.to_pylist():
            row = {h: rec[f"c{i}"] for i, h in enumerate(raw.headers)}
            row["_row"] = rec["_row"]
            out.append(row)
    return out


def read(path: Path, **kwargs: Any) -> tuple[RawData, list[dict[str, Any]]]:
    raw = open_raw(path, **kwargs)
    return raw, rows_of(raw)


# --------------------------------------------------------------------------- encodings

CHINESE = "订单号,买家,金额\n1001,张三,￥12.50\n1002,李四,3\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CHINESE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), "utf-8-sig"),
        (CHINESE.encode("gbk"), "gbk"),
        (CHINESE.encode("gb18030"), "gbk"),  # GB18030 is GBK for these characters
    ],
)
def test_text_encodings(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    raw, rows = read(path)
    assert raw.encoding == encoding
    assert raw.headers == ["订单号", "买家", "金额"]
    assert rows == [
        {"订单号": "1001", "买家": "张三", "金额": "￥12.50", "_row": 1},
        {"订单号": "1002", "买家": "李四", "金额": "3", "_row": 2},
    ]


@pytest.mark.parametrize("char", ["𠀀", "€"])
def test_gb18030_only_characters(tmp_path: Path, char: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(f"名称,金额\n价格{char},1\n".encode("gb18030"))
    raw, rows = read(path)
    assert raw.encoding == "gb18030"
    assert rows == [{"名称": f"价格{char}", "金额": "1", "_row": 1}]


def test_utf16_with_bom_tab_separated(tmp_path: Path) -> None:
    """Excel's "Unicode text": UTF-16 LE with BOM, tab-separated, CRLF."""
    path = tmp_path / "unicode.txt"
    path.write_bytes('订单号\t备注\r\n1\t中文, 逗号\r\n2\t"a\tb"\r\n'.encode("utf-16"))
    raw, rows = read(path)
    assert (raw.encoding, raw.delimiter, raw.headers) == ("utf-16", "\t", ["订单号", "备注"])
    assert rows == [{"订单号": "1", "备注": "中文, 逗号", "_row": 1}, {"订单号": "2", "备注": "a\tb", "_row": 2}]


def ascii_rows(n_bytes: int) -> tuple[bytes, int]:
    """CSV rows of pure ASCII filling at least ``n_bytes``, and how many rows that is."""
    line = b"1,abcdefghijklmnopqrstuvwxyz,0\n"
    n = n_bytes // len(line) + 1
    return line * n, n


# The label of a non-UTF-8 file comes from its first non-ASCII stretch (GBK unless that stretch
# needs GB18030); the file is always read as GB18030, a superset of GBK, so later GB18030-only
# characters still read correctly without a second full pass of Python's decoder.
@pytest.mark.parametrize(
    ("late", "encoding", "label"),
    [("杭州", "gbk", "gbk"), ("杭州", "utf-8", "utf-8"), ("𠀀", "gb18030", "gbk")],
)
def test_chinese_after_the_first_mib_is_detected(tmp_path: Path, late: str, encoding: str, label: str) -> None:
    body, n = ascii_rows(MIB + 100)
    head = "编号,名称,数" if encoding != "utf-8" else "id,name,n"
    path = tmp_path / "late.csv"
    path.write_bytes(head.encode(encoding) + b"\n" + body + f"2,{late},1\n".encode(encoding))
    raw, rows = read(path)
    assert raw.encoding == label
    assert len(rows) == n + 1
    assert rows[-1][raw.headers[1]] == late and rows[-1]["_row"] == n + 1


def test_gbk_then_gb18030_only_character_much_later(tmp_path: Path) -> None:
    """Chinese early (GBK-valid) and a GB18030-only character past the first MiB."""
    body, n = ascii_rows(2 * MIB)
    path = tmp_path / "mixed.csv"
    path.write_bytes("编号,名称,数\n1,中文,1\n".encode("gbk") + body + "3,€,1\n".encode("gb18030"))
    raw, rows = read(path)
    assert raw.encoding == "gbk"  # labelled from the first Chinese; read as GB18030 throughout
    assert rows[0]["名称"] == "中文" and rows[-1]["名称"] == "€" and len(rows) == n + 2


def test_mid_stream_decode_failure_is_an_input_error_with_file_and_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the text ever fails to decode while reading, the error names the file and the row."""
    path = tmp_path / "broken.csv"
    path.write_bytes(b"id,name\n1,a\n2,b\n" + "3,中文\n".encode("gbk") + b"4,d\n")
    monkeypatch.setattr(readers, "detect_file_encoding", lambda _path: "utf-8")
    raw = open_raw(path)
    with pytest.raises(InputError) as info:
        rows_of(raw)
    assert info.value.file == str(path) and info.value.row == 3
    assert "broken.csv, row 3" in str(info.value) and info.value.hint
    assert raw.failure is info.value


def test_undecodable_file_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("name,city\nJosé,Köln\n".encode("latin-1"))
    with pytest.raises(FormatError, match="neither UTF-8 nor GBK") as info:
        open_raw(path)
    assert info.value.file == str(path) and "UTF-8" in (info.value.hint or "")


def test_detect_encoding_of_samples() -> None:
    assert detect_encoding(b"a,b\n") == "utf-8"
    assert detect_encoding("中文".encode()[:-1]) == "utf-8"  # a character cut at the end of the sample
    assert detect_encoding(b"\xef\xbb\xbfa") == "utf-8-sig"
    assert detect_encoding("a".encode("utf-16")) == "utf-16"
    assert detect_encoding("中文".encode("gbk")) == "gbk"
    assert detect_encoding("€".encode("gb18030")) == "gb18030"


def test_detect_file_encoding_of_gzip(tmp_path: Path) -> None:
    path = tmp_path / "a.csv.gz"
    path.write_bytes(gzip.compress("a\n中文\n".encode("gbk")))
    assert detect_file_encoding(path) == "gbk"


# --------------------------------------------------------------------------- layout


@pytest.mark.parametrize("delimiter", [",", "\t", ";", "|"])
def test_delimiters(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "a.csv"
    d = delimiter
    path.write_text(f'id{d}amount{d}note\n1{d}"1,234.50"{d}x\n2{d}3{d}"a {d} b"\n', encoding="utf-8")
    raw, rows = read(path)
    assert raw.delimiter == delimiter
    assert rows == [
        {"id": "1", "amount": "1,234.50", "note": "x", "_row": 1},
        {"id": "2", "amount": "3", "note": f"a {d} b", "_row": 2},
    ]


def test_sniff_delimiter() -> None:
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","
    assert sniff_delimiter("a\tb\n1\t2\n") == "\t"
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert sniff_delimiter('"金额(元,含税)"\t日期\n1\t2\n') == "\t"  # commas inside quotes do not count
    assert sniff_delimiter("amount(a,b)\tdate\n1\t2\n3\t4\n") == "\t"  # the consistent one wins
    assert sniff_delimiter("single\n1\n") == ","


def test_quoted_newlines_commas_crlf_and_trailing_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(
        b'id,note,amount\r\n1,"line one\r\nline two",5\r\n2,"a, b ""quoted""",6\r\n3,,\r\n\r\n\r\n',
    )
    raw, rows = read(path)
    assert raw.bad_rows == []
    assert rows == [
        {"id": "1", "note": "line one\r\nline two", "amount": "5", "_row": 1},
        {"id": "2", "note": 'a, b "quoted"', "amount": "6", "_row": 2},
        {"id": "3", "note": None, "amount": None, "_row": 3},
    ]


def test_header_with_bom_spaces_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeff订单编号 , 金额,金额,金额.1, 金额 \n1,2,3,4,5\n".encode())
    raw, rows = read(path)
    assert raw.headers == ["订单编号", "金额", "金额.2", "金额.1", "金额.3"]
    assert rows == [{"订单编号": "1", "金额": "2", "金额.2": "3", "金额.1": "4", "金额.3": "5", "_row": 1}]


def test_blank_lines_before_the_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("\n\nid,v\n1,a\n2,b,extra\n3,c\n", encoding="utf-8")
    raw, rows = read(path)
    assert raw.headers == ["id", "v"]
    assert [(r["id"], r["_row"]) for r in rows] == [("1", 1), ("3", 3)]
    assert [(b.row, b.text) for b in raw.bad_rows] == [(2, "2,b,extra")]


def test_a_trailing_delimiter_on_every_data_line_or_only_on_the_header(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,v\n1,a,\n2,b,\n3,c,\n", encoding="utf-8")
    raw, rows = read(path)
    assert raw.headers == ["id", "v", ""] and raw.bad_rows == []
    assert rows[2] == {"id": "3", "v": "c", "": None, "_row": 3}
    path.write_text("id,v,\n1,a\n2,b\n", encoding="utf-8")
    raw, rows = read(path)
    assert raw.headers == ["id", "v"] and raw.bad_rows == []
    assert rows == [{"id": "1", "v": "a", "_row": 1}, {"id": "2", "v": "b", "_row": 2}]
    path.write_text("id,v\n1,a,\n2,b,x\n3,c,\n4,d\n", encoding="utf-8")  # not on every line: rows are malformed
    raw, rows = read(path)
    assert raw.headers == ["id", "v"] and [b.row for b in raw.bad_rows] == [1, 2, 3]


def test_quoted_header_with_newline(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('"order\nid",v\n1,a\n', encoding="utf-8")
    raw, rows = read(path)
    assert raw.headers == ["order\nid", "v"]
    assert rows == [{"order\nid": "1", "v": "a", "_row": 1}]


def test_gzipped_csv(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv.gz"
    path.write_bytes(gzip.compress("订单号,金额\n1,2\n2,3\n".encode("gbk")))
    raw, rows = read(path)
    assert raw.encoding == "gbk"
    assert rows == [{"订单号": "1", "金额": "2", "_row": 1}, {"订单号": "2", "金额": "3", "_row": 2}]


def test_headerless_file_takes_the_given_names(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("1,100,pv\n2,200\n3,300,buy\n", encoding="utf-8")
    raw, rows = read(path, has_header=False, column_names=["user", "item", "kind"])
    assert raw.headers == ["user", "item", "kind"]
    assert rows == [
        {"user": "1", "item": "100", "kind": "pv", "_row": 1},
        {"user": "3", "item": "300", "kind": "buy", "_row": 3},
    ]
    assert [(b.row, b.text) for b in raw.bad_rows] == [(2, "2,200")]


def test_headerless_without_names_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("1,2\n", encoding="utf-8")
    with pytest.raises(FormatError, match="column names"):
        open_raw(path, has_header=False)


def test_header_only_and_empty_files(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,v\n", encoding="utf-8")
    raw, rows = read(path)
    assert (raw.headers, rows, raw.bad_rows) == (["id", "v"], [], [])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\n \n")
    with pytest.raises(FormatError, match="empty") as info:
        open_raw(empty)
    assert info.value.file == str(empty)


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        open_raw(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="not a file"):
        open_raw(tmp_path)
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    with pytest.raises(FormatError, match=r"'\.pdf'"):
        open_raw(tmp_path / "a.pdf")
    (tmp_path / "a.xlsx.gz").write_bytes(gzip.compress(b"x"))
    with pytest.raises(FormatError, match="gzip"):
        open_raw(tmp_path / "a.xlsx.gz")


# --------------------------------------------------------------------------- malformed rows


def test_malformed_rows_are_listed_and_good_rows_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,v\n1,a\n2\n3,c\n4,d,e\n5,e\n", encoding="utf-8")
    raw, rows = read(path)
    assert [(r["id"], r["_row"]) for r in rows] == [("1", 1), ("3", 3), ("5", 5)]
    assert [(b.row, b.reason, b.text) for b in raw.bad_rows] == [
        (2, "expected 2 fields, found 1", "2"),
        (4, "expected 2 fields, found 3", "4,d,e"),
    ]


def test_bad_rows_in_many_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each good row's number is written in the row itself; malformed rows fall in different blocks.

    pyarrow reports a skipped row while parsing its block, which can be a block before
    the batch it belongs to is delivered: the numbering must not depend on that.
    """
    monkeypatch.setattr(readers, "BLOCK_SIZE", 2048)
    bad = {1, 5, 6, 400, 401, 1200, 2222, 2999, 3000}
    lines = ["n,text,check"]
    for n in range(1, 3001):
        if n in bad:
            lines.append(f"{n},broken" if n % 2 else f"{n},too,many,fields")
        elif n % 7 == 0:
            lines.append(f'{n},"multi\nline, with comma",ok')
        else:
            lines.append(f"{n},plain,ok")
        if n == 1500:
            lines.append("")  # a blank line is not a row
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n\n\n", encoding="utf-8")
    raw, rows = read(path)
    assert [r["_row"] for r in rows] == [int(r["n"]) for r in rows]
    assert [b.row for b in raw.bad_rows] == sorted(bad)
    assert all(b.text.startswith(f"{b.row},") for b in raw.bad_rows)
    assert len(rows) + len(raw.bad_rows) == 3000


def test_unclosed_quote_spanning_blocks_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "BLOCK_SIZE", 1024)
    path = tmp_path / "a.csv"
    path.write_text('id,v\n1,a\n2,"open\n' + "x,y\n" * 2000, encoding="utf-8")
    raw = open_raw(path)
    with pytest.raises(InputError, match="straddl") as info:
        rows_of(raw)
    assert (info.value.file, info.value.row) == (str(path), 2)


def test_import_counts_every_row_and_quarantines_malformed_ones(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text(
        "订单号,下单时间,实付金额\nA1,2020-02-01 10:00,10.00\nA2,2020-02-01\nA3,2020-02-02 09:00,5.50\n",
        encoding="utf-8",
    )
    with Project.init(tmp_path / "p", stores=[{"name": "s1"}]) as project:
        [summary] = project.import_files([path], store="s1", kind="orders")
        assert (summary.rows_read, summary.loaded, summary.quarantined) == (3, 2, 1)
        q = project.quarantine()
        assert list(q["row"]) == [2] and "expected 3 fields, found 2" in q["reason"].iloc[0]


# --------------------------------------------------------------------------- excel


def write_xlsx(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("订单")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    time_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    text_fmt = book.add_format({"num_format": "@"})
    sheet.write_row(0, 0, ["订单号 ", "日期", "时间", "金额", "编码", "序号日期", "订单号", 2020])
    sheet.write_string(1, 0, "000123", text_fmt)
    sheet.write_datetime(1, 1, dt.datetime(2020, 2, 1), date_fmt)
    sheet.write_datetime(1, 2, dt.datetime(2020, 2, 1, 8, 5, 7), time_fmt)
    sheet.write_number(1, 3, 1234.5)
    sheet.write_string(1, 4, "00123", text_fmt)
    sheet.write_string(1, 5, "43862", text_fmt)  # an Excel serial typed into a text column
    sheet.write_number(1, 6, 123456789012345678)
    sheet.write_boolean(1, 7, True)
    # row 2 of the data is left empty (only formatted), row 3 has a few values
    sheet.set_row(2, None, date_fmt)
    sheet.write_number(3, 0, 7)
    sheet.write_number(3, 3, 0.1 + 0.2)
    sheet.write_number(3, 5, 43862.5)
    book.add_worksheet("其他").write_string(0, 0, "ignored")
    book.close()


def test_xlsx_cells_become_the_text_excel_shows(tmp_path: Path) -> None:
    path = tmp_path / "orders.xlsx"
    write_xlsx(path)
    raw, rows = read(path)
    assert raw.encoding == "xlsx" and raw.delimiter is None
    assert raw.headers == ["订单号", "日期", "时间", "金额", "编码", "序号日期", "订单号.1", "2020"]
    assert rows == [
        {
            "订单号": "000123",
            "日期": "2020-02-01",
            "时间": "2020-02-01 08:05:07",
            "金额": "1234.5",
            "编码": "00123",
            "序号日期": "43862",
            "订单号.1": "123456789012346000",  # Excel shows 15 significant digits,
            "2020": "TRUE",
            "_row": 1,
        },
        {
            "订单号": "7",
            "日期": None,
            "时间": None,
            "金额": "0.3",
            "编码": None,
            "序号日期": "43862.5",
            "订单号.1": None,
            "2020": None,
            "_row": 3,
        },
    ]


def test_xlsx_headerless_and_empty(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["u1", 5])
    sheet.write_row(2, 0, ["u2", 6])
    book.close()
    _, rows = read(path, has_header=False, column_names=["user", "n"])
    assert rows == [{"user": "u1", "n": "5", "_row": 1}, {"user": "u2", "n": "6", "_row": 3}]
    empty = tmp_path / "empty.xlsx"
    book = xlsxwriter.Workbook(str(empty))
    book.add_worksheet()
    book.close()
    with pytest.raises(FormatError, match="sheet is empty"):
        open_raw(empty)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="cannot read the workbook"):
        open_raw(broken)


def test_xlsx_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "EXCEL_BATCH_ROWS", 4)
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["n"])
    for n in range(1, 12):
        if n != 6:
            sheet.write_number(n, 0, n)
    book.close()
    _, rows = read(path)
    assert [(r["n"], r["_row"]) for r in rows] == [(str(n), n) for n in range(1, 12) if n != 6]


def test_files_are_read_by_their_content_not_their_name(tmp_path: Path) -> None:
    workbook = tmp_path / "orders.csv"
    book = xlsxwriter.Workbook(str(workbook))
    book.add_worksheet().write_row(0, 0, ["订单号", "金额"])
    book.close()
    raw, rows = read(workbook)
    assert (raw.encoding, raw.headers, rows) == ("xlsx", ["订单号", "金额"], [])
    text_xls = tmp_path / "old_export.xls"
    text_xls.write_bytes("订单号\t金额\n1\t2\n".encode("gbk"))
    raw, rows = read(text_xls)
    assert (raw.encoding, raw.delimiter, rows) == ("gbk", "\t", [{"订单号": "1", "金额": "2", "_row": 1}])
    parquet = tmp_path / "data.csv"
    pq.write_table(pa.table({"n": [1]}), parquet)
    assert read(parquet)[1] == [{"n": "1", "_row": 1}]
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(bytes(range(256)))
    with pytest.raises(InputError, match="cannot read the workbook"):
        open_raw(junk)


# --------------------------------------------------------------------------- parquet


def test_parquet_values_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    utc = dt.UTC
    table = pa.table(
        {
            "ts": pa.array([dt.datetime(2020, 2, 1, 8, 5, 7), None, dt.datetime(2020, 2, 1, 8, 5, 7, 250000)]),
            "ts_ns": pa.array([dt.datetime(2020, 2, 1), None, None], pa.timestamp("ns")),
            "ts_tz": pa.array(
                [dt.datetime(2020, 2, 1, tzinfo=utc), None, None], pa.timestamp("us", tz="Asia/Shanghai")
            ),
            "day": pa.array([dt.date(2020, 2, 1), None, None], pa.date32()),
            "amount": pa.array([Decimal("12.30"), None, Decimal("-0.05")], pa.decimal128(18, 2)),
            "n": pa.array([1, None, 3], pa.int64()),
            "x": pa.array([1.5, None, 0.1]),
            "kind": pa.array(["a", None, "b"]).dictionary_encode(),
            "tags": pa.array([["a", "b"], None, []]),
            "blob": pa.array([b"ab", None, b"\xff"]),
        }
    )
    pq.write_table(table, path)
    raw, rows = read(path)
    assert raw.headers == table.column_names and raw.encoding == "parquet"
    assert rows[0] == {
        "ts": "2020-02-01 08:05:07",
        "ts_ns": "2020-02-01 00:00:00",
        "ts_tz": "2020-02-01 08:00:00+0800",
        "day": "2020-02-01",
        "amount": "12.30",
        "n": "1",
        "x": "1.5",
        "kind": "a",
        "tags": '["a", "b"]',
        "blob": "ab",
        "_row": 1,
    }
    assert all(v is None for k, v in rows[1].items() if k != "_row") and rows[1]["_row"] == 2
    assert (rows[2]["ts"], rows[2]["amount"], rows[2]["x"], rows[2]["tags"], rows[2]["_row"]) == (
        "2020-02-01 08:05:07.250000",
        "-0.05",
        "0.1",
        "[]",
        3,
    )


def test_parquet_in_batches_and_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "PARQUET_BATCH_ROWS", 3)
    path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"n": list(range(1, 11))}), path)
    _, rows = read(path)
    assert [(r["n"], r["_row"]) for r in rows] == [(str(n), n) for n in range(1, 11)]
    broken = tmp_path / "b.parquet"
    broken.write_bytes(b"PAR1 not really")
    with pytest.raises(InputError, match="Parquet"):
        open_raw(broken)


# --------------------------------------------------------------------------- a look at a file


def test_read_head(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("a,b\n" + "".join(f"{i},x\n" for i in range(100)), encoding="utf-8")
    headers, rows = read_head(path, rows=3)
    assert headers == ["a", "b"] and rows == [["0", "x"], ["1", "x"], ["2", "x"]]


def test_an_opened_file_that_is_never_read_holds_no_handle(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("a,b\n1,2\n", encoding="utf-8")
    parquet_path = tmp_path / "a.parquet"
    pq.write_table(pa.table({"a": [1, 2]}), parquet_path)
    opened = [open_raw(csv_path), open_raw(parquet_path)]
    half = [open_raw(csv_path), open_raw(parquet_path)]
    for raw in half:
        next(raw.batches)
    del opened, half
    gc.collect()  # a leaked handle would raise ResourceWarning (an error under -W error)
