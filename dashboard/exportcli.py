"""Command line for the exports: ``export``, ``brief`` and ``frames`` subcommands.

``register(subparsers)`` adds them to the ``python -m dashboard`` parser. Exit codes: 0 done,
1 the output could not be written (or frames cannot be made here), 2 a bad day or format.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .brief import day_brief
from .formats import BY_EXTENSION, FORMAT
from .scenario import DataFolderMissing, Scenario, open_scenario
from .timeline import DayOutOfRange, as_of, parse_day


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
    return _write(args.out, FORMAT[fmt].build(as_of(scenario, day), scenario))


def run_brief(args: argparse.Namespace) -> int:
    loaded = _load_day(args.data, args.day)
    if loaded is None:
        return 2
    scenario, day = loaded
    return _write(args.out or "-", day_brief(as_of(scenario, day), scenario))


def run_frames(args: argparse.Namespace) -> int:
    from .frames import FramesError, render_frames

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
    return 0


def register(subparsers) -> None:
    """Add ``export``, ``brief`` and ``frames`` to a parser's subcommands."""
    p = subparsers.add_parser(
        "export", help="write one day as an offline HTML map, GeoJSON or CSV",
        description="Write one day as a single HTML file that opens offline in any browser, "
                    "or its places, events and restrictions as GeoJSON or CSV.")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--out", required=True,
                   help="file to write (.html, .geojson or .csv); '-' for stdout")
    p.add_argument("--format", choices=list(FORMAT), help="default: from the --out extension")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_export)

    p = subparsers.add_parser("brief", help="print a one-page Markdown brief of one day")
    p.add_argument("day", help="YYYY-MM-DD")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_brief)

    p = subparsers.add_parser(
        "frames", help="write one 1920x1080 PNG of the map per day (needs Chromium)",
        description="Draw each day's exported page in a headless Chromium ($CHROMIUM_PATH, "
                    "else /usr/bin/chromium) and save it as OUT/YYYY-MM-DD.png.")
    p.add_argument("--out", required=True, help="folder for the PNG files")
    p.add_argument("--day", action="append", metavar="YYYY-MM-DD",
                   help="only this day (repeatable; default: every day)")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.set_defaults(func=run_frames)
