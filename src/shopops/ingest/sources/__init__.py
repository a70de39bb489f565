"""The registry of export formats. Add a module here for a new platform export."""

from __future__ import annotations

from shopops.errors import FormatError
from shopops.ingest.formats import KINDS, Source, match_headers
from shopops.ingest.sources.generic import GENERIC, SYNONYMS, TABLE_OF_KIND
from shopops.ingest.sources.invoice_lines import INVOICE_LINES
from shopops.ingest.sources.jd import JD_ORDERS
from shopops.ingest.sources.platform_reports import LISTINGS, SYCM_TRAFFIC, USER_BEHAVIOR, ZTC_ADS
from shopops.ingest.sources.shopify import SHOPIFY_ORDERS
from shopops.ingest.sources.tmall import TMALL_ITEMS, TMALL_ORDERS, TMALL_REPORT

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        TMALL_REPORT,
        TMALL_ORDERS,
        TMALL_ITEMS,
        JD_ORDERS,
        SHOPIFY_ORDERS,
        INVOICE_LINES,
        SYCM_TRAFFIC,
        ZTC_ADS,
        USER_BEHAVIOR,
        LISTINGS,
    )
}


def get_source(name: str, kind: str | None = None) -> Source:
    """A named source; ``generic`` needs the kind."""
    if name == "generic":
        if kind is None or kind not in GENERIC:
            raise FormatError(
                "--source generic needs --kind",
                hint=f"pass --kind, one of: {', '.join(KINDS)}",
            )
        return GENERIC[kind]
    try:
        source = SOURCES[name]
    except KeyError:
        raise FormatError(
            f"unknown source {name!r}",
            hint=f"known sources: {', '.join([*SOURCES, 'generic'])} (see `shopops sources`)",
        ) from None
    if (
        kind is not None
        and kind != source.kind
        and not (source.name == "invoice_lines" and kind in {"items", "orders"})
    ):
        raise FormatError(
            f"source {name!r} holds {source.kind}, not {kind}",
            hint=f"use --kind {source.kind}, or leave --kind out",
        )
    return source


def detect_source(headers: list[str], kind: str | None = None) -> Source | None:
    """The specific source whose required headers are all present (most fields matched wins)."""
    best: tuple[int, Source] | None = None
    for source in SOURCES.values():
        if not source.has_header or (kind is not None and source.kind != kind):
            continue
        found = match_headers(source.fields, headers)
        if all(f.name in found for f in source.fields if f.required):
            score = len(found)
            if best is None or score > best[0]:
                best = (score, source)
    return best[1] if best else None


__all__ = ["GENERIC", "SOURCES", "SYNONYMS", "TABLE_OF_KIND", "detect_source", "get_source"]
