"""Shared by the browser tests and the benchmarks: drive `streamlit run` in headless Chromium."""
