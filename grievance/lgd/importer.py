"""Import Local Government Directory (LGD) CSV downloads.

Formats, told apart by the header row. Column names are compared by their words, so
"Sub-District Code", "Subdistrict Code" and "subdistrict_code" are one column; a UTF-8 BOM,
an empty trailing column and extra columns (S.No., census and constituency codes) are fine.

constituency  The per-state download of villages with their constituencies, e.g.
              29-karnataka-constituency.csv: Block Code, Block Name, District Code,
              District Name, Localbody Code, Localbody Name, Subdistrict Code, Subdistrict Name,
              Village Code, Village Name, State Name; optional Village Name (In Local language).
              Writes state, district, sub-district, block, gram panchayat (the local body),
              village and the village ↔ GP link with the row's block.
villages      The village list: [State Code,] State Name, District Code, District Name,
              Sub-District Code, Sub-District Name, Village Code, Village Name,
              [Village Name (In Local language)]. Writes state to village; no GP links.
blocks        blocks.csv: State Code, State Name, District Code, District Name, Block Code,
              Block Name[, Block Name (local)].
subdistricts  3-subdistrict.csv: State Code, State Name, District Code, District Name,
              Sub-district Code, Sub-district Name.
districts     2-district.csv: State Code, State Name, District Code, District Name.
states        1-state.csv: State Code, State Name[, State Name (local)].

Every file also writes the parents its rows name (a village list creates its districts), so
any file imports on its own. Where a file has no State Code column the state is --state,
else the number leading the file name ("29-karnataka-constituency.csv"), else the State Name
looked up in `grievance.lgd.states`.

Rules: codes are integers ("05462" → 5462); a blank or all-zero code is malformed. The file is
parsed whole before anything is written, so a bad row writes nothing. Entities are upserted
by LGD code (renames update, nothing duplicates); links are added, never duplicated. For the
entity a file lists (villages in a village list) two rows with the same code must agree on its
name; otherwise the first row for a code wins: real downloads repeat a village per constituency,
list a block under each district it spans and spell a GP differently from row to row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from grievance.lgd.csvfile import (
    Column,
    CsvFile,
    CsvRow,
    ImportSource,
    collector_paused,
    optional_text,
    parse_code,
    parse_csv,
    parse_text,
)
from grievance.lgd.formats import (
    LOCALBODY,
    PARENT,
    STATE,
    VILLAGE,
    FormatSpec,
    LevelColumns,
    detect_format,
    expected_headers,
    level_columns,
    local_name_column,
)
from grievance.lgd.models import (
    Block,
    District,
    GramPanchayat,
    State,
    SubDistrict,
    Village,
    VillagePanchayat,
)
from grievance.lgd.states import STATE_NAMES, state_code_for_name
from grievance.lgd.summary import ImportSummary, Progress, ProgressCounter, record_import
from grievance.upsert import table_of, upsert

AUDIT_ACTION = "lgd.imported"
NAME_MAX = 120
LINK = "link"
NAMES = ("name", "name_local")  # what two rows for one code must agree on

Entity = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """Where a level's rows go, and the name its count has in summaries."""

    table: Table
    key: tuple[str, ...]
    count_name: str
    update: bool = True


TARGETS: dict[str, Target] = {
    STATE: Target(table_of(State), ("code",), "states"),
    "district": Target(table_of(District), ("code",), "districts"),
    "subdistrict": Target(table_of(SubDistrict), ("code",), "subdistricts"),
    "block": Target(table_of(Block), ("code",), "blocks"),
    LOCALBODY: Target(table_of(GramPanchayat), ("code",), "gram_panchayats"),
    VILLAGE: Target(table_of(Village), ("code",), "villages"),
    LINK: Target(
        table_of(VillagePanchayat), ("village_code", "gp_code"), "village_panchayats", update=False
    ),
}
WRITE_ORDER = (STATE, "district", "subdistrict", "block", LOCALBODY, VILLAGE, LINK)


# --- the state of each row -----------------------------------------------------------------


def state_code_from_file_name(name: str) -> int | None:
    """29 for "29-karnataka-constituency.csv"; None unless the number is a known state."""
    match = re.match(r"(\d+)[-_ .]", name.rsplit("/", 1)[-1])
    code = int(match.group(1)) if match else None
    return code if code in STATE_NAMES else None


class StateResolver:
    """Finds each row's state: its State Code column, or one code for the whole file."""

    def __init__(self, file: CsvFile, spec: FormatSpec, explicit: int | None) -> None:
        columns = file.columns()
        self._file, self._explicit = file, explicit
        self.code_column = columns.get("state_code")
        self.name_column = columns.get("state_name")
        self.local_column = local_name_column(columns, STATE) if spec.primary == STATE else None
        self._file_code = explicit or state_code_from_file_name(file.name)
        self._known_names: dict[str, int | None] = {}
        if self.code_column is None and self.name_column is None and self._file_code is None:
            raise file.error(
                1, None, "the file does not say which state it is for: pass --state CODE"
            )

    def state_of(self, row: CsvRow) -> tuple[int, str]:
        if self.code_column is not None:
            return self._from_code_column(row, self.code_column)
        return self._from_file(row)

    def _from_code_column(self, row: CsvRow, column: Column) -> tuple[int, str]:
        code = parse_code(self._file, row, column)
        if self._explicit is not None and code != self._explicit:
            raise self._file.error(
                row.line, column, f"state {code} in a file imported with --state {self._explicit}"
            )
        name = optional_text(self._file, row, self.name_column, NAME_MAX)
        return code, name or self._table_name(row, code)

    def _from_file(self, row: CsvRow) -> tuple[int, str]:
        name = optional_text(self._file, row, self.name_column, NAME_MAX)
        if name is None:
            if self._file_code is None:
                raise self._file.error(
                    row.line, self.name_column, "the state name is blank: pass --state CODE"
                )
            return self._file_code, self._table_name(row, self._file_code)
        known = self._lookup(name)
        if self._file_code is None:
            if known is None:
                raise self._file.error(
                    row.line, self.name_column, f"unknown state '{name}': pass --state CODE"
                )
            return known, name
        if known is not None and known != self._file_code:
            raise self._file.error(
                row.line,
                self.name_column,
                f"'{name}' is state {known}, but this file is for state {self._file_code}",
            )
        return self._file_code, name

    def _table_name(self, row: CsvRow, code: int) -> str:
        """The state's name when the row gives none."""
        if code not in STATE_NAMES:
            column = self.code_column or self.name_column
            raise self._file.error(row.line, column, f"unknown state code {code}: name the state")
        return STATE_NAMES[code]

    def _lookup(self, name: str) -> int | None:
        if name not in self._known_names:
            self._known_names[name] = state_code_for_name(name)
        return self._known_names[name]


# --- rows into entities --------------------------------------------------------------------


@dataclass(frozen=True)
class LevelReader:
    """Where one level's code, name and local name sit in a row, and its parent's field."""

    level: str
    columns: LevelColumns
    parent: str
    parent_field: str


class RowReader:
    """Reads one row of a detected format into an entity per level (plus the GP link)."""

    def __init__(self, file: CsvFile, spec: FormatSpec, state_code: int | None) -> None:
        self.file, self.spec = file, spec
        self.states = StateResolver(file, spec, state_code)
        columns = file.columns()
        self.levels: dict[str, LevelColumns] = {}
        for level in spec.levels:
            found = level_columns(columns, level)
            assert found is not None  # detect_format checked the header
            self.levels[level] = found
        self._readers = [
            LevelReader(level, found, PARENT[level], f"{PARENT[level]}_code")
            for level, found in self.levels.items()
        ]

    def read(self, row: CsvRow) -> dict[str, Entity]:
        code, name = self.states.state_of(row)
        entities: dict[str, Entity] = {STATE: self._state(row, code, name)}
        for reader in self._readers:
            entities[reader.level] = self._entity(row, reader, entities[reader.parent]["code"])
        if self.spec.links_villages_to_panchayats:
            entities[LINK] = {
                "village_code": entities[VILLAGE]["code"],
                "gp_code": entities[LOCALBODY]["code"],
                "block_code": entities[LOCALBODY]["block_code"],
            }
        return entities

    def _state(self, row: CsvRow, code: int, name: str) -> Entity:
        entity: Entity = {"code": code, "name": name}
        if self.states.local_column is not None:
            entity["name_local"] = self._local(row, self.states.local_column, name)
        return entity

    def _entity(self, row: CsvRow, reader: LevelReader, parent_code: int) -> Entity:
        columns = reader.columns
        name = parse_text(self.file, row, columns.name, NAME_MAX)
        entity: Entity = {
            "code": parse_code(self.file, row, columns.code),
            reader.parent_field: parent_code,
            "name": name,
        }
        if columns.local is not None:
            entity["name_local"] = self._local(row, columns.local, name)
        return entity

    def _local(self, row: CsvRow, column: Column, name: str) -> str | None:
        """Master lists repeat the English name where there is no local one: store none."""
        local = optional_text(self.file, row, column, NAME_MAX)
        return None if local == name else local

    def name_column(self, level: str, field_name: str) -> Column | None:
        """The CSV column a name (or local name) came from, to point an error at it."""
        if level == STATE:
            by_field = {"name": self.states.name_column, "name_local": self.states.local_column}
        else:
            columns = self.levels[level]
            by_field = {"name": columns.name, "name_local": columns.local}
        return by_field.get(field_name)


# --- the whole file ------------------------------------------------------------------------


class LevelRows:
    """A level's entities keyed by code; the first row seen for a code wins."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.rows: dict[Any, Entity] = {}
        self.lines: dict[Any, int] = {}
        self._key = itemgetter(*target.key)

    def add(self, entity: Entity, line: int) -> tuple[Entity, int] | None:
        """Keep a new entity; for a code seen before, return the earlier entity and line."""
        key = self._key(entity)
        earlier = self.rows.get(key)
        if earlier is None:
            self.rows[key], self.lines[key] = entity, line
            return None
        return earlier, self.lines[key]

    def in_key_order(self) -> list[Entity]:
        """In key order, so two imports running at once lock rows in the same order."""
        return [self.rows[key] for key in sorted(self.rows)]


class LgdBatch:
    """Everything a file says, validated, ready to write."""

    def __init__(self, spec: FormatSpec, rows: int) -> None:
        self.spec, self.rows = spec, rows
        self.levels = {name: LevelRows(TARGETS[name]) for name in WRITE_ORDER}

    def to_write(self) -> list[LevelRows]:
        """Levels the file has rows for, parents before children."""
        return [rows for rows in self.levels.values() if rows.rows]

    def counts(self) -> dict[str, int]:
        return {rows.target.count_name: len(rows.rows) for rows in self.to_write()}

    def total(self) -> int:
        return sum(len(rows.rows) for rows in self.levels.values())


def parse_lgd(file: CsvFile, state_code: int | None = None) -> LgdBatch:
    """Validate a whole file into a batch; raises ImportRowError at the first bad row."""
    spec = detect_format(file.columns())
    if spec is None:
        raise file.error(1, None, f"not an LGD file this importer knows ({expected_headers()})")
    reader = RowReader(file, spec, state_code)
    batch = LgdBatch(spec, len(file.rows))
    for row in file.rows:
        _add_row(batch, reader, row)
    return batch


def _add_row(batch: LgdBatch, reader: RowReader, row: CsvRow) -> None:
    for level, entity in reader.read(row).items():
        earlier = batch.levels[level].add(entity, row.line)
        if earlier is not None and level == batch.spec.primary:
            _reject_conflict(reader, level, entity, row, *earlier)


def _reject_conflict(
    reader: RowReader, level: str, entity: Entity, row: CsvRow, earlier: Entity, line: int
) -> None:
    differing = next((name for name in NAMES if entity.get(name) != earlier.get(name)), None)
    if differing is None:
        return  # real downloads repeat a village per constituency, a block per district
    raise reader.file.error(
        row.line,
        reader.name_column(level, differing),
        f"{level} {entity['code']} is given as '{entity[differing]}' here "
        f"but as '{earlier[differing]}' on line {line}",
    )


def write_lgd(session: Session, batch: LgdBatch, progress: Progress | None = None) -> None:
    """Upsert a parsed batch, parents before children, in the caller's transaction."""
    counter = ProgressCounter(batch.total(), progress)
    for rows in batch.to_write():
        target = rows.target
        entities = rows.in_key_order()
        update = [name for name in entities[0] if name not in target.key] if target.update else []
        upsert(session, target.table, entities, key=target.key, update=update, on_batch=counter)


def import_lgd(
    session: Session,
    name: str,
    data: bytes,
    *,
    state_code: int | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one LGD CSV (its file name and bytes) and record it in the audit chain."""
    with collector_paused():
        file = parse_csv(name, data)
        batch = parse_lgd(file, state_code)
        write_lgd(session, batch, progress)
    summary = ImportSummary(
        file.name, str(batch.spec.format), file.sha256, batch.rows, batch.counts()
    )
    record_import(session, summary, AUDIT_ACTION)
    return summary


def import_lgd_file(
    session: Session,
    source: ImportSource,
    *,
    state_code: int | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """`import_lgd` for a `Path` or a packaged resource."""
    return import_lgd(
        session, source.name, source.read_bytes(), state_code=state_code, progress=progress
    )
