"""The LGD downloads we accept, told apart by the columns in their header row."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from grievance.lgd.csvfile import Column, Columns

# LGD levels as the downloads name them; "localbody" is the gram panchayat.
STATE, DISTRICT, SUBDISTRICT, BLOCK, LOCALBODY, VILLAGE = (
    "state",
    "district",
    "subdistrict",
    "block",
    "localbody",
    "village",
)

PARENT: dict[str, str] = {
    DISTRICT: STATE,
    SUBDISTRICT: DISTRICT,
    BLOCK: DISTRICT,
    LOCALBODY: BLOCK,
    VILLAGE: SUBDISTRICT,
}


class LgdFormat(StrEnum):
    CONSTITUENCY = "constituency"
    VILLAGES = "villages"
    BLOCKS = "blocks"
    SUBDISTRICTS = "subdistricts"
    DISTRICTS = "districts"
    STATES = "states"


@dataclass(frozen=True)
class FormatSpec:
    format: LgdFormat
    levels: tuple[str, ...]
    """Levels below the state whose code and name the rows carry, parents first."""
    primary: str
    """The level the file lists: two rows giving it different details are an error."""

    @property
    def links_villages_to_panchayats(self) -> bool:
        return LOCALBODY in self.levels and VILLAGE in self.levels


# Most specific first: a constituency file also has every column a village list has.
SPECS: tuple[FormatSpec, ...] = (
    FormatSpec(LgdFormat.CONSTITUENCY, (DISTRICT, SUBDISTRICT, BLOCK, LOCALBODY, VILLAGE), VILLAGE),
    FormatSpec(LgdFormat.VILLAGES, (DISTRICT, SUBDISTRICT, VILLAGE), VILLAGE),
    FormatSpec(LgdFormat.BLOCKS, (DISTRICT, BLOCK), BLOCK),
    FormatSpec(LgdFormat.SUBDISTRICTS, (DISTRICT, SUBDISTRICT), SUBDISTRICT),
    FormatSpec(LgdFormat.DISTRICTS, (DISTRICT,), DISTRICT),
    FormatSpec(LgdFormat.STATES, (), STATE),
)


def detect_format(columns: Columns) -> FormatSpec | None:
    for spec in SPECS:
        levels = spec.levels or (STATE,)
        if columns.has_all(key for level in levels for key in (f"{level}_code", f"{level}_name")):
            return spec
    return None


def expected_headers() -> str:
    """For the error when no format matches."""
    return "; ".join(
        f"{spec.format}: " + ", ".join(f"{level} code/name" for level in spec.levels or (STATE,))
        for spec in SPECS
    )


@dataclass(frozen=True)
class LevelColumns:
    code: Column
    name: Column
    local: Column | None


def level_columns(columns: Columns, level: str) -> LevelColumns | None:
    code, name = columns.get(f"{level}_code"), columns.get(f"{level}_name")
    if code is None or name is None:
        return None
    return LevelColumns(code, name, local_name_column(columns, level))


def local_name_column(columns: Columns, level: str) -> Column | None:
    """The local-language name: "Village Name (In Local language)" in village lists, a second
    "State Name" / "Block Name" column in the master lists."""
    spelled = columns.any_of(
        f"{level}_name_in_local_language",
        f"{level}_name_in_local",
        f"{level}_name_local",
        f"{level}_local_name",
        f"local_{level}_name",
    )
    return spelled or columns.repeated(f"{level}_name")
