"""Shared fixtures: a fresh project with the four standard stores, and the real datasets."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from shopops.project import Project

ROOT = Path(__file__).resolve().parents[1]
# The real exports live beside the repository: <repo>/../shared/data/<dataset>/ (see each SOURCE.md).
DATA = ROOT / ".." / "shared" / "data"

STORES: tuple[dict[str, Any], ...] = (
    {"name": "tmall", "platform": "tmall"},
    {"name": "jd", "platform": "jd"},
    {"name": "shop", "platform": "shopify", "currency": "GBP", "timezone": "Europe/London"},
    {"name": "uk", "platform": "other", "currency": "GBP", "timezone": "Europe/London"},
)


def new_project(path: Path) -> Project:
    return Project.init(path, stores=[dict(s) for s in STORES])


@pytest.fixture(scope="session")
def project_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a freshly initialised project with the standard stores (closed; copy it, do not use it)."""
    p = new_project(tmp_path_factory.mktemp("template") / "p")
    p.close()
    return p.settings.root


def copy_project(template: Path, root: Path) -> Project:
    """A fresh project at ``root``: the same as ``Project.init`` with the standard stores, ten times faster."""
    shutil.copytree(template, root)
    return Project.open(root)


@pytest.fixture
def project(tmp_path: Path, project_template: Path) -> Iterator[Project]:
    """``Project.init(tmp_path / "p")`` with stores tmall, jd, shop (Shopify, GBP, London) and uk (GBP, London)."""
    p = copy_project(project_template, tmp_path / "p")
    yield p
    p.close()


@pytest.fixture(scope="session")
def fresh_project(project_template: Path) -> Callable[[], AbstractContextManager[Project]]:
    """For Hypothesis tests (one project per example): ``with fresh_project() as p:`` in a temporary folder."""

    @contextmanager
    def make() -> Iterator[Project]:
        with tempfile.TemporaryDirectory() as tmp, copy_project(project_template, Path(tmp) / "p") as p:
            yield p

    return make


@pytest.fixture(scope="session")
def project_factory(
    tmp_path_factory: pytest.TempPathFactory, project_template: Path
) -> Iterator[Callable[[str], Project]]:
    """For module-scoped fixtures: ``make("name")`` returns a fresh project (closed at the end of the session)."""
    made: list[Project] = []

    def make(name: str) -> Project:
        p = copy_project(project_template, tmp_path_factory.mktemp(name) / "p")
        made.append(p)
        return p

    yield make
    for p in made:
        p.close()


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data`` next to the repository; the tests that need it skip when it is missing."""
    if not DATA.is_dir():
        pytest.skip(f"real datasets not available: {DATA.resolve()} does not exist")
    return DATA.resolve()


@pytest.fixture(scope="session")
def dataset_file(data_dir: Path) -> Callable[[str, str], Path]:
    """``dataset_file("online_retail", "online_retail.csv.gz")``: the path, or a clean skip if it is missing."""

    def find(dataset: str, name: str) -> Path:
        path = data_dir / dataset / name
        if not path.is_file():
            pytest.skip(f"dataset file missing: {path}")
        return path

    return find
