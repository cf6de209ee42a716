"""Real-browser check of the cockpit: a Streamlit server, Debian chromium, screenshots.

AppTest proves the script logic; this proves the pages actually render in a browser
(websocket, Plotly, CSS, Chinese fonts) and leaves a screenshot of every cockpit, and of the
entity profile (一企一档), in both languages in ``test-artifacts/`` for a human to look at. One
server and one browser serve all tests; the walk over the 16 cockpits and the profile reuses
one page and follows the sidebar links.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit.i18n import STRINGS  # noqa: E402
from cockpit.views import PAGES  # noqa: E402
from cockpit.views.entity_profile import CODE as PROFILE  # noqa: E402
from cockpit.views.entity_profile import PARAM as PROFILE_PARAM  # noqa: E402
from cockpit.views.overview import overview_categories  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60
RENDER_MS = 60_000
VIEWPORT = {"width": 1600, "height": 1000}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll Streamlit's health endpoint; fail with the server log if it dies or hangs."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit not healthy after {STARTUP_SECONDS}s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def cockpit_url(
    published_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A Streamlit server on a free port reading the fixture snapshot; always stopped."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "COCKPIT_DATA_DIR": str(published_data_dir)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "cockpit/app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def expected(published_data_dir: Path) -> dict[str, list[str]]:
    """Tile codes and both languages' names, read from the snapshot itself."""
    con = duckdb.connect(str(published_data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)
    try:
        catalog = con.execute(
            "select * from indicators.catalog order by display_order, category_code"
        ).df()
    finally:
        con.close()
    tiles = overview_categories(catalog)
    return {
        "codes": tiles["category_code"].tolist(),
        "name_en": tiles["name_en"].tolist(),
        "name_zh": tiles["name_zh"].tolist(),
    }


# The entity the profile opens on (most records across the systems carrying its code) and
# another one with 12345 tickets linked to it, read from the snapshot with the test's own SQL.
_PROFILE_SQL = """
select e.entity_uscc, e.entity_name from marts.fct_entity_loop l
join marts.dim_entity e using (entity_uscc)
group by all order by count(*) desc, 1 limit 1
"""
_LINKED_SQL = """
select e.entity_uscc, e.entity_name from marts.fct_entity_loop l
join marts.dim_entity e using (entity_uscc)
where l.origin_type = 'COMPLAINT' and e.entity_uscc <> $busiest
group by all order by count(*) desc, 1 limit 1
"""


@pytest.fixture(scope="module")
def profile_entities(published_data_dir: Path) -> dict[str, tuple[str, str]]:
    """(code, name) of the default profile and of one to search for and link to."""
    con = duckdb.connect(str(published_data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)
    try:
        busiest = con.execute(_PROFILE_SQL).fetchone()
        linked = con.execute(_LINKED_SQL, {"busiest": busiest[0]}).fetchone()
    finally:
        con.close()
    return {"default": busiest, "other": linked}


def _check_profile(page: Page, entity: tuple[str, str], lang: str) -> None:
    """The entity's card, one figure per system named in ``lang``, and the timeline."""
    code, name = entity
    page.get_by_text(name, exact=True).first.wait_for(timeout=RENDER_MS)
    page.get_by_text(code).first.wait_for(timeout=RENDER_MS)
    labels = [STRINGS[f"profile.sys.{key}"][lang] for key in ("approvals", "inspections", "loop")]
    page.wait_for_function(
        """labels => {
            const shown = [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
                .map(e => e.innerText.trim());
            return labels.every(label => shown.includes(label));
        }""",
        arg=labels,
        timeout=RENDER_MS,
    )
    # The timeline chart is drawn after the metrics; wait for it rather than race it.
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=RENDER_MS)


def _open_overview(browser: Browser, url: str) -> Page:
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    page.goto(url, wait_until="domcontentloaded")
    return page


def _wait_for_tiles(page: Page, codes: list[str], names: list[str]) -> None:
    """Every tile's code label, its name in the expected language, and the charts are drawn."""
    for code in codes:
        page.get_by_text(code, exact=True).first.wait_for(timeout=RENDER_MS)
    page.wait_for_function(
        """names => {
            const shown = [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
                .map(e => e.innerText.trim());
            return names.every((name, i) => shown[i] === name);
        }""",
        arg=names,
        timeout=RENDER_MS,
    )
    _wait_for_charts(page)


def _wait_for_charts(page: Page) -> None:
    """The script run has finished and every Plotly chart on the page has drawn its SVG."""
    page.wait_for_function(
        """() => {
            if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
            const want = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
            return document.querySelectorAll('.js-plotly-plot .main-svg').length >= want;
        }""",
        timeout=RENDER_MS,
    )


def _assert_no_exception(page: Page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def _screenshot(page: Page, name: str) -> Path:
    """Grow the viewport to the content so the whole page is captured, then shoot."""
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stMainBlockContainer"]\')].map(e => e.scrollHeight), 1000)'
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 80, 8000)})
    _wait_for_charts(page)  # charts scrolled into view draw now
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / name
    page.screenshot(path=str(target), full_page=True)
    page.set_viewport_size(VIEWPORT)
    return target


def _open_cockpit(page: Page, code: str, lang: str) -> None:
    """Follow the sidebar link (same session, so the language choice is kept) and wait for the
    page's own title in the chosen language."""
    link = page.locator(f'[data-testid="stSidebarNav"] a[href$="/{code}"]')
    if code == PAGES[0].url_path:
        link = page.locator('[data-testid="stSidebarNav"] a').first
    link.click()
    _wait_for_page(page, code, lang)


def _wait_for_page(page: Page, code: str, lang: str) -> None:
    """The page's last element (written when its script finished) and its title in ``lang``,
    then every chart drawn."""
    page.locator(f'.ck-done[data-page="{code}"][data-lang="{lang}"]').wait_for(
        state="attached", timeout=RENDER_MS
    )
    title = STRINGS[f"{code}.title"][lang]
    page.locator(".ck-title", has_text=title).first.wait_for(timeout=RENDER_MS)
    _wait_for_charts(page)


def _check_overview(page: Page, expected: dict[str, list[str]], lang: str) -> None:
    """The overview's tiles in catalogue order with names in ``lang``, and the area filter's
    displayed choice in ``lang`` too (not a stale "全市" after switching to English)."""
    _wait_for_tiles(page, expected["codes"], expected[f"name_{lang}"])
    page.wait_for_function(
        """label => [...document.querySelectorAll('[data-testid="stSelectbox"] input')]
            .some(input => input.value === label)""",
        arg=STRINGS["filter.city_all"][lang],
        timeout=RENDER_MS,
    )


def test_every_cockpit_in_both_languages(
    browser: Browser,
    cockpit_url: str,
    expected: dict[str, list[str]],
    profile_entities: dict[str, tuple[str, str]],
) -> None:
    """One browser page walks all 16 cockpits and the entity profile in Chinese, switches
    language with the sidebar toggle, walks them again in English, and leaves a screenshot of
    each in test-artifacts/."""
    page = _open_overview(browser, cockpit_url)
    try:
        _wait_for_page(page, PAGES[0].url_path, "zh")
        for lang in ("zh", "en"):
            if lang == "en":
                page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
            for spec in PAGES:
                _open_cockpit(page, spec.url_path, lang)
                if spec.url_path == "overview":
                    _check_overview(page, expected, lang)
                if spec.url_path == PROFILE:
                    _check_profile(page, profile_entities["default"], lang)
                _assert_no_exception(page)
                shot = _screenshot(page, f"{spec.url_path}_{lang}.png")
                assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_entity_profile_search_and_deep_link(
    browser: Browser, cockpit_url: str, profile_entities: dict[str, tuple[str, str]]
) -> None:
    """A link with ``?uscc=`` opens that entity; typing another's code in the search box
    switches the profile to it."""
    code, _ = profile_entities["other"]
    default_code, _ = profile_entities["default"]
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN")
    try:
        page.goto(f"{cockpit_url}/{PROFILE}?{PROFILE_PARAM}={code}", wait_until="domcontentloaded")
        _wait_for_page(page, PROFILE, "zh")
        _check_profile(page, profile_entities["other"], "zh")
        _assert_no_exception(page)
        box = page.get_by_label(STRINGS["profile.search"]["zh"])
        box.fill(default_code)
        box.press("Enter")
        _check_profile(page, profile_entities["default"], "zh")
        _wait_for_page(page, PROFILE, "zh")
        _assert_no_exception(page)
        shot = _screenshot(page, f"{PROFILE}_search_zh.png")
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_export_is_made_when_clicked(
    browser: Browser, cockpit_url: str, expected: dict[str, list[str]]
) -> None:
    """The overview's tile export is written only when its button is clicked (the page does
    not make every CSV while it draws); the file that arrives is the tile grid, in tile
    order, as UTF-8 with a BOM."""
    page = browser.new_page(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    try:
        page.goto(cockpit_url, wait_until="domcontentloaded")
        _wait_for_page(page, PAGES[0].url_path, "zh")
        button = page.locator('[data-testid="stDownloadButton"] button').first
        with page.expect_download(timeout=RENDER_MS) as arrival:
            button.click()
        download = arrival.value
        assert download.suggested_filename == f"{PAGES[0].url_path}_tiles.csv"
        body = Path(download.path()).read_bytes()
        assert body.startswith(codecs.BOM_UTF8)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        assert rows[0][:2] == [STRINGS["col.code"]["zh"], STRINGS["col.category"]["zh"]]
        assert [row[0] for row in rows[1:]] == expected["codes"]
        assert [row[1] for row in rows[1:]] == expected["name_zh"]
    finally:
        page.close()
