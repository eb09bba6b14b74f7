"""Make a bigger scenario for the benchmarks: geodata/ plus N synthetic events.

``python benchmarks/generate.py 10000 [--out DIR] [--seed 1]`` copies geodata/ into DIR (a new
temporary folder by default), appends N events to its events.csv and prints the folder. The rows
are valid (same columns, dates within the scenario, existing places, categories and sources) and
every summary says it is synthetic, so they can never be mistaken for a report.
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.scenario import DEFAULT_DATA_DIR, load_scenario  # noqa: E402

SYNTHETIC_PREFIX = "syn-"


def _rows(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def generate(count: int, out_dir: Path | None = None, seed: int = 1,
             source_dir: Path = DEFAULT_DATA_DIR) -> Path:
    """Copy ``source_dir`` to ``out_dir`` and append ``count`` synthetic events; returns it."""
    if out_dir is None:
        out_dir = Path(tempfile.mkdtemp(prefix=f"kz-bench-{count}-")) / "geodata"
    shutil.copytree(source_dir, out_dir, dirs_exist_ok=True)
    scenario = load_scenario(source_dir)
    days = [scenario.meta.start + timedelta(days=n)
            for n in range((scenario.meta.end - scenario.meta.start).days + 1)]
    places = sorted(scenario.places.values(), key=lambda p: p.id)
    categories = sorted({e.category for e in scenario.events})
    sources = sorted(scenario.sources)

    columns, existing = _rows(out_dir / "events.csv")
    taken = {row["id"] for row in existing}
    rng = random.Random(seed)
    width = len(str(count))
    if (out_dir / "events.csv").read_bytes()[-1:] not in (b"\n", b""):
        with (out_dir / "events.csv").open("a", encoding="utf-8") as handle:
            handle.write("\n")
    with (out_dir / "events.csv").open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        for number in range(1, count + 1):
            event_id = f"{SYNTHETIC_PREFIX}{number:0{width}d}"
            if event_id in taken:
                raise ValueError(f"{event_id} is already an event id in {source_dir}")
            place = rng.choice(places)
            category = rng.choice(categories)
            writer.writerow({
                "id": event_id,
                "date": rng.choice(days).isoformat(),
                "time": "",
                "time_precision": "3",
                "place_id": place.id,
                "category": category,
                "summary": f"SYNTHETIC benchmark event {number} of {count}, not a real report "
                           f"({category.replace('_', ' ')} at {place.name}).",
                "sources": rng.choice(sources),
            })
    return out_dir


def check(data_dir: Path, expected_events: int) -> None:
    """Load the folder as the dashboard does; raise if any row was set aside."""
    scenario = load_scenario(data_dir)
    if scenario.problems:
        listed = "\n".join(str(p) for p in scenario.problems[:20])
        raise ValueError(f"{data_dir}: {len(scenario.problems)} problem(s):\n{listed}")
    if len(scenario.events) != expected_events:
        raise ValueError(f"{data_dir}: {len(scenario.events)} events, "
                         f"expected {expected_events}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="synthetic events to append")
    parser.add_argument("--out", type=Path, help="folder to write (default: a new temp folder)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    base = len(load_scenario(DEFAULT_DATA_DIR).events)
    folder = generate(args.count, args.out, args.seed)
    check(folder, base + args.count)
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
