"""Reading import CSVs: decoding, header lookup, line numbers and the checks every code needs.

Shared by the LGD and directory importers. Everything a file holds is read into memory first,
so a bad row is found before anything is written.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from grievance.errors import ImportRowError


class ImportSource(Protocol):
    """Anything with a file name and bytes: a `Path` or a packaged resource (`Traversable`)."""

    @property
    def name(self) -> str: ...

    def read_bytes(self) -> bytes: ...


@dataclass(frozen=True)
class CsvRow:
    line: int
    cells: list[str]


@dataclass(frozen=True)
class Column:
    """A header column: where it is and how the file spells it (for error messages)."""

    index: int
    label: str


@dataclass(frozen=True)
class CsvFile:
    name: str
    sha256: str
    header: list[str]
    rows: list[CsvRow]

    def error(self, line: int, column: Column | None, message: str) -> ImportRowError:
        return ImportRowError(self.name, line, column.label if column else None, message)

    def columns(self) -> Columns:
        return Columns(self.header)


def normalise_header(label: str) -> str:
    """Compare headers by their words: "Sub-District Code" and "subdistrict_code" are equal."""
    words = re.findall(r"[a-z0-9]+", label.lower())
    joined = "_".join(words)
    for split, whole in (("sub_district", "subdistrict"), ("local_body", "localbody")):
        joined = re.sub(rf"(^|_){split}(_|$)", rf"\g<1>{whole}\g<2>", joined)
    return joined


class Columns:
    """Header lookup by normalised name. A name written twice (LGD master lists repeat "State
    Name" for the local-language name) is reachable as its second occurrence."""

    def __init__(self, header: Iterable[str]) -> None:
        self._first: dict[str, Column] = {}
        self._second: dict[str, Column] = {}
        for index, label in enumerate(header):
            key = normalise_header(label)
            if key not in self._first:
                self._first[key] = Column(index, label.strip())
            elif key not in self._second:
                self._second[key] = Column(index, label.strip())

    def __contains__(self, key: str) -> bool:
        return key in self._first

    def get(self, key: str) -> Column | None:
        return self._first.get(key)

    def repeated(self, key: str) -> Column | None:
        return self._second.get(key)

    def any_of(self, *keys: str) -> Column | None:
        return next((self._first[key] for key in keys if key in self._first), None)

    def has_all(self, keys: Iterable[str]) -> bool:
        return all(key in self._first for key in keys)


def read_csv(source: ImportSource) -> CsvFile:
    return parse_csv(source.name, source.read_bytes())


def parse_csv(name: str, data: bytes) -> CsvFile:
    """Decode (UTF-8, BOM stripped) and split into a header and numbered, non-blank rows."""
    reader = csv.reader(io.StringIO(_decode(name, data), newline=""))
    header = _trim_trailing_blanks(next(reader, []))
    if not header:
        raise ImportRowError(name, 1, None, "the file is empty or has no header row")
    rows: list[CsvRow] = []
    previous_end = reader.line_num
    for cells in reader:
        line, previous_end = previous_end + 1, reader.line_num
        if "".join(cells).strip():
            rows.append(CsvRow(line, _fit_to_header(name, line, cells, len(header))))
    return CsvFile(name, hashlib.sha256(data).hexdigest(), header, rows)


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRowError(name, line, None, "the file is not UTF-8 text") from exc


def _trim_trailing_blanks(cells: list[str]) -> list[str]:
    while cells and not cells[-1].strip():
        cells = cells[:-1]
    return cells


def _fit_to_header(name: str, line: int, cells: list[str], width: int) -> list[str]:
    """Tolerate the empty trailing column some LGD downloads add; pad short rows so a missing
    value is reported against its column."""
    if len(cells) > width and "".join(cells[width:]).strip():
        raise ImportRowError(
            name, line, None, f"the row has {len(cells)} values but the header {width}"
        )
    if len(cells) < width:
        cells.extend([""] * (width - len(cells)))
    return cells


def parse_code(file: CsvFile, row: CsvRow, column: Column) -> int:
    """An LGD code: digits only, never zero; leading zeros are dropped ("05462" → 5462)."""
    text = row.cells[column.index].strip()
    if text.isdigit() and text.isascii() and (code := int(text)):
        return code
    raise file.error(row.line, column, _code_problem(text))


def _code_problem(text: str) -> str:
    if not text:
        return "the code is blank"
    if text.isdigit() and text.isascii():
        return f"'{text}' is not a valid code (all zeros)"
    return f"'{text}' is not a numeric code"


def parse_text(file: CsvFile, row: CsvRow, column: Column, max_length: int) -> str:
    """A required value, trimmed, that fits its database column."""
    text = optional_text(file, row, column, max_length)
    if text is None:
        raise file.error(row.line, column, "the value is blank")
    return text


def optional_text(file: CsvFile, row: CsvRow, column: Column | None, max_length: int) -> str | None:
    if column is None:
        return None
    text = " ".join(row.cells[column.index].split())
    if len(text) > max_length:
        raise file.error(row.line, column, f"longer than {max_length} characters")
    return text or None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector around a bulk import.

    A state file becomes a few hundred thousand small lists and dicts that form no reference
    cycles and stay alive until written; the collector would walk all of them (and everything
    else alive) several times for nothing, which cost 10-15% of a whole import in our
    measurements. Reference counting still frees memory as usual, and the collector's previous
    state is restored.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
