"""Mapping files: loading, errors, suggestions, and a suggested mapping that imports end to end."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopops.errors import FormatError
from shopops.ingest.mapping import load_mapping, mapping_toml, suggest_mapping
from shopops.ingest.readers import read_head
from shopops.project import Project

ORDERS_ZH = ["订单号", "下单时间", "实付金额", "买家", "省份"]
SHOPIFY = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Currency",
    "Subtotal",
    "Shipping",
    "Taxes",
    "Total",
    "Discount Code",
    "Discount Amount",
    "Created at",
    "Shipping Province",
    "Shipping Country",
    "Refunded Amount",
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def headers_of(source: Any) -> dict[str, tuple[str, ...]]:
    return {f.name: f.headers for f in source.fields}


# --------------------------------------------------------------------------- load_mapping


def test_load_mapping(tmp_path: Path) -> None:
    path = write(
        tmp_path / "map.toml",
        'kind = "orders"\n[columns]\norder_id = "Ref"\ncreated_at = ["When", "Date"]\npaid_amount = "Total"\nstatus = ""\n',
    )
    source = load_mapping(path)
    assert (source.kind, source.name) == ("orders", "mapping:map.toml")
    headers = headers_of(source)
    assert headers["order_id"] == ("Ref",)
    assert headers["created_at"] == ("When", "Date")
    assert headers["paid_amount"] == ("Total",)
    assert headers["status"] == ()  # "" : not read at all
    assert "省份" in headers["province"]  # fields the mapping does not name keep their synonyms
    assert "Total" not in headers["total_amount"]  # ... but not on a column given to another field


def test_kind_from_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path / "map.toml", '[columns]\nsku = "货号"\n')
    assert load_mapping(path, "products").kind == "products"
    same = write(tmp_path / "same.toml", 'kind = "products"\n[columns]\nsku = "货号"\n')
    assert load_mapping(same, "products").kind == "products"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        ('[columns]\norder_id = "a"\n', "needs a kind", "--kind"),
        ('kind = "order"\n[columns]\norder_id = "a"\n', "unknown kind 'order'", "--kind"),
        ('kind = "orders"\n[columns]\norder_no = "a"\nbuyer = "b"\n', "unknown orders field(s): buyer, order_no", ""),
        ('kind = "orders"\n', "no [columns] table", "order_id (required)"),
        ('kind = "orders"\ncolumns = "x"\n', "no [columns] table", ""),
        ('kind = "orders"\n[columns]\norder_id = 3\n', "gives order_id a int", ""),
        ('kind = "orders"\n[columns]\norder_id = ["a", 3]\n', "gives order_id a list", ""),
        ('kind = "orders"\n[columns]\norder_id = ""\n', "leaves out required field(s): order_id", ""),
        ('kind = "orders"\nstore = "s"\n[columns]\norder_id = "a"\n', "unknown key(s) in the mapping: store", ""),
        ('kind = "orders"\n[columns\n', "not valid TOML", "[columns]"),
    ],
)
def test_mapping_errors_name_the_file(tmp_path: Path, text: str, message: str, hint: str) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(FormatError) as info:
        load_mapping(path)
    assert info.value.file == str(path)
    assert message in info.value.message and str(path) in str(info.value)
    assert hint in (info.value.hint or "")


def test_unknown_fields_list_the_valid_ones(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.toml", 'kind = "products"\n[columns]\ncost = "成本"\n')
    with pytest.raises(FormatError, match="unknown products field") as info:
        load_mapping(path)
    assert info.value.hint == "products fields are: sku (required), product_id, title, category, price, unit_cost, role"


def test_kind_conflict(tmp_path: Path) -> None:
    path = write(tmp_path / "map.toml", 'kind = "orders"\n[columns]\norder_id = "a"\n')
    with pytest.raises(FormatError, match="for 'orders' but --kind items"):
        load_mapping(path, "items")


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="cannot read the mapping file") as info:
        load_mapping(tmp_path / "nope.toml")
    assert info.value.file == str(tmp_path / "nope.toml")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gbk"])
def test_mapping_file_encodings(tmp_path: Path, encoding: str) -> None:
    """Notepad (UTF-8 with BOM, or ANSI = GBK on Chinese Windows) and PowerShell's ``>`` (UTF-16)."""
    path = write(tmp_path / "map.toml", 'kind = "orders"\n[columns]\norder_id = "订单号"\n', encoding)
    assert headers_of(load_mapping(path))["order_id"] == ("订单号",)


# --------------------------------------------------------------------------- suggestions


def test_suggest_chinese_orders() -> None:
    assert suggest_mapping(ORDERS_ZH) == (
        "orders",
        {
            "order_id": "订单号",
            "created_at": "下单时间",
            "paid_amount": "实付金额",
            "buyer_id": "买家",
            "province": "省份",
        },
    )


def test_suggest_shopify_like_english_orders() -> None:
    kind, found = suggest_mapping(SHOPIFY)
    assert kind == "orders"
    assert found == {
        "order_id": "Name",
        "buyer_id": "Email",
        "status": "Financial Status",
        "created_at": "Created at",
        "paid_at": "Paid at",
        "goods_amount": "Subtotal",
        "shipping_amount": "Shipping",
        "discount_amount": "Discount Amount",
        "tax_amount": "Taxes",
        "total_amount": "Total",
        "refund_amount": "Refunded Amount",
        "province": "Shipping Province",
        "country": "Shipping Country",
    }


def test_suggest_near_matches_in_english() -> None:
    kind, found = suggest_mapping(["Order Number", "Order Date", "Customer ID", "Amount Paid", "Order Status", "State"])
    assert kind == "orders"
    assert found == {
        "order_id": "Order Number",
        "created_at": "Order Date",
        "buyer_id": "Customer ID",
        "paid_amount": "Amount Paid",
        "status": "Order Status",
        "province": "State",
    }


def test_suggest_products_sheet() -> None:
    assert suggest_mapping(["商家编码", "商品标题", "类目", "售价", "成本价"]) == (
        "products",
        {"sku": "商家编码", "title": "商品标题", "category": "类目", "price": "售价", "unit_cost": "成本价"},
    )


def test_suggest_other_kinds_and_a_given_kind() -> None:
    assert suggest_mapping(["日期", "访客数", "浏览量", "支付金额"]) == (
        "traffic",
        {"date": "日期", "uv": "访客数", "pv": "浏览量", "paid_amount": "支付金额"},
    )
    assert suggest_mapping(["商家编码", "日期", "可用库存"])[0] == "inventory"
    assert suggest_mapping(["商家编码", "商品标题"], "items") == ("items", {"sku": "商家编码", "title": "商品标题"})
    with pytest.raises(FormatError, match="unknown kind"):
        suggest_mapping(["a"], "order")


def test_blank_and_one_letter_headers_match_nothing() -> None:
    _, found = suggest_mapping(["", "a", "订单编号", "创建时间"])
    assert found == {"order_id": "订单编号", "created_at": "创建时间"}


# --------------------------------------------------------------------------- mapping_toml


def test_mapping_toml_is_valid_and_loads(tmp_path: Path) -> None:
    odd = ['备注 "x"\\y', "tab\there", "new\nline", "del\x7f"]
    headers = [*ORDERS_ZH, *odd]
    text = mapping_toml(*suggest_mapping(headers), headers)
    data = tomllib.loads(text)
    assert data["kind"] == "orders"
    assert data["columns"] == {
        "order_id": "订单号",
        "created_at": "下单时间",
        "paid_amount": "实付金额",
        "buyer_id": "买家",
        "province": "省份",
    }
    assert "# status = " in text and "(no column found)" in text
    assert 'order_id = "订单号"  # text, required' in text
    path = write(tmp_path / "map.toml", text)
    source = load_mapping(path)
    assert headers_of(source)["paid_amount"] == ("实付金额",)


def test_mapping_toml_quotes_odd_headers_it_maps(tmp_path: Path) -> None:
    headers = ['Order "No"\\1', "Order\nDate"]
    text = mapping_toml("orders", {"order_id": headers[0], "created_at": headers[1]}, headers)
    source = load_mapping(write(tmp_path / "map.toml", text))
    assert headers_of(source)["order_id"] == (headers[0],) and headers_of(source)["created_at"] == (headers[1],)


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    p = Project.init(tmp_path_factory.mktemp("mapping") / "p", stores=[{"name": "s1"}])
    yield p
    p.close()


def table_rows(p: Project, sql: str) -> list[tuple[Any, ...]]:
    table = p.warehouse.con.sql(sql).to_pyarrow()
    return list(zip(*(c.to_pylist() for c in table.columns), strict=True))


def test_suggested_mapping_imports_end_to_end(tmp_path: Path, project: Project) -> None:
    data = write(
        tmp_path / "订单.csv",
        "订单号,下单时间,实付金额,买家,省份,备注\n"
        'A001,2020/2/1 8:05,"￥1,234.50",张三,浙江,\n'
        "A002,2020年2月2日,12元,李四,上海,加急\n"
        "A003,2020-02-03 10:00:00,(3.20),王五,北京,退款\n"
        "A004,2020-02-04 10:00:00,junk,赵六,广东,\n",
        "gbk",
    )
    headers, _ = read_head(data)
    text = mapping_toml(*suggest_mapping(headers), headers)
    mapping = write(tmp_path / "map.toml", text)
    [summary] = project.import_files([data], store="s1", mapping=mapping)
    assert (summary.source, summary.kind, summary.encoding) == ("mapping:map.toml", "orders", "gbk")
    assert (summary.rows_read, summary.loaded, summary.quarantined) == (4, 3, 1)
    got = table_rows(
        project,
        "SELECT order_id, created_at, paid_amount, buyer_id, province FROM orders WHERE store = 's1' ORDER BY order_id",
    )
    assert [(r[0], str(r[1]), r[2], r[3], r[4]) for r in got] == [
        ("A001", "2020-02-01 08:05:00", Decimal("1234.50"), "张三", "浙江"),
        ("A002", "2020-02-02 00:00:00", Decimal("12.00"), "李四", "上海"),
        ("A003", "2020-02-03 10:00:00", Decimal("-3.20"), "王五", "北京"),
    ]
    assert table_rows(project, "SELECT sum(paid_amount) FROM orders WHERE store = 's1'") == [(Decimal("1243.30"),)]
    q = project.quarantine(summary.import_id)
    assert list(q["row"]) == [4] and list(q["column"]) == ["实付金额"] and list(q["value"]) == ["junk"]


def test_hand_written_mapping_for_odd_headers(tmp_path: Path, project: Project) -> None:
    data = write(tmp_path / "products.csv", "Code;Name;Cost (GBP);Retail\n001;Mug;£2.50;£8\n002;Cup;1.25;4.00\n")
    mapping = write(
        tmp_path / "products.toml",
        'kind = "products"\n[columns]\nsku = "code"\ntitle = "Name"\nunit_cost = "Cost (GBP)"\nprice = "Retail"\n',
    )
    [summary] = project.import_files([data], store="s1", mapping=mapping)
    assert (summary.rows_read, summary.loaded, summary.quarantined) == (2, 2, 0)
    got = table_rows(project, "SELECT sku, title, price, unit_cost FROM products WHERE store = 's1' ORDER BY sku")
    assert got == [("001", "Mug", Decimal("8.00"), Decimal("2.50")), ("002", "Cup", Decimal("4.00"), Decimal("1.25"))]


def test_mapping_naming_a_missing_column(tmp_path: Path, project: Project) -> None:
    data = write(tmp_path / "o.csv", "Ref,When\n1,2020-02-01\n")
    mapping = write(tmp_path / "map.toml", 'kind = "orders"\n[columns]\norder_id = "Order No."\ncreated_at = "When"\n')
    with pytest.raises(FormatError, match=r"missing required column.*'Order No\.'"):
        project.import_files([data], store="s1", mapping=mapping)
