"""Every registered analysis runs through ``build`` and ``present`` on a small sample shop, in zh and en,
and its section renders in HTML, Markdown, JSON and Excel.

Every name the registry lists is run: a module that does not import, or registers nothing, fails here.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from shopops.analyses.base import Context, params_from
from shopops.calendar.period import report_periods
from shopops.compositions import registry
from shopops.project import Project
from shopops.reports import render
from shopops.reports.model import Report, Section
from shopops.sample import SampleSpec, generate
from shopops.warehouse.scope import Scope

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses"))
from product_shop import REFUNDS, import_csv

QUARTER = date(2026, 9, 30)
#: terms a zh label keeps in Latin letters: the business acronyms of 运营 teams, the ABC classes and
#: items (A, B, C), cohort months (M0, M1 …); anything else in Latin letters is an untranslated word
LATIN_TERMS = re.compile(r"(?<![A-Za-z])(RFM|ABC|CLV|SKU|ROAS|UV|PV|KPI|LMDI|GMV|CPC|CTR|[A-Z]\d*)(?![A-Za-z])")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """Two stores, five months to the end of 2026-Q3, and a refund export for a few of the quarter's orders."""
    folder = tmp_path_factory.mktemp("registry")
    spec = SampleSpec(stores=2, days=400, seed=5, orders_per_day=10, end_date=QUARTER, events_users=0)
    result = generate(spec, out_dir=folder / "exports")
    stores = [{"name": s.name, "platform": s.platform, "currency": s.currency} for s in result.stores]
    p = Project.init(folder / "p", stores=stores)
    for f in result.files:
        if f.kind in ("orders", "items", "products", "traffic", "ads"):
            p.import_files([folder / "exports" / f.path], store=f.store, source=f.source, kind=f.kind)
    store = result.stores[0].name
    import_csv(p, folder, "refunds.csv", store, "refunds", REFUNDS, _refunds(p, store))
    for s in result.stores:  # month targets for 2026, so that tracking has something to track
        months = [
            (f"2026-{m:02d}-01", (pd.Timestamp(f"2026-{m:02d}-01") + pd.offsets.MonthEnd(0)).date())
            for m in range(1, 13)
        ]
        rows = [("paid_amount", "month", a, b.isoformat(), 50000) for a, b in months]
        import_csv(
            p, folder, f"targets-{s.name}.csv", s.name, "targets", "metric,grain,period_start,period_end,value", rows
        )
    with p:
        yield p


def _refunds(p: Project, store: str) -> list[tuple[object, ...]]:
    """A refund of one unit of the first line of every 20th order paid in the quarter, 2 to 40 days later."""
    o = p.warehouse.table("orders").to_pandas()
    i = p.warehouse.table("order_items").to_pandas()
    o = o[(o["store"] == store) & o["paid_at"].notna() & (pd.to_datetime(o["paid_at"]).dt.date >= date(2026, 7, 1))]
    first = i[i["store"] == store].sort_values("line_no").drop_duplicates("order_id").set_index("order_id")
    rows = []
    for n, r in enumerate(o.sort_values("order_id").iloc[::20].itertuples()):
        line = first.loc[r.order_id]
        when = pd.Timestamp(r.paid_at) + pd.Timedelta(days=2 + n % 39)
        rows.append((f"r{n}", r.order_id, line["sku"], 1, line["unit_price"], when.isoformat(sep=" "), "quality"))
    return rows


def report_of(section: Section, ctx: Context, lang: str) -> Report:
    return Report(
        kind="customers",  # (any kind: the renderers show the sections the same way)
        lang=lang,  # type: ignore[arg-type]
        title=section.title,
        stores=list(ctx.stores),
        currency=ctx.scope.currency,
        period=ctx.period,
        previous=ctx.compared,
        yoy=ctx.yoy,
        generated_at=pd.Timestamp("2026-10-01 08:00").to_pydatetime(),
        summary=[],
        kpis=[],
        sections=[section],
        notes=list(ctx.notes),
    )


def labels(section: Section) -> list[str]:
    return [section.title, *(t.title for t in section.tables), *(c.label for t in section.tables for c in t.columns)]


#: the options an analysis cannot do without on this shop (every other one runs with its defaults)
OPTIONS: dict[str, dict[str, Any]] = {"plan": {"fiscal_year": 2026, "target": "2000000"}}


@pytest.mark.parametrize("name", registry.names())
def test_every_analysis_builds_presents_and_renders(shop: Project, name: str, tmp_path: Path) -> None:
    analysis = registry.get(name)
    current, previous, yoy = report_periods("quarterly", QUARTER)
    ctx = Context.create(Scope.resolve(shop), current, previous=previous, yoy=yoy)
    result = analysis.build(ctx, params_from(analysis.params, OPTIONS.get(name, {})))
    for lang in ("zh", "en"):
        section = analysis.present(result, lang)
        assert section is not None, f"{name} shows nothing on the sample shop in {lang}"
        assert section.tables, f"{name}: a section without a table"
        for label in labels(section):
            text = re.sub("|".join(map(re.escape, ctx.stores)), "", label)  # store names are data, not words
            if lang == "zh":
                latin = LATIN_TERMS.sub("", text)
                assert not re.search(r"[A-Za-z]", latin), f"{name} (zh): untranslated label {label!r}"
            else:
                assert not CJK.search(text), f"{name} (en): Chinese in the label {label!r}"
        paths = render(report_of(section, ctx, lang), tmp_path / lang, formats=("html", "md", "json", "xlsx"))
        assert section.title in paths["html"].read_text(encoding="utf-8")
        assert f"## {section.title}" in paths["md"].read_text(encoding="utf-8")
        shown = json.loads(paths["json"].read_text(encoding="utf-8"))["sections"][0]
        assert [t["id"] for t in shown["tables"]] == [t.id for t in section.tables]
        assert [len(t["rows"]) for t in shown["tables"]] == [len(t.rows) for t in section.tables]
        assert paths["xlsx"].stat().st_size > 0


def test_the_documented_python_example_runs(shop: Project) -> None:
    """docs/analyses.md's Python example, on this shop (its folder for "demo", September for October)."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "analyses.md").read_text(encoding="utf-8")
    code = page.split("```python\n", 1)[1].split("```", 1)[0]
    code = code.replace('Project.open("demo")', f"Project.open({str(shop.settings.root)!r})")
    code = code.replace('"2026-10"', '"2026-09"')
    scope: dict[str, Any] = {}
    exec(compile(code, "docs/analyses.md", "exec"), scope)
    section, result = scope["section"], scope["result"]
    assert section.id == "decompose" and section.title == "What moved paid amount"
    total = result.table.iloc[-1]
    assert total["segment"] == "total"
    parts = total["traffic_effect"] + total["conversion_effect"] + total["order_value_effect"]
    assert parts + total["not_decomposed"] == total["paid_amount_change"]  # to the cent
    assert len(section.tables[0].rows) == len(result.table)
    sql = scope["ctx"].sql  # the statements behind the figures, for the analyst and the web's "SQL that ran"
    assert sql and all("select" in text.lower() and "orders" in text.lower() for text in sql[:1])
