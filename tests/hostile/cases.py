"""A corpus of broken and hostile scenario data, written as a table of small mutations.

Each case breaks one file of a scratch copy of the bundled ``geodata/`` folder and says what the
loader must report in that file: the (row, field) of every problem, the rows of the file that
are set aside (``lost``) and the rows it edits but which must still load (``changed``). Rows of
other files that refer to a set-aside row (the events at a set-aside place, every row citing a
set-aside source) are set aside with it: the tests work those out from the clean data, so a
case lists only what happens in its own file.

A row is named by its id (its line in a CSV file, its feature number in a GeoJSON file), by
``LAST`` (the last row), ``NEW`` (a row appended after the last one), ``NON_ASCII`` (every row
whose line is not plain ASCII) or by a number (0: the file as a whole). Binary, huge and deeply
nested files are generated here when a test runs, never committed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ALL = "*all*"
LAST = "*last*"
NEW = "*new*"
NON_ASCII = "*non-ascii*"

Mutation = Callable[[Path], None]
Row = int | str


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    mutate: Mutation
    expect: tuple[tuple[Row, str], ...]  # (row, field) of each problem in `file`
    lost: tuple[str, ...] | str = ()  # ids set aside (or absent), or ALL, or NON_ASCII
    changed: tuple[str, ...] = ()  # ids edited by the mutation that must still load


# --------------------------------------------------------------------------- CSV mutations

def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_bytes("\n".join(lines).encode("utf-8"))


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def _find(lines: list[str], row_id: str) -> int:
    """Index of the row with this id (the first cell; ids hold no commas or quotes)."""
    if row_id == LAST:
        return max(i for i, line in enumerate(lines) if line.strip())
    return next(i for i, line in enumerate(lines) if i and line.split(",", 1)[0] == row_id)


def remove() -> Mutation:
    return lambda path: path.unlink()


def write(content: str | bytes) -> Mutation:
    def mutate(path: Path) -> None:
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return mutate


def cells(row_id: str, **values: str) -> Mutation:
    """Set cells of one row, written back as CSV (quoted where needed)."""
    def mutate(path: Path) -> None:
        lines = _lines(path)
        header = next(csv.reader([lines[0]]))
        index = _find(lines, row_id)
        row = next(csv.reader([lines[index]]))
        for column, value in values.items():
            row[header.index(column)] = value
        lines[index] = _csv_line(row)
        _write_lines(path, lines)

    return mutate


def append(row_id: str, **values: str) -> Mutation:
    """Append a copy of a row, with some cells changed, after the last row."""
    def mutate(path: Path) -> None:
        lines = _lines(path)
        header = next(csv.reader([lines[0]]))
        row = next(csv.reader([lines[_find(lines, row_id)]]))
        for column, value in values.items():
            row[header.index(column)] = value
        body = "\n".join(lines).rstrip("\n")
        path.write_bytes((body + "\n" + _csv_line(row) + "\n").encode("utf-8"))

    return mutate


def edit(row_id: str, change: Callable[[str], str]) -> Mutation:
    """Rewrite one line's text (row_id '' is the header)."""
    def mutate(path: Path) -> None:
        lines = _lines(path)
        index = 0 if row_id == "" else _find(lines, row_id)
        lines[index] = change(lines[index])
        _write_lines(path, lines)

    return mutate


def edit_bytes(row_id: str, change: Callable[[bytes], bytes]) -> Mutation:
    """Rewrite one line's bytes: for text in a wrong encoding, NUL bytes, broken UTF-8."""
    def mutate(path: Path) -> None:
        lines = path.read_bytes().split(b"\n")
        text_lines = [line.decode("utf-8") for line in lines]
        index = _find(text_lines, row_id)
        lines[index] = change(lines[index])
        path.write_bytes(b"\n".join(lines))

    return mutate


def truncate() -> Mutation:
    """Cut the file in the middle of its last row (as a copy cut short would be)."""
    def mutate(path: Path) -> None:
        lines = _lines(path)
        index = _find(lines, LAST)
        last = lines[index]
        path.write_bytes("\n".join(lines[:index] + [last[: len(last) // 2]]).encode("utf-8"))

    return mutate


def edit_text(change: Callable[[str], str]) -> Mutation:
    return lambda path: path.write_text(change(path.read_text(encoding="utf-8")),
                                        encoding="utf-8")


def reencode(codec: str, errors: str = "strict") -> Mutation:
    def mutate(path: Path) -> None:
        path.write_bytes(path.read_text(encoding="utf-8").encode(codec, errors))

    return mutate


def with_bom() -> Mutation:
    return lambda path: path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


def crlf() -> Mutation:
    return lambda path: path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))


def reorder_columns() -> Mutation:
    """The same table with its columns in reverse order: still valid."""
    def mutate(path: Path) -> None:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(row[::-1] for row in rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")

    return mutate


def pad(size: int) -> Mutation:
    """Pad the file with trailing blanks to `size` bytes: huge, yet every row is still valid."""
    def mutate(path: Path) -> None:
        raw = path.read_bytes()
        with open(path, "ab") as handle:
            handle.write(b" " * max(0, size - len(raw)))

    return mutate


# --------------------------------------------------------------------------- JSON mutations

def json_edit(change: Callable[[dict], object]) -> Mutation:
    """Load the JSON, let `change` edit it in place, write it back (NaN allowed)."""
    def mutate(path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    return mutate


def set_key(key: str, value: object) -> Mutation:
    return json_edit(lambda data: data.__setitem__(key, value))


def feature(data: dict, fid: str) -> dict:
    return next(f for f in data["features"] if f["properties"]["id"] == fid)


def on_feature(fid: str, change: Callable[[dict], object]) -> Mutation:
    return json_edit(lambda data: change(feature(data, fid)))


def _map_positions(coords, change):
    if coords and isinstance(coords[0], int | float):
        return change(coords)
    return [_map_positions(c, change) for c in coords]


def positions(fid: str, change: Callable[[list], list]) -> Mutation:
    """Change every [lon, lat] position of one feature."""
    def mutate_feature(f: dict) -> None:
        f["geometry"]["coordinates"] = _map_positions(f["geometry"]["coordinates"], change)

    return on_feature(fid, mutate_feature)


def first_position(fid: str, value: object) -> Mutation:
    """Replace the first position of a feature's first ring (or line)."""
    def mutate_feature(f: dict) -> None:
        ring = f["geometry"]["coordinates"]
        while isinstance(ring[0][0], list):
            ring = ring[0]
        ring[0] = value

    return on_feature(fid, mutate_feature)


def drop_feature(fid: str) -> Mutation:
    return json_edit(lambda data: data["features"].remove(feature(data, fid)))


def duplicate_feature(fid: str) -> Mutation:
    return json_edit(lambda data: data["features"].append(json.loads(json.dumps(
        feature(data, fid)))))


def huge_polygon(fid: str, points: int) -> Mutation:
    """Give a region one ring of `points` positions (a zigzag inside its own box), written as
    text: building a million Python lists would cost more than the loading under test."""
    def mutate(path: Path) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        feature(data, fid)["geometry"] = {"type": "Polygon", "coordinates": "RING"}
        zigzag = "[66.5,48.5],[67.0,48.0]," * ((points - 2) // 2)
        ring = f"[[[66.0,48.0],{zigzag}[66.0,48.0]]]"
        path.write_text(json.dumps(data).replace('"RING"', ring), encoding="utf-8")

    return mutate


def nested(depth: int) -> Mutation:
    """JSON nested deeper than any parser's recursion limit."""
    return write("[" * depth + "]" * depth)


def truncate_half() -> Mutation:
    return lambda path: path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def swap(position: list) -> list:
    return [position[1], position[0], *position[2:]]


def to_europe(position: list) -> list:
    return [position[0] - 60, position[1]]


LATIN1_SUMMARY = "Caf\u00e9 owners protest".encode("latin-1")
MB = 1024 * 1024


def _events_latin1(line: bytes) -> bytes:
    head, _, _ = line.rpartition(b",")
    first = head.split(b",")[:6]
    return b",".join([*first, LATIN1_SUMMARY, b"tass-1383999"])


def _cut_cyrillic(line: bytes) -> bytes:
    """End the line in the middle of a two-byte UTF-8 character."""
    start = line.index("\u0410".encode()[:1])  # the first Cyrillic lead byte
    return line[: start + 1] + b"," + line[start + 1:]


# --------------------------------------------------------------------------- the corpus

def _csv_basics(file: str) -> list[Case]:
    """Missing, empty, blank and truncated: the same for every CSV file."""
    stem = file.removesuffix(".csv")
    optional = file in ("flights.csv", "advice.csv", "headlines.csv", "disputes.csv")
    return [
        Case(f"{stem}-missing", file, remove(), () if optional else ((0, "-"),), ALL),
        Case(f"{stem}-empty", file, write(""), ((1, "-"),), ALL),
        Case(f"{stem}-blank-lines-only", file, write("\n  \n\r\n"), ((1, "-"),), ALL),
        Case(f"{stem}-truncated-mid-row", file, truncate(), ((LAST, "-"),), (LAST,)),
    ]


CASES: list[Case] = [
    # ---------------------------------------------------------------- sources.csv
    *_csv_basics("sources.csv"),
    Case("sources-id-with-space", "sources.csv", cells("gg-jan07", id="gg jan07"),
         (("gg-jan07", "id"),), ("gg-jan07",)),
    Case("sources-title-missing-kept", "sources.csv", cells("sec-jan10", title=""),
         (("sec-jan10", "title"),), changed=("sec-jan10",)),
    Case("sources-neither-file-nor-url", "sources.csv", cells("sec-jan10", file="", url=""),
         (("sec-jan10", "url"),), changed=("sec-jan10",)),
    Case("sources-duplicate-id", "sources.csv", append("gg-jan07", title="Another"),
         ((NEW, "id"),)),
    Case("sources-header-column-renamed", "sources.csv",
         edit("", lambda line: line.replace("publisher", "publ")), ((1, "publisher"),), ALL),
    Case("sources-latin1-line", "sources.csv",
         edit_bytes("sec-jan10", lambda line: line.replace(b"Ongoing", b"\xc9tat")),
         (("sec-jan10", "-"),), ("sec-jan10",)),

    # ---------------------------------------------------------------- places.csv
    *_csv_basics("places.csv"),
    Case("places-header-lat-renamed", "places.csv",
         edit("", lambda line: line.replace(",lat,", ",latitude,")), ((1, "lat"),), ALL),
    Case("places-lat-as-word", "places.csv", cells("almaty", lat="north"),
         (("almaty", "lat"),), ("almaty",)),
    Case("places-lat-comma-decimal", "places.csv", cells("aktau", lat="43,65"),
         (("aktau", "lat"),), ("aktau",)),
    Case("places-lat-nan", "places.csv", cells("atyrau", lat="nan"),
         (("atyrau", "lat"),), ("atyrau",)),
    Case("places-lon-overflows-to-inf", "places.csv", cells("atyrau", lon="1e400"),
         (("atyrau", "lon"),), ("atyrau",)),
    Case("places-precision-not-whole", "places.csv", cells("airport-cit", geo_precision="1.5"),
         (("airport-cit", "geo_precision"),), ("airport-cit",)),
    Case("places-radius-as-word", "places.csv", cells("tengiz-field", radius_m="far"),
         (("tengiz-field", "radius_m"),), ("tengiz-field",)),
    Case("places-radius-negative", "places.csv", cells("aktau", radius_m="-5"),
         (("aktau", "radius_m"),), ("aktau",)),
    Case("places-approximate-without-radius", "places.csv", cells("aktau", radius_m=""),
         (("aktau", "radius_m"),), ("aktau",)),
    Case("places-kind-unknown", "places.csv", cells("atyrau", kind="volcano"),
         (("atyrau", "kind"),), ("atyrau",)),
    Case("places-three-fields-blank", "places.csv",
         cells("turkestan", name="", lat="", sources=""),
         (("turkestan", "name"), ("turkestan", "lat"), ("turkestan", "sources")),
         ("turkestan",)),
    Case("places-lat-out-of-range", "places.csv", cells("shymkent", lat="95"),
         (("shymkent", "lat"),), ("shymkent",)),
    Case("places-lon-out-of-range", "places.csv", cells("taldykorgan", lon="200"),
         (("taldykorgan", "lon"),), ("taldykorgan",)),
    Case("places-lat-lon-swapped", "places.csv",
         cells("airport-ala", lat="77.04472", lon="43.35528"),
         (("airport-ala", "lat,lon"),), ("airport-ala",)),
    Case("places-outside-neighbourhood", "places.csv",
         cells("zhanaozen", lat="48.85", lon="2.35"),
         (("zhanaozen", "lon"),), ("zhanaozen",)),
    Case("places-signless-lon", "places.csv", cells("zhanaozen", lon="-52.85528"),
         (("zhanaozen", "lon"),), ("zhanaozen",)),
    Case("places-unknown-source", "places.csv", cells("atyrau", sources="wp-unrest;ghost"),
         (("atyrau", "sources"),), ("atyrau",)),
    Case("places-id-with-space", "places.csv", cells("aktau", id="ak tau"),
         (("aktau", "id"),), ("aktau",)),
    Case("places-id-with-control-character", "places.csv", cells("aktau", id="ak\x07tau"),
         (("aktau", "id"),), ("aktau",)),
    Case("places-duplicate-id", "places.csv", append("almaty", name="Almaty again"),
         ((NEW, "id"),)),
    Case("places-unclosed-quote-mid-file", "places.csv",
         edit("nur-sultan", lambda line: line.replace(",", ',"', 1)),
         (("nur-sultan", "-"),), ("nur-sultan",)),
    Case("places-huge-cell-mid-file", "places.csv", cells("shymkent", detail="x" * 200_000),
         (("shymkent", "-"),), ("shymkent",)),
    Case("places-utf16-with-bom", "places.csv", reencode("utf-16"), ((0, "-"),), ALL),
    Case("places-cp1251", "places.csv", reencode("cp1251", "replace"),
         ((NON_ASCII, "-"),), NON_ASCII),
    Case("places-broken-utf8", "places.csv", edit_bytes("almaty", _cut_cyrillic),
         (("almaty", "-"),), ("almaty",)),
    Case("places-nul-byte", "places.csv",
         edit_bytes("aktau", lambda line: line.replace(b"Aktau", b"Ak\x00tau", 1)),
         (("aktau", "-"),), ("aktau",)),
    Case("places-utf8-bom-is-fine", "places.csv", with_bom(), ()),
    Case("places-crlf-is-fine", "places.csv", crlf(), ()),
    # A CSV file has no size limit; a line of 33 MB (of blanks) is set aside alone.
    Case("places-33-mb-line", "places.csv", pad(33 * MB), ((NEW, "-"),)),

    # ---------------------------------------------------------------- events.csv
    *_csv_basics("events.csv"),
    Case("events-header-only", "events.csv",
         lambda path: path.write_text(_lines(path)[0] + "\n", encoding="utf-8"), (), ALL),
    Case("events-columns-reordered-is-fine", "events.csv", reorder_columns(), ()),
    Case("events-cr-line-ends-are-fine", "events.csv",
         lambda path: path.write_bytes(path.read_bytes().replace(b"\n", b"\r")), ()),
    Case("events-precision-as-word", "events.csv",
         cells("ev-0102-aktau", time_precision="high"),
         (("ev-0102-aktau", "time_precision"),), ("ev-0102-aktau",)),
    Case("events-time-as-word", "events.csv", cells("ev-0102-aktau", time="noon"),
         (("ev-0102-aktau", "time"),), ("ev-0102-aktau",)),
    Case("events-time-out-of-range", "events.csv",
         cells("ev-0102-aktau", time="24:30", time_precision="1"),
         (("ev-0102-aktau", "time"),), ("ev-0102-aktau",)),
    Case("events-time-with-day-only-precision", "events.csv",
         cells("ev-0102-aktau", time="10:00"),
         (("ev-0102-aktau", "time_precision"),), ("ev-0102-aktau",)),
    Case("events-category-unknown", "events.csv", cells("ev-0102-aktau", category="party"),
         (("ev-0102-aktau", "category"),), ("ev-0102-aktau",)),
    Case("events-summary-and-sources-blank", "events.csv",
         cells("ev-0102-aktau", summary="  ", sources=""),
         (("ev-0102-aktau", "summary"), ("ev-0102-aktau", "sources")), ("ev-0102-aktau",)),
    Case("events-unknown-place", "events.csv", cells("ev-0102-aktau", place_id="atlantis"),
         (("ev-0102-aktau", "place_id"),), ("ev-0102-aktau",)),
    Case("events-unknown-source", "events.csv", cells("ev-0102-aktau", sources="ghost"),
         (("ev-0102-aktau", "sources"),), ("ev-0102-aktau",)),
    Case("events-duplicate-id", "events.csv", append("ev-0102-aktau", summary="A copy."),
         ((NEW, "id"),)),
    Case("events-date-as-text", "events.csv", cells("ev-0102-aktau", date="4 January 2022"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-date-without-dashes", "events.csv", cells("ev-0102-aktau", date="20220104"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-date-as-iso-week", "events.csv", cells("ev-0102-aktau", date="2022-W01-2"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-date-impossible", "events.csv", cells("ev-0102-aktau", date="2022-02-30"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-date-after-scenario", "events.csv", cells("ev-0102-aktau", date="2022-01-20"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-date-before-scenario", "events.csv",
         cells("ev-0102-aktau", date="2021-12-31"),
         (("ev-0102-aktau", "date"),), ("ev-0102-aktau",)),
    Case("events-unclosed-quote-mid-file", "events.csv",
         edit("ev-0102-aktau", lambda line: line.replace(",Crowds", ',"Crowds')),
         (("ev-0102-aktau", "-"),), ("ev-0102-aktau",)),
    Case("events-latin1-line", "events.csv", edit_bytes("ev-0102-aktau", _events_latin1),
         (("ev-0102-aktau", "-"),), ("ev-0102-aktau",)),
    Case("events-nul-byte", "events.csv",
         edit_bytes("ev-0102-aktau", lambda line: line.replace(b"Crowds", b"Cro\x00wds")),
         (("ev-0102-aktau", "-"),), ("ev-0102-aktau",)),
    Case("events-utf16-with-bom", "events.csv", reencode("utf-16"), ((0, "-"),), ALL),
    Case("events-utf16-without-bom", "events.csv", reencode("utf-16-le"), ((0, "-"),), ALL),

    # ---------------------------------------------------------------- statuses.csv
    *_csv_basics("statuses.csv"),
    Case("statuses-kind-unknown", "statuses.csv", cells("st-cit-open-0109", kind="weather"),
         (("st-cit-open-0109", "kind"),), ("st-cit-open-0109",)),
    Case("statuses-status-wrong-for-kind", "statuses.csv",
         cells("st-cit-open-0109", status="flying"),
         (("st-cit-open-0109", "status"),), ("st-cit-open-0109",)),
    Case("statuses-unknown-subject", "statuses.csv", cells("st-cit-open-0109", subject="nowhere"),
         (("st-cit-open-0109", "subject"),), ("st-cit-open-0109",)),
    Case("statuses-duplicate-id", "statuses.csv", append("st-cit-open-0109", detail="Copy."),
         ((NEW, "id"),)),
    Case("statuses-date-as-text", "statuses.csv", cells("st-cit-open-0109", valid_from="soon"),
         (("st-cit-open-0109", "valid_from"),), ("st-cit-open-0109",)),
    Case("statuses-ends-before-it-starts", "statuses.csv",
         cells("st-sco-closed-0507", valid_to="2022-01-01"),
         (("st-sco-closed-0507", "valid_to"),), ("st-sco-closed-0507",)),
    Case("statuses-period-far-future", "statuses.csv",
         cells("st-cit-open-0109", valid_from="9999-12-31"),
         (("st-cit-open-0109", "valid_from"),), ("st-cit-open-0109",)),
    Case("statuses-period-year-one", "statuses.csv",
         cells("st-sco-closed-0507", valid_from="0001-01-01", valid_to="0001-01-01"),
         (("st-sco-closed-0507", "valid_from"),), ("st-sco-closed-0507",)),
    Case("statuses-overlap", "statuses.csv", cells("st-ala-open", valid_to="2022-01-05"),
         (("st-ala-seized", "valid_from"),), ("st-ala-seized",), changed=("st-ala-open",)),
    Case("statuses-overlap-spares-the-next", "statuses.csv",
         cells("st-ala-seized", valid_from="2022-01-04", valid_to="2022-01-06"),
         (("st-ala-seized", "valid_from"),), ("st-ala-seized",)),

    # ---------------------------------------------------------------- restrictions.csv
    *_csv_basics("restrictions.csv"),
    Case("restrictions-kind-unknown", "restrictions.csv", cells("re-banks-closed", kind="fog"),
         (("re-banks-closed", "kind"),), ("re-banks-closed",)),
    Case("restrictions-hours-as-word", "restrictions.csv",
         cells("re-curfew-national", hours="late"),
         (("re-curfew-national", "hours"),), ("re-curfew-national",)),
    Case("restrictions-hours-dash-only", "restrictions.csv",
         cells("re-curfew-national", hours="-"),
         (("re-curfew-national", "hours"),), ("re-curfew-national",)),
    Case("restrictions-area-blank", "restrictions.csv", cells("re-banks-closed", area=""),
         (("re-banks-closed", "area"),), ("re-banks-closed",)),
    Case("restrictions-unknown-area", "restrictions.csv",
         cells("re-cto-almaty", area="KZ-ALA;MARS"),
         (("re-cto-almaty", "area"),), ("re-cto-almaty",)),
    Case("restrictions-duplicate-id", "restrictions.csv", append("re-banks-closed"),
         ((NEW, "id"),)),
    Case("restrictions-date-as-text", "restrictions.csv",
         cells("re-banks-closed", valid_from="5 Jan"),
         (("re-banks-closed", "valid_from"),), ("re-banks-closed",)),
    Case("restrictions-period-after-scenario", "restrictions.csv",
         cells("re-banks-closed", valid_from="2023-01-01"),
         (("re-banks-closed", "valid_from"),), ("re-banks-closed",)),
    Case("restrictions-ends-before-it-starts", "restrictions.csv",
         cells("re-mourning", valid_to="2022-01-09"),
         (("re-mourning", "valid_to"),), ("re-mourning",)),

    # ---------------------------------------------------------------- figures.csv
    *_csv_basics("figures.csv"),
    Case("figures-value-as-word", "figures.csv", cells("fi-icu-0106", value="ten"),
         (("fi-icu-0106", "value"),), ("fi-icu-0106",)),
    Case("figures-value-negative", "figures.csv", cells("fi-icu-0106", value="-3"),
         (("fi-icu-0106", "value"),), ("fi-icu-0106",)),
    Case("figures-value-float", "figures.csv", cells("fi-icu-0106", value="1e3"),
         (("fi-icu-0106", "value"),), ("fi-icu-0106",)),
    Case("figures-value-5000-digits", "figures.csv", cells("fi-icu-0106", value="9" * 5000),
         (("fi-icu-0106", "value"),), ("fi-icu-0106",)),
    Case("figures-metric-unknown", "figures.csv", cells("fi-icu-0106", metric="happiness"),
         (("fi-icu-0106", "metric"),), ("fi-icu-0106",)),
    Case("figures-qualifier-unknown", "figures.csv", cells("fi-icu-0106", qualifier="roughly"),
         (("fi-icu-0106", "qualifier"),), ("fi-icu-0106",)),
    Case("figures-preferred-maybe", "figures.csv", cells("fi-icu-0106", preferred="maybe"),
         (("fi-icu-0106", "preferred"),), ("fi-icu-0106",)),
    Case("figures-unknown-source", "figures.csv", cells("fi-icu-0106", sources="ghost;ghoul"),
         (("fi-icu-0106", "sources"),), ("fi-icu-0106",)),
    Case("figures-duplicate-id", "figures.csv", append("fi-icu-0106", value="63"),
         ((NEW, "id"),)),
    Case("figures-date-as-text", "figures.csv", cells("fi-icu-0106", reported_on="yesterday"),
         (("fi-icu-0106", "reported_on"),), ("fi-icu-0106",)),
    # A figure reported after the last day is what followed (kept apart); before the first
    # day, or thousands of years after it, it is an error.
    Case("figures-date-before-scenario", "figures.csv",
         cells("fi-icu-0106", reported_on="2022-01-01"),
         (("fi-icu-0106", "reported_on"),), ("fi-icu-0106",)),
    Case("figures-date-far-after-scenario", "figures.csv",
         cells("fi-icu-0106", reported_on="9999-01-11"),
         (("fi-icu-0106", "reported_on"),), ("fi-icu-0106",)),

    # ---------------------------------------------------------------- flights.csv (optional)
    *_csv_basics("flights.csv"),
    Case("flights-scope-unknown", "flights.csv", cells("fl-nqz-dubai", scope="galactic"),
         (("fl-nqz-dubai", "scope"),), ("fl-nqz-dubai",)),
    Case("flights-unknown-airport", "flights.csv", cells("fl-nqz-dubai", airport="airport-xyz"),
         (("fl-nqz-dubai", "airport"),), ("fl-nqz-dubai",)),
    Case("flights-unknown-destination", "flights.csv",
         cells("fl-nqz-atyrau", destination_place="nowhere"),
         (("fl-nqz-atyrau", "destination_place"),), ("fl-nqz-atyrau",)),
    Case("flights-duplicate-id", "flights.csv", append("fl-nqz-dubai"), ((NEW, "id"),)),
    Case("flights-period-before-scenario", "flights.csv",
         cells("fl-nqz-dubai", valid_from="2021-12-01", valid_to="2021-12-05"),
         (("fl-nqz-dubai", "valid_from"),), ("fl-nqz-dubai",)),
    Case("flights-date-as-text", "flights.csv", cells("fl-nqz-dubai", valid_from="next week"),
         (("fl-nqz-dubai", "valid_from"),), ("fl-nqz-dubai",)),

    # ---------------------------------------------------------------- advice.csv (optional)
    *_csv_basics("advice.csv"),
    Case("advice-text-blank", "advice.csv", cells("ad-telecom", text=""),
         (("ad-telecom", "text"),), ("ad-telecom",)),
    Case("advice-unknown-area", "advice.csv", cells("ad-telecom", applies_to="XX"),
         (("ad-telecom", "applies_to"),), ("ad-telecom",)),
    Case("advice-duplicate-id", "advice.csv", append("ad-telecom"), ((NEW, "id"),)),
    Case("advice-period-after-scenario", "advice.csv", cells("ad-telecom", valid_from="2023-01-07"),
         (("ad-telecom", "valid_from"),), ("ad-telecom",)),
    Case("advice-date-impossible", "advice.csv", cells("ad-telecom", valid_from="2022-13-01"),
         (("ad-telecom", "valid_from"),), ("ad-telecom",)),

    # ---------------------------------------------------------------- headlines.csv (optional)
    *_csv_basics("headlines.csv"),
    Case("headlines-text-blank", "headlines.csv", cells("2022-01-05", headline=""),
         (("2022-01-05", "headline"),), ("2022-01-05",)),
    Case("headlines-unknown-source", "headlines.csv", cells("2022-01-05", sources="ghost"),
         (("2022-01-05", "sources"),), ("2022-01-05",)),
    Case("headlines-duplicate-day", "headlines.csv", append("2022-01-05", headline="Another"),
         ((NEW, "id"),)),
    Case("headlines-day-as-text", "headlines.csv", cells("2022-01-05", id="5 January"),
         (("2022-01-05", "id"),), ("2022-01-05",)),
    Case("headlines-day-after-scenario", "headlines.csv", cells("2022-01-05", id="2022-01-20"),
         (("2022-01-05", "id"),), ("2022-01-05",)),

    # ---------------------------------------------------------------- disputes.csv (optional)
    *_csv_basics("disputes.csv"),
    Case("disputes-unknown-target", "disputes.csv",
         cells("di-st-nqz-closed", target="st-nowhere"),
         (("di-st-nqz-closed", "target"),), ("di-st-nqz-closed",)),
    Case("disputes-kind-unknown", "disputes.csv", cells("di-st-nqz-closed", kind="denied"),
         (("di-st-nqz-closed", "kind"),), ("di-st-nqz-closed",)),
    Case("disputes-by-blank", "disputes.csv", cells("di-st-nqz-closed", by=""),
         (("di-st-nqz-closed", "by"),), ("di-st-nqz-closed",)),
    Case("disputes-date-as-text", "disputes.csv",
         cells("di-st-nqz-closed", reported_on="the next day"),
         (("di-st-nqz-closed", "reported_on"),), ("di-st-nqz-closed",)),
    Case("disputes-unknown-source", "disputes.csv", cells("di-st-nqz-closed", sources="ghost"),
         (("di-st-nqz-closed", "sources"),), ("di-st-nqz-closed",)),
    Case("disputes-duplicate-id", "disputes.csv", append("di-st-nqz-closed", detail="Again."),
         ((NEW, "id"),)),

    # ---------------------------------------------------------------- scenario.json
    Case("scenario-missing", "scenario.json", remove(), ((0, "-"),)),
    Case("scenario-empty", "scenario.json", write(""), ((1, "-"),)),
    Case("scenario-truncated", "scenario.json",
         write('{\n  "title": "Kazakhstan",\n  "start": "2022-01-0'), ((3, "-"),)),
    Case("scenario-not-an-object", "scenario.json", write("[1, 2]"), ((0, "-"),)),
    Case("scenario-nested-too-deep", "scenario.json", nested(100_000), ((0, "-"),)),
    Case("scenario-utf16", "scenario.json", reencode("utf-16"), ((0, "-"),)),
    Case("scenario-over-size-limit", "scenario.json", pad(33 * MB), ((0, "-"),)),
    Case("scenario-key-given-twice", "scenario.json",
         edit_text(lambda text: text.replace('"zoom": 5', '"zoom": 5,\n  "zoom": 6')),
         ((0, "zoom"),)),
    Case("scenario-start-as-number", "scenario.json", set_key("start", 20220102),
         ((0, "start"),)),
    Case("scenario-start-as-text", "scenario.json", set_key("start", "2 January 2022"),
         ((0, "start"),)),
    Case("scenario-title-not-text", "scenario.json", set_key("title", ["Kazakhstan"]),
         ((0, "title"),)),
    Case("scenario-zoom-as-word", "scenario.json", set_key("zoom", "five"), ((0, "zoom"),)),
    Case("scenario-zoom-out-of-range", "scenario.json", set_key("zoom", 99), ((0, "zoom"),)),
    Case("scenario-end-before-start", "scenario.json", set_key("end", "2022-01-01"),
         ((0, "end"),)),
    Case("scenario-end-impossible", "scenario.json", set_key("end", "2022-01-32"),
         ((0, "end"),)),
    Case("scenario-spans-two-centuries", "scenario.json",
         json_edit(lambda d: d.update(start="1900-01-01", end="2100-01-01")), ((0, "end"),)),
    Case("scenario-starts-in-year-one", "scenario.json",
         json_edit(lambda d: d.update(start="0001-01-01", end="0001-01-09")),
         ((0, "start"),)),
    Case("scenario-center-as-text", "scenario.json", set_key("center", "Almaty"),
         ((0, "center"),)),
    Case("scenario-center-out-of-range", "scenario.json", set_key("center", [999, 999]),
         ((0, "center"),)),
    Case("scenario-center-400-digits", "scenario.json", set_key("center", [10**400, 67]),
         ((0, "center"),)),
    Case("scenario-view-400-digits", "scenario.json", set_key("view", [40, 46, 10**400, 87]),
         ((0, "view"),)),
    Case("scenario-center-swapped", "scenario.json", set_key("center", [67.0, 48.2]),
         ((0, "center"),)),
    Case("scenario-neighbourhood-not-a-box", "scenario.json", set_key("neighbourhood", "all"),
         ((0, "neighbourhood"),)),
    Case("scenario-neighbourhood-swapped", "scenario.json",
         set_key("neighbourhood", [40.0, 35.0, 95.0, 60.0]), ((0, "neighbourhood"),)),
    Case("scenario-neighbourhood-infinite", "scenario.json",
         set_key("neighbourhood", [float("-inf"), float("-inf"), float("inf"), float("inf")]),
         ((0, "neighbourhood"),)),
    Case("scenario-neighbourhood-nan", "scenario.json",
         set_key("neighbourhood", [float("nan"), 40.0, 60.0, 95.0]), ((0, "neighbourhood"),)),
    Case("scenario-view-swapped", "scenario.json", set_key("view", [46.5, 40.5, 87.4, 55.6]),
         ((0, "view"),)),

    # ---------------------------------------------------------------- regions.geojson
    Case("regions-missing", "regions.geojson", remove(), ((0, "-"),), ALL),
    Case("regions-empty", "regions.geojson", write(""), ((1, "-"),), ALL),
    Case("regions-truncated", "regions.geojson", truncate_half(), ((1, "-"),), ALL),
    Case("regions-not-json", "regions.geojson", write("KZ-ALA,Almaty\n"), ((1, "-"),), ALL),
    Case("regions-a-single-feature", "regions.geojson",
         json_edit(lambda d: d.update(type="Feature")), ((0, "type"),), ALL),
    Case("regions-features-not-a-list", "regions.geojson",
         json_edit(lambda d: d.update(features={"KZ-ALA": 1})), ((0, "features"),), ALL),
    Case("regions-feature-is-a-number", "regions.geojson",
         json_edit(lambda d: d["features"].append(7)), ((NEW, "type"),)),
    Case("regions-id-a-number", "regions.geojson",
         on_feature("KZ-MAN", lambda f: f["properties"].update(id=7)),
         (("KZ-MAN", "properties.id"),), ("KZ-MAN",)),
    Case("regions-name-null", "regions.geojson",
         on_feature("KZ-AKM", lambda f: f["properties"].update(name=None)),
         (("KZ-AKM", "properties.name"),), ("KZ-AKM",)),
    Case("regions-geometry-null", "regions.geojson",
         on_feature("KZ-AKM", lambda f: f.update(geometry=None)),
         (("KZ-AKM", "geometry"),), ("KZ-AKM",)),
    Case("regions-geometry-circle", "regions.geojson",
         on_feature("KZ-AKM", lambda f: f["geometry"].update(type="Circle")),
         (("KZ-AKM", "geometry"),), ("KZ-AKM",)),
    Case("regions-coordinates-as-text", "regions.geojson", first_position("KZ-AKM", ["66", "52"]),
         (("KZ-AKM", "geometry"),), ("KZ-AKM",)),
    Case("regions-coordinates-as-booleans", "regions.geojson",
         first_position("KZ-AKM", [True, True]), (("KZ-AKM", "geometry"),), ("KZ-AKM",)),
    Case("regions-coordinate-nan", "regions.geojson",
         first_position("KZ-PAV", [float("nan"), 52.0]), (("KZ-PAV", "geometry"),), ("KZ-PAV",)),
    Case("regions-coordinate-400-digits", "regions.geojson",
         first_position("KZ-PAV", [10**400, 52.0]), (("KZ-PAV", "geometry"),), ("KZ-PAV",)),
    Case("regions-coordinate-out-of-range", "regions.geojson",
         first_position("KZ-PAV", [999, 52.0]), (("KZ-PAV", "geometry"),), ("KZ-PAV",)),
    Case("regions-coordinates-swapped", "regions.geojson", positions("KZ-ZHA", swap),
         (("KZ-ZHA", "geometry"),), ("KZ-ZHA",)),
    Case("regions-outside-neighbourhood", "regions.geojson", positions("KZ-KAR", to_europe),
         (("KZ-KAR", "geometry"),), ("KZ-KAR",)),
    Case("regions-coordinates-nested-deep", "regions.geojson",
         on_feature("KZ-AKM", lambda f: f["geometry"].update(
             coordinates=json.loads("[" * 500 + "]" * 500))),
         (("KZ-AKM", "geometry"),), ("KZ-AKM",)),
    Case("regions-unknown-id-referenced", "regions.geojson", drop_feature("KZ-ALA"), (),
         ("KZ-ALA",)),
    Case("regions-duplicate-id", "regions.geojson", duplicate_feature("KZ-AST"),
         ((NEW, "properties.id"),)),
    Case("regions-utf16", "regions.geojson", reencode("utf-16"), ((0, "-"),), ALL),
    Case("regions-latin1", "regions.geojson", reencode("latin-1", "replace"), ((0, "-"),), ALL),
    Case("regions-nested-too-deep", "regions.geojson", nested(100_000), ((0, "-"),), ALL),
    Case("regions-polygon-of-a-million-points", "regions.geojson",
         huge_polygon("KZ-KAR", 1_000_000), (), changed=("KZ-KAR",)),
    Case("regions-50-mb", "regions.geojson", pad(50 * MB), ((0, "-"),), ALL),

    # ---------------------------------------------------------------- neighbours.geojson
    Case("neighbours-missing", "neighbours.geojson", remove(), (), ALL),
    Case("neighbours-empty", "neighbours.geojson", write(""), ((1, "-"),), ALL),
    Case("neighbours-truncated", "neighbours.geojson", truncate_half(), ((1, "-"),), ALL),
    Case("neighbours-name-a-number", "neighbours.geojson",
         on_feature("CHN", lambda f: f["properties"].update(name=156)),
         (("CHN", "properties.name"),), ("CHN",)),
    Case("neighbours-duplicate-id", "neighbours.geojson", duplicate_feature("RUS"),
         ((NEW, "properties.id"),)),
    Case("neighbours-coordinate-out-of-range", "neighbours.geojson",
         first_position("MNG", [88.0, -91.0]), (("MNG", "geometry"),), ("MNG",)),
    Case("neighbours-coordinates-swapped", "neighbours.geojson", positions("KGZ", swap),
         (("KGZ", "geometry"),), ("KGZ",)),
    Case("neighbours-nested-too-deep", "neighbours.geojson", nested(100_000), ((0, "-"),), ALL),

    # ---------------------------------------------------------------- water.geojson
    Case("water-missing", "water.geojson", remove(), (), ALL),
    Case("water-empty", "water.geojson", write(""), ((1, "-"),), ALL),
    Case("water-truncated", "water.geojson", truncate_half(), ((1, "-"),), ALL),
    Case("water-duplicate-id", "water.geojson", duplicate_feature("lake-001"),
         ((NEW, "properties.id"),)),
    Case("water-nested-too-deep", "water.geojson", nested(100_000), ((0, "-"),), ALL),
    Case("water-50-mb", "water.geojson", pad(50 * MB), ((0, "-"),), ALL),
]

assert len({case.name for case in CASES}) == len(CASES), "case names must be unique"
