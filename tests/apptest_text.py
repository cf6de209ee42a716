"""What an AppTest run shows as text, for tests that look for a figure or a message."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def all_text(at: AppTest) -> str:
    """Markdown, captions, info and warning boxes of one run, one element per line."""
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [m.value for m in at.info] + [m.value for m in at.warning]
    return "\n".join(str(part) for part in parts)
