"""Great Expectations Data Docs of the real suite runs, as a site that works offline.

``quality.runner.run_suite`` keeps every GX validation result in the results store of a
file-backed GX project (``$COCKPIT_DATA_DIR/quality/gx``). Here GX's own site builder renders
those results, so the pages look like any GX Data Docs, into
``$COCKPIT_DATA_DIR/docs/quality``. GX's templates then load Bootstrap, jQuery, bootstrap-table,
Font Awesome and the GX logo from CDNs; city networks are often cut off from the internet, so
every such reference is rewritten to copies vendored in ``quality/static/vendor`` (taken from
the npm registry, see the README there) and the build fails if any remote resource is left.

    python -m quality.data_docs [--data-dir DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import shutil
from pathlib import Path
from typing import Any

from quality.runner import gx_project_dir
from sources.config import data_paths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

SITE_NAME = "cockpit_quality"
SITE_SUBDIR = Path("docs") / "quality"
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
SITE_VENDOR = Path("static") / "vendor"  # where the vendored files go inside the site

# Every CDN address GX 1.24's templates load, and the vendored file that replaces it.
# Byte-identical to what the CDNs serve (the two with SRI hashes are checked by the tests);
# bootstrap-table's filter-control CSS is taken from 1.19.1 for both addresses (1.19.0's
# differs only in its version banner) and bootstrap-dark's minified build stands in for the
# unminified one of the same release.
CDN_FILES: dict[str, str] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css":
        "bootstrap-4.3.1/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js":
        "bootstrap-4.3.1/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "bootstrap-table-1.19.1/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "bootstrap-table-1.19.1/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.css":
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.css":
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/"
    "bootstrap-table-filter-control.min.js":
        "bootstrap-table-1.19.1/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/"
    "bootstrap-datepicker.min.css":
        "bootstrap-datepicker-1.9.0/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/"
    "bootstrap-datepicker.min.js":
        "bootstrap-datepicker-1.9.0/js/bootstrap-datepicker.min.js",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/"
    "bootstrap-prefers-dark.css":
        "bootstrap-dark-1.1.0/css/bootstrap-prefers-dark.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css":
        "fontawesome-free-6.6.0/css/all.min.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery-3.7.1/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js":
        "popper.js-1.12.9/umd/popper.min.js",
}
# Vega draws only the charts of a few expectations (KL divergence) and profiling pages, none
# of which our suites use: its tags are dropped from pages that draw no chart. A page that
# does draw one keeps them, and the offline check below then fails loudly.
CHART_SCRIPTS = (
    "https://cdn.jsdelivr.net/npm/vega@5",
    "https://cdn.jsdelivr.net/npm/vega-lite@5",
    "https://cdn.jsdelivr.net/npm/vega-embed@6",
)
CHART_MARKER = "vegaEmbed("
# GX's logo comes from its web-assets bucket; the package ships the light logo only.
GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
GX_ASSET_STAND_INS = {"full_logo_dark.png": "logo-long.png"}

# Elements that make the browser fetch something: external scripts (with their empty body,
# so a dropped one leaves no stray closing tag) and void elements; then the address in them.
_ELEMENT = re.compile(
    r"<script\b[^>]*>\s*</script>|<(?:link|img|source|iframe|embed)\b[^>]*>", re.I | re.S
)
_ATTR = re.compile(r"""\b(src|href)(\s*=\s*)(["'])(.*?)\3""", re.I | re.S)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]*)\1\s*\)""", re.I)
_SRI = re.compile(r"""\s+(?:integrity|crossorigin)(?:\s*=\s*(["']).*?\1)?""", re.I | re.S)
# For the final check: any tag but an anchor with a remote src/href, any remote CSS url().
_ANY_TAG = re.compile(r"<(?!a\b)[a-z][a-z0-9]*\b[^>]*>", re.I | re.S)
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.I)


class OfflineError(RuntimeError):
    """A generated page still loads something from the network."""


def site_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    return data_paths(data_dir).root / SITE_SUBDIR


def build_data_docs(
    data_dir: str | os.PathLike[str] | None = None, *, limit: int | None = None
) -> Path:
    """Render the Data Docs of the kept results and make them offline; return index.html.

    ``limit`` keeps the newest N validation results (a daily schedule accumulates them).
    The site is rebuilt from scratch so results that were removed leave no pages behind.
    """
    import great_expectations as gx  # slow to import

    project = gx_project_dir(data_dir)
    target = site_dir(data_dir)
    project.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(project.parent))
    _register_suites(context)
    _configure_site(context, target, limit)
    shutil.rmtree(target, ignore_errors=True)
    context.build_data_docs(site_names=[SITE_NAME])
    make_offline(target)
    return target / "index.html"


def _register_suites(context: Any) -> None:
    """Document each suite as it last ran, so the site has its Expectation Suites pages.

    Suites are built in memory at every run (they derive from the contracts); the newest
    result of each holds its expectations, so no suite definition is re-derived here.
    """
    import great_expectations as gx

    store = context.validation_results_store
    newest: dict[str, Any] = {}
    for key in store.list_keys():
        name = key.expectation_suite_identifier.name
        if name not in newest or key.run_id.run_time > newest[name].run_id.run_time:
            newest[name] = key
    for suite in context.suites.all():
        if suite.name not in newest:
            context.suites.delete(suite.name)
    for name, key in sorted(newest.items()):
        result = store.get(key)
        # copies: GX refuses expectations that still carry the run's suite identity
        expectations = [copy.copy(r.expectation_config.to_domain_obj()) for r in result.results]
        context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))


def _configure_site(context: Any, target: Path, limit: int | None) -> None:
    config: dict[str, Any] = {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,  # GX's walkthrough modal and links to its website
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(target),
        },
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "validation_results_limit": limit,
        },
    }
    sites = context.list_data_docs_sites()
    if SITE_NAME in sites:
        context.update_data_docs_site(SITE_NAME, config)
    else:
        context.add_data_docs_site(SITE_NAME, config)


def make_offline(site: Path) -> list[Path]:
    """Copy the vendored files into the site and point every page at them."""
    shutil.copytree(VENDOR_DIR, site / SITE_VENDOR, dirs_exist_ok=True)
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        page.write_text(localise(html, page, site), encoding="utf-8")
    left = {str(p.relative_to(site)): refs for p in pages if (refs := remote_references(p))}
    if left:
        raise OfflineError(f"remote resources left (vendor them in {VENDOR_DIR}): {left}")
    return pages


def localise(html: str, page: Path, site: Path) -> str:
    """Rewrite one page's remote resource addresses to paths relative to the page."""
    to_root = os.path.relpath(site, page.parent).replace(os.sep, "/")
    uses_charts = CHART_MARKER in html

    def element(match: re.Match[str]) -> str:
        text = match.group(0)
        urls = [m.group(4) for m in _ATTR.finditer(text)]
        if not uses_charts and any(url in CHART_SCRIPTS for url in urls):
            return ""
        rewritten = _ATTR.sub(lambda m: _local_attr(m, to_root), text)
        # SRI and CORS attributes block file:// loads (a file page has an opaque origin)
        return _SRI.sub("", rewritten) if rewritten != text else text

    html = _ELEMENT.sub(element, html)
    return _CSS_URL.sub(lambda m: _local_css_url(m, to_root), html)


def _local_attr(match: re.Match[str], to_root: str) -> str:
    name, equals, quote, url = match.groups()
    local = _local_path(url) or _site_static(url)
    return f"{name}{equals}{quote}{to_root}/{local}{quote}" if local else match.group(0)


def _local_css_url(match: re.Match[str], to_root: str) -> str:
    local = _local_path(match.group(2))
    return f"url('{to_root}/{local}')" if local else match.group(0)


def _site_static(url: str) -> str | None:
    """Re-anchor a relative ``static/...`` address at the site root.

    GX 1.24's favicon template climbs one directory too few from validation pages (its
    navbar template climbs the right number), so their favicon link points at nothing.
    """
    found = re.fullmatch(r"(?:\.\./)*(static/[^?#]+)", url)
    return found.group(1) if found else None


def _local_path(url: str) -> str | None:
    """The site-relative path of a vendored replacement for ``url``, if there is one."""
    if url in CDN_FILES:
        return f"{SITE_VENDOR.as_posix()}/{CDN_FILES[url]}"
    if url.startswith(GX_ASSETS):
        name = url[len(GX_ASSETS):].split("?", 1)[0]
        return f"static/images/{GX_ASSET_STAND_INS.get(name, name)}"
    return None


def remote_references(page: Path) -> list[str]:
    """Addresses on the network that a page would still load (links to click are fine)."""
    html = page.read_text(encoding="utf-8")
    found = [m.group(4) for tag in _ANY_TAG.findall(html) for m in _ATTR.finditer(tag)]
    found += [m.group(2) for m in _CSS_URL.finditer(html)]
    return sorted({url for url in found if _REMOTE.match(url)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m quality.data_docs", description=__doc__)
    parser.add_argument("--data-dir", help="data directory (default: $COCKPIT_DATA_DIR or ./data)")
    parser.add_argument("--limit", type=int, help="keep only the newest N validation results")
    args = parser.parse_args(argv)
    if gx_project_dir(args.data_dir).joinpath("uncommitted", "validations").is_dir() is False:
        print(f"no validation results yet under {gx_project_dir(args.data_dir)}: run a build")
    index = build_data_docs(args.data_dir, limit=args.limit)
    print(f"quality docs: {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
