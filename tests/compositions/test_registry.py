"""The registry and the Params contract: names, extensions, and bad values as errors with stable codes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from shopops.analyses.base import Analysis, params_from
from shopops.analyses.decompose import DecomposeRun
from shopops.compositions import registry
from shopops.errors import QueryError
from shopops.plan import PlanParams
from shopops.reports.model import Section


def test_params_from_plain_values() -> None:
    assert params_from(DecomposeRun, {"by": "store"}) == DecomposeRun(by="store")
    plan = params_from(PlanParams, {"fiscal_year": "2026", "target": "1200000"})  # text, as a form sends it
    assert (plan.fiscal_year, plan.target) == (2026, Decimal("1200000.00"))


@pytest.mark.parametrize(
    ("cls", "values", "code", "words"),
    [
        (DecomposeRun, {"by": "store", "colour": "red"}, "param.unknown", "unknown option colour"),
        (PlanParams, {"fiscal_year": "next year"}, "param.invalid", "fiscal_year"),
        (DecomposeRun, {"source": "tv"}, "param.invalid", "unknown source 'tv'"),  # the dataclass's own check
        (PlanParams, {"fiscal_year": 2026, "target": "-5"}, "param.invalid", "at least 0.01"),
    ],
)
def test_bad_values_are_errors_with_a_code_and_a_hint(
    cls: type, values: dict[str, object], code: str, words: str
) -> None:
    with pytest.raises(QueryError) as info:
        params_from(cls, values)
    assert info.value.code == code and words in info.value.message and info.value.hint


@dataclass(frozen=True)
class Hello:
    who: str = "运营"


@pytest.fixture
def extension() -> Iterator[Analysis[Hello, str]]:
    def present(result: str, lang: str) -> Section:
        return Section("hello", result)

    analysis: Analysis[Hello, str] = Analysis(
        "hello", Hello, lambda ctx, p: f"你好，{p.who}", present, title=("问候", "Greeting"), needs=()
    )
    registry.register(analysis)
    yield analysis
    registry._registered.pop("hello", None)  # leave the registry as the other tests expect it


def test_an_extension_registers_like_a_built_in(extension: Analysis[Hello, str]) -> None:
    assert "hello" in registry.names() and registry.get("hello") is extension
    assert (extension.title_in("zh"), extension.title_in("en")) == ("问候", "Greeting")
    built = extension.build(None, Hello("店长"))  # type: ignore[arg-type]  (needs no context)
    assert built == "你好，店长" and extension.present(built, "zh") == Section("hello", "你好，店长")


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(QueryError) as info:
        registry.get("funnel")
    assert info.value.code == "analysis.unknown" and "decompose" in (info.value.hint or "")
    assert registry.get("decompose").title_in("en") == "Paid amount change: traffic × conversion × spend per buyer"
