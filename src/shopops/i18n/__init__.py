"""The one zh/en message catalogue: every word shopops shows its users, in ``messages.toml``.

The catalogue is grouped by domain (``report``, ``chrome``, ``track``, ``plan`` …); each key has a
Chinese (``zh``) and an English (``en``) text with the same ``{placeholders}``. It is read once and
checked as it loads (a key without both texts is a :class:`~shopops.errors.ConfigError`). Modules
keep the shape their code uses:

>>> text("chrome", "summary", "zh"), text("chrome", "summary", "en")
('摘要', 'Summary')
>>> table("factor")["en"]["traffic_effect"]
'traffic'
>>> pairs("factor")["conversion_effect"]
('转化率', 'conversion')
>>> text("chrome", "more_rows", "en").format(n=3)
'… 3 more rows'

This is the ground floor: it imports only the standard library and :mod:`shopops.errors`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from shopops.errors import ConfigError, QueryError

#: the languages every key is written in, in this order
LANGS: Final = ("zh", "en")

Catalogue = Mapping[str, Mapping[str, tuple[str, str]]]


@cache
def catalogue() -> Catalogue:
    """Every domain's entries as ``key -> (zh, en)``, read from ``messages.toml`` once and checked.

    An entry ``key = { same = "domain.key" }`` is the same word as that entry (written once, used by
    several domains under their own keys).
    """
    raw = tomllib.loads(resources.files("shopops.i18n").joinpath("messages.toml").read_text(encoding="utf-8"))
    for domain, entries in raw.items():
        if not isinstance(entries, dict):
            raise _broken(f"[{domain}] is not a table of keys")
    return MappingProxyType({domain: _domain(domain, entries, raw) for domain, entries in raw.items()})


def _domain(domain: str, entries: dict[str, object], raw: dict[str, Any]) -> Mapping[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for key, entry in entries.items():
        if isinstance(entry, dict) and set(entry) == {"same"}:
            target = str(entry["same"])
            where, _, name = target.partition(".")
            entry = raw.get(where, {}).get(name)
            if not isinstance(entry, dict) or "same" in entry:
                raise _broken(f"{domain}.{key} is the same as {target!r}, which is not an entry with zh and en")
        out[key] = _texts(f"{domain}.{key}", entry)
    return MappingProxyType(out)


def _texts(name: str, entry: object) -> tuple[str, str]:
    if not isinstance(entry, dict) or set(entry) != set(LANGS):
        found = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise _broken(f"{name} must have exactly zh and en (has {found})")
    zh, en = entry["zh"], entry["en"]
    if not isinstance(zh, str) or not isinstance(en, str):
        raise _broken(f"{name}: zh and en must be text")
    return zh, en


def _broken(message: str) -> ConfigError:
    return ConfigError(
        f"the message catalogue is broken: {message}",
        hint="fix src/shopops/i18n/messages.toml",
        code="i18n.catalogue",
    )


def _entries(domain: str) -> Mapping[str, tuple[str, str]]:
    try:
        return catalogue()[domain]
    except KeyError:
        raise KeyError(f"no message domain {domain!r} in the catalogue") from None


def _index(lang: str) -> int:
    if lang not in LANGS:
        raise QueryError(f"no words in language {lang!r}", hint=f"use one of: {', '.join(LANGS)}", code="i18n.lang")
    return LANGS.index(lang)


def text(domain: str, key: str, lang: str) -> str:
    """The text of ``domain.key`` in ``lang`` (``zh`` or ``en``); placeholders are left to ``str.format``."""
    i = _index(lang)
    entries = _entries(domain)
    if key not in entries:
        raise KeyError(f"no message {key!r} in domain {domain!r}")
    return entries[key][i]


def table(domain: str) -> dict[str, dict[str, str]]:
    """A domain as ``lang -> key -> text`` (a fresh dict, in the catalogue's key order)."""
    entries = _entries(domain)
    return {lang: {key: texts[i] for key, texts in entries.items()} for i, lang in enumerate(LANGS)}


def pairs(domain: str) -> dict[str, tuple[str, str]]:
    """A domain as ``key -> (zh, en)`` (a fresh dict, in the catalogue's key order)."""
    return dict(_entries(domain))


def words(domain: str, keys: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The texts of ``keys`` (default: every key, in the catalogue's order) as ``(zh texts, en texts)``:
    a domain read as a sequence, such as the days of the week.

    >>> words("weekday")[1][:2]
    ('Mon', 'Tue')
    """
    entries = _entries(domain)
    keys = tuple(entries) if keys is None else keys
    missing = [k for k in keys if k not in entries]
    if missing:
        raise KeyError(f"no message {missing[0]!r} in domain {domain!r}")
    return tuple(entries[k][0] for k in keys), tuple(entries[k][1] for k in keys)


__all__ = ["LANGS", "catalogue", "pairs", "table", "text", "words"]
