"""ACLED-shaped benchmark data: an export shaped like a real one, imported with the product's
own ``python -m dashboard import-acled``.

    .venv/bin/python benchmarks/acled_shaped.py 100000 --out DIR [--export FILE] [--seed 1]

Unlike ``generate.py`` (events added at the bundled scenario's ~36 places), the export has
what a real ACLED export of a crisis has (`SHAPE` below): thousands of distinct locations, some
far busier than others; geo_precision 1, 2 and 3 mixed; notes of about 250 characters; one to
four publishers per row; uneven days (one day holds a third of the events, some days none);
every event type, ACLED's time_precision 1 to 3 and a few fatality estimates. Every row says
it is synthetic (ids ``SYN…``, towns ``Synthetic Town …``, notes beginning ``SYNTHETIC``), so
it can never be mistaken for a report. The places lie in Kazakhstan (iso 398), so the folder
gets the bundled basemap.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
           "event_type", "sub_event_type", "actor1", "actor2", "iso", "region", "country",
           "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source",
           "source_scale", "notes", "fatalities", "timestamp"]
# The shape claimed in the docstring; tests/test_benchmarks.py checks each generated export.
SHAPE = {
    "first_day": date(2022, 1, 1),
    "days": 120,
    "peak_day": date(2022, 1, 5),  # holds a third of the events
    "peak_share": 1 / 3,
    "empty_days": 12,  # days with no event at all (never the first, last or peak day)
    "precision_share": {1: 0.70, 2: 0.22, 3: 0.08},  # of the locations
    "notes_chars": (200, 300),  # uniform: about 250 on average
    "sources_per_row": (1, 4),
    "publishers": 150,
}
TYPES = [
    ("Protests", "Peaceful protest", 30), ("Protests", "Protest with intervention", 6),
    ("Riots", "Violent demonstration", 8), ("Riots", "Mob violence", 3),
    ("Battles", "Armed clash", 10), ("Explosions/Remote violence", "Shelling/artillery/missile "
                                     "attack", 6),
    ("Explosions/Remote violence", "Air/drone strike", 3),
    ("Violence against civilians", "Attack", 6),
    ("Strategic developments", "Arrests", 10), ("Strategic developments", "Looting/property "
                                                 "destruction", 3),
    ("Strategic developments", "Headquarters or base established", 2),
    ("Strategic developments", "Other", 3),
]
ACTORS = ["Protesters (Kazakhstan)", "Rioters (Kazakhstan)", "Police Forces of Kazakhstan",
          "Military Forces of Kazakhstan", "CSTO: Collective Security Treaty Organization",
          "Unidentified Armed Group (Kazakhstan)", "Civilians (Kazakhstan)"]
WORDS = ("SYNTHETIC benchmark row, not a report: a crowd gathered near the akimat and the "
         "square while police blocked the roads; shops were closed, some vehicles burned, and "
         "witnesses described shooting after dark. Reports could not be confirmed and the "
         "numbers vary between the sources named in this row. ").split()


def locations(count: int) -> int:
    """Distinct locations for an export of `count` events: thousands from 10,000 events on."""
    return min(8_000, max(200, count // 2))


def _days(rng: random.Random) -> tuple[list[date], list[float]]:
    first, n = SHAPE["first_day"], SHAPE["days"]
    days = [first + timedelta(days=i) for i in range(n)]
    keep = {first, days[-1], SHAPE["peak_day"]}
    empty = set(rng.sample([d for d in days if d not in keep], SHAPE["empty_days"]))
    weights = [0.0 if d in empty else rng.paretovariate(1.5) for d in days]
    others = [d for d in days if d != SHAPE["peak_day"]]
    other_weights = [w for d, w in zip(days, weights, strict=True) if d != SHAPE["peak_day"]]
    return others, other_weights


def rows(count: int, seed: int = 1):
    """The export's rows (dicts keyed by COLUMNS), `count` of them."""
    rng = random.Random(seed)
    places = []
    precisions = list(SHAPE["precision_share"])
    shares = list(SHAPE["precision_share"].values())
    for n in range(locations(count)):
        precision = rng.choices(precisions, shares)[0]
        places.append((f"Synthetic Town {n + 1}", f"Synthetic Region {n % 17 + 1}",
                       f"Synthetic District {n % 211 + 1}", round(rng.uniform(41.5, 54.5), 4),
                       round(rng.uniform(48.0, 86.0), 4), precision))
    popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(places))]  # a few busy towns
    publishers = [f"Synthetic Wire {n + 1}" for n in range(SHAPE["publishers"])]
    others, other_weights = _days(rng)
    kinds = [(k, s) for k, s, _ in TYPES]
    kind_weights = [w for _, _, w in TYPES]
    low, high = SHAPE["notes_chars"]
    peak = round(count * SHAPE["peak_share"])
    day_of = [SHAPE["peak_day"]] * peak + rng.choices(others, other_weights, k=count - peak)
    rng.shuffle(day_of)
    picks = rng.choices(range(len(places)), popularity, k=count)
    for number in range(1, count + 1):
        day = day_of[number - 1]
        town, admin1, admin2, lat, lon, precision = places[picks[number - 1]]
        kind, sub = rng.choices(kinds, kind_weights)[0]
        size = rng.randint(low, high)
        words = [f"SYNTHETIC event {number} of {count} on {day:%d %B %Y} at {town}."]
        while sum(len(w) + 1 for w in words) < size:
            words.append(rng.choice(WORDS))
        notes = " ".join(words)[:size].rstrip()
        cited = rng.sample(publishers, rng.randint(*SHAPE["sources_per_row"]))
        yield {
            "event_id_cnty": f"SYN{number}", "event_date": f"{day:%d %B %Y}",
            "year": day.year, "time_precision": rng.choices("123", (90, 8, 2))[0],
            "disorder_type": "Demonstrations" if kind in ("Protests", "Riots")
            else "Political violence", "event_type": kind, "sub_event_type": sub,
            "actor1": rng.choice(ACTORS),
            "actor2": rng.choice(ACTORS) if rng.random() < 0.4 else "",
            "iso": 398, "region": "Central Asia", "country": "Kazakhstan", "admin1": admin1,
            "admin2": admin2, "location": town, "latitude": lat, "longitude": lon,
            "geo_precision": precision, "source": "; ".join(cited),
            "source_scale": rng.choice(["National", "International", "Subnational"]),
            "notes": notes, "fatalities": rng.choices((0, 0, 0, 0, 1, 2, 5, 12), k=1)[0],
            "timestamp": 1_650_000_000 + number % 86_400,
        }


def write_export(path: Path, count: int, seed: int = 1) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows(count, seed))
    return path


def scenario(count: int, out_dir: Path, seed: int = 1, export: Path | None = None) -> Path:
    """Write an export of `count` events and import it into `out_dir` with the product's own
    command (a child process); raises if the command set any row aside or failed."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as scratch:
        path = write_export(Path(export) if export else Path(scratch) / "acled.csv", count,
                            seed)
        done = subprocess.run([sys.executable, "-m", "dashboard", "import-acled", str(path),
                               "--out", str(out_dir), "--force"], cwd=ROOT,
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"import-acled exited {done.returncode}: {done.stderr[-1000:]}")
    return out_dir


def check(data_dir: Path, expected_events: int) -> None:
    """The folder loads with nothing set aside and holds every event."""
    from dashboard.scenario import check_scenario

    problems = check_scenario(data_dir)
    if problems:
        listed = "\n".join(str(p) for p in problems[:20])
        raise ValueError(f"{data_dir}: {len(problems)} problem(s):\n{listed}")
    with open(Path(data_dir) / "events.csv", encoding="utf-8", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    if rows != expected_events:
        raise ValueError(f"{data_dir}: {rows} events, expected {expected_events}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="events (rows of the export)")
    parser.add_argument("--out", type=Path, required=True, help="scenario folder to write")
    parser.add_argument("--export", type=Path, help="keep the export here (default: dropped)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(scenario(args.count, args.out, args.seed, args.export))
    return 0


if __name__ == "__main__":
    sys.exit(main())
