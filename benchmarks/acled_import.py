"""Import a synthetic ACLED export of N rows and load the folder it writes: time and memory.

    .venv/bin/python benchmarks/acled_import.py 100000 1000000

For each N: writes a synthetic export (SYNTHETIC rows, 250-character notes, 2,000 towns, events
spread evenly over 400 days, one publisher; with ``--shaped``, the real-shaped export of
``acled_shaped.py`` instead) to a scratch folder, then runs ``python -m dashboard
import-acled`` and a ``load_scenario`` of the written folder, each in its own process, and
prints the seconds, the peak resident memory, the file sizes and what was set aside.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "event_type",
           "sub_event_type", "actor1", "actor2", "iso", "country", "admin1", "location",
           "latitude", "longitude", "geo_precision", "source", "notes", "fatalities",
           "timestamp"]
TYPES = [("Protests", "Peaceful protest"), ("Riots", "Mob violence"),
         ("Battles", "Armed clash"), ("Strategic developments", "Arrests")]
LOAD = ("import sys, resource; from dashboard.scenario import load_scenario; "
        "s = load_scenario(sys.argv[1]); "
        "print(len(s.events), s.set_aside_count(), len(s.days), "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")


def write_export(path: Path, count: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    towns = [(f"Synthetic Town {n}", f"Region {n % 14}", round(rng.uniform(41, 54), 4),
              round(rng.uniform(50, 85), 4), rng.choice("1123")) for n in range(2_000)]
    start = date(2021, 1, 1)
    filler = "SYNTHETIC benchmark row, not a report. " * 7
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for number in range(1, count + 1):
            day = start + timedelta(days=rng.randrange(400))
            kind, sub = rng.choice(TYPES)
            town, admin1, lat, lon, precision = rng.choice(towns)
            notes = (f"On {day:%d %B %Y}, event {number}: " + filler)[:250]
            writer.writerow([f"SYN{number}", f"{day:%d %B %Y}", day.year, "1", kind, sub,
                             "Synthetic actor", "", "398", "Kazakhstan", admin1, town, lat, lon,
                             precision, "Synthetic Wire", notes, rng.choice("0013"),
                             "1642000000"])


def timed(command: list[str]) -> tuple[float, int, str]:
    """Seconds, peak memory (MB) of the child and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return seconds, max(peak, before) // 1024, (done.stdout + done.stderr).strip()


def run(count: int, scratch: Path, shaped: bool = False) -> None:
    export = scratch / f"export-{count}.csv"
    out = scratch / f"scenario-{count}"
    if shaped:
        from acled_shaped import write_export as write_shaped

        write_shaped(export, count)
    else:
        write_export(export, count)
    seconds, peak, said = timed([sys.executable, "-m", "dashboard", "import-acled", str(export),
                                 "--out", str(out)])
    print(f"{count:>9,} rows  export {export.stat().st_size / 2**20:6.1f} MB  "
          f"import {seconds:6.1f} s, peak {peak:5} MB: {said.splitlines()[-1][:160]}")
    if not (out / "events.csv").exists():
        return
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", LOAD, str(out)], cwd=ROOT, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    events, aside, days, rss = (done.stdout.split() + ["?"] * 4)[:4]
    size = (out / "events.csv").stat().st_size / 2**20
    print(f"{'':>9}       events.csv {size:6.1f} MB  load   {seconds:6.1f} s, peak "
          f"{int(rss) // 1024 if rss.isdigit() else rss:>5} MB: {events} events, {aside} "
          f"row(s) set aside, {days} days {done.stderr[-300:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100_000])
    parser.add_argument("--scratch", help="folder for the exports (default: a temporary one)")
    parser.add_argument("--shaped", action="store_true",
                        help="a real-shaped export (benchmarks/acled_shaped.py)")
    args = parser.parse_args()
    if args.scratch:
        Path(args.scratch).mkdir(parents=True, exist_ok=True)
        for count in args.counts:
            run(count, Path(args.scratch), args.shaped)
        return
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.counts:
            run(count, Path(scratch), args.shaped)


if __name__ == "__main__":
    main()
