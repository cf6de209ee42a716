"""The sixteen cockpits as external assets downstream of the published snapshot.

Dagster does not run the cockpits (Streamlit serves them), but declaring each one lets
``dagster dev`` show the whole lineage, from the landing files to the page a leader opens,
and lets an engineer see which pages a failed publish leaves stale. The page codes come from
the cockpit's own page names (``cockpit/i18n_pages.py``, which imports nothing heavy), so a
new page appears here without a second list.
"""

from __future__ import annotations

import dagster as dg

from cockpit.i18n_pages import PAGE_STRINGS

SNAPSHOT_KEY = dg.AssetKey(["published", "cockpit_snapshot"])


def cockpit_codes() -> list[str]:
    """Codes (URL paths) of the cockpit pages, in navigation order."""
    return [key.removeprefix("page.") for key in PAGE_STRINGS if key.startswith("page.")]


def cockpit_spec(code: str) -> dg.AssetSpec:
    title_zh, title_en = PAGE_STRINGS.get(f"{code}.title", PAGE_STRINGS[f"page.{code}"])
    return dg.AssetSpec(
        key=dg.AssetKey(["cockpits", code]),
        deps=[SNAPSHOT_KEY],
        group_name="cockpits",
        kinds={"streamlit"},
        description=f"{title_zh} · {title_en} — Streamlit page /{code}, reading the snapshot.",
        metadata={"url_path": f"/{code}"},
    )


COCKPIT_ASSETS = [cockpit_spec(code) for code in cockpit_codes()]
