"""The renderers' own words (the "chrome" around a report's figures), in zh and en.

Everything the analyses say is already in the report's language; these are only the labels the
renderers add: headings, comparison names, sheet names.
"""

from __future__ import annotations

from typing import Final

from shopops.i18n import table

#: lang -> key -> text; the words live in the message catalogue ([chrome] in shopops/i18n/messages.toml)
CHROME: Final[dict[str, dict[str, str]]] = table("chrome")


def chrome(lang: str) -> dict[str, str]:
    """The renderer labels for ``lang`` (English for a language we have no words for)."""
    return CHROME.get(lang, CHROME["en"])


__all__ = ["CHROME", "chrome"]
