"""Colours and page CSS in one place so every cockpit page looks like the same product.

The repository's global Streamlit config is not ours to change, so styling is injected per
run as a scoped ``<style>`` block; the font stack puts Noto Sans CJK (installed on the Debian
servers) right after Streamlit's Latin font so Chinese never falls back to a bitmap face.
"""

from __future__ import annotations

import streamlit as st

STATUS_COLOURS: dict[str, str] = {
    "green": "#1E9E5A",
    "amber": "#E3A008",
    "red": "#D6453D",
    "none": "#9AA3AE",
}
STATUS_BADGE: dict[str, str] = {"green": "green", "amber": "orange", "red": "red", "none": "gray"}
PRIMARY = "#1F4E79"
# Categorical palette for charts: the primary blue first, then calm, distinguishable hues.
PALETTE = (
    "#1F4E79",
    "#3E8EC4",
    "#E3A008",
    "#1E9E5A",
    "#8E5EA2",
    "#D6453D",
    "#5AB4AC",
    "#B07AA1",
    "#9C755F",
    "#76B7B2",
    "#EDC948",
    "#BAB0AC",
)
TARGET_LINE = "#5F6B7A"
MUTED_TEXT = "#6B7785"
FONT_STACK = (
    '"Source Sans", "Source Sans Pro", "Noto Sans CJK SC", "Noto Sans SC", '
    '"PingFang SC", "Microsoft YaHei", sans-serif'
)

TILE_KEY_PREFIX = "ck_tile_"
_ACCENTS = "\n".join(
    f'[class*="st-key-{TILE_KEY_PREFIX}{status}_"] {{ border-top: 4px solid {colour} !important; }}'
    for status, colour in STATUS_COLOURS.items()
)

_CSS = f"""
<style>
html, body, .stApp, button, input,
[class*="st-"]:not([translate="no"]):not([data-testid*="Icon"]) {{
  font-family: {FONT_STACK};
}}
[data-testid="stMainBlockContainer"] {{ padding-top: 3.5rem; }}
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {{
  white-space: normal; overflow: visible; text-overflow: clip;
}}
[data-testid="stAppDeployButton"] {{ display: none; }}
[data-testid="stMetricValue"] {{ font-size: 1.75rem; font-weight: 650; color: #17212B; }}
[data-testid="stMetricLabel"] p {{ font-size: 0.95rem; font-weight: 600; color: #27323D; }}
.ck-code {{
  font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.72rem;
  color: {MUTED_TEXT}; letter-spacing: 0.02em; min-width: 0; overflow-wrap: anywhere;
  text-align: right;
}}
.ck-tile-head {{ display: flex; justify-content: space-between; align-items: center; gap: 6px; }}
.ck-pill {{
  display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 0.75rem;
  font-weight: 600; color: #fff; white-space: nowrap;
}}
.ck-critical {{
  display: inline-block; margin-left: 4px; padding: 0 6px; border-radius: 4px;
  font-size: 0.7rem; color: {PRIMARY}; border: 1px solid {PRIMARY}; white-space: nowrap;
}}
.ck-sub {{ font-size: 0.82rem; color: {MUTED_TEXT}; margin: -0.35rem 0 0 0; }}
.ck-spark {{ margin: 0.35rem 0 0.1rem 0; }}
.ck-spark-svg {{ display: block; width: 100%; height: 48px; overflow: visible; }}
.ck-spark-axis {{
  display: flex; justify-content: space-between; font-size: 0.68rem; color: {MUTED_TEXT};
}}
.ck-stamp {{ font-size: 0.85rem; color: {MUTED_TEXT}; text-align: right; line-height: 1.5; }}
.ck-summary {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 0.25rem 0 0.5rem 0; }}
.ck-chip {{
  display: inline-flex; align-items: center; gap: 6px; padding: 4px 12px;
  border-radius: 8px; background: #F4F6F9; font-size: 0.9rem; color: #27323D;
}}
.ck-dot {{ width: 10px; height: 10px; border-radius: 50%; display: inline-block; }}
{_ACCENTS}
.ck-title {{ font-size: 1.85rem; font-weight: 700; color: {PRIMARY}; line-height: 1.25; }}
.ck-subtitle {{ font-size: 0.95rem; color: {MUTED_TEXT}; margin: 0.15rem 0 0.6rem 0; }}
.ck-scope {{
  display: inline-block; margin-top: 2px; padding: 0 6px; border-radius: 4px;
  font-size: 0.72rem; background: #EEF3F8; color: {PRIMARY};
}}
.ck-section {{
  font-size: 1.15rem; font-weight: 650; color: #27323D; margin: 1.1rem 0 0.2rem 0;
  padding-left: 8px; border-left: 4px solid {PRIMARY};
}}
.ck-chart-title {{ font-size: 0.95rem; font-weight: 600; color: #27323D; margin: 0.4rem 0 0 0; }}
.ck-brand {{ font-size: 1.05rem; font-weight: 700; color: {PRIMARY}; line-height: 1.35; }}
</style>
"""


def inject_css() -> None:
    """Apply the shared look; called once per run by the app entry."""
    st.html(_CSS)


def status_colour(status: object) -> str:
    """Hex colour for a RAG status; anything unknown is treated as 'no target' grey."""
    return STATUS_COLOURS.get(str(status), STATUS_COLOURS["none"])


def tile_key(status: str, category_code: str) -> str:
    """Container key whose CSS class gives the tile its status-coloured top edge."""
    known = status if status in STATUS_COLOURS else "none"
    return f"{TILE_KEY_PREFIX}{known}_{category_code}"
