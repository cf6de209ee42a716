"""GX Data Docs of real suite runs, built offline (issue 7).

Two small suites run through ``quality.runner.run_suite`` (one with failing expectations),
the runs keep their GX results under a temporary data directory, and
``quality.data_docs`` renders the site from those results. The checks: the pages exist and
name the suites, every resource a page loads is a local file that exists, the vendored
files are the ones GX's templates ask for, and a browser with the network cut off renders
the index (JavaScript tables included) without attempting a single remote request.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

from quality import data_docs
from quality.runner import SuiteOutcome, default_results_dir, gx_project_dir, run_suite
from quality.suites import ExpectationSpec
from sources.config import DATA_DIR_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
GX_TEMPLATES = Path(__import__("great_expectations").__file__).parent / "render/view/templates"
RUN_NAME = "test-run"

PERMITS = "permits"  # fails: a null permit number and an unknown status
PERMITS_SPECS = [
    ExpectationSpec("ExpectColumnValuesToNotBeNull", {"column": "permit_no"}),
    ExpectationSpec(
        "ExpectColumnValuesToBeInSet", {"column": "status", "value_set": ["open", "closed"]}
    ),
    ExpectationSpec("ExpectColumnValuesToBeBetween", {"column": "files", "min_value": 1},
                    target="batch"),
]
PATROLS = "patrols"  # passes
PATROLS_SPECS = [
    ExpectationSpec("ExpectTableRowCountToBeBetween", {"min_value": 1}),
    ExpectationSpec("ExpectColumnValuesToBeBetween",
                    {"column": "minutes", "min_value": 0, "max_value": 600}, severity="warn"),
]


@dataclass(frozen=True)
class BuiltDocs:
    data_dir: Path
    index: Path
    permits: SuiteOutcome
    patrols: SuiteOutcome

    @property
    def site(self) -> Path:
        return self.index.parent

    def pages(self) -> list[Path]:
        return sorted(self.site.rglob("*.html"))


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltDocs]:
    data_dir = tmp_path_factory.mktemp("docs_data")
    permits = pd.DataFrame({"permit_no": ["P1", None, "P3"], "status": ["open", "void", "closed"]})
    with pytest.MonkeyPatch.context() as env:
        # as in the pipeline: the data directory is configured, the caller passes nothing
        env.setenv(DATA_DIR_ENV, str(data_dir))
        permits_outcome = run_suite(
            PERMITS, PERMITS_SPECS,
            {"rows": permits, "batch": pd.DataFrame({"files": [2]})},
            run_name=RUN_NAME,
        )
    patrols_outcome = run_suite(  # an explicit place, no environment
        PATROLS, PATROLS_SPECS, {"rows": pd.DataFrame({"minutes": [30, 45, 120]})},
        results_dir=gx_project_dir(data_dir), run_name=RUN_NAME,
    )
    index = data_docs.build_data_docs(data_dir)
    yield BuiltDocs(data_dir, index, permits_outcome, patrols_outcome)


def test_the_suites_ran_with_a_failure(docs: BuiltDocs) -> None:
    assert not docs.permits.passed
    assert {o.spec.column for o in docs.permits.outcomes if not o.success} == {"permit_no",
                                                                                "status"}
    assert docs.patrols.passed and all(o.success for o in docs.patrols.outcomes)


def test_runs_keep_their_gx_results_under_the_data_dir(docs: BuiltDocs) -> None:
    stored = gx_project_dir(docs.data_dir) / "uncommitted" / "validations"
    kept = sorted(p.relative_to(stored).parts[:3] for p in stored.rglob("*.json"))
    assert kept == [(PATROLS, "rows", RUN_NAME), (PERMITS, "batch", RUN_NAME),
                    (PERMITS, "rows", RUN_NAME)]


def test_without_a_data_dir_results_are_not_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Unit tests and ad-hoc calls pass no place: nothing may land in ./data."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert default_results_dir() is None
    frames = {"rows": pd.DataFrame({"minutes": [5]})}
    assert run_suite(PATROLS, PATROLS_SPECS, frames).passed
    run_suite(PATROLS, PATROLS_SPECS, frames, results_dir=tmp_path, keep_results=False)
    assert list(tmp_path.iterdir()) == []


def test_index_and_validation_pages_name_the_suites(docs: BuiltDocs) -> None:
    assert docs.index == docs.data_dir / "docs" / "quality" / "index.html"
    index = docs.index.read_text(encoding="utf-8")
    for suite, targets in ((PERMITS, ("rows", "batch")), (PATROLS, ("rows",))):
        for target in targets:
            pages = list((docs.site / "validations" / suite / target / RUN_NAME).rglob("*.html"))
            assert len(pages) == 1, (suite, target)
            page = pages[0].read_text(encoding="utf-8")
            assert f"{suite}.{target}" in page
            assert pages[0].relative_to(docs.site).as_posix() in index
            assert (docs.site / "expectations" / suite / f"{target}.html").exists()
    failing = next((docs.site / "validations" / PERMITS / "rows").rglob("*.html"))
    assert "Failed" in _text(failing.read_text(encoding="utf-8"))
    assert "void" in _text(failing.read_text(encoding="utf-8"))  # the unexpected value


def test_a_data_dir_without_runs_gets_an_empty_offline_site(tmp_path: Path) -> None:
    """`make docs` on a data directory whose build kept no results still succeeds."""
    index = data_docs.build_data_docs(tmp_path)
    assert index.is_file()
    assert not list((index.parent / "validations").rglob("*.html"))
    assert data_docs.remote_references(index) == []


class _Resources(HTMLParser):
    """Every address an HTML page makes the browser fetch (not links to click)."""

    LOADING = {"script": "src", "link": "href", "img": "src", "source": "src",
               "iframe": "src", "embed": "src", "video": "src", "audio": "src"}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        attr = self.LOADING.get(tag)
        if attr and values.get(attr):
            self.urls.append(values[attr] or "")
        self.urls += _css_urls(values.get("style") or "")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _css_urls(data)


def _css_urls(css: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", css)]


def _resources(page: Path) -> list[str]:
    parser = _Resources()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def _local_file(base: Path, url: str) -> Path:
    return (base.parent / unquote(urlsplit(url).path)).resolve()


def test_every_loaded_resource_is_local_and_exists(docs: BuiltDocs) -> None:
    pages = docs.pages()
    assert len(pages) >= 6  # index, 3 validation pages, 3 suite pages
    stylesheets: set[Path] = set()
    for page in pages:
        urls = [u for u in _resources(page) if not u.startswith("data:")]
        assert urls, page
        remote = [u for u in urls if re.match(r"^\s*(https?:)?//", u, re.I)]
        assert not remote, (page, remote)
        for url in urls:
            target = _local_file(page, url)
            assert target.is_file(), (page, url)
            assert docs.site.resolve() in target.parents, (page, url)
            if target.suffix == ".css":
                stylesheets.add(target)
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(script|link|img)\b[^>]*https?://""", html, re.I), page
    assert any("fontawesome" in str(css) for css in stylesheets)
    for css in stylesheets:  # the fonts the vendored CSS asks for
        for url in _css_urls(css.read_text(encoding="utf-8")):
            if not url.startswith("data:"):
                assert not re.match(r"^(https?:)?//", url), (css, url)
                assert _local_file(css, url).is_file(), (css, url)


def _template_urls() -> dict[str, str | None]:
    """Each remote address GX's HTML templates load, with its SRI hash if it has one."""
    found: dict[str, str | None] = {}
    for name in ("page.j2", "index_page.j2", "page_minimal.j2", "js_script_imports.j2"):
        text = (GX_TEMPLATES / name).read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link)\b[^>]*>", text):
            url = re.search(r"""(?:src|href)="(https?://[^"]+)\"""", tag)
            sri = re.search(r'integrity="([^"]+)"', tag)
            if url:
                found[url.group(1)] = sri.group(1) if sri else None
    return found


def test_vendored_files_are_the_ones_gx_asks_for() -> None:
    """A GX upgrade that loads something new fails here, not in a city's browser."""
    urls = _template_urls()
    assert len(urls) >= 14
    for url, sri in urls.items():
        assert url in data_docs.CDN_FILES or url in data_docs.CHART_SCRIPTS, url
        if url in data_docs.CDN_FILES:
            vendored = data_docs.VENDOR_DIR / data_docs.CDN_FILES[url]
            assert vendored.is_file(), url
            if sri:  # byte-identical to what the CDN serves
                algorithm, digest = sri.split("-", 1)
                actual = base64.b64encode(hashlib.new(algorithm, vendored.read_bytes()).digest())
                assert actual.decode() == digest, url
    for package in data_docs.VENDOR_DIR.iterdir():
        if package.is_dir():
            assert list(package.glob("LICENSE*")), f"{package.name} has no licence file"


def _text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")
def test_the_site_renders_in_a_browser_with_the_network_cut_off(docs: BuiltDocs) -> None:
    from playwright.sync_api import sync_playwright

    failing = next((docs.site / "validations" / PERMITS / "rows").rglob("*.html"))
    refused: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.route(
                "**/*",
                lambda route: route.continue_()
                if route.request.url.startswith("file://")
                else (refused.append(route.request.url), route.abort())[1],
            )
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(docs.index.as_uri())
            # bootstrap-table (jQuery, Bootstrap) built the results table from its data
            table = page.locator(".bootstrap-table table.ge-index-page-validation-results-table")
            table.wait_for(state="visible")
            assert table.locator("tbody tr").count() == 3
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "data_docs_index.png"), full_page=True)
            # a row opens its validation page (the table's own click handler)
            row = table.locator("tbody tr", has_text=f"{PERMITS}.rows")
            row.get_by_text(RUN_NAME).click()
            page.wait_for_url(failing.as_uri())
            # the offending value, in the table bootstrap-table built for the column
            page.get_by_role("cell", name="void", exact=True).wait_for(state="visible")
            assert page.locator("i.fas.fa-times.text-danger").count() >= 3  # status icons
            fonts_ready = page.evaluate(
                "async () => { await document.fonts.ready;"
                " return document.fonts.check('900 16px \"Font Awesome 6 Free\"'); }"
            )
            page.screenshot(path=str(ARTIFACTS / "data_docs_failed_run.png"), full_page=True)
        finally:
            browser.close()
    assert refused == []  # nothing was even attempted off the machine
    assert errors == []
    assert fonts_ready  # the icons' font came from the vendored copy
