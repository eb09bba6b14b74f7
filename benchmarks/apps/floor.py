"""The floor: the smallest Streamlit page with the dashboard's day selector and one text.

Run: ``streamlit run benchmarks/apps/floor.py``. Whatever this page costs per step, any
Streamlit app with this selector costs too; the benchmark divides the other figures by it.
"""

from datetime import date, timedelta

import streamlit as st

DAYS = [date(2022, 1, 2) + timedelta(days=n) for n in range(9)]


def day_label(day: date) -> str:
    """'Fri 7 Jan 2022', as the dashboard writes it."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _step(delta: int) -> None:
    index = DAYS.index(st.session_state["day"]) + delta
    st.session_state["day"] = DAYS[max(0, min(len(DAYS) - 1, index))]


if st.session_state.get("day") not in DAYS:
    st.session_state["day"] = DAYS[0]
left, middle, right = st.columns([1, 8, 1], vertical_alignment="bottom")
current = st.session_state["day"]
left.button("◀ Previous", key="prev", on_click=_step, args=(-1,),
            disabled=current == DAYS[0], use_container_width=True)
right.button("Next ▶", key="next", on_click=_step, args=(1,),
             disabled=current == DAYS[-1], use_container_width=True)
middle.select_slider("Day", options=DAYS, format_func=day_label, key="day",
                     label_visibility="collapsed")
st.markdown(f"Showing {day_label(st.session_state['day'])}")
