"""The layer contract (pyproject's [tool.importlinter], run by `make lint`) holds, and it does fail
when a module imports a layer above its own."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")


def lint_imports(src: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), str(config), "--no-cache"],
        cwd=src.parent,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package and its config, to break on purpose."""
    base = tmp_path_factory.mktemp("layers")
    shutil.copytree(ROOT / "src" / "shopops", base / "src" / "shopops", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", base / "pyproject.toml")
    return base


def test_the_layers_hold(tree: Path) -> None:
    done = lint_imports(tree / "src", tree / "pyproject.toml")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 2 kept, 0 broken." in done.stdout


def test_an_upward_import_breaks_the_contract(tree: Path) -> None:
    upward = tree / "src" / "shopops" / "metrics" / "upward.py"
    upward.write_text(
        '"""A metric that reaches up into the reports (forbidden)."""\n\n'
        "def report() -> object:\n"
        "    from shopops.compositions.periodic import build_report  # inside a function counts too\n\n"
        "    return build_report\n",
        encoding="utf-8",
    )
    try:
        done = lint_imports(tree / "src", tree / "pyproject.toml")
    finally:
        upward.unlink()
    assert done.returncode == 1
    assert "shopops.metrics is not allowed to import shopops.compositions" in done.stdout
    assert "shopops.metrics.upward -> shopops.compositions.periodic" in done.stdout
