"""The command line, one module over the library: ``python -m dashboard validate|snapshot|near|
route|export|brief|frames|import-acled|offline-map``. Exit codes: 0 done; 1 problems found
(validate), rows set aside (import-acled), the output could not be written or a tile server
failed midway (offline-map); 2 a bad day, place, format or folder, a refused run, or nothing
written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from datetime import date
from pathlib import Path

from . import acled, animate
from .brief import day_brief
from .formats import BY_EXTENSION, FORMAT
from .scenario import DataFolderMissing, Scenario, open_scenario
from .snapshot import snapshot
from .timeline import DayOutOfRange, as_of, parse_day

MAX_KM = 20_000  # half the way round the Earth: no two points are further apart


def load(data: str | None, *, warn: bool = True) -> Scenario | None:
    """The scenario, its problems said on standard error; None after saying the folder is
    missing (each command then exits 2: a missing folder is never an empty day)."""
    try:
        scenario = open_scenario(data)
    except DataFolderMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if warn:
        for problem in scenario.problems:
            print(f"warning: {problem}", file=sys.stderr)
    return scenario


def kilometres(text: str, *, zero: bool = False) -> float:
    """A distance option: a finite number above 0 (or 0 itself with ``zero``); ``inf`` and
    ``nan`` are not distances."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and (0 <= value if zero else 0 < value) and value <= MAX_KM):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a distance: give kilometres {'from' if zero else 'above'} 0 "
            f"and at most {MAX_KM:,}")
    return value


def kilometres_or_zero(text: str) -> float:
    return kilometres(text, zero=True)


def _geocoder(args: argparse.Namespace):
    """The geocoder the options choose; raises ValueError with the reason for a bad one."""
    from .geocode import geocoder_from_setting

    return geocoder_from_setting(args.geocoder or os.environ.get("DASHBOARD_GEOCODER"))


def print_json(value: object) -> None:
    """An answer as strict JSON on standard output (never Infinity or NaN)."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
    print()


def _validate(args: argparse.Namespace) -> int:
    scenario = load(args.dir or args.data, warn=False)
    if scenario is None:
        return 2
    for problem in scenario.problems:
        print(problem)
    if scenario.problems:
        missing = scenario.missing_files()
        said = f"file(s) missing: {', '.join(missing)}; " if missing else ""
        print(f"{len(scenario.problems)} problem(s); {said}{scenario.rows_set_aside()} row(s) "
              "set aside", file=sys.stderr)
        return 1
    print(f"clean: {len(scenario.places)} places, {len(scenario.events)} events, "
          f"{len(scenario.statuses)} statuses, {len(scenario.restrictions)} restrictions, "
          f"{len(scenario.figures)} figures, {len(scenario.sources)} sources", file=sys.stderr)
    return 0


def _day(scenario, text: str):
    """The scenario day, or None after saying on standard error why the text is not one."""
    try:
        return parse_day(scenario, text)
    except DayOutOfRange as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _snapshot(args: argparse.Namespace) -> int:
    scenario = load(args.data)
    day = _day(scenario, args.day) if scenario is not None else None
    if day is None:
        return 2
    print_json(snapshot(as_of(scenario, day), scenario))
    return 0


def _add_place_options(p: argparse.ArgumentParser) -> None:
    """The data and geocoder options of the commands that find places (`near`, `route`)."""
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.add_argument("--geocoder", help="online geocoder: a Nominatim URL, or 'off' "
                   "(default: $DASHBOARD_GEOCODER, else the public Nominatim)")


def _place_question(args: argparse.Namespace):
    """What `near` and `route` start from: the scenario, the day and the geocoder; None after
    saying on standard error why one of them cannot be had."""
    scenario = load(args.data)
    day = _day(scenario, args.day) if scenario is not None else None
    if day is None:
        return None
    try:
        return scenario, day, _geocoder(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _near(args: argparse.Namespace) -> int:
    from . import gazetteer, travel

    asked = _place_question(args)
    if asked is None:
        return 2
    scenario, day, geocoder = asked
    found = travel.resolve(args.place, gazetteer.build(scenario), geocoder)
    if found.notice:
        print(f"note: {found.notice}", file=sys.stderr)
    if found.best is None:
        print(f"error: {found.error}", file=sys.stderr)
        return 2
    rep = travel.report(found.best, as_of(scenario, day), scenario, args.radius_km)
    print_json(travel.report_json(rep))
    return 0


def _route(args: argparse.Namespace) -> int:
    from . import gazetteer, route

    asked = _place_question(args)
    if asked is None:
        return 2
    scenario, day, geocoder = asked
    gaz = gazetteer.build(scenario)
    ends = []
    for which, text in (("start", args.start), ("destination", args.end)):
        found = route.resolve_end(text, scenario, gaz, geocoder)
        if found.notice:
            print(f"note: {found.notice}", file=sys.stderr)
        if found.end is None:
            print(f"error: {which}: {found.error}", file=sys.stderr)
            return 2
        ends.append(found.end)
    answer = route.route(scenario, day, ends[0], ends[1], args.near_km)
    print_json(answer.to_json())
    return 0


def _load_day(data: str | None, text: str) -> tuple[Scenario, date] | None:
    """The scenario and the day, or None after printing why the folder is missing or the day
    is not one of its days."""
    try:
        scenario = open_scenario(data)
        day = parse_day(scenario, text)
    except (DataFolderMissing, DayOutOfRange) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    for problem in scenario.problems:
        print(f"warning: {problem}", file=sys.stderr)
    return scenario, day


def _write(out: str, text: str) -> int:
    """Write text to a file, or to stdout for '-'."""
    if out == "-":
        sys.stdout.write(text)
        return 0
    try:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}", file=sys.stderr)
    return 0


def export_format(out: str, chosen: str | None) -> str | None:
    """The --format given, else the one the --out extension names, else None."""
    return chosen or BY_EXTENSION.get(Path(out).suffix.lower())


def _offline_archive(args: argparse.Namespace):
    """The --offline-map (or $DASHBOARD_OFFLINE_MAP) archive; None when none is named; raises
    TileArchiveError for a file that cannot be drawn."""
    from .tilearchive import open_archive

    named = args.offline_map or os.environ.get("DASHBOARD_OFFLINE_MAP") or ""
    return open_archive(named) if named.strip() else None


def run_export(args: argparse.Namespace) -> int:
    fmt = export_format(args.out, args.format)
    if fmt is None:
        names = ", ".join(f.extensions[0] for f in FORMAT.values())
        print(f"error: cannot tell the format from {args.out!r}: name a {names} file, or give "
              f"--format {'|'.join(FORMAT)}", file=sys.stderr)
        return 2
    loaded = _load_day(args.data, args.day)
    if loaded is None:
        return 2
    scenario, day = loaded
    if fmt != "html":
        return _write(args.out, FORMAT[fmt].build(as_of(scenario, day), scenario))
    from .export import day_html
    from .tilearchive import TileArchiveError

    try:
        archive = _offline_archive(args)
        page = day_html(as_of(scenario, day), scenario, archive)
    except TileArchiveError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if archive is not None:
        print(f"note: offline map {archive.describe()}", file=sys.stderr)
    return _write(args.out, page)


def run_brief(args: argparse.Namespace) -> int:
    loaded = _load_day(args.data, args.day)
    if loaded is None:
        return 2
    scenario, day = loaded
    return _write(args.out or "-", day_brief(as_of(scenario, day), scenario))


def run_frames(args: argparse.Namespace) -> int:
    from .frames import FramesError, render_frames

    if not args.animate and (args.format or args.seconds_per_day):
        print("error: --format and --seconds-per-day go with --animate", file=sys.stderr)
        return 2
    args.format = args.format or animate.DEFAULT_FORMAT
    args.seconds_per_day = args.seconds_per_day or animate.DEFAULT_SECONDS
    try:
        scenario = open_scenario(args.data)
        days = [parse_day(scenario, d) for d in args.day] if args.day else None
    except (DataFolderMissing, DayOutOfRange) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for problem in scenario.problems:
        print(f"warning: {problem}", file=sys.stderr)
    try:
        paths = render_frames(args.data, args.out, days)
    except FramesError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write frames to {args.out}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    if not args.animate:
        return 0
    target = Path(args.out) / animate.animation_name(paths, args.format)
    try:
        animate.write_animation(paths, target, args.format, args.seconds_per_day)
    except animate.AnimationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


def seconds_a_day(text: str) -> float:
    try:
        return animate.seconds_per_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_import(args: argparse.Namespace) -> int:
    """0 every row imported; 1 some rows set aside (the folder is written); 2 nothing written.
    The folder is written whole, checked by loading it, or not at all (acled.import_export)."""
    out = Path(args.out)
    imported = acled.AcledImport(file=Path(args.export).name, path=str(args.export))

    def problems() -> None:
        for problem in imported.problems:
            print(f"{args.export}:{problem.line}: {problem.field}: {problem.message}",
                  file=sys.stderr)

    try:
        acled.check_output(out, args.force, Path(args.export))
        meta = acled.import_export(imported, out, args.title, force=args.force)
    except acled.UnusableExport as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except acled.NoEvents:
        problems()
        print(f"error: {args.export}: no usable rows ({imported.set_aside} of {imported.rows} "
              "set aside); nothing written", file=sys.stderr)
        return 2
    except (FileExistsError, acled.ImportCheckFailed) as exc:
        problems()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        problems()
        print(f"error: cannot write {args.out}: {exc.strerror or exc}; nothing written, "
              f"{args.out} is as it was", file=sys.stderr)
        return 2
    problems()
    print(f"wrote {args.out}: {imported.count} events at {len(imported.places)} places, "
          f"{len(imported.sources)} publishers, {meta['start']} to {meta['end']}; "
          f"{imported.set_aside} of {imported.rows} rows set aside", file=sys.stderr)
    return 1 if imported.problems else 0


def _add_exports(subparsers) -> None:
    """``export``, ``brief`` and ``frames``."""
    p = subparsers.add_parser(
        "export", help="write one day as an offline HTML map, GeoJSON or CSV",
        description="Write one day as a single HTML file that opens offline in any browser, "
                    "or its places, events and restrictions as GeoJSON or CSV.")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--out", required=True,
                   help="file to write (.html, .geojson or .csv); '-' for stdout")
    p.add_argument("--format", choices=list(FORMAT), help="default: from the --out extension")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.add_argument("--offline-map", metavar="FILE",
                   help="carry this street map's tiles within the view in the HTML page: an "
                        "MBTiles or PMTiles file, raster or vector (default: "
                        "$DASHBOARD_OFFLINE_MAP)")
    p.set_defaults(func=run_export)

    p = subparsers.add_parser("brief", help="print a one-page Markdown brief of one day")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_brief)

    p = subparsers.add_parser(
        "frames", help="write one 1920x1080 PNG of the map per day (needs Chromium)",
        description="Draw each day's exported page in a headless Chromium ($CHROMIUM_PATH, "
                    "else /usr/bin/chromium) and save it as OUT/YYYY-MM-DD.png; with "
                    "--animate, join them into OUT/replay-FIRST-LAST.gif (or .webp), the date "
                    "and headline at the top of every frame.")
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--day", action="append", metavar="YYYY-MM-DD",
                   help="only this day (repeatable; default: every day)")
    p.add_argument("--animate", action="store_true",
                   help="also write the days as one looping animation")
    p.add_argument("--format", choices=list(animate.FORMATS),
                   help=f"the animation's format (default: {animate.DEFAULT_FORMAT})")
    p.add_argument("--seconds-per-day", type=seconds_a_day, metavar="S",
                   help="how long each day is shown in the animation (default: "
                        f"{animate.DEFAULT_SECONDS:g})")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_frames)


def _add_import(subparsers) -> None:
    """``import-acled``."""
    p = subparsers.add_parser(
        "import-acled", help="turn an ACLED export (CSV) into a scenario folder",
        description="Read an ACLED export and write a scenario folder that the dashboard "
                    "opens with --data DIR. Rows that cannot be used are reported as "
                    "FILE:LINE: FIELD: message. Exit 0: every row imported; 1: some rows set "
                    "aside, the folder written; 2: nothing written.")
    p.add_argument("export", help="the ACLED export, a CSV file")
    p.add_argument("--out", required=True, help="the scenario folder to write")
    p.add_argument("--title", help="the dashboard's title (default: from the countries and "
                                   "dates)")
    p.add_argument("--force", action="store_true",
                   help="replace a folder that import-acled wrote before (never another "
                        "folder, nor one holding files of yours)")
    p.set_defaults(func=run_import)


def _area(args: argparse.Namespace) -> tuple[str, tuple[float, float, float, float]] | None:
    """The box to fetch and a name for it: --bbox, or a city of the scenario with a radius;
    None after saying why neither is usable."""
    from .tilefetch import around, parse_bbox

    if args.bbox:
        try:
            return f"box {args.bbox}", parse_bbox(args.bbox)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return None
    scenario = load(args.data, warn=False)
    if scenario is None:
        return None
    cities = [p for p in scenario.places.values() if p.kind == "city"]
    wanted = args.area.strip().casefold()
    found = next((p for p in cities if wanted in {p.id.casefold(), p.name.casefold(),
                                                 *(a.casefold() for a in p.aliases)}), None)
    if found is None:
        names = ", ".join(sorted(p.id for p in cities))
        print(f"error: {args.area!r} is not a city of the scenario; give one of {names}, or "
              "--bbox S,W,N,E", file=sys.stderr)
        return None
    km = args.radius_km or max(5.0, found.radius_m / 1000 + 3)
    return f"{found.name}, {km:g} km around", around(found.lat, found.lon, km)


def _progress(stream):
    """A progress bar on standard error (a line per tenth when it is not a terminal)."""
    state = {"at": 0.0, "tenth": -1}

    def show(done: int, total: int, outcome) -> None:
        now = time.monotonic()
        if stream.isatty():
            if done < total and now - state["at"] < 0.2:
                return
            state["at"] = now
            width = 30
            filled = int(width * done / max(1, total))
            stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
                         f"tiles, {outcome.bytes / 1048576:.1f} MB fetched")
            if done >= total:
                stream.write("\n")
        else:
            tenth = 10 * done // max(1, total)
            if tenth == state["tenth"]:
                return
            state["tenth"] = tenth
            stream.write(f"{done:,}/{total:,} tiles ({tenth * 10}%), "
                         f"{outcome.bytes / 1048576:.1f} MB fetched\n")
        stream.flush()

    return show


def run_offline_map(args: argparse.Namespace) -> int:
    """0 the file is complete; 1 the server failed midway (what was fetched is kept and the
    same command goes on from there); 2 refused before any request."""
    from . import tilefetch as tf

    try:
        zooms = tf.parse_zooms(args.zoom)
        tf.check_url(args.source)
    except (ValueError, tf.FetchRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    area = _area(args)
    if area is None:
        return 2
    label, bbox = area
    host = tf.urlsplit(args.source).hostname
    plan = tf.Plan(args.source, bbox, zooms, Path(args.out), args.name or label,
                   args.attribution or f"Tiles: {host}", rate=args.rate)
    total = tf.count_tiles(bbox, zooms)
    print(f"{label}: {total:,} tiles at zoom {zooms[0]}-{zooms[1]} from {host}, about "
          f"{total * tf.AVERAGE_TILE_BYTES / 1048576:,.0f} MB (at "
          f"{tf.AVERAGE_TILE_BYTES // 1000} kB a tile); at {args.rate:g} a second at most, "
          f"up to {total / args.rate / 60:,.0f} min", file=sys.stderr)
    if total > args.max_tiles:
        print(f"error: {total:,} tiles is more than --max-tiles {args.max_tiles:,}: choose "
              "fewer zooms or a smaller area (or raise --max-tiles)", file=sys.stderr)
        return 2
    if not args.yes:
        if not sys.stdin.isatty():
            print("error: add --yes to fetch without being asked", file=sys.stderr)
            return 2
        if input("Fetch them? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing fetched", file=sys.stderr)
            return 2
    try:
        outcome = tf.fetch(plan, _progress(sys.stderr))
    except tf.FetchRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except tf.FetchFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: cannot write {plan.part}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {plan.out}: {outcome.fetched:,} tiles fetched ({outcome.bytes / 1048576:.1f} "
          f"MB), {outcome.kept:,} kept from before, {outcome.missing:,} the server does not "
          f"have. Open it with: streamlit run dashboard/app.py -- --offline-map {plan.out}",
          file=sys.stderr)
    return 0


def _add_offline_map(subparsers) -> None:
    p = subparsers.add_parser(
        "offline-map", help="fetch a city's street tiles into an MBTiles file, while online",
        description="Fetch the street tiles of an area and zooms from a tile server you name "
                    "into a raster MBTiles file that the app (--offline-map FILE) and the HTML "
                    "export draw without the internet. Shows the tile count and size first; "
                    "an interrupted run goes on where it stopped. OpenStreetMap's own tile "
                    "servers are refused: their policy forbids bulk downloads.")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="a city of the scenario by id or name (almaty, "
                                      "nur-sultan, aktau, ...)")
    where.add_argument("--bbox", help="S,W,N,E in degrees")
    p.add_argument("--radius-km", type=kilometres,
                   help="with --area: km around the city's centre (default: its radius + 3)")
    p.add_argument("--zoom", default="10-16", help="zoom levels, e.g. 10-16 (default)")
    p.add_argument("--from", dest="source", required=True, metavar="URL",
                   help="the tile server, e.g. https://tiles.example/{z}/{x}/{y}.png")
    p.add_argument("--out", required=True, help="the MBTiles file to write")
    p.add_argument("--attribution", help="who to credit for the tiles (shown on the map; "
                                         "default: the server's name)")
    p.add_argument("--name", help="the map's name (default: the area)")
    p.add_argument("--rate", type=float, default=2.0,
                   help="requests a second at most (default 2)")
    p.add_argument("--max-tiles", type=int, default=50_000,
                   help="refuse a larger run (default 50,000)")
    p.add_argument("--yes", action="store_true", help="fetch without asking")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_offline_map)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="Kazakhstan January 2022 crisis map: tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a scenario folder; one line per problem")
    p.add_argument("dir", nargs="?", help="scenario folder (default: geodata/)")
    p.add_argument("--data", help=argparse.SUPPRESS)
    p.set_defaults(func=_validate)

    p = sub.add_parser("snapshot", help="print one day's state as JSON")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=_snapshot)

    p = sub.add_parser("near", help="dangers, airports and curfew near a place on a day (JSON)")
    p.add_argument("place", help='a place name, or "lat, lon"')
    p.add_argument("--day", required=True, help="YYYY-MM-DD")
    p.add_argument("--radius-km", type=kilometres, default=25.0,
                   help="list the dangers within this distance (default 25)")
    _add_place_options(p)
    p.set_defaults(func=_near)

    p = sub.add_parser(
        "route", help="what the straight line from A to B meets on a day (JSON)",
        description="The active dangers the straight line between two places crosses or "
                    "passes near, the cities on the way with their entry and exit bans and "
                    "checkpoints, the curfew and airports at both ends; a flight for an "
                    "airport and a destination abroad. The line is not a road route.")
    p.add_argument("start", help='a place name, or "lat, lon"')
    p.add_argument("end", help='a place name, "lat, lon", or a flight destination abroad')
    p.add_argument("--day", required=True, help="YYYY-MM-DD")
    p.add_argument("--near-km", type=kilometres_or_zero, default=10.0,
                   help="list the dangers and cities within this distance of the line "
                        "(default 10)")
    _add_place_options(p)
    p.set_defaults(func=_route)

    _add_exports(sub)
    _add_import(sub)
    _add_offline_map(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has said why on standard error (or printed --help)
        return exc.code if isinstance(exc.code, int) else 2
    return args.func(args)
