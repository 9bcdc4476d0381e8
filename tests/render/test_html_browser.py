"""The HTML report in a real browser: Debian's headless Chromium driven by Playwright.

Skipped locally when Chromium (the ``chromium`` package) or Playwright is missing; under ``CI``
they are required (``.ci/services.sh`` installs Chromium, ``.[test]`` installs Playwright, which
drives the system browser: ``playwright install`` is never run).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.entry.cli import main
from rules.api import review as run_review
from rules.core.discovery import Snapshot
from rules.render.html import render_html

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo-repo"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _require(what: str, found: object) -> None:
    if found:
        return
    message = f"{what} is not installed (.ci/services.sh installs chromium; .[test] installs playwright)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must not skip the browser tests")
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    _require("chromium", chromium)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require("playwright", None)
    assert chromium is not None
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (its own --user-data-dir)
        launched = playwright.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@dataclass
class Loaded:
    """A page opened from a file, with everything the browser reported while loading it."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def _dismiss(loaded: Loaded, dialog: Any) -> None:
    loaded.dialogs.append(dialog.message)
    dialog.dismiss()


@contextmanager
def _open(browser: Any, path: Path, *, scheme: str = "light", viewport: dict[str, int] = DESKTOP) -> Iterator[Loaded]:
    """*path* opened in a new page (closed afterwards), recording what the browser reports."""
    page = browser.new_page(color_scheme=scheme, viewport=viewport)
    loaded = Loaded(page, path.as_uri())
    page.on("request", lambda r: loaded.requests.append(r.url))
    page.on("requestfailed", lambda r: loaded.failed.append(f"{r.url} {r.failure}"))
    page.on("console", lambda m: loaded.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: loaded.errors.append(str(e)))
    page.on("dialog", lambda d: _dismiss(loaded, d))
    try:
        page.goto(loaded.url, wait_until="load")
        yield loaded
    finally:
        page.close()


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the README promises: ``devdocs-review check examples/demo-repo --format html --output r.html``."""
    out = tmp_path_factory.mktemp("html") / "r.html"
    assert main(["check", str(DEMO), "--format", "html", "--output", str(out), "--today", "2026-11-21"]) == 1
    return out


def test_demo_report_loads_with_no_errors_and_no_requests(browser: Any, demo_page: Path) -> None:
    with _open(browser, demo_page) as loaded:
        assert loaded.requests == [loaded.url]  # the document itself, nothing else
        assert loaded.failed == [] and loaded.errors == [] and loaded.dialogs == []
        assert [m for m in loaded.console if m.startswith(("error", "warning"))] == []


def test_grade_gate_and_charts_are_visible_and_sized(browser: Any, demo_page: Path) -> None:
    with _open(browser, demo_page) as loaded:
        page = loaded.page
        heading = page.get_by_role("heading", level=1)
        shown = re.fullmatch(r"Grade ([A-F][+-]?) · (\d+)/100", heading.inner_text())
        assert heading.is_visible() and shown
        grade, score = shown.groups()
        assert int(score) < 80  # the demo is meant to fail the gate on its score
        pill = page.locator(".gate .pill")
        assert pill.is_visible() and pill.inner_text().endswith("Gate failed")
        assert page.get_by_text(f"overall score {score} is below the minimum of 80").is_visible()

        ring = page.get_by_role("img", name=re.compile(rf"^Overall grade {re.escape(grade)}, score {score} of 100$"))
        charts = [page.get_by_role("img", name=re.compile(f"^Scorecard of {name} by category"))
                  for name in ("payment-retries", "search-indexing")]
        for chart in (ring, *charts):
            assert chart.count() == 1
            box = chart.bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 100, box
        first = page.locator("figure.chart svg").first
        bars = first.locator(":scope > rect.fill")  # not the legend's swatch
        assert bars.count() == 7 and page.locator("figure.chart svg > rect.fill").count() == 2 * 7
        scores = [int(v) for v in re.findall(r"(\d+) \(", first.locator("desc").text_content() or "")]
        widths = [_box(bars.nth(i))["width"] for i in range(7)]
        tracks = first.locator("rect.track, rect.missing").first.bounding_box()
        assert tracks is not None and len(scores) == 7 and 0 in scores and 100 in scores
        assert widths == pytest.approx([tracks["width"] * score / 100 for score in scores], abs=1.5)


def _box(locator: Any) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "not rendered"
    return dict(box)


def _hostile_repo(root: Path) -> Path:
    """Docs that try every way to get markup into the page: a folder name, headings, task lines, links."""
    pwn = "document.title='pwned';window.__pwned=1"
    task = root / "dev" / "active" / f'x"><svg onload="{pwn}">'
    task.mkdir(parents=True)
    (task / "x-plan.md").write_text(
        f"# Plan <script>{pwn}</script>\n\nLast Updated: 2020-01-01\n\n## Overview\n[click me](javascript:{pwn}) and "
        f"<a href=\"javascript:{pwn}\">raw link</a>\n\n## Phases\n### Phase 1: <img src=x onerror=\"{pwn}\">\n"
        "Goal: none.\n", encoding="utf-8")
    (task / "x-context.md").write_text(
        f"# Context\n\nLast Updated: 2020-01-01\n\nBlocked by <img src=x onerror=\"{pwn}\"> in staging.\n"
        f"Overall: 95% complete <script>{pwn}</script>\n", encoding="utf-8")
    (task / "x-tasks.md").write_text(
        f"# Tasks\n\nLast Updated: 2020-01-01\n\n## Phase 1: <img src=x onerror=\"{pwn}\"> ✅ COMPLETE\n"
        f"- [ ] <img src=x onerror=\"{pwn}\"> first\n- [ ] <script>{pwn}</script> second\n"
        f"- [ ] \"><svg onload=\"{pwn}\"> third [go](javascript:{pwn})\n\n## Phase 2: <b>bold</b>\n",
        encoding="utf-8")
    return task


def test_markup_from_a_doc_stays_text_and_nothing_executes(browser: Any, tmp_path: Path) -> None:
    task = _hostile_repo(tmp_path / "repo")
    files = {str(p.relative_to(tmp_path / "repo")): p.read_bytes() for p in task.iterdir()}
    result = run_review(Snapshot(files), today=dt.date(2026, 1, 15))
    out = tmp_path / "hostile.html"
    out.write_text(render_html(result), encoding="utf-8")

    with _open(browser, out) as loaded:
        page = loaded.page
        assert page.evaluate("window.__pwned") is None
        assert "pwned" not in page.title() and loaded.dialogs == [] and loaded.errors == []
        assert page.locator("img, script, iframe, a[href^='javascript:'], [onload], [onerror]").count() == 0
        assert page.locator("main svg").count() == page.locator("main svg[role=img], main svg[aria-hidden]").count()
        shown = page.locator("main").inner_text()
        assert '<img src=x onerror="document.title=' in shown  # the payload is there, as text
        assert '"><svg onload="document.title=' in shown
        assert loaded.requests == [loaded.url]  # not even the img src=x was fetched


def test_the_policy_blocks_what_escaping_would_have_let_through(browser: Any, demo_page: Path) -> None:
    """Defence in depth: the page's CSP forbids loading anything, even if markup slipped in."""
    with _open(browser, demo_page) as loaded:
        page = loaded.page
        with page.expect_event("requestfailed") as blocked:
            violated = page.evaluate("""() => new Promise(resolve => {
                document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
                const img = document.createElement('img');
                img.src = 'http://127.0.0.1:9/tracker.png';
                document.body.append(img);
            })""")
        assert violated == "img-src"
        assert (blocked.value.url, blocked.value.failure) == ("http://127.0.0.1:9/tracker.png", "csp")


CONTRAST = """(selector) => {
    const parse = c => c.match(/[\\d.]+/g).map(Number);
    const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92
        : Math.pow((v + 0.055) / 1.055, 2.4); }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    return [...document.querySelectorAll(selector)].slice(0, 5).map(el => {
        let bg = el;
        while (bg && parse(getComputedStyle(bg).backgroundColor).length === 4
               && parse(getComputedStyle(bg).backgroundColor)[3] === 0) bg = bg.parentElement;
        const back = bg ? parse(getComputedStyle(bg).backgroundColor) : [255, 255, 255];
        const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(back)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    });
}"""
TEXT_SELECTORS = ["h1", "h2", ".summary", ".muted", ".policy", ".pill", ".chip", ".grade", ".f-fix", ".f-name",
                  ".task-head .path code", "thead th", ".c-meta", ".foot p", ".overview a"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_both_colour_schemes_render_with_readable_contrast(
    browser: Any, demo_page: Path, scheme: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with _open(browser, demo_page, scheme=scheme) as loaded:
        page = loaded.page
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == ("rgb(245, 246, 248)" if scheme == "light" else "rgb(13, 17, 23)")
        low = {sel: ratio for sel in TEXT_SELECTORS for ratio in page.evaluate(CONTRAST, sel) if ratio < 4.5}
        assert low == {}  # WCAG AA for normal text, every kind of text on the page
        shot = _screenshot_dir(tmp_path_factory) / f"demo-{scheme}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def _screenshot_dir(factory: pytest.TempPathFactory) -> Path:
    """DEVDOCS_SCREENSHOTS keeps the screenshots (to look at them); a temporary folder otherwise."""
    kept = os.environ.get("DEVDOCS_SCREENSHOTS")
    if kept:
        Path(kept).mkdir(parents=True, exist_ok=True)
        return Path(kept)
    return factory.mktemp("screenshots")


def test_a_phone_sees_the_whole_width_without_scrolling_sideways(
    browser: Any, demo_page: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with _open(browser, demo_page, viewport=PHONE) as loaded:
        page = loaded.page
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        chart = page.locator("figure.chart svg").first.bounding_box()
        assert chart is not None and 250 < chart["width"] <= PHONE["width"]
        page.screenshot(path=str(_screenshot_dir(tmp_path_factory) / "demo-phone.png"), full_page=True)


def test_scaffolds_start_collapsed_and_open_on_click(browser: Any, demo_page: Path) -> None:
    with _open(browser, demo_page) as loaded:
        page = loaded.page
        scaffold = page.locator("details.scaffold").first
        body = scaffold.locator("pre")
        assert not body.is_visible()
        scaffold.locator("summary").click()
        assert body.is_visible() and "## " in body.inner_text()
