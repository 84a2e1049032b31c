"""LGD import: formats, upsert by code, all-or-nothing errors, the audit event, the CLI."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.errors import ImportRowError
from grievance.lgd.importer import import_lgd, import_lgd_file
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
from grievance.lgd.summary import ImportSummary
from jalsamvad.cli import app

SHARED_LGD = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lgd"

# The real download's columns (a subset, in its order); rows get its empty trailing column.
CONSTITUENCY_HEADER = (
    "Assembly Constituency Code,Block Code,Block Name,District Code,District Name,"
    "Localbody Code,Localbody Name,State Name,Subdistrict Code,Subdistrict Name,"
    "Village Code,Village Name"
)
TAMMAPUR_ROW = {
    "ac": "3641",
    "block": "5895",
    "block_name": "MANVI",
    "district": "546",
    "district_name": "RAICHUR",
    "gp": "219744",
    "gp_name": "GORKAL",
    "state": "KARNATAKA",
    "sub": "5462",
    "sub_name": "Manvi",
    "village": "601014",
    "village_name": "Tammapur",
}


def row(**changes: str) -> str:
    """A constituency row: Tammapur in GP Gorkal, with the given cells changed."""
    values = TAMMAPUR_ROW | changes
    return ",".join(values[key] for key in TAMMAPUR_ROW)


def constituency(*rows: str, bom: bool = True) -> bytes:
    text = "\n".join([CONSTITUENCY_HEADER, *(f"{line}," for line in rows)]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


TAMMAPUR = row()
HOSUR = row(village="699902", village_name="Hosur")
# Kerehalli belongs to two GPs; SIDDAPUR straddles two blocks (its first row's block wins),
# and each link keeps its own row's block. Tammapur repeats under another constituency.
SMALL = constituency(
    TAMMAPUR,
    row(ac="3642"),
    HOSUR,
    row(village="699903", village_name="Kerehalli"),
    row(village="699903", village_name="Kerehalli", gp="299902", gp_name="SIDDAPUR"),
    row(
        village="699909",
        village_name="Basapur",
        gp="299902",
        gp_name="SIDDAPUR",
        block="9901",
        block_name="SIRIGERE",
    ),
)
SMALL_COUNTS = {
    "states": 1,
    "districts": 1,
    "subdistricts": 1,
    "blocks": 2,
    "gram_panchayats": 2,
    "villages": 4,
    "village_panchayats": 5,
}


def run_import(
    sessions: sessionmaker[Session], name: str, data: bytes, **options: Any
) -> ImportSummary:
    with unit_of_work(sessions) as session:
        return import_lgd(session, name, data, **options)


def count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def get(sessions: sessionmaker[Session], model: Any, key: Any) -> Any:
    with sessions() as session:
        found = session.get(model, key)
    assert found is not None, f"{model.__name__} {key} is missing"
    return found


def snapshot(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every LGD row and audit event, to compare a database before and after."""
    queries: dict[str, Any] = {
        "states": select(State.code, State.name),
        "districts": select(District.code, District.state_code, District.name),
        "subdistricts": select(SubDistrict.code, SubDistrict.district_code, SubDistrict.name),
        "blocks": select(Block.code, Block.district_code, Block.name),
        "gps": select(GramPanchayat.code, GramPanchayat.block_code, GramPanchayat.name),
        "villages": select(Village.code, Village.subdistrict_code, Village.name),
        "links": select(
            VillagePanchayat.village_code, VillagePanchayat.gp_code, VillagePanchayat.block_code
        ),
        "audit": select(AuditEvent.seq, AuditEvent.hash),
    }
    with sessions() as session:
        return {name: sorted(map(tuple, session.execute(query))) for name, query in queries.items()}


# --- constituency format -----------------------------------------------------------------


def test_constituency_file_builds_both_trees_and_the_links(
    sessions: sessionmaker[Session],
) -> None:
    summary = run_import(sessions, "29-karnataka-constituency.csv", SMALL)

    assert (summary.format, summary.rows, summary.counts) == ("constituency", 6, SMALL_COUNTS)
    assert get(sessions, State, 29).name == "KARNATAKA"
    assert get(sessions, District, 546).state_code == 29
    assert get(sessions, Block, 9901).district_code == 546
    assert get(sessions, Village, 601014).subdistrict_code == 5462
    assert get(sessions, GramPanchayat, 299902).block_code == 5895
    assert snapshot(sessions)["links"] == [
        (601014, 219744, 5895),
        (699902, 219744, 5895),
        (699903, 219744, 5895),
        (699903, 299902, 5895),
        (699909, 299902, 9901),
    ]


def test_each_import_writes_one_audit_event_with_hash_and_counts(
    sessions: sessionmaker[Session],
) -> None:
    run_import(sessions, "29-karnataka-constituency.csv", SMALL)

    with sessions() as session:
        events = session.scalars(select(AuditEvent)).all()
    assert len(events) == 1
    event = events[0]
    assert (event.actor, event.action, event.entity_type, event.entity_id) == (
        "system:import",
        "lgd.imported",
        "import",
        "29-karnataka-constituency.csv",
    )
    assert event.payload["sha256"] == hashlib.sha256(SMALL).hexdigest()
    assert event.payload["format"] == "constituency"
    assert event.payload["counts"] == SMALL_COUNTS


def test_reimport_updates_renamed_villages_and_duplicates_nothing(
    sessions: sessionmaker[Session],
) -> None:
    run_import(sessions, "29-k.csv", SMALL)
    renamed = SMALL.replace(b",Hosur,", b",Hosuru,")
    run_import(sessions, "29-k.csv", renamed)
    run_import(sessions, "29-k.csv", renamed)

    assert count(sessions, Village) == 4
    assert count(sessions, VillagePanchayat) == 5
    assert count(sessions, GramPanchayat) == 2
    assert count(sessions, AuditEvent) == 3
    assert get(sessions, Village, 699902).name == "Hosuru"


def test_zero_padded_codes_are_stored_as_integers(sessions: sessionmaker[Session]) -> None:
    padded = row(block="05895", district="0546", gp="0219744", sub="05462", village="0601014")
    run_import(sessions, "29-k.csv", constituency(padded, TAMMAPUR))

    with sessions() as session:
        assert session.scalars(select(Village.code)).all() == [601014]
        assert session.scalars(select(SubDistrict.code)).all() == [5462]
    assert get(sessions, VillagePanchayat, (601014, 219744)).block_code == 5895


def test_progress_is_reported_up_to_every_row_written(sessions: sessionmaker[Session]) -> None:
    calls: list[tuple[int, int]] = []
    with unit_of_work(sessions) as session:
        import_lgd(session, "29-k.csv", SMALL, progress=lambda *call: calls.append(call))
    total = sum(SMALL_COUNTS.values())
    assert calls[0] == (0, total) and calls[-1] == (total, total)


# --- errors: all or nothing ---------------------------------------------------------------

BAD_ROWS = {
    "blank village code": (row(village=""), "Village Code"),
    "all-zero code": (row(gp="000000"), "Localbody Code"),
    "letters in a code": (row(block="58X5"), "Block Code"),
    "blank name": (row(village_name=" "), "Village Name"),
    "name too long": (row(village_name="H" * 121), "Village Name"),
}


@pytest.mark.parametrize("problem", list(BAD_ROWS))
def test_a_malformed_row_names_file_line_and_column_and_writes_nothing(
    sessions: sessionmaker[Session], problem: str
) -> None:
    bad_row, column = BAD_ROWS[problem]
    run_import(sessions, "29-k.csv", SMALL)
    before = snapshot(sessions)
    # Line 1 is the header. The good rows before the bad one are not written either.
    data = constituency(row(village_name="Renamed"), HOSUR, bad_row)

    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "29-bad.csv", data)

    error = caught.value
    assert (error.file, error.line, error.column) == ("29-bad.csv", 4, column)
    assert f"29-bad.csv, line 4, column '{column}'" in str(error)
    assert snapshot(sessions) == before


def test_a_row_with_surplus_values_is_malformed(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "29-k.csv", constituency(TAMMAPUR, HOSUR + ",surplus"))
    assert (caught.value.file, caught.value.line) == ("29-k.csv", 3)
    assert count(sessions, Village) == 0


def test_same_village_code_with_another_name_is_a_conflict(
    sessions: sessionmaker[Session],
) -> None:
    data = constituency(TAMMAPUR, HOSUR, row(ac="3642", village_name="Tamapura"))

    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "29-k.csv", data)

    assert (caught.value.line, caught.value.column) == (4, "Village Name")
    assert "line 2" in caught.value.problem
    assert count(sessions, Village) == 0 and count(sessions, AuditEvent) == 0


def test_an_unknown_header_is_refused_on_line_1(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "people.csv", b"name,phone\nA,1\n")
    assert caught.value.line == 1


def test_a_file_that_is_not_utf8_is_refused_with_its_line(sessions: sessionmaker[Session]) -> None:
    data = constituency(TAMMAPUR, bom=False) + row(village_name="Hos\xfcr").encode("latin-1")
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "29-k.csv", data)
    assert caught.value.line == 3


# --- which state --------------------------------------------------------------------------


def test_state_comes_from_the_name_when_the_file_name_has_no_code(
    sessions: sessionmaker[Session],
) -> None:
    run_import(sessions, "karnataka.csv", constituency(row(state="Karnataka")))
    assert get(sessions, District, 546).state_code == 29


def test_an_unknown_state_name_is_refused(sessions: sessionmaker[Session]) -> None:
    data = constituency(TAMMAPUR, row(state="ATLANTIS"))
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "upload.csv", data)
    assert (caught.value.line, caught.value.column) == (3, "State Name")
    assert "--state" in caught.value.problem
    assert count(sessions, State) == 0


def test_state_option_names_a_state_the_file_does_not(sessions: sessionmaker[Session]) -> None:
    run_import(sessions, "upload.csv", constituency(row(state="")), state_code=29)
    assert get(sessions, State, 29).name == "KARNATAKA"


def test_a_state_name_contradicting_the_file_name_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "33-tamil-nadu-constituency.csv", constituency(TAMMAPUR))
    assert caught.value.column == "State Name" and "33" in caught.value.problem


def test_a_file_without_any_state_needs_the_option(sessions: sessionmaker[Session]) -> None:
    data = (
        b"District Code,District Name,Subdistrict Code,Subdistrict Name,Village Code,Village Name\n"
        b"546,RAICHUR,5462,Manvi,601014,Tammapur\n"
    )

    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "villages.csv", data)
    assert caught.value.line == 1

    run_import(sessions, "villages.csv", data, state_code=29)
    assert get(sessions, State, 29).name == "KARNATAKA"


def test_state_option_rejects_rows_of_another_state(sessions: sessionmaker[Session]) -> None:
    data = (
        b"State Code,State Name,District Code,District Name\n"
        b"29,KARNATAKA,546,RAICHUR\n33,TAMIL NADU,582,PUDUKKOTTAI\n"
    )
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, "2-district.csv", data, state_code=29)
    assert (caught.value.line, caught.value.column) == (3, "State Code")


def test_the_state_table_knows_all_36_states_and_uts() -> None:
    assert len(STATE_NAMES) == 36
    assert state_code_for_name("Tamil  Nadu") == 33
    assert state_code_for_name("Jammu & Kashmir") == 1
    assert state_code_for_name("Orissa") == 21
    assert state_code_for_name("Atlantis") is None


# --- village list and master lists --------------------------------------------------------

VILLAGE_LIST = (
    "State Code,State Name,District Code,District Name,Sub-District Code,Sub-District Name,"
    "Village Code,Village Version,Village Name,Village Name (In Local language)\n"
    "29,KARNATAKA,546,RAICHUR,05462,Manvi,601014,1,Tammapura,ತಮ್ಮಾಪುರ\n"
    "29,KARNATAKA,546,RAICHUR,05462,Manvi,699902,2,Hosur,\n"
).encode()


def test_village_list_with_local_names_and_other_spellings(
    sessions: sessionmaker[Session],
) -> None:
    summary = run_import(sessions, "villages.csv", VILLAGE_LIST)

    assert summary.format == "villages"
    assert count(sessions, VillagePanchayat) == 0
    assert get(sessions, Village, 601014).name_local == "ತಮ್ಮಾಪುರ"
    assert get(sessions, Village, 699902).name_local is None


def test_a_village_list_renames_but_keeps_the_gp_links(sessions: sessionmaker[Session]) -> None:
    run_import(sessions, "29-k.csv", SMALL)
    run_import(sessions, "villages.csv", VILLAGE_LIST)

    assert count(sessions, VillagePanchayat) == 5
    assert get(sessions, Village, 601014).name == "Tammapura"


MASTER_LISTS = {
    "1-state.csv": (
        "S.No.,State Code,State Version,State Name,State Name,Census 2001 Code,"
        "Census 2011 Code,State or UT\n"
        "1,29,1,KARNATAKA,ಕರ್ನಾಟಕ,29,29,S\n2,33,1,TAMIL NADU,TAMIL NADU,33,33,S\n",
        "states",
        {"states": 2},
    ),
    "2-district.csv": (
        '"State Code","State Name","District Code","District Name","Census 2001 Code",'
        '"Census 2011 Code"\n29,"KARNATAKA",546,"RAICHUR",06,559\n'
        '33,"TAMIL NADU",582,PUDUKKOTTAI,,621\n',
        "districts",
        {"states": 2, "districts": 2},
    ),
    "3-subdistrict.csv": (
        "S.No.,State Code,State Name,District Code,District Name,Sub-district Code,"
        "Sub-district Version,Sub-district Name,Census 2001 code,Census 2011 code\n"
        "1,29,KARNATAKA,546,RAICHUR,5462,1,Manvi,,05462\n",
        "subdistricts",
        {"states": 1, "districts": 1, "subdistricts": 1},
    ),
    "blocks.csv": (
        "S.No.,State Code,State Name,District Code,District Name,Block Code,Block Version,"
        "Block Name ,Block Name\n1,29,KARNATAKA,546,RAICHUR,5895,1,MANVI,\n"
        # Real lists name a block under each district it spans: not a conflict.
        "2,29,KARNATAKA,547,KOPPAL,5895,1,MANVI,\n",
        "blocks",
        {"states": 1, "districts": 2, "blocks": 1},
    ),
}


@pytest.mark.parametrize("name", list(MASTER_LISTS))
def test_master_lists_import_with_their_parents(sessions: sessionmaker[Session], name: str) -> None:
    text, fmt, counts = MASTER_LISTS[name]
    summary = run_import(sessions, name, text.encode())
    run_import(sessions, name, text.encode())

    assert (summary.format, summary.counts) == (fmt, counts)
    assert count(sessions, State) == counts["states"]
    assert count(sessions, District) == counts.get("districts", 0)


def test_state_list_keeps_local_names_only_where_they_differ(
    sessions: sessionmaker[Session],
) -> None:
    run_import(sessions, "1-state.csv", MASTER_LISTS["1-state.csv"][0].encode())
    assert get(sessions, State, 29).name_local == "ಕರ್ನಾಟಕ"
    assert get(sessions, State, 33).name_local is None


# --- the real downloads -------------------------------------------------------------------

REAL_FILES = ("29-karnataka-constituency.csv", "33-tamil-nadu-constituency.csv")


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(
    not all((SHARED_LGD / name).is_file() for name in REAL_FILES),
    reason="the shared LGD extracts are not present",
)
def test_real_karnataka_and_tamil_nadu_files(sessions: sessionmaker[Session]) -> None:
    rows = {name: read_rows(SHARED_LGD / name) for name in REAL_FILES}
    # Counted from the CSV here, independently of the importer.
    villages = {name: {int(r["Village Code"]) for r in found} for name, found in rows.items()}
    pairs = {(int(r["Village Code"]), int(r["Localbody Code"])) for f in rows.values() for r in f}
    assert len(rows[REAL_FILES[0]]) == 14_859

    for name in REAL_FILES:
        with unit_of_work(sessions) as session:
            summary = import_lgd_file(session, SHARED_LGD / name)
        assert summary.counts["villages"] == len(villages[name])

    assert count(sessions, Village) == len(set().union(*villages.values()))
    assert count(sessions, VillagePanchayat) == len(pairs)
    assert count(sessions, State) == 2
    assert get(sessions, Village, 601014).name == "Tammapur"


# --- the command --------------------------------------------------------------------------


@pytest.fixture
def cli_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", "cli-test-secret")
    return tmp_path


def test_cli_imports_files_and_prints_counts(cli_dir: Path) -> None:
    path = cli_dir / "29-karnataka-constituency.csv"
    path.write_bytes(SMALL)

    result = CliRunner().invoke(app, ["lgd", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "villages 4" in result.output


def test_cli_reports_a_bad_file_and_exits_non_zero(cli_dir: Path) -> None:
    good, bad = cli_dir / "29-good.csv", cli_dir / "29-bad.csv"
    good.write_bytes(SMALL)
    bad.write_bytes(constituency(TAMMAPUR, row(village="")))

    result = CliRunner().invoke(app, ["lgd", "import", str(good), str(bad)])

    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "29-bad.csv, line 3, column 'Village Code': the code is blank" in output
    assert "nothing was imported" in output


def test_cli_state_option(cli_dir: Path) -> None:
    path = cli_dir / "upload.csv"
    path.write_bytes(constituency(row(state="")))

    refused = CliRunner().invoke(app, ["lgd", "import", str(path)])
    accepted = CliRunner().invoke(app, ["lgd", "import", "--state", "29", str(path)])

    assert refused.exit_code == 1
    assert "--state" in refused.output
    assert accepted.exit_code == 0, accepted.output
