"""Directory import: officials, VWSC members and schemes; the packaged demo directory; the CLI."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from grievance.audit.models import AuditEvent
from grievance.db import unit_of_work
from grievance.demo import load_demo_directory
from grievance.directory.importer import import_directory
from grievance.directory.models import (
    Official,
    OfficialJurisdiction,
    Scheme,
    SchemeVillage,
    Vwsc,
    VwscMember,
)
from grievance.errors import ImportRowError
from grievance.lgd.importer import import_lgd
from grievance.lgd.models import GramPanchayat, Village, VillagePanchayat
from grievance.lgd.summary import ImportSummary
from grievance.privacy import ContactVault
from grievance.types import UnitType
from jalsamvad.cli import app

DEMO_LGD = (resources.files("grievance.demo") / "lgd.csv").read_bytes()

OFFICIALS_HEADER = "name,phone,role,unit_type,unit_code,language,channel"
VWSC_HEADER = "village_code,gp_code,committee_name,member_name,phone,role,language,channel"
SCHEMES_HEADER = "scheme_id,scheme_name,village_code"

OFFICIALS = [
    "Ravi Kulkarni,+91 98450 00101,je,block,5895,kn,whatsapp",
    # The same JE (same number, written differently) also serves GP 299903: a jurisdiction.
    "Ravi Kulkarni,09845000101,je,gp,299903,kn,whatsapp",
    "Shobha Patil,+91 98450 00102,AE,subdistrict,05462,kn,sms",
    "Arvind Rao,+91 98450 00105,state_admin,state,29,en,web",
]
VWSC_MEMBERS = [
    "601014,,Tammapur VWSC,Savitri Naik,+91 98450 01001,chair,kn,whatsapp",
    "601014,,Tammapur VWSC,Basavaraj Madar,+91 98450 01005,pump_operator,kn,voice",
    ",299901,Kallur GP VWSC,Geeta Pujari,+91 98450 01021,chair,HI-latn,whatsapp",
    # The same person may sit on two committees.
    ",299901,Kallur GP VWSC,Savitri Naik,+91 98450 01001,member,kn,whatsapp",
]
SCHEMES = [
    "KA-RCR-MVS-0001,Gorkal-Kallur MVS,601014",
    "KA-RCR-MVS-0001,Gorkal-Kallur MVS,699904",
    "KA-RCR-SVS-0002,Siddapur SVS,699908",
]


def csv_file(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


@pytest.fixture
def directory(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """The demo LGD extract only: villages and GPs, no people."""
    with unit_of_work(sessions) as session:
        import_lgd(session, "lgd.csv", DEMO_LGD, state_code=29)
    return sessions


def run_import(
    sessions: sessionmaker[Session], vault: ContactVault, name: str, data: bytes
) -> ImportSummary:
    with unit_of_work(sessions) as session:
        return import_directory(session, name, data, vault)


def count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def snapshot(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Directory rows (ciphertext aside: it is re-randomised by design) and the audit chain."""
    queries: dict[str, Any] = {
        "officials": select(
            Official.id,
            Official.name,
            Official.phone_hash,
            Official.role,
            Official.language,
            Official.channel,
        ),
        "jurisdictions": select(
            OfficialJurisdiction.official_id,
            OfficialJurisdiction.unit_type,
            OfficialJurisdiction.unit_code,
        ),
        "vwscs": select(Vwsc.id, Vwsc.name, Vwsc.village_code, Vwsc.gp_code),
        "members": select(
            VwscMember.id,
            VwscMember.vwsc_id,
            VwscMember.name,
            VwscMember.phone_hash,
            VwscMember.role,
        ),
        "schemes": select(Scheme.id, Scheme.external_id, Scheme.name),
        "scheme_villages": select(SchemeVillage.scheme_id, SchemeVillage.village_code),
        "villages": select(Village.code, Village.name, Village.name_local),
        "links": select(VillagePanchayat.village_code, VillagePanchayat.gp_code),
        "audit": select(AuditEvent.seq, AuditEvent.hash),
    }
    with sessions() as session:
        return {name: sorted(map(tuple, session.execute(query))) for name, query in queries.items()}


def expect_error(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    data: bytes,
    line: int,
    column: str | None,
) -> ImportRowError:
    """The import fails on that line and column and leaves the database as it was."""
    before = snapshot(sessions)
    with pytest.raises(ImportRowError) as caught:
        run_import(sessions, vault, "upload.csv", data)
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "upload.csv",
        line,
        column,
    )
    assert snapshot(sessions) == before
    return caught.value


# --- officials -----------------------------------------------------------------------------


def test_officials_one_per_phone_with_all_their_jurisdictions(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    data = csv_file(OFFICIALS_HEADER, OFFICIALS)
    summary = run_import(directory, vault, "officials.csv", data)

    assert (summary.format, summary.counts) == ("officials", {"officials": 3, "jurisdictions": 4})
    with directory() as session:
        je = session.scalars(select(Official).where(Official.name == "Ravi Kulkarni")).one()
        units = session.execute(
            select(OfficialJurisdiction.unit_type, OfficialJurisdiction.unit_code).where(
                OfficialJurisdiction.official_id == je.id
            )
        ).all()
        ae = session.scalars(select(Official).where(Official.name == "Shobha Patil")).one()
    assert sorted(map(tuple, units)) == [(UnitType.BLOCK, 5895), (UnitType.GP, 299903)]
    assert je.phone_hash == vault.lookup_hash("+919845000101")
    assert vault.decrypt(je.phone_ciphertext) == "+919845000101"
    assert (ae.role, ae.channel) == ("ae", "sms")


def test_officials_reimport_updates_and_duplicates_nothing(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    run_import(directory, vault, "officials.csv", csv_file(OFFICIALS_HEADER, OFFICIALS))
    renamed = [
        OFFICIALS[0].replace("Ravi Kulkarni", "Ravi K."),
        OFFICIALS[1].replace("Ravi Kulkarni", "Ravi K."),
        *OFFICIALS[2:],
    ]
    run_import(directory, vault, "officials.csv", csv_file(OFFICIALS_HEADER, renamed))
    run_import(directory, vault, "officials.csv", csv_file(OFFICIALS_HEADER, renamed))

    assert count(directory, Official) == 3
    assert count(directory, OfficialJurisdiction) == 4
    with directory() as session:
        assert (
            session.scalar(
                select(Official.name).where(
                    Official.phone_hash == vault.lookup_hash("+919845000101")
                )
            )
            == "Ravi K."
        )


def test_the_audit_event_counts_officials_and_holds_no_phone_number(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    run_import(directory, vault, "officials.csv", csv_file(OFFICIALS_HEADER, OFFICIALS))

    with directory() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "directory.imported")
        ).one()
    assert (event.actor, event.entity_type, event.entity_id) == (
        "system:import",
        "import",
        "officials.csv",
    )
    assert event.payload["counts"] == {"officials": 3, "jurisdictions": 4}
    assert "98450" not in json.dumps(event.payload)


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("Ravi Kulkarni,+91 12345,je,block,5895,kn,whatsapp", "phone"),
        ("Ravi Kulkarni,+91 98450 00101,chief,block,5895,kn,whatsapp", "role"),
        ("Ravi Kulkarni,+91 98450 00101,je,taluk,5895,kn,whatsapp", "unit_type"),
        ("Ravi Kulkarni,+91 98450 00101,je,block,0,kn,whatsapp", "unit_code"),
        ("Ravi Kulkarni,+91 98450 00101,je,block,5895,Kannada!,whatsapp", "language"),
        ("Ravi Kulkarni,+91 98450 00101,je,block,5895,kn,pigeon", "channel"),
        ("Ravi Kulkarni,+91 98450 00101,je,block,5896,kn,whatsapp", "unit_code"),  # unknown
        ("Ravi Kulkarni,+91 98450 00101,ae,block,5895,kn,whatsapp", "role"),  # contradicts line 2
    ],
)
def test_a_bad_official_row_is_refused_and_nothing_written(
    directory: sessionmaker[Session], vault: ContactVault, bad_row: str, column: str
) -> None:
    data = csv_file(OFFICIALS_HEADER, [OFFICIALS[0], OFFICIALS[2], bad_row])
    expect_error(directory, vault, data, 4, column)
    assert count(directory, Official) == 0


def test_a_bad_phone_is_never_shown_in_the_error(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    data = csv_file(OFFICIALS_HEADER, ["Ravi Kulkarni,+91 98450 1234,je,block,5895,kn,sms"])
    error = expect_error(directory, vault, data, 2, "phone")
    assert "98450 1234" not in str(error) and "984501234" not in str(error)


# --- VWSC members --------------------------------------------------------------------------


def test_vwsc_members_by_village_and_by_gp(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    summary = run_import(directory, vault, "vwsc.csv", csv_file(VWSC_HEADER, VWSC_MEMBERS))

    assert (summary.format, summary.counts) == ("vwsc_members", {"vwscs": 2, "members": 4})
    with directory() as session:
        committees = session.execute(select(Vwsc.name, Vwsc.village_code, Vwsc.gp_code)).all()
        operator = session.scalars(
            select(VwscMember).where(VwscMember.role == "pump_operator")
        ).one()
        languages = set(session.scalars(select(VwscMember.language)))
    assert sorted(map(tuple, committees)) == [
        ("Kallur GP VWSC", None, 299901),
        ("Tammapur VWSC", 601014, None),
    ]
    assert vault.decrypt(operator.phone_ciphertext) == "+919845001005"
    assert languages == {"kn", "hi-Latn"}  # BCP 47 casing restored


def test_vwsc_reimport_is_idempotent(directory: sessionmaker[Session], vault: ContactVault) -> None:
    data = csv_file(VWSC_HEADER, VWSC_MEMBERS)
    run_import(directory, vault, "vwsc.csv", data)
    first = snapshot(directory)
    run_import(directory, vault, "vwsc.csv", data.replace(b"Savitri Naik", b"Savitri N."))

    assert count(directory, Vwsc) == 2 and count(directory, VwscMember) == 4
    after = snapshot(directory)
    assert [m[0] for m in after["members"]] == [m[0] for m in first["members"]]
    assert sum(1 for m in after["members"] if m[2] == "Savitri N.") == 2


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("601014,299901,Tammapur VWSC,Renuka,+91 98450 01003,member,kn,sms", "gp_code"),  # both
        (",,Tammapur VWSC,Renuka,+91 98450 01003,member,kn,sms", "village_code"),  # neither
        ("699999,,Nowhere VWSC,Renuka,+91 98450 01003,member,kn,sms", "village_code"),
        (",299999,Nowhere VWSC,Renuka,+91 98450 01003,member,kn,sms", "gp_code"),
        ("601014,,Tammapur VWSC,Renuka,98450,member,kn,sms", "phone"),
        ("601014,,Tammapur VWSC,Renuka,+91 98450 01003,treasurer,kn,sms", "role"),
        ("601014,,Tammapur Paani Samiti,Renuka,+91 98450 01003,member,kn,sms", "committee_name"),
    ],
)
def test_a_bad_vwsc_row_is_refused_and_nothing_written(
    directory: sessionmaker[Session], vault: ContactVault, bad_row: str, column: str
) -> None:
    data = csv_file(VWSC_HEADER, [*VWSC_MEMBERS[:2], bad_row])
    expect_error(directory, vault, data, 4, column)
    assert count(directory, Vwsc) == 0 and count(directory, VwscMember) == 0


# --- schemes -------------------------------------------------------------------------------


def test_schemes_and_the_villages_they_serve(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    data = csv_file(SCHEMES_HEADER, SCHEMES)
    run_import(directory, vault, "schemes.csv", data)
    summary = run_import(directory, vault, "schemes.csv", data)

    assert summary.counts == {"schemes": 2, "scheme_villages": 3}
    assert count(directory, Scheme) == 2 and count(directory, SchemeVillage) == 3


@pytest.mark.parametrize(
    ("bad_row", "column"),
    [
        ("KA-RCR-MVS-0001,Gorkal-Kallur MVS,699999", "village_code"),
        ("KA-RCR-MVS-0001,Another name,699905", "scheme_name"),
        (",Nameless,699905", "scheme_id"),
    ],
)
def test_a_bad_scheme_row_is_refused(
    directory: sessionmaker[Session], vault: ContactVault, bad_row: str, column: str
) -> None:
    expect_error(directory, vault, csv_file(SCHEMES_HEADER, [*SCHEMES[:2], bad_row]), 4, column)


def test_an_unknown_directory_header_is_refused_on_line_1(
    directory: sessionmaker[Session], vault: ContactVault
) -> None:
    expect_error(directory, vault, b"who,what\na,b\n", 1, None)


def test_directory_rows_need_the_lgd_first(
    sessions: sessionmaker[Session], vault: ContactVault
) -> None:
    expect_error(sessions, vault, csv_file(SCHEMES_HEADER, SCHEMES), 2, "village_code")


# --- the demo directory --------------------------------------------------------------------


def test_demo_directory_loads_twice_without_change(
    sessions: sessionmaker[Session], vault: ContactVault
) -> None:
    with unit_of_work(sessions) as session:
        load_demo_directory(session, vault)
    first = snapshot(sessions)
    with unit_of_work(sessions) as session:
        load_demo_directory(session, vault)

    assert snapshot(sessions) == first
    assert len(first["audit"]) == 4  # one event per demo file, none for the second load
    assert len(first["villages"]) == 12 and len(first["vwscs"]) == 4
    assert ("Tammapur", "ತಮ್ಮಾಪುರ") in {(v[1], v[2]) for v in first["villages"]}
    assert {o[3] for o in first["officials"]} == {"je", "ae", "ee", "dwsm", "state_admin"}


def test_demo_has_a_village_with_no_vwsc_and_no_je(
    sessions: sessionmaker[Session], vault: ContactVault
) -> None:
    with unit_of_work(sessions) as session:
        load_demo_directory(session, vault)
    with sessions() as session:
        orphan_gp = session.scalar(
            select(VillagePanchayat.gp_code).where(VillagePanchayat.village_code == 699911)
        )
        block = session.scalar(
            select(GramPanchayat.block_code).where(GramPanchayat.code == orphan_gp)
        )
        vwscs = session.scalar(
            select(func.count())
            .select_from(Vwsc)
            .where((Vwsc.village_code == 699911) | (Vwsc.gp_code == orphan_gp))
        )
        block_officials = session.scalar(
            select(func.count())
            .select_from(OfficialJurisdiction)
            .where(
                OfficialJurisdiction.unit_type == UnitType.BLOCK,
                OfficialJurisdiction.unit_code == block,
            )
        )
    assert block == 9901 and vwscs == 0 and block_officials == 0


# --- the command ---------------------------------------------------------------------------


@pytest.fixture
def cli_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", "cli-test-secret")
    (tmp_path / "lgd.csv").write_bytes(DEMO_LGD)
    (tmp_path / "officials.csv").write_bytes(csv_file(OFFICIALS_HEADER, OFFICIALS))
    (tmp_path / "vwsc.csv").write_bytes(csv_file(VWSC_HEADER, VWSC_MEMBERS))
    return tmp_path


def test_cli_imports_directory_files(cli_dir: Path) -> None:
    runner = CliRunner()
    lgd = runner.invoke(app, ["lgd", "import", "--state", "29", str(cli_dir / "lgd.csv")])
    result = runner.invoke(
        app, ["directory", "import", str(cli_dir / "officials.csv"), str(cli_dir / "vwsc.csv")]
    )

    assert lgd.exit_code == 0, lgd.output
    assert result.exit_code == 0, result.output
    assert "officials 3" in result.output and "members 4" in result.output
    assert "98450" not in result.output


def test_cli_reports_a_bad_phone_without_showing_it(cli_dir: Path) -> None:
    CliRunner().invoke(app, ["lgd", "import", "--state", "29", str(cli_dir / "lgd.csv")])
    bad = cli_dir / "bad.csv"
    bad_row = "X,+91 98450 7777,je,state,29,kn,sms"
    bad.write_bytes(csv_file(OFFICIALS_HEADER, [OFFICIALS[0], bad_row]))

    result = CliRunner().invoke(app, ["directory", "import", str(bad)])

    output = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "bad.csv, line 3, column 'phone'" in output and "nothing was imported" in output
    assert "98450 7777" not in output
