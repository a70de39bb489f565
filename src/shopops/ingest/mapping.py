"""Mapping files (TOML) from a file's columns to canonical fields, and suggestions for them."""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import replace
from pathlib import Path

from shopops.errors import FormatError
from shopops.ingest.formats import KINDS, Field, Source, _norm, match_headers
from shopops.ingest.sources.generic import GENERIC, SYNONYMS


def load_mapping(path: Path, kind: str | None = None) -> Source:
    """A generic source whose fields read the headers the mapping names.

    Mapping file::

        kind = "orders"            # optional when --kind is given
        [columns]
        order_id = "Order No."
        created_at = "Order Date"
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FormatError(f"cannot read the mapping file: {exc}", file=str(path), hint="it must be TOML with a [columns] table") from exc
    kind = kind or raw.get("kind")
    if kind not in KINDS:
        raise FormatError(
            f"mapping needs a kind (one of {', '.join(KINDS)})",
            file=str(path),
            hint='add kind = "orders" (for example) at the top, or pass --kind',
        )
    columns = raw.get("columns", {})
    base = GENERIC[kind]
    known = {f.name for f in base.fields}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise FormatError(
            f"mapping names unknown {kind} fields: {', '.join(unknown)}",
            file=str(path),
            hint=f"{kind} fields are: {', '.join(f.name for f in base.fields)}",
        )
    fields = tuple(
        replace(f, headers=(str(columns[f.name]),)) if f.name in columns else f for f in base.fields
    )
    return replace(base, name=f"mapping:{path.name}", fields=fields)


def suggest_mapping(headers: list[str], kind: str | None = None) -> tuple[str, dict[str, str]]:
    """(kind, field -> header) from header synonyms (zh and en), with fuzzy matching as a fallback."""
    kinds = [kind] if kind else list(SYNONYMS)
    best: tuple[int, str, dict[str, str]] | None = None
    for k in kinds:
        found = _suggest(SYNONYMS[k], headers)
        required = [f.name for f in SYNONYMS[k] if f.required]
        score = len(found) + 5 * sum(1 for r in required if r in found)
        if best is None or score > best[0]:
            best = (score, k, found)
    assert best is not None
    return best[1], best[2]


def _suggest(fields: tuple[Field, ...], headers: list[str]) -> dict[str, str]:
    exact = match_headers(fields, headers)
    out = {name: headers[pos] for name, pos in exact.items()}
    taken = set(out.values())
    for f in fields:
        if f.name in out:
            continue
        candidates = [h for h in headers if h not in taken]
        aliases = [_norm(a) for a in f.headers]
        for h in candidates:
            nh = _norm(h)
            if any(a and (a in nh or nh in a) for a in aliases if len(a) >= 2) or difflib.get_close_matches(nh, aliases, n=1, cutoff=0.85):
                out[f.name] = h
                taken.add(h)
                break
    return out


def mapping_toml(kind: str, found: dict[str, str], headers: list[str]) -> str:
    lines = [
        f"# Suggested by shopops from the header names. Check every line, then import with --mapping THIS_FILE.",
        f'kind = "{kind}"',
        "",
        "[columns]",
    ]
    for f in GENERIC[kind].fields:
        flag = "  # required" if f.required else ""
        if f.name in found:
            lines.append(f"{f.name} = {_q(found[f.name])}{flag}")
        else:
            lines.append(f"# {f.name} = \"…\"{flag}  (no column found)")
    unused = [h for h in headers if h not in found.values()]
    if unused:
        lines += ["", "# Columns not used: " + ", ".join(unused)]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
