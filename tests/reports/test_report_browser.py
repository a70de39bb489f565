"""The HTML report in a real browser (headless Chromium): no script errors, every chart drawn, fits a phone."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from chromium_cdp import Chromium
from example import example_report

from shopops.reports import render

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "reports"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"),
]


def _has_cjk_font() -> bool:
    try:
        fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(fonts.strip())


CHARTS_DRAWN = """(() => {
  const charts = [...document.querySelectorAll('div.chart')];
  const drawn = charts.filter(c => c.querySelector('svg.main-svg'));
  return drawn.length === charts.length ? {charts: charts.length, ids: drawn.map(c => c.id)} : null;
})()"""

LAYOUT = """(() => {
  const right = sel => Math.max(0, ...[...document.querySelectorAll(sel)].map(e => e.getBoundingClientRect().right));
  return {
    page: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    cards: right('.kpi'),
    charts: right('.chart .main-svg'),
    wraps: right('.table-wrap'),
    scrolling: [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth).length,
  };
})()"""

# A missing CJK font draws every Chinese character as the same .notdef box: draw two and compare pixels.
TOFU = """(() => {
  const font = '32px ' + getComputedStyle(document.body).fontFamily;
  const pixels = ch => {
    const ctx = Object.assign(document.createElement('canvas'), {width: 40, height: 40}).getContext('2d');
    ctx.font = font;
    ctx.fillText(ch, 2, 32);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data);
  };
  const a = pixels('支'), b = pixels('额');
  return {inked: a.some(v => v > 0) && b.some(v => v > 0), different: a.some((v, i) => v !== b[i])};
})()"""


@pytest.mark.timeout(90)
def test_report_page_in_chromium(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    report = example_report("zh")
    html = render(report, tmp_path, formats=["html"])["html"]
    expected = sum(len(s.charts) for s in report.sections)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with Chromium(CHROMIUM, tmp_path) as browser:
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable")
        browser.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        browser.send("Page.navigate", url=html.as_uri())
        browser.wait_for("Page.loadEventFired", timeout=20)
        drawn = browser.poll(CHARTS_DRAWN, timeout=10)
        count = browser.evaluate("document.querySelectorAll('div.chart svg.main-svg').length")
        assert drawn, f"charts not drawn: {count} of {expected}"
        assert drawn["charts"] == expected == 13
        assert browser.evaluate("document.documentElement.lang") == "zh-CN"
        assert browser.evaluate("document.title") == report.title
        desktop = browser.screenshot(ARTIFACTS / "weekly-zh-desktop.png")
        browser.screenshot(ARTIFACTS / "weekly-zh-desktop-top.png", full_page=False)

        if _has_cjk_font():
            glyphs = browser.evaluate(TOFU)
            assert glyphs == {"inked": True, "different": True}, f"Chinese renders as boxes (tofu): {glyphs}"

        browser.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
        layout = browser.poll(
            f"(() => {{ const l = {LAYOUT}; return l.charts <= 390 && l.viewport === 390 ? l : null; }})()", timeout=10
        )
        assert layout, f"charts did not shrink to a phone's width: {browser.evaluate(LAYOUT)}"
        assert layout["page"] <= 390, f"the page scrolls sideways on a phone: {layout}"
        assert layout["cards"] <= 390 and layout["wraps"] <= 390
        assert layout["scrolling"] >= 1  # wide tables scroll inside their own box
        mobile = browser.screenshot(ARTIFACTS / "weekly-zh-mobile.png", full_page=False)

        errors = browser.errors()

        # the harness does see script errors: a page that throws
        broken = tmp_path / "broken.html"
        broken.write_text("<!DOCTYPE html><script>throw new Error('boom')</script>", encoding="utf-8")
        browser.send("Page.navigate", url=broken.as_uri())
        assert browser.poll("document.readyState === 'complete'", timeout=5)
        assert any("boom" in e for e in browser.errors())
    elapsed = time.monotonic() - started
    assert errors == []
    assert desktop.stat().st_size > 50_000 and mobile.stat().st_size > 10_000
    print(f"screenshots: {desktop}, {mobile} ({elapsed:.1f} s)")
