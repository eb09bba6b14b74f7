"""Self-test of the browser harness against a throwaway Streamlit script."""

from __future__ import annotations

import textwrap

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Server, external_requests, wait_for_app

SCRIPT = textwrap.dedent(
    """
    import streamlit as st

    value = st.slider("Harness slider", 0, 10, 3)
    st.write(f"Slider value is {value}")
    """
)


@pytest.fixture(scope="module")
def tiny_server(streamlit_server, tmp_path_factory) -> Server:
    path = tmp_path_factory.mktemp("harness") / "tiny_app.py"
    path.write_text(SCRIPT, encoding="utf-8")
    return streamlit_server(app=str(path))


def test_tiny_app_renders_offline(page, tiny_server: Server) -> None:
    page.goto(tiny_server.url)
    wait_for_app(page)
    expect(page.get_by_text("Harness slider")).to_be_visible()
    expect(page.get_by_text("Slider value is 3")).to_be_visible()
    assert page.requests, "request recording captured nothing"
    assert external_requests(page) == []


@pytest.mark.viewport(640, 480)
def test_viewport_marker(page, tiny_server: Server) -> None:
    page.goto(tiny_server.url)
    wait_for_app(page)
    assert page.viewport_size == {"width": 640, "height": 480}
