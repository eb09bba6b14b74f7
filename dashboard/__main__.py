"""Command line: ``python -m dashboard validate|snapshot|near|export|brief|frames|import-acled``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import acled, exportcli
from .scenario import DataFolderMissing, Scenario, open_scenario
from .snapshot import snapshot
from .timeline import DayOutOfRange, as_of, parse_day


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


def _validate(args: argparse.Namespace) -> int:
    scenario = load(args.dir or args.data, warn=False)
    if scenario is None:
        return 2
    for problem in scenario.problems:
        print(problem)
    if scenario.problems:
        print(f"{len(scenario.problems)} problem(s); {scenario.set_aside_count()} row(s) "
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
    json.dump(snapshot(as_of(scenario, day), scenario), sys.stdout, ensure_ascii=False,
              indent=2)
    print()
    return 0


def _near(args: argparse.Namespace) -> int:
    from . import gazetteer, travel
    from .geocode import geocoder_from_setting

    scenario = load(args.data)
    day = _day(scenario, args.day) if scenario is not None else None
    if day is None:
        return 2
    if not args.radius_km > 0:
        print("error: --radius-km must be a positive number of kilometres", file=sys.stderr)
        return 2
    try:
        geocoder = geocoder_from_setting(args.geocoder or os.environ.get("DASHBOARD_GEOCODER"))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = travel.resolve(args.place, gazetteer.build(scenario), geocoder)
    if found.notice:
        print(f"note: {found.notice}", file=sys.stderr)
    if found.best is None:
        print(f"error: {found.error}", file=sys.stderr)
        return 2
    rep = travel.report(found.best, as_of(scenario, day), scenario, args.radius_km)
    json.dump(travel.report_json(rep), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


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
    p.add_argument("--radius-km", type=float, default=25.0,
                   help="list the dangers within this distance (default 25)")
    p.add_argument("--data", help="scenario folder (default: geodata/)")
    p.add_argument("--geocoder", help="online geocoder: a Nominatim URL, or 'off' "
                   "(default: $DASHBOARD_GEOCODER, else the public Nominatim)")
    p.set_defaults(func=_near)

    exportcli.register(sub)
    acled.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
