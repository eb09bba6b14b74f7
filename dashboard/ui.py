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

from . import (
    coverage,
    daypanel,
    gazetteer,
    pagefiles,
    timestrip,
    travel,
    travelpanel,
    trends,
    urlstate,
)
from . import route as routes
from .assets import ensure_leaflet, offline_map_layer, write_basemap
from .brief import md
from .cameras import Camera, cameras
from .caveats import what_is_missing
from .formats import FORMATS
from .geocode import ATTRIBUTION as GEOCODER_ATTRIBUTION
from .geocode import geocoder_from_setting
from .mapview import (
    LAYER_KEYS,
    LAYERS,
    OfflineLayer,
    StepControls,
    TileSource,
    base_map,
    day_group,
    day_key,
    day_label,
    day_payload,
    map_content,
    neighbours,
    route_layer,
    traveller_layer,
    view_layer,
)
from .scenario import DataFolderMissing, Scenario, load_scenario, require_folder
from .settings import Settings
from .tilearchive import TileArchive, TileArchiveError, open_archive
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


@st.cache_resource(show_spinner="Preparing the offline street map…", max_entries=4)
def _offline_map(path: str, signature: tuple
                 ) -> tuple[TileArchive | None, OfflineLayer | None, str]:
    """The traveller's MBTiles or PMTiles file, read and put under the static folder once per
    version of the file; or the reason it cannot be drawn (a vector archive without the
    renderer that draws it among them)."""
    try:
        archive = open_archive(path)
        return archive, offline_map_layer(archive), ""
    except (TileArchiveError, OSError) as exc:
        return None, None, str(exc)


DEFAULT_BASEMAP = ("Without the internet the map shows region outlines, neighbouring "
                   "countries, the Caspian Sea, the scenario's lakes and reservoirs (if its "
                   "folder has them) and city labels: no streets, rivers or built-up areas.")


def offline_street_map(settings: Settings) -> tuple[TileArchive | None, OfflineLayer | None]:
    """The street map given with --offline-map, and a sidebar note of what is loaded (its
    area, zooms and attribution) or of what the map lacks without one."""
    archive = layer = None
    problem = ""
    if settings.offline_map is not None:
        path = settings.offline_map
        try:
            info = path.stat()
            signature = (info.st_size, info.st_mtime_ns)
        except OSError:
            signature = ()
        archive, layer, problem = _offline_map(str(path), signature)
    with st.sidebar.expander("Offline street map", expanded=bool(problem)):
        if archive is not None:
            s, w, n, e = archive.bounds
            drawn = ("Drawn on this machine by protomaps-leaflet" if archive.vector
                     else "Drawn from this machine")
            st.markdown(f"**Loaded:** {md(archive.name)} ({md(archive.path.name)}, "
                        f"{archive.kind}), {archive.tiles:,} tiles at zoom {archive.min_zoom}–"
                        f"{archive.max_zoom}, from {s:.3f}, {w:.3f} to {n:.3f}, {e:.3f}. "
                        f"{drawn}; the HTML export carries its tiles too.")
            st.caption(f"Attribution: "
                       f"{md(archive.attribution or 'none stated in the file')}")
        else:
            if problem:
                st.warning(f"The offline map cannot be drawn: {md(problem)}", icon="⚠️")
            st.markdown(f"None loaded. {DEFAULT_BASEMAP} Prepare one while online with "
                        "`python -m dashboard offline-map --area almaty --from URL --out "
                        "almaty.mbtiles`, or cut an OpenStreetMap extract as vector PMTiles "
                        "(`pmtiles extract`, see the README), then start with "
                        "`--offline-map almaty.mbtiles` (or `.pmtiles`).")
    return archive, layer


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
STRIP_KEY = "timestrip"


@st.cache_resource(show_spinner=False)
def _strip_component():
    """The strip's component: its script (static/kz/timestrip.js) sends the day clicked."""
    return st.components.v2.component("kz_timestrip", js=pagefiles.text("timestrip.js"),
                                      isolate_styles=False)


def _strip_clicked(days: list[date]) -> None:
    """A day chosen in the strip becomes the shown day (a day not in the scenario is ignored)."""
    chosen = (st.session_state.get(STRIP_KEY) or {}).get("day")
    try:
        day = date.fromisoformat(chosen) if isinstance(chosen, str) else None
    except ValueError:
        day = None
    if day in days:
        st.session_state["day"] = day


def time_strip(loaded: Scenario, day: date) -> None:
    """The timeline of the crisis under the day's controls (timestrip.py): the strip, the same
    on every day (Streamlit then sends a reference to it, not the strip), and a one-line
    style that frames the shown day. A click on a day moves the replay there."""
    _strip_component()(key=STRIP_KEY, data={"svg": timestrip.static_svg(loaded)},
                       on_day_change=lambda: _strip_clicked(loaded.days))


def current_day(loaded: Scenario) -> date:
    """The day to show: the player's next day, else the controls' (a day not in the scenario
    becomes its first)."""
    days = loaded.days
    if "_day_pending" in st.session_state:  # a step of the player
        st.session_state["day"] = st.session_state.pop("_day_pending")
    if st.session_state.get("day") not in days:
        st.session_state["day"] = days[0]
    return st.session_state["day"]


def controls_row():
    """The row of the day's controls, in its place; day_controls fills it."""
    # One row, one block: columns would send a block per column on every step.
    return st.container(horizontal=True, vertical_alignment="center", gap="small")


def day_controls(loaded: Scenario, current: date) -> None:
    """Previous, the day's slider, Next, Play and its speed (their values are the session's
    day, which current_day settled before the run drew anything)."""
    days = loaded.days
    playing = st.session_state.get("playing", False)
    st.button("◀ Previous", key=STEP_CONTROLS.prev, on_click=_step, args=(days, -1),
              disabled=current == days[0])
    st.select_slider("Day", options=days, format_func=day_label, key=STEP_CONTROLS.day,
                     label_visibility="collapsed", width="stretch")
    st.button("Next ▶", key=STEP_CONTROLS.next, on_click=_step, args=(days, 1),
              disabled=current == days[-1])
    st.button("⏸ Pause" if playing else "▶ Play", key="play", on_click=_toggle_play,
              args=(days,), help="Steps through the days by itself and stops on the last "
              "one.")
    st.segmented_control("Speed", SPEEDS, default=SPEEDS[1], key="speed",
                         label_visibility="collapsed", help="Seconds a day while playing",
                         format_func=lambda s: f"{s:g} s/day")
    # The strip's frame on the shown day (time_strip): a style with no height, in this
    # row so that it takes no line of the page of its own.
    st.html(timestrip.day_style(loaded, current))


def fill_controls(row, loaded: Scenario, day: date) -> None:
    """The day's controls into their row, and the player's tick after it."""
    with row:
        day_controls(loaded, day)
    player(loaded.days)


def day_selector(loaded: Scenario) -> date:
    """The day's controls in their row, then the day: for a page that draws nothing before
    them (the benchmarks' naive map). The dashboard fills the row after its headline."""
    day = current_day(loaded)
    fill_controls(controls_row(), loaded, day)
    return day


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
              pick: bool, camera: Camera | None, present: bool, version: str,
              offline: OfflineLayer | None = None, route=None) -> dict | None:
    kept = kept_days(state, loaded, layers, tiles, present, version)
    groups = [day_group(state, loaded, layers, kept, version)]
    if rep is not None:
        groups.append(traveller_layer(rep))
    if route is not None:
        ends = (route.start.end, route.end.end)
        groups.append(route_layer(routes.route_geojson(route),
                                  f"{ends[0].name}|{ends[1].name}"))
    camera_key = f"{camera.key}:{st.session_state.get('_camera_moves', 0)}" if camera else None
    groups.append(view_layer(camera_key, camera.bounds if camera else None, pick, present))
    return st_folium(base_map(loaded, basemap_url, tiles=tiles, controls=STEP_CONTROLS,
                              offline=offline),
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


# What a click on the map sets, in pick mode: the searched place, or an end of the route.
PICK_TARGETS = {"find": "the place to find", "route_from": "From", "route_to": "To"}


def _take_map_click(returned: dict | None) -> None:
    """A click on the map (in pick mode) fills the box being picked on the next run."""
    click = (returned or {}).get("last_clicked")
    if not click:
        return
    text = f"{click['lat']:.5f}, {click['lng']:.5f}"
    if st.session_state.get("_last_click") != text:
        st.session_state["_last_click"] = text
        st.session_state["_click_pending"] = (st.session_state.get("_pick_target", "find"), text)
        st.rerun()


def _apply_click() -> None:
    """Before any box is drawn: a click taken on the last run fills its box; a route end
    picked ends picking, so the next click does not move it again."""
    pending = st.session_state.pop("_click_pending", None)
    if pending is None:
        return
    target, text = pending
    st.session_state[target] = text
    if target != "find":
        st.session_state["pick"] = False
        st.session_state["_pick_target"] = "find"


def _pick(target: str) -> None:
    st.session_state["_pick_target"] = target
    st.session_state["pick"] = True


def _pick_place() -> None:
    """The toggle, on or off: a click, when picking, chooses the place to find."""
    st.session_state["_pick_target"] = "find"


def traveller_search(settings: Settings, loaded: Scenario, state: DayState
                     ) -> tuple[travel.TravelReport | None, bool]:
    """The search row and the verdict, beside the map, in one container: what it shows
    varies, but the elements after it keep their place in the page."""
    with st.container():
        return _traveller_search(settings, loaded, state)


def _traveller_search(settings: Settings, loaded: Scenario, state: DayState
                      ) -> tuple[travel.TravelReport | None, bool]:
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        query = st.text_input(
            "Find a place", key="find",
            placeholder="Street, square, airport, city, or 43.238, 76.945",
            help="Searches the scenario's places and Kazakhstan's settlements offline; asks "
                 "the online geocoder too when the internet is there. Press Enter to search.",
            width="stretch")
        pick = st.toggle("Pick on the map", key="pick", on_change=_pick_place,
                         help="Then click the map to choose a place.")
    if pick and st.session_state.get("_pick_target", "find") != "find":
        st.caption(f"A click on the map sets {PICK_TARGETS[st.session_state['_pick_target']]} "
                   "of the route.")
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
    _panel_component()(key=PANEL_KEY, data={"html": panel_html(state, loaded, start)})


PANEL_KEY = "daypanel"


@st.cache_resource(show_spinner=False)
def _panel_component():
    """The panel's component (static/kz/panel.js): the page puts the server's HTML in place
    without running Streamlit's sanitiser over it on every step (the text from the data is
    escaped where the HTML is written)."""
    return st.components.v2.component("kz_daypanel", js=pagefiles.text("panel.js"),
                                      isolate_styles=False)


def panel_html(state: DayState, loaded: Scenario, start: int) -> str:
    """The events of the shown page, the sources' advice, the trends and the coverage."""
    return (daypanel.events_html(state, loaded, start, EVENTS_PER_PAGE)
            + daypanel.advice_details_html(state, loaded)
            + daypanel.followed_html(loaded)
            + trends.trends_html(loaded, state.day)
            + "<details class='kz-more' data-testid='kz-coverage-panel'><summary>Coverage: "
              "reports per region and day</summary>"
            + coverage.coverage_html(loaded, state.day) + "</details>")


def _with_streets(state: DayState, loaded: Scenario, archive: TileArchive) -> str:
    """The HTML export with the offline map's tiles; without them when they exceed what one
    file carries (the sidebar's note says the export carries them)."""
    from .export import day_html

    try:
        return day_html(state, loaded, archive)
    except TileArchiveError:
        return day_html(state, loaded)


DOWNLOADS_KEY = "downloads_open"


def downloads(state: DayState, loaded: Scenario, archive: TileArchive | None = None) -> None:
    """The day for slides and notes; each file is built only when its button is pressed. The
    buttons are drawn only while their box is open, so a step of the day sends one element
    for them, not one for each format."""
    stem = f"kazakhstan-{state.day.isoformat()}"
    box = st.sidebar.expander("Download this day", key=DOWNLOADS_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        for fmt in FORMATS:
            build = fmt.build
            if fmt.key == "html" and archive is not None:
                def build(state, loaded, archive=archive):
                    return _with_streets(state, loaded, archive)
            st.download_button(fmt.label, key=f"dl_{fmt.key}", on_click="ignore",
                               data=lambda build=build: build(state, loaded).encode("utf-8"),
                               file_name=f"{stem}{fmt.extensions[0]}", mime=fmt.mime)


def sidebar_about(loaded: Scenario) -> None:
    with st.sidebar.expander("About the data"):
        st.markdown(f"{len(loaded.places)} places, {len(loaded.events)} events and "
                    f"{len(loaded.sources)} sources. Every item cites its sources; approximate "
                    "places are drawn as areas, never as pins. Times are local (UTC"
                    f"{md(loaded.meta.utc_offset)}).")
        st.caption(f"{gazetteer.GEONAMES_ATTRIBUTION}. {GEOCODER_ATTRIBUTION}.")


def presentation(state: DayState, loaded: Scenario, basemap_url: str, layers: tuple[str, ...],
                 tiles: TileSource | None, views: dict[str, Camera], version: str,
                 offline: OfflineLayer | None = None) -> None:
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
                  version, offline)


ROUTE_KEY = "route_open"
ROUTE_FIELDS = ("route_from", "route_to", "route_km")


def keep_values(keys: tuple[str, ...]) -> None:
    """Boxes not drawn on this run keep what was typed in them for the run that draws them."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def keep_hidden_widgets() -> None:
    """Presentation mode leaves the search out; what was typed there is kept for later."""
    keep_values(("find", "pick", *ROUTE_FIELDS))


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
    archive: TileArchive | None = None  # the offline street map, if one was given
    offline: OfflineLayer | None = None


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
    archive, offline = offline_street_map(settings)
    sidebar_about(loaded)
    day_view(Page(settings, loaded, basemap_url, layers, tiles, views, present, version,
                  archive, offline))


@st.fragment
def day_view(page: Page) -> None:
    """Everything that follows the day. A fragment: a step (slider, buttons, camera, search,
    pager) reruns this alone, so the sidebar and page set-up are neither rebuilt on the
    server nor redrawn in the browser. Every panel reads the same DayState."""
    loaded = page.loaded
    _apply_click()
    day = current_day(loaded)
    state = as_of(loaded, day)
    # The controls' row and the strip under it keep their places; they are filled once the
    # headline and the map are sent, so a step's headline reaches the page first.
    controls = controls_row()
    if page.present:
        presentation(state, loaded, page.basemap_url, page.layers, page.tiles, page.views,
                     page.version, page.offline)
        fill_controls(controls, loaded, day)
        downloads(state, loaded, page.archive)
        return
    strip = st.container()
    # The map under the day's controls, the headline, presets and search beside it (below
    # it on a phone); the search runs first, since the map shows the place found.
    map_col, panel_col = st.columns(MAP_COLUMNS, gap="small")
    with panel_col:
        headline(state, loaded, False)
        camera = camera_selector(page.views)
        rep, pick = traveller_search(page.settings, loaded, state)
    write_link(day, page.layers, camera.key if camera else None, False)
    asked = route_asked(page.settings, loaded, state)
    with map_col:
        returned = map_panel(state, loaded, page.basemap_url, page.layers, page.tiles, rep,
                             pick, camera, False, page.version, page.offline,
                             route=asked[2] if asked else None)
    with panel_col:
        with st.container():
            if rep is not None:
                traveller_panel(rep, loaded)
        route_finder(asked)
        day_panel(state, loaded)
    fill_controls(controls, loaded, day)
    with strip:
        time_strip(loaded, day)
    downloads(state, loaded, page.archive)
    if pick:
        _take_map_click(returned)


def route_asked(settings: Settings, loaded: Scenario, state: DayState) -> tuple | None:
    """The route the From and To boxes ask for on the shown day: (key, found ends, answer or
    None), kept in the session so the map and the panel share one computation; None until
    both boxes hold text. Read before the map is drawn (the boxes' values are the session's
    at the start of the run), so the line is on the map in the same step."""
    start = st.session_state.get("route_from") or ""
    end = st.session_state.get("route_to") or ""
    if not (start.strip() and end.strip()):
        return None
    near_km = st.session_state.get("route_km", routes.DEFAULT_NEAR_KM)
    signature = _signature(settings.data_dir)
    key = (start, end, state.day, near_km, signature)
    cached = st.session_state.get("_route")
    if cached is None or cached[0] != key:
        geocoder, _ = _geocoder(settings.geocoder)
        gaz = _gazetteer(str(settings.data_dir), signature)
        found = [routes.resolve_end(t, loaded, gaz, geocoder) for t in (start, end)]
        answer = (routes.route(loaded, state.day, found[0].end, found[1].end, near_km)
                  if all(f.end for f in found) else None)
        cached = (key, found, answer)
        st.session_state["_route"] = cached
    return cached


def route_finder(asked: tuple | None) -> None:
    """"From A to B": the boxes, and the answer ``route_asked`` gave before the map was drawn
    (the straight line on the shown day, route.py), in words with its sources; the panel's
    HTML is travelpanel.route_html."""
    box = st.expander("From A to B (a straight line, not a road route)", key=ROUTE_KEY,
                      on_change="rerun")
    if not box.open:  # its boxes are drawn only while it is open; what they hold is kept
        keep_values(ROUTE_FIELDS)
        return
    with box:
        st.text_input("From", key="route_from",
                      placeholder="Place, airport, city, or 43.238, 76.945")
        st.text_input("To", key="route_to",
                      placeholder="Place, city, coordinates, or a flight destination")
        st.number_input("Dangers within (km of the line)", min_value=0.0, max_value=100.0,
                        value=routes.DEFAULT_NEAR_KM, step=1.0, key="route_km")
        with st.container(horizontal=True, gap="small"):
            for target in ("route_from", "route_to"):
                st.button(f"Pick {PICK_TARGETS[target]} on the map", key=f"pick-{target}",
                          on_click=_pick, args=(target,))
        if asked is None:
            return
        _, found, answer = asked
        notices = "".join(travelpanel.notice_html(f) for f in found if f.error or f.end is None)
        if notices:
            st.html(notices)
        if answer is not None:
            st.html(travelpanel.route_html(answer))
