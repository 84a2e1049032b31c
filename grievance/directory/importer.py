"""Import who serves each village: officials, VWSC members and water supply schemes.

Three CSV formats, told apart by their header row (column names are compared by their words:
"Unit Code" = "unit_code"; a UTF-8 BOM and extra columns are fine):

officials     name, phone, role, unit_type, unit_code, language, channel
              role: je | ae | ee | dwsm | state_admin
              unit_type: village | gp | block | subdistrict | district | state
              One official per phone number; further rows for the same phone add
              jurisdictions and must repeat the same name, role, language and channel.
vwsc members  village_code, gp_code, committee_name, member_name, phone, role, language, channel
              Exactly one of village_code / gp_code: a VWSC serves one village or a whole GP.
              role: chair | secretary | member | pump_operator | ftk_tester
              A member is one phone within one VWSC.
schemes       scheme_id, scheme_name, village_code
              One row per village a scheme serves (a multi-village scheme has several).

language is a lowercase language code ("kn", "hi", "en"); channel is
whatsapp | sms | voice | telegram | web | terminal.

Every LGD code must already be in the directory (import the LGD first). The whole file is
validated before anything is written, and a bad row names file, line and column. Phone numbers
are normalised to E.164, stored only as a keyed hash and ciphertext, and never appear in an
error, the audit log or the summary. Re-importing upserts: VWSCs by village or GP, members by
(VWSC, phone), officials by phone, schemes by scheme_id; links are added, never duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from grievance.directory.models import (
    Official,
    OfficialJurisdiction,
    Scheme,
    SchemeVillage,
    Vwsc,
    VwscMember,
)
from grievance.errors import ImportRowError, ValidationError
from grievance.language import MAX_TAG_CHARS, language_tag
from grievance.lgd.csvfile import (
    Column,
    Columns,
    CsvFile,
    CsvRow,
    ImportSource,
    parse_code,
    parse_csv,
    parse_text,
)
from grievance.lgd.models import Block, District, GramPanchayat, State, SubDistrict, Village
from grievance.lgd.summary import ImportSummary, Progress, ProgressCounter, record_import
from grievance.privacy import ContactVault
from grievance.types import Channel, MemberRole, OfficialRole, UnitType
from grievance.upsert import table_of, upsert

AUDIT_ACTION = "directory.imported"
NAME_MAX = 200
SCHEME_ID_MAX = 64
LOOKUP_CHUNK = 500  # codes per IN (...) query, well inside every parameter limit

E = TypeVar("E", bound=StrEnum)


class DirectoryFormat(StrEnum):
    OFFICIALS = "officials"
    VWSC_MEMBERS = "vwsc_members"
    SCHEMES = "schemes"


HEADERS: dict[DirectoryFormat, tuple[str, ...]] = {
    DirectoryFormat.VWSC_MEMBERS: (
        "village_code",
        "gp_code",
        "committee_name",
        "member_name",
        "phone",
        "role",
        "language",
        "channel",
    ),
    DirectoryFormat.OFFICIALS: (
        "name",
        "phone",
        "role",
        "unit_type",
        "unit_code",
        "language",
        "channel",
    ),
    DirectoryFormat.SCHEMES: ("scheme_id", "scheme_name", "village_code"),
}

UNIT_MODELS: dict[UnitType, Any] = {
    UnitType.VILLAGE: Village,
    UnitType.GP: GramPanchayat,
    UnitType.BLOCK: Block,
    UnitType.SUBDISTRICT: SubDistrict,
    UnitType.DISTRICT: District,
    UnitType.STATE: State,
}


def detect_format(columns: Columns) -> DirectoryFormat | None:
    return next((fmt for fmt, keys in HEADERS.items() if columns.has_all(keys)), None)


# --- one row's values ------------------------------------------------------------------------


class Fields:
    """The columns of a detected format, with parsers that turn a cell into a checked value."""

    def __init__(self, file: CsvFile, keys: Iterable[str], vault: ContactVault) -> None:
        columns = file.columns()
        self.file, self.vault = file, vault
        self.columns: dict[str, Column] = {}
        for key in keys:
            found = columns.get(key)
            assert found is not None  # detect_format checked the header
            self.columns[key] = found

    def text(self, row: CsvRow, key: str, max_length: int = NAME_MAX) -> str:
        return parse_text(self.file, row, self.columns[key], max_length)

    def code(self, row: CsvRow, key: str) -> int:
        return parse_code(self.file, row, self.columns[key])

    def optional_code(self, row: CsvRow, key: str) -> int | None:
        blank = not row.cells[self.columns[key].index].strip()
        return None if blank else self.code(row, key)

    def choice(self, row: CsvRow, key: str, allowed: type[E]) -> E:
        text = self.text(row, key).lower()
        try:
            return allowed(text)
        except ValueError:
            options = " | ".join(member.value for member in allowed)
            raise self.error(row, key, f"'{text}' is not one of {options}") from None

    def language(self, row: CsvRow, key: str = "language") -> str:
        """A BCP 47 tag such as "kn" or "hi-Latn", in its conventional letter case."""
        try:
            return language_tag(self.text(row, key, MAX_TAG_CHARS))
        except ValidationError as exc:
            raise self.error(row, key, str(exc)) from None

    def phone(self, row: CsvRow, key: str = "phone") -> str:
        """E.164; the error carries the vault's masked form, never the number itself."""
        try:
            return self.vault.normalise_phone(row.cells[self.columns[key].index])
        except ValidationError as exc:
            raise self.error(row, key, str(exc)) from None

    def error(self, row: CsvRow, key: str, message: str) -> ImportRowError:
        return self.file.error(row.line, self.columns[key], message)


@dataclass
class Keyed:
    """Details by key (a phone, a VWSC, a scheme), first row wins; a later row for the same key
    must repeat them. `columns` names each detail, to point an error at the one that differs."""

    what: str
    columns: tuple[str, ...]
    values: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    lines: dict[Any, int] = field(default_factory=dict)

    def add(self, fields: Fields, row: CsvRow, key: Any, details: tuple[Any, ...]) -> None:
        earlier = self.values.setdefault(key, details)
        line = self.lines.setdefault(key, row.line)
        for column, before, now in zip(self.columns, earlier, details, strict=True):
            if before != now:
                message = f"{self.what} has {column} '{before}' on line {line}, not '{now}'"
                raise fields.error(row, column, message)


# --- checks against the LGD directory ----------------------------------------------------


def _existing_codes(session: Session, model: Any, codes: Iterable[int]) -> set[int]:
    wanted = sorted(set(codes))
    found: set[int] = set()
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start : start + LOOKUP_CHUNK]
        found.update(session.scalars(select(model.code).where(model.code.in_(chunk))))
    return found


def _require_units(
    session: Session,
    fields: Fields,
    uses: dict[tuple[UnitType, int], CsvRow],
    column: str | Mapping[UnitType, str],
) -> None:
    """Every (unit type, code) must be in the directory; name the first row that is not."""
    by_type: dict[UnitType, list[int]] = {}
    for unit_type, code in uses:
        by_type.setdefault(unit_type, []).append(code)
    known = {
        unit_type: _existing_codes(session, UNIT_MODELS[unit_type], codes)
        for unit_type, codes in by_type.items()
    }
    missing = [(row.line, unit) for unit, row in uses.items() if unit[1] not in known[unit[0]]]
    if missing:
        line, (unit_type, code) = min(missing)
        key = column if isinstance(column, str) else column[unit_type]
        message = f"no {unit_type.value} with LGD code {code} in the directory"
        raise fields.file.error(line, fields.columns[key], message)


def _ids_by(session: Session, column: Any, id_column: Any, values: Sequence[Any]) -> dict[Any, int]:
    """Database ids for natural keys, one query per chunk rather than per row."""
    ids: dict[Any, int] = {}
    for start in range(0, len(values), LOOKUP_CHUNK):
        chunk = list(values[start : start + LOOKUP_CHUNK])
        found = session.execute(select(column, id_column).where(column.in_(chunk)))
        ids.update((key, row_id) for key, row_id in found)
    return ids


# --- officials ---------------------------------------------------------------------------


@dataclass
class OfficialsBatch:
    officials: Keyed = field(
        default_factory=lambda: Keyed(
            "an official with this phone", ("name", "role", "language", "channel")
        )
    )
    jurisdictions: dict[tuple[str, UnitType, int], CsvRow] = field(default_factory=dict)


def parse_officials(fields: Fields) -> OfficialsBatch:
    batch = OfficialsBatch()
    for row in fields.file.rows:
        phone = fields.phone(row)
        details = (
            fields.text(row, "name"),
            fields.choice(row, "role", OfficialRole),
            fields.language(row),
            fields.choice(row, "channel", Channel),
        )
        unit = (fields.choice(row, "unit_type", UnitType), fields.code(row, "unit_code"))
        batch.officials.add(fields, row, phone, details)
        batch.jurisdictions.setdefault((phone, *unit), row)
    return batch


def write_officials(
    session: Session, fields: Fields, batch: OfficialsBatch, counter: ProgressCounter
) -> None:
    units: dict[tuple[UnitType, int], CsvRow] = {}
    for (_, unit_type, code), row in batch.jurisdictions.items():
        units.setdefault((unit_type, code), row)
    _require_units(session, fields, units, "unit_code")
    hashes = {phone: fields.vault.lookup_hash(phone) for phone in batch.officials.values}
    rows = [
        {
            "name": name,
            "phone_hash": hashes[phone],
            "phone_ciphertext": fields.vault.encrypt(phone),
            "role": role.value,
            "language": language,
            "channel": channel.value,
        }
        for phone, (name, role, language, channel) in batch.officials.values.items()
    ]
    # The ciphertext is written on insert only: encryption is randomised, so rewriting it
    # would turn every unchanged re-import into an update.
    upsert(
        session,
        table_of(Official),
        rows,
        key=("phone_hash",),
        update=("name", "role", "language", "channel"),
        on_batch=counter,
    )
    ids = _ids_by(session, Official.phone_hash, Official.id, sorted(hashes.values()))
    links = [
        {"official_id": ids[hashes[phone]], "unit_type": unit_type.value, "unit_code": code}
        for phone, unit_type, code in batch.jurisdictions
    ]
    upsert(
        session,
        table_of(OfficialJurisdiction),
        links,
        key=("official_id", "unit_type", "unit_code"),
        on_batch=counter,
    )


# --- VWSC members ------------------------------------------------------------------------

CommitteeKey = tuple[UnitType, int]  # (village or gp, its LGD code)


@dataclass
class VwscBatch:
    committees: Keyed = field(default_factory=lambda: Keyed("this VWSC", ("committee_name",)))
    members: Keyed = field(
        default_factory=lambda: Keyed(
            "a member with this phone in this VWSC",
            ("member_name", "role", "language", "channel"),
        )
    )
    rows_by_unit: dict[CommitteeKey, CsvRow] = field(default_factory=dict)


def _committee_of(fields: Fields, row: CsvRow) -> CommitteeKey:
    village = fields.optional_code(row, "village_code")
    gp = fields.optional_code(row, "gp_code")
    if village is not None and gp is not None:
        raise fields.error(row, "gp_code", "give village_code or gp_code, not both")
    if village is not None:
        return UnitType.VILLAGE, village
    if gp is not None:
        return UnitType.GP, gp
    raise fields.error(row, "village_code", "give the village_code or the gp_code of the VWSC")


def parse_vwsc_members(fields: Fields) -> VwscBatch:
    batch = VwscBatch()
    for row in fields.file.rows:
        committee = _committee_of(fields, row)
        batch.committees.add(fields, row, committee, (fields.text(row, "committee_name"),))
        member = (
            fields.text(row, "member_name"),
            fields.choice(row, "role", MemberRole),
            fields.language(row),
            fields.choice(row, "channel", Channel),
        )
        batch.members.add(fields, row, (committee, fields.phone(row)), member)
        batch.rows_by_unit.setdefault(committee, row)
    return batch


def write_vwsc_members(
    session: Session, fields: Fields, batch: VwscBatch, counter: ProgressCounter
) -> None:
    committee_columns = {UnitType.VILLAGE: "village_code", UnitType.GP: "gp_code"}
    _require_units(session, fields, batch.rows_by_unit, committee_columns)
    committee_ids = _upsert_committees(session, batch.committees.values, counter)
    rows = [
        {
            "vwsc_id": committee_ids[committee],
            "name": name,
            "phone_hash": fields.vault.lookup_hash(phone),
            "phone_ciphertext": fields.vault.encrypt(phone),
            "role": role.value,
            "language": language,
            "channel": channel.value,
        }
        for (committee, phone), (name, role, language, channel) in batch.members.values.items()
    ]
    upsert(  # ciphertext on insert only, as for officials
        session,
        table_of(VwscMember),
        rows,
        key=("vwsc_id", "phone_hash"),
        update=("name", "role", "language", "channel"),
        on_batch=counter,
    )


def _upsert_committees(
    session: Session, names: dict[Any, tuple[Any, ...]], counter: ProgressCounter
) -> dict[CommitteeKey, int]:
    """VWSCs of villages and of GPs are upserted on their own unique column each."""
    ids: dict[CommitteeKey, int] = {}
    for unit_type, column in ((UnitType.VILLAGE, "village_code"), (UnitType.GP, "gp_code")):
        codes = sorted(code for kind, code in names if kind == unit_type)
        rows = [{column: code, "name": names[(unit_type, code)][0]} for code in codes]
        upsert(session, table_of(Vwsc), rows, key=(column,), update=("name",), on_batch=counter)
        found = _ids_by(session, getattr(Vwsc, column), Vwsc.id, codes)
        ids.update({(unit_type, code): vwsc_id for code, vwsc_id in found.items()})
    return ids


# --- schemes -----------------------------------------------------------------------------


@dataclass
class SchemesBatch:
    schemes: Keyed = field(default_factory=lambda: Keyed("this scheme", ("scheme_name",)))
    villages: dict[tuple[str, int], CsvRow] = field(default_factory=dict)


def parse_schemes(fields: Fields) -> SchemesBatch:
    batch = SchemesBatch()
    for row in fields.file.rows:
        scheme_id = fields.text(row, "scheme_id", SCHEME_ID_MAX)
        batch.schemes.add(fields, row, scheme_id, (fields.text(row, "scheme_name"),))
        batch.villages.setdefault((scheme_id, fields.code(row, "village_code")), row)
    return batch


def write_schemes(
    session: Session, fields: Fields, batch: SchemesBatch, counter: ProgressCounter
) -> None:
    uses = {(UnitType.VILLAGE, code): row for (_, code), row in batch.villages.items()}
    _require_units(session, fields, uses, "village_code")
    external_ids = sorted(batch.schemes.values)
    rows = [{"external_id": sid, "name": batch.schemes.values[sid][0]} for sid in external_ids]
    upsert(
        session, table_of(Scheme), rows, key=("external_id",), update=("name",), on_batch=counter
    )
    ids = _ids_by(session, Scheme.external_id, Scheme.id, external_ids)
    links = [{"scheme_id": ids[sid], "village_code": code} for sid, code in batch.villages]
    upsert(
        session, table_of(SchemeVillage), links, key=("scheme_id", "village_code"), on_batch=counter
    )


# --- the whole file ----------------------------------------------------------------------


def import_directory(
    session: Session,
    name: str,
    data: bytes,
    vault: ContactVault,
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one directory CSV (its file name and bytes) and record it in the audit chain."""
    file = parse_csv(name, data)
    fmt = detect_format(file.columns())
    if fmt is None:
        expected = "; ".join(f"{f}: {', '.join(keys)}" for f, keys in HEADERS.items())
        raise file.error(1, None, f"not a directory file this importer knows ({expected})")
    fields = Fields(file, HEADERS[fmt], vault)
    counts = _import_format(session, fmt, fields, progress)
    summary = ImportSummary(file.name, fmt.value, file.sha256, len(file.rows), counts)
    record_import(session, summary, AUDIT_ACTION)
    return summary


def _import_format(
    session: Session, fmt: DirectoryFormat, fields: Fields, progress: Progress | None
) -> dict[str, int]:
    if fmt is DirectoryFormat.OFFICIALS:
        officials = parse_officials(fields)
        counts = {
            "officials": len(officials.officials.values),
            "jurisdictions": len(officials.jurisdictions),
        }
        write_officials(session, fields, officials, _counter(counts, progress))
    elif fmt is DirectoryFormat.VWSC_MEMBERS:
        vwscs = parse_vwsc_members(fields)
        counts = {"vwscs": len(vwscs.committees.values), "members": len(vwscs.members.values)}
        write_vwsc_members(session, fields, vwscs, _counter(counts, progress))
    else:
        schemes = parse_schemes(fields)
        counts = {"schemes": len(schemes.schemes.values), "scheme_villages": len(schemes.villages)}
        write_schemes(session, fields, schemes, _counter(counts, progress))
    return counts


def _counter(counts: dict[str, int], progress: Progress | None) -> ProgressCounter:
    return ProgressCounter(sum(counts.values()), progress)


def import_directory_file(
    session: Session,
    source: ImportSource,
    vault: ContactVault,
    *,
    progress: Progress | None = None,
) -> ImportSummary:
    """`import_directory` for a `Path` or a packaged resource."""
    return import_directory(session, source.name, source.read_bytes(), vault, progress=progress)
