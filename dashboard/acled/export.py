"""Reading the export: opening it (a clear UnusableExport when it cannot be read at all), its
CSV dialect (comma, semicolon or tab), its header, and its rows, each handed to `convert`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..csvfile import CsvRows, LineProblem, open_text
from ..scenario import MAX_ROW_CHARS, MAX_ROWS
from .conventions import REQUIRED_COLUMNS
from .convert import _convert, _Seen
from .records import AcledEvent, AcledImport, RowProblem


class UnusableExport(Exception):
    """The export cannot be read at all; the message names the file."""


SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}


def _open(path: Path, shown: str) -> IO[str]:
    try:
        return open_text(path)
    except FileNotFoundError:
        raise UnusableExport(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UnusableExport(f"{shown}: is a folder, not an ACLED export (CSV)") from None
    except OSError as exc:
        raise UnusableExport(f"{shown}: cannot be read ({exc.strerror or exc})") from None


def sniff_separator(handle: IO[str]) -> str:
    """The header line's separator: the comma, or the semicolon of a spreadsheet saved where
    the decimal mark is a comma (its numbers then read `43,25`), or a tab; the one that finds
    most ACLED columns (the comma on a tie). The handle is left at the start."""
    header = ""
    for _ in range(50):  # the first line that is not blank, read no further than a row may be
        text = handle.readline(MAX_ROW_CHARS)
        if text.strip() or not text:
            header = text
            break
    handle.seek(0)

    def found(separator: str) -> int:
        cells = next(csv.reader([header], delimiter=separator), [])
        return len({c.strip().lower() for c in cells} & set(REQUIRED_COLUMNS))

    return max(SEPARATORS, key=found)


def _header(cells: list[str], shown: str, separator: str) -> list[str]:
    header = [c.strip().lower() for c in cells]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        seen = f" (read as {SEPARATORS[separator]}-separated)" if separator != "," else ""
        raise UnusableExport(f"{shown}: not an ACLED export: column(s) missing from the "
                             f"header{seen}: {', '.join(missing)}")
    return header


def read_export(path: str | Path) -> AcledImport:
    """Read an ACLED export, every event kept in ``events``; raises UnusableExport when
    nothing can be read from it."""
    out = AcledImport(file=Path(path).name, path=str(path))
    out.events.extend(iter_events(out))
    return out


def iter_events(out: AcledImport) -> Iterator[AcledEvent]:
    """The events of the export at ``out.path``, one by one as its rows are read; its places,
    sources, problems and counts go to ``out``. Raises UnusableExport (when the iteration
    reaches it) if the export cannot be read at all."""
    path = Path(out.path)
    shown = str(path)
    with _open(path, shown) as handle:
        try:
            separator = sniff_separator(handle)
            yield from _read_rows(CsvRows(handle, separator), out, shown, separator)
        except OSError as exc:
            raise UnusableExport(f"{shown}: cannot be read ({exc.strerror or exc})") from None


def _read_rows(rows: CsvRows, out: AcledImport, shown: str, separator: str
               ) -> Iterator[AcledEvent]:
    seen = _Seen(decimal_comma=separator == ";")
    header: list[str] | None = None
    for item in rows:
        if isinstance(item, LineProblem):
            if header is None:
                raise UnusableExport(f"{shown}: the header (line {item.line}) cannot be read: "
                                     f"{item.message.split(';')[0]}; is it a CSV file?")
            out.rows += 1
            out.problems.append(RowProblem(item.line, "-", item.message))
            continue
        line, cells = item
        if header is None:
            header = _header(cells, shown, separator)
            rows.width = len(header)
            continue
        out.rows += 1
        if out.count >= MAX_ROWS:
            out.problems.append(RowProblem(line, "-", f"more than {MAX_ROWS:,} events, the "
                                           "most a scenario file holds: this row and those "
                                           "after it are set aside"))
            return
        event = _convert(dict(zip(header, cells, strict=True)), line, out, seen)
        if event is not None:
            yield event
    if header is None:
        raise UnusableExport(f"{shown}: file is empty (no header row)")


