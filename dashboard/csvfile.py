"""Reading a scenario file's bytes (size limit, unreadable) and a CSV file row by row: bad
bytes, stray quotes, overlong lines and wrong cell counts cost their row alone, each reported
with its line. A CSV file is streamed: its size is not limited, its rows are (``records.py``)."""

from __future__ import annotations

import codecs
import csv
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .fields import FieldError, _quote
from .records import MAX_FILE_BYTES, MAX_ROW_CHARS, MAX_ROW_LINES, MAX_ROWS, Collector
from .tables import Table


def read_bytes(path: Path, file: str, out: Collector, then: str) -> bytes | None:
    """A JSON file's bytes, or None after a problem (too large, unreadable) ending in `then`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            out.add(file, 0, "-", f"is {size / 2**20:.0f} MB, more than the "
                    f"{MAX_FILE_BYTES // 2**20} MB a JSON or GeoJSON file may have; {then}")
            return None
        return path.read_bytes()
    except OSError as exc:
        out.add(file, 0, "-", f"cannot be read: {exc.strerror or exc}; {then}")
        return None


@dataclass(frozen=True)
class LineProblem:
    """A row set aside: its first line and why."""

    line: int
    message: str


class _RowTooLong(Exception):
    """The row being read runs on past MAX_ROW_CHARS characters or MAX_ROW_LINES lines."""


def _line_fault(text: str) -> str:
    """Why a decoded line cannot be used (a NUL, bytes that are not UTF-8), or ''."""
    if "\0" in text:
        return "holds a NUL byte (binary data?); row set aside"
    if text.isascii():
        return ""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a byte that was not UTF-8, kept as a lone surrogate
        byte = len(text[:exc.start].encode("utf-8", "surrogateescape")) + 1
        return f"not UTF-8 text (byte {byte} of the line); row set aside"
    return ""


class _Lines:
    """A text file's lines for csv.reader, read lazily. The lines of the row being read are
    kept, so that after a broken row (a stray quote took in the lines after it) reading can go
    back to the row's second line; a row may not run on past MAX_ROW_CHARS or MAX_ROW_LINES."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.kept: list[str] = []  # the lines from number self.first on
        self.first = 1
        self.next = 1  # the number of the next line to give
        self.read = 0  # the lines read from the file so far
        self.bad: deque[int] = deque()  # numbers of unusable lines, ascending
        self.found: list[LineProblem] = []  # problems of lines read, not yet handed on
        self.row_chars = 0
        self.row_start = 1

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        index = self.next - self.first
        line = self.kept[index] if index < len(self.kept) else self._read()
        self.next += 1
        self.row_chars += len(line)
        if self.row_chars > MAX_ROW_CHARS or self.next - self.row_start > MAX_ROW_LINES:
            raise _RowTooLong
        return line

    def _read(self) -> str:
        text = self.handle.readline(MAX_ROW_CHARS + 1)
        if not text:
            raise StopIteration
        self.read += 1
        fault = ""
        if len(text) > MAX_ROW_CHARS and not text.endswith(("\n", "\r")):
            while (more := self.handle.readline(MAX_ROW_CHARS)) and not more.endswith(
                    ("\n", "\r")):
                pass  # the rest of an overlong line, skipped
            fault, text = (f"is longer than {MAX_ROW_CHARS:,} characters; row set aside",
                           "\n")
        else:
            fault = _line_fault(text)
            if fault:
                text = text.replace("\0", "").encode("utf-8", "surrogateescape").decode(
                    "utf-8", "replace")
        if fault:
            self.bad.append(self.read)
            self.found.append(LineProblem(self.read, fault))
        self.kept.append(text)
        return text

    def start_row(self) -> None:
        """Forget the lines before the next one: a new row starts there."""
        del self.kept[:self.next - self.first]
        self.first = self.row_start = self.next
        self.row_chars = 0
        while self.bad and self.bad[0] < self.first:
            self.bad.popleft()

    def back_to(self, number: int) -> None:
        """Read on from line `number` (a kept line) after a broken row."""
        self.next = number

    def bad_between(self, start: int, end: int) -> list[int]:
        return [n for n in self.bad if start <= n <= end]

    def take_found(self) -> list[LineProblem]:
        found, self.found = self.found, []
        return found


class CsvRows:
    """The rows of a CSV file as (first line, cells), and a LineProblem for each row set
    aside; blank rows are skipped. Set `width` (the header's cell count) after the header:
    a row with another count is set aside, and a row that ran on over several lines to get
    there (a stray quote) costs that row alone, the lines after it read on as rows."""

    def __init__(self, handle: IO[str], delimiter: str = ",") -> None:
        self.lines = _Lines(handle)
        self.reader = csv.reader(self.lines, delimiter=delimiter, strict=True)
        self.width: int | None = None

    def __iter__(self) -> Iterator[tuple[int, list[str]] | LineProblem]:
        lines = self.lines
        while True:
            lines.start_row()
            start = lines.next
            try:
                cells = next(self.reader)
            except StopIteration:
                yield from lines.take_found()
                return
            except (csv.Error, _RowTooLong) as exc:
                yield from lines.take_found()
                yield LineProblem(start, self._why(exc))
                lines.back_to(start + 1)
                continue
            yield from lines.take_found()
            end = lines.next - 1
            broken = lines.bad_between(start, end)
            if not any(c.strip() for c in cells) or (broken and end == start):
                continue  # blank, or a line reported as it was read
            if self.width is not None and len(cells) != self.width:
                runs_on = (f" (a quoted cell runs on to line {end}: is a quote missing?)"
                           if end > start else "")
                yield LineProblem(start, f"has {len(cells)} cells, the header has "
                                  f"{self.width}; row set aside{runs_on}")
                lines.back_to(start + 1)  # the lines a stray quote took in are rows again
                continue
            if broken:
                if broken[0] != start:
                    yield LineProblem(start, f"line {broken[0]} of this row is not UTF-8 "
                                      "text or holds a NUL byte; row set aside")
                continue
            yield start, cells

    @staticmethod
    def _why(exc: Exception) -> str:
        if isinstance(exc, _RowTooLong):
            return (f"a quoted cell runs on past {MAX_ROW_LINES} lines or "
                    f"{MAX_ROW_CHARS:,} characters: a stray or unclosed quote?; row set aside")
        if "field limit" in str(exc):
            return f"a cell is longer than {csv.field_size_limit():,} characters; row set aside"
        return f"malformed CSV ({exc}): a stray or unclosed quote?; row set aside"


def open_text(path: Path) -> IO[str]:
    """A CSV file opened for CsvRows: UTF-8 (a BOM skipped), bad bytes kept to be reported,
    line ends as written (\\n, \\r\\n or \\r). Raises OSError."""
    return open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")


def is_utf16(path: Path) -> bool:
    """The file starts as UTF-16 (or binary) data would: a UTF-16 BOM or a NUL in line 1."""
    with open(path, "rb") as handle:
        head = handle.read(200)
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or \
        b"\0" in head.split(b"\n", 1)[0]


def _rows_of(path: Path, table: Table, out: Collector) -> Iterator[tuple[int, list[str]]]:
    """The table's data rows after a checked header, each (line, cells); problems reported."""
    file = table.file
    if is_utf16(path):
        out.add(file, 0, "-", "is UTF-16 (or binary) data, not UTF-8 text: save it as UTF-8; "
                "file set aside")
        return
    with open_text(path) as handle:
        rows = CsvRows(handle)
        items = iter(rows)
        header = next(items, None)
        if header is None:
            out.add(file, 1, "-", "file is empty (no header row)")
            return
        if isinstance(header, LineProblem):
            out.add(file, header.line, "-", header.message)
            return
        names = [h.strip() for h in header[1]]
        missing = [c for c in table.columns if c not in names]
        if missing:
            out.add(file, header[0], ",".join(missing), "column missing from the header")
            return
        rows.width = len(names)
        count = 0
        for item in items:
            if isinstance(item, LineProblem):
                out.add(file, item.line, "-", item.message)
                continue
            count += 1
            if count > MAX_ROWS:
                out.add(file, item[0], "-", f"the file has more than {MAX_ROWS:,} rows: this "
                        "row and those after it are set aside")
                return
            yield item[0], dict(zip(names, item[1], strict=True))


# The most distinct texts a repeated column keeps parsed (Table.repeated); texts past it are
# parsed row by row, so a column that does not repeat after all costs no more than before.
MEMO_MOST = 65_536
_MISSING = object()


def iter_table(data_dir: Path, table: Table, out: Collector
               ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Parse one CSV table row by row: (line number, parsed row) for each valid row; each
    problem goes to `out` as its row is read."""
    path = data_dir / table.file
    if not path.is_file():
        if table.required:
            out.add(table.file, 0, "-", "file is missing")
        return
    parsers = [(name, parse, {} if name in table.repeated else None)
               for name, parse in table.columns.items()]
    last = 1
    try:
        for line, record in _rows_of(path, table, out):
            parsed: dict[str, Any] = {}
            ok = True
            for name, parse, memo in parsers:
                text = record[name]
                try:
                    if memo is None:
                        parsed[name] = parse(text)
                        continue
                    value = memo.get(text, _MISSING)
                    if value is _MISSING:
                        value = parse(text)  # a bad text raises each time: never kept
                        if len(memo) < MEMO_MOST:
                            memo[text] = value
                    parsed[name] = value
                except FieldError as exc:
                    out.add(table.file, line, name, str(exc))
                    ok = False
            if ok:
                last = line
                yield line, parsed
    except OSError as exc:
        out.add(table.file, 0, "-", f"cannot be read: {exc.strerror or exc}; the rows after "
                f"line {last} are set aside")


def read_table(data_dir: Path, table: Table, out: Collector) -> list[tuple[int, dict[str, Any]]]:
    """Parse one CSV table; returns (line number, parsed row) for each valid row."""
    return list(iter_table(data_dir, table, out))


def _dedupe(rows: list[tuple[int, dict]], file: str, out: Collector) -> list[tuple[int, dict]]:
    return list(iter_unique(rows, file, out))


def iter_unique(rows: Iterable[tuple[int, dict]], file: str, out: Collector
                ) -> Iterator[tuple[int, dict]]:
    """The rows whose id was not taken by an earlier row; each later one is a problem."""
    seen: dict[str, int] = {}
    for line, row in rows:
        first = seen.setdefault(row["id"], line)
        if first != line:
            out.add(file, line, "id", f"duplicate id {_quote(str(row['id']))} (first on row "
                    f"{first}); row set aside")
            continue
        yield line, row
