"""``shopops analyze products|basket|refunds`` on the hand-computed shop of the analysis tests."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from builders import cli_ok
from shopops.project import Project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analyses"))
from product_shop import build_shop


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], cwd: Path, *args: str) -> str:
    return cli_ok(monkeypatch, capsys, *args, cwd=cwd, columns=250)


def test_the_three_commands(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_shop(project, tmp_path)
    root = project.settings.root
    project.close()
    out = run(monkeypatch, capsys, root, "analyze", "products", "--from", "2026-10-01", "--to", "2026-10-31")
    assert "引流款" in out and "形象款" in out and "top_sales_share" in out
    csv_out = run(monkeypatch, capsys, root, "analyze", "products", "--view", "customers", "--format", "csv")
    assert csv_out.splitlines()[1].startswith("uk,bob,310.00")
    pairs = json.loads(
        run(
            monkeypatch, capsys, root, "analyze", "basket", "--min-support", "0", "--min-count", "1", "--format", "json"
        )
    )
    assert [(p["a"], p["b"], p["n_ab"]) for p in pairs] == [("A", "C", 2), ("A", "B", 2), ("B", "C", 1)]
    seq = run(monkeypatch, capsys, root, "analyze", "basket", "--min-count", "1", "--within-days", "10",
              "--view", "sequences", "--format", "csv")  # fmt: skip
    assert seq.splitlines()[1:] == ["uk,A,B,1,3,0.3333333333333333"]
    days = run(monkeypatch, capsys, root, "analyze", "refunds", "--view", "days", "--format", "csv")
    assert [line.split(",")[1] for line in days.splitlines()[1:]] == ["0-3", "8-15", "31+", "unknown"]
