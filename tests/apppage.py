"""What an AppTest run put on the page as HTML: every `st.html` body, then the day panel's
HTML (a component's data: static/kz/panel.js puts it in place)."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from dashboard.ui import PANEL_KEY


def page_html(at: AppTest) -> str:
    bodies = [el.proto.body for el in at.get("html")]
    for el in at.get("bidi_component"):
        if el.proto.id.endswith(PANEL_KEY) and el.proto.json:
            bodies.append(json.loads(el.proto.json).get("html", ""))
    return "\n".join(bodies)


def open_box(at: AppTest, key: str) -> AppTest:
    """Open an expander whose content is drawn only while it is open (as a click would)."""
    at.session_state[key] = True
    return at.run()
