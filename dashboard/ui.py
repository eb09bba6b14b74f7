"""The only module that calls Streamlit: controls, panels, the map component, caching."""

from __future__ import annotations

import stat
import time
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from . import coverage, daypanel, gazetteer, pagefiles, travel, travelpanel, trends, urlstate
from .assets import ensure_leaflet, write_basemap
from .brief import md
from .cameras import Camera, cameras
from .caveats import what_is_missing
from .formats import FORMATS
from .geocode import ATTRIBUTION as GEOCODER_ATTRIBUTION
from .geocode import geocoder_from_setting
from .mapview import (
    LAYER_KEYS,
    LAYERS,
    StepControls,
    TileSource,
    base_map,
    day_group,
    day_key,
    day_label,
    day_payload,
    map_content,
    neighbours,
    traveller_layer,
    view_layer,
)
from .scenario import DataFolderMissing, Scenario, load_scenario, require_folder
from .settings import Settings
from .timeline import DayState, as_of

LAYER_LABELS = {layer.key: layer.label for layer in LAYERS}
# The keys of the controls that step the day; the map page is told them, to hear a step
# before the server answers it (mapview.StepControls). The day's key is also the session's.
STEP_CONTROLS = StepControls(next="next", prev="prev", day="day")


def _signature(data_dir: Path) -> tuple:
    """Names, sizes and times of the data files: a change reloads the scenario."""
    if not data_dir.is_dir():
        return ()
    found = []
    for path in data_dir.iterdir():
        try:  # a file can go between the listing and its stat (an editor's lock file)
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((path.name, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


@st.cache_resource(show_spinner="Loading the scenario…", max_entries=8)
def _load(data_dir: str, signature: tuple) -> Scenario:
    return load_scenario(data_dir)


@st.cache_resource(show_spinner=False, max_entries=8)
def _basemap_url(data_dir: str, signature: tuple) -> str:
    ensure_leaflet()
    return write_basemap(_load(data_dir, signature))


@st.cache_resource(show_spinner="Loading the gazetteer…", max_entries=4)
def _gazetteer(data_dir: str, signature: tuple) -> gazetteer.Gazetteer:
    return gazetteer.build(_load(data_dir, signature))


@st.cache_resource(show_spinner=False, max_entries=4)
def _geocoder(setting: str):
    """One per server, so its rate limit and cache are shared by every viewer."""
    try:
        return geocoder_from_setting(setting), ""
    except ValueError as exc:
        return None, str(exc)


def page_setup() -> None:
    # The map first: the sidebar's settings (layers, tiles, presentation, downloads) open
    # with its button, so the first screen is the day, the map and the headline.
    st.set_page_config(page_title="Kazakhstan, January 2022 — crisis map", page_icon="🗺️",
                       layout="wide", initial_sidebar_state="collapsed")
    st.html(pagefiles.style("panel.css"))


def scenario(settings: Settings) -> tuple[Scenario, str, str]:
    """The scenario, its basemap's address, and a version that changes with its files."""
    try:
        require_folder(settings.data_dir)
    except DataFolderMissing as exc:
        st.error(f"No scenario to show: {md(exc)}. Start the app with `--data DIR` naming a "
                 "scenario folder.", icon="⛔")
        st.stop()
    signature = _signature(settings.data_dir)
    loaded = _load(str(settings.data_dir), signature)
    version = f"{zlib.crc32(repr(signature).encode()):08x}"
    return loaded, _basemap_url(str(settings.data_dir), signature), version


def problems_notice(loaded: Scenario) -> None:
    if not loaded.problems:
        return
    st.warning(f"The data in {md(loaded.data_dir)} is incomplete: "
               f"{md(what_is_missing(loaded))}; the map shows the rest.",
               icon="⚠️")
    with st.expander("What was set aside, and why"):
        st.text("\n".join(str(p) for p in loaded.problems[:500]))


def _step(days: list[date], delta: int) -> None:
    index = days.index(st.session_state["day"]) + delta
    st.session_state["day"] = days[max(0, min(len(days) - 1, index))]


def apply_link(loaded: Scenario, views: dict[str, Camera]) -> None:
    """On a session's first run, the link's day, layers, view and presentation become the
    controls' state; a wrong value is named in a short notice and its default used."""
    if st.session_state.get("_link_read") == loaded.data_dir:
        return
    st.session_state["_link_read"] = loaded.data_dir
    state = urlstate.read(st.query_params.to_dict(), loaded.days, LAYER_KEYS, list(views),
                          day_label=day_label)
    st.session_state["day"] = state.day
    st.session_state["layers"] = list(state.layers)
    st.session_state["view"] = state.view
    st.session_state["present"] = state.present
    for notice in state.notices:
        st.toast(notice, icon="⚠️")


def write_link(day: date, layers: tuple[str, ...], view: str | None, present: bool) -> None:
    """The address bar follows the page, so a copied link reopens what is shown."""
    params = urlstate.write(urlstate.UrlState(day, layers, view, present), LAYER_KEYS)
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)


SPEEDS = (1.0, 2.0, 4.0)  # seconds a day


def day_selector(loaded: Scenario) -> date:
    days = loaded.days
    if "_day_pending" in st.session_state:  # a step of the player
        st.session_state["day"] = st.session_state.pop("_day_pending")
    if st.session_state.get("day") not in days:
        st.session_state["day"] = days[0]
    current = st.session_state["day"]
    playing = st.session_state.get("playing", False)
    # One row, one block: columns would send a block per column on every step.
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.button("◀ Previous", key=STEP_CONTROLS.prev, on_click=_step, args=(days, -1),
                  disabled=current == days[0])
        st.select_slider("Day", options=days, format_func=day_label, key=STEP_CONTROLS.day,
                         label_visibility="collapsed", width="stretch")
        st.button("Next ▶", key=STEP_CONTROLS.next, on_click=_step, args=(days, 1),
                  disabled=current == days[-1])
        st.button("⏸ Pause" if playing else "▶ Play", key="play", on_click=_toggle_play,
                  args=(days,), help="Steps through the days by itself and stops on the last "
                  "one.")
        st.selectbox("Speed", SPEEDS, index=1, key="speed", label_visibility="collapsed",
                     format_func=lambda s: f"{s:g} s/day", width=110)
    player(days)
    return st.session_state["day"]


def _toggle_play(days: list[date]) -> None:
    if st.session_state.get("playing"):
        st.session_state["playing"] = False
        return
    if st.session_state.get("day") == days[-1]:  # from the start again
        st.session_state["day"] = days[0]
    st.session_state["playing"] = True
    st.session_state["_played_at"] = time.monotonic()


def player(days: list[date]) -> None:
    """While playing, a fragment wakes every few seconds, moves to the next day and reruns the
    page; it stops on the last day. Nothing waits in the server between two steps."""
    playing = st.session_state.get("playing", False)
    seconds = st.session_state.get("speed") or SPEEDS[1]

    @st.fragment(run_every=seconds if playing else None)
    def tick() -> None:
        if not st.session_state.get("playing"):
            return
        now = time.monotonic()
        if now - st.session_state.get("_played_at", 0.0) < seconds * 0.9:
            return  # this run is the page's own, not a tick
        st.session_state["_played_at"] = now
        index = days.index(st.session_state["day"]) + 1 if st.session_state.get(
            "day") in days else len(days)
        if index < len(days):
            st.session_state["_day_pending"] = days[index]
        st.session_state["playing"] = index < len(days) - 1
        st.rerun()

    tick()


def presentation_toggle() -> bool:
    st.sidebar.toggle("Presentation mode", key="present",
                      help="For a screen in a room: no sidebar, a large headline and "
                           "figures, the map filling the screen. ?present=1 opens it.")
    present = bool(st.session_state.get("present"))
    if present:
        st.html(daypanel.PRESENT_CSS)
    return present


def _leave_presentation() -> None:
    st.session_state["present"] = False


def camera_selector(views: dict[str, Camera]) -> Camera | None:
    def chosen() -> None:
        st.session_state["_camera_moves"] = st.session_state.get("_camera_moves", 0) + 1

    key = st.segmented_control("Camera", list(views), key="view", format_func=lambda k:
                               md(views[k].label), on_change=chosen,
                               label_visibility="collapsed",
                               help="Moves the map to a preset view; your zoom is kept "
                                    "until you choose another.")
    return views.get(key) if key else None


def layer_selector() -> tuple[str, ...]:
    if "layers" not in st.session_state:
        st.session_state["layers"] = list(LAYER_KEYS)
    chosen = st.sidebar.pills("Map layers", options=list(LAYER_KEYS),
                              format_func=LAYER_LABELS.get, selection_mode="multi",
                              key="layers")
    return tuple(k for k in LAYER_KEYS if k in (chosen or []))


def tiles_toggle(settings: Settings) -> TileSource | None:
    on = st.sidebar.toggle(
        "Online map tiles", value=settings.online_tiles, key="tiles",
        help="Draws street tiles over the offline vector basemap when the internet is "
             "reachable. Off by default: the map works without the internet.")
    return TileSource(settings.tile_url, settings.tile_attribution) if on else None


def headline(state: DayState, loaded: Scenario, present: bool) -> None:
    st.html(daypanel.headline_html(state, loaded, day_label(state.day))
            + daypanel.badges_html(daypanel.badges(state, loaded))
            + (daypanel.key_figures_html(state, loaded) if present else "")
            + daypanel.caveat_html(trends.blackout_caveat(state, loaded)))


# px: the map's height before the page's styles size its frame to the window (panel.css:
# the window's height less the day's controls; daypanel.PRESENT_CSS in presentation).
MAP_HEIGHT = 620
PRESENT_MAP_HEIGHT = 880
# The map's column and the panel's: the map takes most of the first screen.
MAP_COLUMNS = (7, 3)


def map_panel(state: DayState, loaded: Scenario, basemap_url: str, layers: tuple[str, ...],
              tiles: TileSource | None, rep: travel.TravelReport | None,
              pick: bool, camera: Camera | None, present: bool, version: str
              ) -> dict | None:
    kept = kept_days(state, loaded, layers, tiles, present, version)
    groups = [day_group(state, loaded, layers, kept, version)]
    if rep is not None:
        groups.append(traveller_layer(rep))
    camera_key = f"{camera.key}:{st.session_state.get('_camera_moves', 0)}" if camera else None
    groups.append(view_layer(camera_key, camera.bounds if camera else None, pick, present))
    return st_folium(base_map(loaded, basemap_url, tiles=tiles, controls=STEP_CONTROLS),
                     key="kzmap",
                     feature_group_to_add=map_content(groups),
                     height=PRESENT_MAP_HEIGHT if present else MAP_HEIGHT,
                     use_container_width=True, returned_objects=[])


def kept_days(state: DayState, loaded: Scenario, layers: tuple[str, ...],
              tiles: TileSource | None, present: bool, version: str
              ) -> list[tuple[str, list[tuple]]]:
    """The layers of the days next to this one that this map has not been sent yet, so a
    Previous or Next click draws at once (see mapview.DayDraw). The map is a new one, which
    holds nothing, when the presentation mode or the tiles change."""
    mode = (present, tiles is not None, loaded.data_dir, version)
    held = st.session_state.get("_map_days")
    if not held or held[0] != mode:
        held = (mode, set())
        st.session_state["_map_days"] = held
    held[1].add(day_key(state.day, layers, version))
    kept = []
    for day in neighbours(loaded.days, state.day):
        key = day_key(day, layers, version)
        if key not in held[1]:
            kept.append((key, day_payload(as_of(loaded, day), loaded, layers)))
            held[1].add(key)
    return kept


def _take_map_click(returned: dict | None) -> None:
    """A click on the map (in pick mode) becomes the searched place on the next run."""
    click = (returned or {}).get("last_clicked")
    if not click:
        return
    text = f"{click['lat']:.5f}, {click['lng']:.5f}"
    if st.session_state.get("_last_click") != text:
        st.session_state["_last_click"] = text
        st.session_state["_find_pending"] = text
        st.rerun()


def traveller_search(settings: Settings, loaded: Scenario, state: DayState
                     ) -> tuple[travel.TravelReport | None, bool]:
    """The search row and the verdict, beside the map, in one container: what it shows
    varies, but the elements after it keep their place in the page."""
    with st.container():
        return _traveller_search(settings, loaded, state)


def _traveller_search(settings: Settings, loaded: Scenario, state: DayState
                      ) -> tuple[travel.TravelReport | None, bool]:
    if "_find_pending" in st.session_state:
        st.session_state["find"] = st.session_state.pop("_find_pending")
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        query = st.text_input(
            "Find a place", key="find",
            placeholder="Street, square, airport, city, or 43.238, 76.945",
            help="Searches the scenario's places and Kazakhstan's settlements offline; asks "
                 "the online geocoder too when the internet is there. Press Enter to search.",
            width="stretch")
        pick = st.toggle("Pick on the map", key="pick",
                         help="Then click the map to choose a place.")
    if not query.strip():
        return None, pick
    signature = _signature(settings.data_dir)
    cached = st.session_state.get("_resolved")
    if cached is None or cached[0] != (query, signature):
        geocoder, problem = _geocoder(settings.geocoder)
        found = travel.resolve(query, _gazetteer(str(settings.data_dir), signature), geocoder)
        if problem:
            found = travel.Resolution(found.candidates, f"{found.notice} ({problem})",
                                      found.error)
        st.session_state["_resolved"] = ((query, signature), found)
    else:
        found = cached[1]
    notice = travelpanel.notice_html(found)
    if notice:
        st.html(notice)
    if found.best is None:
        return None, pick
    chosen = found.best
    if len(found.candidates) > 1:
        options = list(found.candidates)
        chosen = st.selectbox(
            "Matches", options, key=f"match-{query}",
            format_func=lambda r: md(f"{r.name} — {r.detail or r.matched_by}"))
    rep = travel.report(chosen, state, loaded)
    st.html(travelpanel.verdict_html(rep))
    return rep, pick


def traveller_panel(rep: travel.TravelReport, loaded: Scenario) -> None:
    with st.expander(f"For a traveller at {md(rep.place.name)}", expanded=True):
        st.html(travelpanel.details_html(rep, loaded))


EVENTS_PER_PAGE = 50


def events_page(count: int) -> int:
    """Where the shown page of the day's events starts: a long day is read a page at a time,
    so a step never sends thousands of events to the page."""
    if count <= EVENTS_PER_PAGE:
        return 0
    starts = list(range(0, count, EVENTS_PER_PAGE))
    start = st.selectbox(
        "Events shown", starts, key=f"events-page-{count}",
        format_func=lambda s: f"{s + 1:,}–{min(s + EVENTS_PER_PAGE, count):,} of {count:,}",
        help="The downloads in the sidebar hold every event of the day.")
    return start or 0


def day_panel(state: DayState, loaded: Scenario) -> None:
    """Three elements whatever the day, so a step only replaces their content: the figures
    and changes, the pager of a long day's events (often empty), then the events, the
    sources' advice and the trends (drawn as SVG: no chart library runs in the page)."""
    st.html(daypanel.summary_html(state, loaded))
    with st.container():
        start = events_page(len(state.events))
    st.html(daypanel.events_html(state, loaded, start, EVENTS_PER_PAGE)
            + daypanel.advice_details_html(state, loaded)
            + daypanel.followed_html(loaded)
            + trends.trends_html(loaded, state.day)
            + "<details class='kz-more' data-testid='kz-coverage-panel'><summary>Coverage: "
              "reports per region and day</summary>"
            + coverage.coverage_html(loaded, state.day) + "</details>")


def downloads(state: DayState, loaded: Scenario) -> None:
    """The day for slides and notes; each file is built only when its button is pressed."""
    stem = f"kazakhstan-{state.day.isoformat()}"
    with st.sidebar.expander("Download this day"):
        for fmt in FORMATS:
            st.download_button(fmt.label, key=f"dl_{fmt.key}", on_click="ignore",
                               data=lambda build=fmt.build: build(state, loaded).encode("utf-8"),
                               file_name=f"{stem}{fmt.extensions[0]}", mime=fmt.mime)


def sidebar_about(loaded: Scenario) -> None:
    with st.sidebar.expander("About the data"):
        st.markdown(f"{len(loaded.places)} places, {len(loaded.events)} events and "
                    f"{len(loaded.sources)} sources. Every item cites its sources; approximate "
                    "places are drawn as areas, never as pins. Times are local (UTC"
                    f"{md(loaded.meta.utc_offset)}).")
        st.caption(f"{gazetteer.GEONAMES_ATTRIBUTION}. {GEOCODER_ATTRIBUTION}.")


def presentation(state: DayState, loaded: Scenario, basemap_url: str, layers: tuple[str, ...],
                 tiles: TileSource | None, views: dict[str, Camera], version: str) -> None:
    """For a room: the map large, beside it the headline, national status and key figures in
    large type, the camera presets and the way out."""
    keep_hidden_widgets()
    map_col, side = st.columns([3, 1], gap="medium")
    with side:
        headline(state, loaded, True)
        camera = camera_selector(views)
        if st.button("Leave presentation", key="leave", on_click=_leave_presentation,
                     width="stretch"):
            st.rerun()  # the whole page: the sidebar and panels come back
    write_link(state.day, layers, camera.key if camera else None, True)
    with map_col:
        map_panel(state, loaded, basemap_url, layers, tiles, None, False, camera, True,
                  version)


def keep_hidden_widgets() -> None:
    """Presentation mode leaves the search out; what was typed there is kept for later."""
    for key in ("find", "pick"):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


@dataclass(frozen=True)
class Page:
    """What a full run sets up and every step of the day reads."""

    settings: Settings
    loaded: Scenario
    basemap_url: str
    layers: tuple[str, ...]
    tiles: TileSource | None
    views: dict[str, Camera]
    present: bool
    version: str  # of the scenario's files


def run(settings: Settings) -> None:
    """Wire the page together: the sidebar and set-up on a full run, then the day's view,
    which a step of the day reruns on its own."""
    page_setup()
    loaded, basemap_url, version = scenario(settings)
    problems_notice(loaded)
    views = cameras(loaded)
    apply_link(loaded, views)
    present = presentation_toggle()
    layers = layer_selector()
    tiles = tiles_toggle(settings)
    sidebar_about(loaded)
    day_view(Page(settings, loaded, basemap_url, layers, tiles, views, present, version))


@st.fragment
def day_view(page: Page) -> None:
    """Everything that follows the day. A fragment: a step (slider, buttons, camera, search,
    pager) reruns this alone, so the sidebar and page set-up are neither rebuilt on the
    server nor redrawn in the browser. Every panel reads the same DayState."""
    loaded = page.loaded
    day = day_selector(loaded)
    state = as_of(loaded, day)
    downloads(state, loaded)
    if page.present:
        presentation(state, loaded, page.basemap_url, page.layers, page.tiles, page.views,
                     page.version)
        return
    # The map under the day's controls, the headline, presets and search beside it (below
    # it on a phone); the search runs first, since the map shows the place found.
    map_col, panel_col = st.columns(MAP_COLUMNS, gap="small")
    with panel_col:
        headline(state, loaded, False)
        camera = camera_selector(page.views)
        rep, pick = traveller_search(page.settings, loaded, state)
    write_link(day, page.layers, camera.key if camera else None, False)
    with map_col:
        returned = map_panel(state, loaded, page.basemap_url, page.layers, page.tiles, rep,
                             pick, camera, False, page.version)
    with panel_col:
        with st.container():
            if rep is not None:
                traveller_panel(rep, loaded)
        route_finder(page.settings, loaded, state)
        day_panel(state, loaded)
    if pick:
        _take_map_click(returned)


def route_finder(settings: Settings, loaded: Scenario, state: DayState) -> None:
    """"From A to B": the straight line between two places on the shown day (route.py), in
    words with its sources; the panel's HTML is travelpanel.route_html."""
    from . import route

    with st.expander("From A to B (a straight line, not a road route)",
                     expanded=bool(st.session_state.get("route_from")
                                   and st.session_state.get("route_to"))):
        start = st.text_input("From", key="route_from",
                              placeholder="Place, airport, city, or 43.238, 76.945")
        end = st.text_input("To", key="route_to",
                            placeholder="Place, city, coordinates, or a flight destination")
        near_km = st.number_input("Dangers within (km of the line)", min_value=0.0,
                                  max_value=100.0, value=route.DEFAULT_NEAR_KM, step=1.0,
                                  key="route_km")
        if not (start.strip() and end.strip()):
            return
        signature = _signature(settings.data_dir)
        key = (start, end, state.day, near_km, signature)
        cached = st.session_state.get("_route")
        if cached is None or cached[0] != key:
            geocoder, _ = _geocoder(settings.geocoder)
            gaz = _gazetteer(str(settings.data_dir), signature)
            found = [route.resolve_end(t, loaded, gaz, geocoder) for t in (start, end)]
            answer = (route.route(loaded, state.day, found[0].end, found[1].end, near_km)
                      if all(f.end for f in found) else None)
            cached = (key, found, answer)
            st.session_state["_route"] = cached
        _, found, answer = cached
        notices = "".join(travelpanel.notice_html(f) for f in found if f.error or f.end is None)
        if notices:
            st.html(notices)
        if answer is not None:
            st.html(travelpanel.route_html(answer))
