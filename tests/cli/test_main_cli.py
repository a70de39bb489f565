"""The root command: options every command shares."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from builders import cli_ok, run_cli
from shopops.cli.main import app

TRAFFIC = "统计日期,流量来源,终端类型,访客数,浏览量,加购人数,收藏人数,支付买家数,支付金额\n2024-01-01,手淘搜索,无线,100,300,10,5,3,300.00\n"


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for name, command in group.commands.items():
        found.append(((*path, name), command))
        if hasattr(command, "commands"):
            found += _commands(command, (*path, name))
    return found


def test_every_command_takes_quiet_after_its_name() -> None:
    commands = _commands(typer.main.get_command(app))
    assert {" ".join(p) for p, _ in commands} >= {"report", "plan", "import", "analyze rfm", "stores add", "metrics"}
    for path, command in commands:
        quiet = [p for p in command.params if p.name == "quiet"]
        assert len(quiet) == 1 and quiet[0].opts == ["--quiet", "-q"], path


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_before_or_after_the_command_silences_progress_messages(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_ok(monkeypatch, capsys, "init", str(tmp_path / "p"))
    root = tmp_path / "p"
    (root / "t.csv").write_text(TRAFFIC, encoding="utf-8")
    loud = run_cli(monkeypatch, capsys, "import", "t.csv", "--store", "a", "--platform", "jd", cwd=root)
    assert loud[0] == 0 and "added store 'a' (platform jd)" in loud[2]
    args = ["import", "t.csv", "--store", "b", "--platform", "jd"]
    args = ["-q", *args] if where == "before" else [*args, "-q"]
    code, out, err = run_cli(monkeypatch, capsys, *args, cwd=root)
    assert code == 0 and err == ""
    assert "rows read 1 = loaded 1" in out  # results still print
    code, out, err = run_cli(monkeypatch, capsys, "stores", "add", "c:jd", "-q", cwd=root)
    assert (code, err) == (0, "") and "added store c" in out
