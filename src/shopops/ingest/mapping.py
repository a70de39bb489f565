"""Mapping files (TOML) from a file's columns to canonical fields, and suggestions for them.

A mapping file::

    kind = "orders"                     # optional when --kind is given
    [columns]
    order_id = "Order No."              # the header text (trimmed, case-insensitive)
    created_at = ["Order Date", "Date"] # or several: the first one present is used
    status = ""                         # "" : do not read this field at all

A field the mapping does not name is still found through its usual header synonyms
(see ``sources/generic.py``), except on a column the mapping gives to another field.
"""

from __future__ import annotations

import codecs
import difflib
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from shopops.errors import FormatError
from shopops.ingest.formats import KINDS, Field, Source, _norm, match_headers
from shopops.ingest.sources.generic import GENERIC, SYNONYMS

_TOP_KEYS = ("kind", "columns")
_FUZZY_CUTOFF = 0.85


def load_mapping(path: Path, kind: str | None = None) -> Source:
    """A generic source whose fields read the headers the mapping names."""
    path = Path(path)
    data = _read_toml(path)
    kind = _mapping_kind(path, data, kind)
    base = GENERIC[kind]
    columns = _columns(path, data, base)
    claimed = {_norm(h) for headers in columns.values() for h in headers}
    fields = tuple(_mapped(f, columns.get(f.name), claimed) for f in base.fields)
    return replace(base, name=f"mapping:{path.name}", fields=fields)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read the mapping file: {exc}", file=str(path), hint="check the path") from exc
    try:
        return tomllib.loads(_decode(data))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FormatError(
            f"the mapping file is not valid TOML: {exc}",
            file=str(path),
            hint='it needs kind = "orders" (for example) and a [columns] table of field = "header" lines',
        ) from exc


def _decode(data: bytes) -> str:
    """UTF-8 (BOM allowed), UTF-16 with BOM (PowerShell's ``>``), else GB18030 (Notepad's ANSI)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _mapping_kind(path: Path, data: dict[str, Any], kind: str | None) -> str:
    extra = sorted(set(data) - set(_TOP_KEYS))
    if extra:
        raise FormatError(
            f"unknown key(s) in the mapping: {', '.join(extra)}",
            file=str(path),
            hint='a mapping has kind = "…" and a [columns] table, nothing else',
        )
    named = data.get("kind")
    if kind is not None and named is not None and named != kind:
        raise FormatError(
            f"the mapping is for {named!r} but --kind {kind} was given",
            file=str(path),
            hint="leave --kind out, or fix kind in the mapping",
        )
    chosen = kind if kind is not None else named
    if chosen not in KINDS:
        what = "needs a kind" if chosen is None else f"has an unknown kind {chosen!r}"
        raise FormatError(
            f"the mapping {what} (one of {', '.join(KINDS)})",
            file=str(path),
            hint='add kind = "orders" (for example) at the top, or pass --kind',
        )
    return str(chosen)


def _field_list(base: Source) -> str:
    return ", ".join(f"{f.name} (required)" if f.required else f.name for f in base.fields)


def _columns(path: Path, data: dict[str, Any], base: Source) -> dict[str, tuple[str, ...]]:
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise FormatError(
            "the mapping has no [columns] table",
            file=str(path),
            hint=f'add [columns] with field = "header" lines; {base.kind} fields are: {_field_list(base)}',
        )
    unknown = sorted(set(columns) - {f.name for f in base.fields})
    if unknown:
        raise FormatError(
            f"the mapping names unknown {base.kind} field(s): {', '.join(unknown)}",
            file=str(path),
            hint=f"{base.kind} fields are: {_field_list(base)}",
        )
    out = {name: _headers(path, name, value) for name, value in columns.items()}
    left_out = [f.name for f in base.fields if f.required and out.get(f.name) == ()]
    if left_out:
        raise FormatError(
            f"the mapping leaves out required field(s): {', '.join(left_out)}",
            file=str(path),
            hint="give each required field the header of its column",
        )
    return out


def _headers(path: Path, name: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v for v in value if v.strip())
    raise FormatError(
        f"the mapping gives {name} a {type(value).__name__}, not a header text",
        file=str(path),
        hint=f'write {name} = "the header text" (or a list of header texts)',
    )


def _mapped(f: Field, headers: tuple[str, ...] | None, claimed: set[str]) -> Field:
    if headers is None:
        headers = tuple(h for h in f.headers if _norm(h) not in claimed)
        if not headers and f.required:
            headers = (f.name,)  # named in "missing required column" errors
    return replace(f, headers=headers)


# --- suggestions -----------------------------------------------------------------


def suggest_mapping(headers: list[str], kind: str | None = None) -> tuple[str, dict[str, str]]:
    """(kind, field -> header) from header synonyms (zh and en), with fuzzy matching as a fallback.

    Without ``kind`` the kind whose required fields and other fields match best wins.
    """
    if kind is not None and kind not in SYNONYMS:
        raise FormatError(f"unknown kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    best: tuple[int, str, dict[str, str]] | None = None
    for k in [kind] if kind else list(SYNONYMS):
        found = _suggest(SYNONYMS[k], headers)
        score = len(found) + 5 * sum(1 for f in SYNONYMS[k] if f.required and f.name in found)
        if best is None or score > best[0]:
            best = (score, k, found)
    assert best is not None
    return best[1], best[2]


def _suggest(fields: tuple[Field, ...], headers: list[str]) -> dict[str, str]:
    """Exact synonyms first, then near matches among the headers still free."""
    out = {name: headers[pos] for name, pos in match_headers(fields, headers).items()}
    taken = set(out.values())
    for f in fields:
        if f.name in out:
            continue
        aliases = [_norm(a) for a in f.headers]
        for h in headers:
            if h not in taken and _near(_norm(h), aliases):
                out[f.name] = h
                taken.add(h)
                break
    return out


def _near(header: str, aliases: list[str]) -> bool:
    if len(header) < 2:
        return False
    if any(len(a) >= 2 and (a in header or header in a) for a in aliases):
        return True
    return bool(difflib.get_close_matches(header, aliases, n=1, cutoff=_FUZZY_CUTOFF))


def mapping_toml(kind: str, found: dict[str, str], headers: list[str]) -> str:
    """A mapping file for ``load_mapping``: found fields filled in, the others commented out."""
    lines = [
        "# Suggested by shopops from the header names. Check every line, then import with --mapping THIS_FILE.",
        f"kind = {_q(kind)}",
        "",
        "[columns]",
    ]
    for f in GENERIC[kind].fields:
        note = f"  # {f.type}, required" if f.required else f"  # {f.type}"
        if f.name in found:
            lines.append(f"{f.name} = {_q(found[f.name])}{note}")
        else:
            lines.append(f'# {f.name} = "…"{note} (no column found)')
    unused = [h for h in headers if h not in found.values()]
    if unused:
        lines += ["", "# Columns not used: " + ", ".join(_q(h) for h in unused)]
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A TOML basic string (control characters escaped, so it never breaks a line)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


__all__ = ["load_mapping", "mapping_toml", "suggest_mapping"]
