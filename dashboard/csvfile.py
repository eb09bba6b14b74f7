"""Reading a scenario file's bytes (size limit, unreadable) and a CSV table row by row: bad
bytes, stray quotes and wrong cell counts cost their row alone, each reported with its line."""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

from .fields import FieldError, _quote
from .records import MAX_FILE_BYTES, Collector
from .tables import Table


def read_bytes(path: Path, file: str, out: Collector, then: str) -> bytes | None:
    """The file's bytes, or None after a problem (too large, unreadable) that ends in `then`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            out.add(file, 0, "-", f"is {size / 2**20:.0f} MB, more than the "
                    f"{MAX_FILE_BYTES // 2**20} MB a scenario file may have; {then}")
            return None
        return path.read_bytes()
    except OSError as exc:
        out.add(file, 0, "-", f"cannot be read: {exc.strerror or exc}; {then}")
        return None


def _decode_lines(raw: bytes, file: str, out: Collector) -> tuple[list[str], set[int]]:
    """Decode UTF-8 text line by line (ends kept); returns the lines and the numbers of those
    that are not UTF-8 or hold a NUL byte, which are reported (their rows are set aside)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    lines: list[str] = []
    bad: set[int] = set()
    # bytes.splitlines breaks at \n, \r and \r\n only: the lines the csv module counts.
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            text = line.decode("utf-8")
            if "\0" in text:
                out.add(file, number, "-", "holds a NUL byte (binary data?); row set aside")
                bad.add(number)
        except UnicodeDecodeError as exc:
            out.add(file, number, "-", f"not UTF-8 text (byte {exc.start + 1} of the line); "
                    "row set aside")
            bad.add(number)
            text = line.decode("utf-8", "replace")
        lines.append(text)
    return lines, bad


class _Lines:
    """A file's lines for csv.reader, with a cursor that can be set back: after a broken row
    that ran over several lines (a stray quote), reading goes on from its second line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.next = 0  # index of the next line to read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        self.next += 1
        return self.lines[self.next - 1]


def read_table(data_dir: Path, table: Table, out: Collector) -> list[tuple[int, dict[str, Any]]]:
    """Parse one CSV table; returns (line number, parsed row) for each valid row."""
    path = data_dir / table.file
    if not path.is_file():
        if table.required:
            out.add(table.file, 0, "-", "file is missing")
        return []
    raw = read_bytes(path, table.file, out, "file set aside")
    if raw is None:
        return []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in raw[:200].split(
            b"\n", 1)[0]:
        out.add(table.file, 0, "-", "is UTF-16 (or binary) data, not UTF-8 text: save it as "
                "UTF-8; file set aside")
        return []
    lines, bad = _decode_lines(raw, table.file, out)
    if not any(line.strip() for line in lines):
        out.add(table.file, 1, "-", "file is empty (no header row)")
        return []
    source = _Lines(lines)
    reader = csv.reader(source, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        out.add(table.file, 1, "-", f"header cannot be read: {exc}")
        return []
    if bad & set(range(1, source.next + 1)):
        return []  # the header's line is reported above
    missing = [c for c in table.columns if c not in header]
    if missing:
        out.add(table.file, 1, ",".join(missing), "column missing from the header")
        return []
    rows: list[tuple[int, dict[str, Any]]] = []
    while True:
        start = source.next + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            why = (f"a cell is longer than {csv.field_size_limit()} characters"
                   if "field limit" in str(exc) else f"malformed CSV ({exc}): a stray or "
                   "unclosed quote?")
            out.add(table.file, start, "-", f"{why}; row set aside")
            source.next = start  # go on with the next line
            continue
        end = source.next
        broken_lines = sorted(bad & set(range(start, end + 1)))
        if not any(c.strip() for c in cells) or (broken_lines and end == start):
            continue  # blank, or a line reported as it was decoded
        if len(cells) != len(header):
            runs_on = (f" (a quoted cell runs on to line {end}: is a quote missing?)"
                       if end > start else "")
            out.add(table.file, start, "-", f"has {len(cells)} cells, the header has "
                    f"{len(header)}; row set aside{runs_on}")
            source.next = start  # the lines a stray quote took in are read as rows again
            continue
        if broken_lines:
            if broken_lines[0] != start:
                out.add(table.file, start, "-", f"line {broken_lines[0]} of this row is not "
                        "UTF-8 text; row set aside")
            continue
        record = dict(zip(header, cells, strict=True))
        parsed: dict[str, Any] = {}
        ok = True
        for name, parse in table.columns.items():
            try:
                parsed[name] = parse(record[name])
            except FieldError as exc:
                out.add(table.file, start, name, str(exc))
                ok = False
        if ok:
            rows.append((start, parsed))
    return rows


def _dedupe(rows: list[tuple[int, dict]], file: str, out: Collector) -> list[tuple[int, dict]]:
    seen: dict[str, int] = {}
    kept = []
    for line, row in rows:
        if row["id"] in seen:
            out.add(file, line, "id", f"duplicate id {_quote(str(row['id']))} (first on row "
                    f"{seen[row['id']]}); row set aside")
            continue
        seen[row["id"]] = line
        kept.append((line, row))
    return kept

