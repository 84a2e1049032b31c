"""The social audit's statistics: folded from the audit log by the worker's updater, equal to a
full rebuild, rolled up to GP, block, district and state; figures checked by hand."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from grievance.audit.models import AuditChainHead, AuditEvent
from grievance.db import make_engine, make_sessionmaker, unit_of_work
from grievance.errors import TransitionNotAllowedError, ValidationError
from grievance.lgd.models import VillagePanchayat
from grievance.policy import Policy, load_policy
from grievance.privacy import ContactVault
from grievance.quality.check import Reading
from grievance.quality.service import WaterTestService
from grievance.social_audit import fold, rollup
from grievance.social_audit.models import DailyFigures, StatsWatermark
from grievance.social_audit.rebuild import rebuild_stats
from grievance.social_audit.updater import STATS_TABLES, update_stats
from grievance.tickets.actor import Actor
from grievance.tickets.confirmation import close_unconfirmed
from grievance.tickets.enums import ActorRole, Status
from grievance.tickets.escalation import sweep
from grievance.tickets.service import TicketService
from grievance.types import UnitType
from jalsamvad.cli import app
from tests.builders import START, FakeClock, Place, build_directory
from tests.conftest import TEST_SECRET, Desk, _empty_all_tables

TESTER = Actor(ActorRole.VWSC, "member-9")
SAFE = [Reading("ph", 7.2), Reading("turbidity", 0.5), Reading("e_coli", False)]
UNSAFE = [Reading("ph", 7.2), Reading("fluoride", 2.4), Reading("e_coli", True)]
WINDOW = timedelta(hours=72)
# tests.builders.START is 2026-11-02 06:00 UTC: 11:30 in India, on day D0.
D0 = date(2026, 11, 2)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def snapshot(sessions: sessionmaker[Session]) -> dict[str, list[tuple[Any, ...]]]:
    """Every statistics row and the watermark, in key order."""
    with sessions() as session:
        tables = {
            table.name: sorted(tuple(row) for row in session.execute(select(table)))
            for table in STATS_TABLES
        }
        tables["watermark"] = [tuple(r) for r in session.execute(select(StatsWatermark.seq))]
    return tables


def daily(sessions: sessionmaker[Session]) -> dict[tuple[int, date, str], dict[str, int]]:
    """The non-zero figures of each village, day and category."""
    columns = [c.name for c in DailyFigures.__table__.columns][3:]
    with sessions() as session:
        rows = session.scalars(select(DailyFigures)).all()
    return {
        (r.village_code, r.day, r.category): {
            c: getattr(r, c) for c in columns if getattr(r, c) != 0
        }
        for r in rows
    }


def record_test(desk: Desk, village: int, readings: list[Reading], **extra: Any) -> None:
    with unit_of_work(desk.sessions) as session:
        service = WaterTestService(session, desk.policy, desk.vault, desk.clock)
        service.record(village, readings, TESTER, **extra)


def answer_fix(desk: Desk, reference: str, fixed: bool) -> None:
    with unit_of_work(desk.sessions) as session:
        service = TicketService(session, desk.policy, desk.vault, desk.clock)
        service.answer_fix(service.find(reference), fixed)


def nonzero(figures: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in figures.items() if v}


def run_the_story(desk: Desk, place: Place, sessions: sessionmaker[Session]) -> dict[str, int]:
    """Filing, joining, acknowledging, resolving on time and late, an unsafe and a safe water
    test, a sweep, confirmation, unconfirmed closure, rejection, reopening; the updater runs
    now and then as the worker would. The incidents' ids by name."""
    clock, policy = desk.clock, desk.policy
    with unit_of_work(sessions) as session:  # Tammapur is in two GPs: it counts in the lower
        session.add(VillagePanchayat(village_code=place.village, gp_code=place.other_gp))
    # D0, 06:00 UTC
    a = desk.file(place.village, "no_water", "+919900000001")
    desk.file(place.village, "no_water", "+919900000002")  # joins A
    desk.file(place.village, "no_water", "+919900000001")  # the same household: nothing new
    desk.move(a.incident.id, Status.ACKNOWLEDGED, ActorRole.VWSC)
    b = desk.file(place.gp_village, "leakage", "+919900000003")
    c = desk.file(place.village, "dirty_water", "+919900000004")
    record_test(desk, place.village, UNSAFE, tested_at=clock.now - timedelta(hours=2))  # C → EE
    record_test(desk, place.gp_village, SAFE)
    update_stats(sessions, batch_size=4)
    clock.advance(hours=2)  # D0, 08:00: A fixed within the VWSC's 24 hours
    desk.move(a.incident.id, Status.RESOLVED, ActorRole.VWSC, "valve replaced")
    clock.advance(hours=20)  # D1, 04:00: the first household says the water is back
    answer_fix(desk, a.ticket.reference, True)
    clock.advance(hours=26)  # D2, 06:00: B (48 h) and C (EE, 24 h) are overdue
    assert sweep(sessions, policy, clock.now).escalated == 2  # B → JE, C → DWSM
    update_stats(sessions)
    clock.advance(hours=49)  # D4, 07:00: the JE's 48 hours for B ran out an hour ago
    desk.move(b.incident.id, Status.RESOLVED, ActorRole.JE, "pipe joint sealed")
    desk.move(
        c.incident.id,
        Status.REJECTED,
        ActorRole.EE,
        "the canal is contaminated upstream",
        responsible_body="Irrigation department",
    )
    clock.advance(hours=73)  # D7, 08:00: nobody answered for B
    assert close_unconfirmed(sessions, policy, desk.vault, clock.now, WINDOW) == 1
    d = desk.file(place.orphan_village, "no_water", "+919900000005")
    clock.advance(hours=1)
    desk.move(d.incident.id, Status.RESOLVED, ActorRole.AE, "motor restarted")
    desk.file(place.orphan_village, "no_water", "+919900000006")  # not fixed after all
    return {"a": a.incident.id, "b": b.incident.id, "c": c.incident.id, "d": d.incident.id}


def test_the_figures_of_a_story_worked_out_by_hand(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    run_the_story(desk, place, sessions)
    report = update_stats(sessions)
    assert report.unknown == {} and report.missing == 0
    v, g, o = place.village, place.gp_village, place.orphan_village
    assert daily(sessions) == {
        (v, day(0), "no_water"): {
            "complaints": 2,
            "joined": 1,
            "opened": 1,
            "acknowledged": 1,
            "resolved": 1,
            "resolved_on_time": 1,
            "resolution_seconds": 2 * 3600,
        },
        (v, day(1), "no_water"): {"closed_confirmed": 1},
        (v, day(0), "dirty_water"): {"complaints": 1, "opened": 1, "escalated_to_ee": 1},
        (v, day(2), "dirty_water"): {"escalated_to_dwsm": 1},
        (v, day(4), "dirty_water"): {"rejected": 1},
        (g, day(0), "leakage"): {"complaints": 1, "opened": 1},
        (g, day(2), "leakage"): {"escalated_to_je": 1},
        # late: the JE's deadline was D4 06:00; filed D0 06:00, fixed D4 07:00
        (g, day(4), "leakage"): {"resolved": 1, "resolution_seconds": (4 * 24 + 1) * 3600},
        (g, day(7), "leakage"): {"closed_unconfirmed": 1},
        (o, day(7), "no_water"): {
            "complaints": 2,
            "joined": 1,
            "opened": 1,
            "resolved": 1,
            "resolved_on_time": 1,
            "resolution_seconds": 3600,
            "reopened": 1,
        },
    }

    with sessions() as session:
        week = (day(0), day(7))
        tammapur = rollup.figures(session, UnitType.VILLAGE, v, *week)
        gp = rollup.figures(session, UnitType.GP, place.gp, *week)
        other_gp = rollup.figures(session, UnitType.GP, place.other_gp, *week)
        block = rollup.figures(session, UnitType.BLOCK, place.block, *week)
        other_block = rollup.figures(session, UnitType.BLOCK, place.other_block, *week)
        district = rollup.figures(session, UnitType.DISTRICT, place.district, *week)
        state = rollup.figures(session, UnitType.STATE, place.state, *week)
        first_day = rollup.figures(session, UnitType.STATE, place.state, day(0), day(0))
        no_water = rollup.figures(session, UnitType.STATE, place.state, *week, "no_water")
        per_category = rollup.per_category(session, UnitType.STATE, place.state, *week)
        backlogs = [
            rollup.backlog(session, UnitType.STATE, place.state, d)
            for d in (day(-1), day(0), day(1), day(4), day(7), day(18))
        ]
        block_backlog = rollup.backlog(session, UnitType.BLOCK, place.block, day(0))

    assert nonzero(tammapur.daily) == {
        "complaints": 3,
        "joined": 1,
        "opened": 2,
        "acknowledged": 1,
        "resolved": 1,
        "resolved_on_time": 1,
        "resolution_seconds": 7200,
        "closed_confirmed": 1,
        "rejected": 1,
        "escalated_to_ee": 1,
        "escalated_to_dwsm": 1,
    }
    assert gp == tammapur  # the village's GP holds only it
    assert nonzero(other_gp.daily) == {  # Tammapur's second GP does not count it again
        "complaints": 1,
        "opened": 1,
        "resolved": 1,
        "resolution_seconds": 349200,
        "closed_unconfirmed": 1,
        "escalated_to_je": 1,
    }
    assert nonzero(block.daily) == {
        "complaints": 4,
        "joined": 1,
        "opened": 3,
        "acknowledged": 1,
        "resolved": 2,
        "resolved_on_time": 1,
        "resolution_seconds": 7200 + 349200,
        "closed_confirmed": 1,
        "closed_unconfirmed": 1,
        "rejected": 1,
        "escalated_to_je": 1,
        "escalated_to_ee": 1,
        "escalated_to_dwsm": 1,
    }
    assert nonzero(other_block.daily) == {
        "complaints": 2,
        "joined": 1,
        "opened": 1,
        "resolved": 1,
        "resolved_on_time": 1,
        "resolution_seconds": 3600,
        "reopened": 1,
    }
    assert district == state
    assert state.daily == {k: block.daily[k] + other_block.daily[k] for k in block.daily}
    assert state.rejected_by_body == {"Irrigation department": 1}
    assert state.water == {
        "tests": 2,
        "unsafe": 1,
        "unsafe_to_action_seconds": 7200,  # tested two hours before it was recorded
        "incidents_escalated": 1,
    }
    assert state.unsafe_by_parameter == {
        "e_coli": (2, 1),
        "fluoride": (1, 1),
        "ph": (2, 0),
        "turbidity": (1, 0),
    }
    assert other_block.water == dict.fromkeys(state.water, 0)
    assert nonzero(first_day.daily) == {
        "complaints": 4,
        "joined": 1,
        "opened": 3,
        "acknowledged": 1,
        "resolved": 1,
        "resolved_on_time": 1,
        "resolution_seconds": 7200,
        "escalated_to_ee": 1,
    }
    assert nonzero(no_water.daily) == {
        "complaints": 4,
        "joined": 2,
        "opened": 2,
        "acknowledged": 1,
        "resolved": 2,
        "resolved_on_time": 2,
        "resolution_seconds": 7200 + 3600,
        "closed_confirmed": 1,
        "reopened": 1,
    }
    assert no_water.water == state.water  # water tests have no category
    assert set(per_category) == {"no_water", "dirty_water", "leakage"}
    assert per_category["no_water"] == no_water.daily
    none, under_a_week = dict.fromkeys(b[0] for b in rollup.AGE_BANDS), "under_1_week"
    assert [nonzero(b) for b in backlogs] == [
        {},  # before anything was filed
        {under_a_week: 3},  # A (resolved, not yet confirmed), B, C
        {under_a_week: 2},  # A closed
        {under_a_week: 1},  # C rejected; B resolved but not yet closed
        {under_a_week: 1},  # B closed; D reopened
        {"1_to_4_weeks": 1},  # D, opened eleven days before
    ]
    assert set(backlogs[0]) == set(none)
    assert nonzero(block_backlog) == {under_a_week: 3}


def test_the_updater_is_idempotent_resumes_from_its_watermark_and_equals_a_rebuild(
    desk: Desk, place: Place, sessions: sessionmaker[Session]
) -> None:
    run_the_story(desk, place, sessions)  # the updater already ran twice on the way
    update_stats(sessions, batch_size=3)
    folded = snapshot(sessions)
    with sessions() as session:
        head = session.execute(select(AuditChainHead.seq)).scalar_one()
    assert folded["watermark"] == [(head,)]

    again = update_stats(sessions)
    assert (again.events, again.last_seq) == (0, head)
    assert snapshot(sessions) == folded  # running twice adds nothing

    rebuilt = rebuild_stats(sessions, batch_size=5)
    assert (rebuilt.events, rebuilt.last_seq) == (head, head)
    assert snapshot(sessions) == folded

    desk.clock.advance(days=1)
    desk.file(place.village, "billing", "+919900000007")
    assert update_stats(sessions).events == 2  # opened and filed: from the watermark on
    assert daily(sessions)[(place.village, day(8), "billing")] == {"complaints": 1, "opened": 1}


def test_every_action_the_code_writes_is_handled_on_purpose() -> None:
    written = {
        "incident.opened",
        "ticket.filed",
        "incident.note",
        "incident.escalated",
        "incident.sla_breached",
        "incident.assigned",
        "incident.photo",
        "ticket.fix_answered",
        "ticket.rated",
        "water_test.recorded",
        "lgd.imported",
        "directory.imported",
        *(f"incident.{s.value}" for s in Status if s is not Status.NEW),
    }
    assert written == fold.HANDLED
    stranger = fold.Event(1, START, "system:x", "incident.teleported", "incident", "1", {})
    assert fold.fold([stranger], {}).unknown == {"incident.teleported": 1}


# -- incremental = rebuilt, over random histories ----------------------------------------------

CATEGORIES = ["no_water", "dirty_water", "leakage"]
PHONES = [f"+9199002000{i:02d}" for i in range(5)]
ROLES = [ActorRole.VWSC, ActorRole.JE, ActorRole.CITIZEN, ActorRole.SYSTEM]


def make_machine(engine: Engine) -> type[RuleBasedStateMachine]:
    sessions: sessionmaker[Session] = make_sessionmaker(engine)
    vault, policy = ContactVault(TEST_SECRET), load_policy(None)

    class Statistics(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            _empty_all_tables(engine)
            with unit_of_work(sessions) as session:
                self.place = build_directory(session, vault)
            self.villages = [self.place.village, self.place.gp_village, self.place.orphan_village]
            self.desk = Desk(sessions, policy, vault, FakeClock())
            self.incidents: list[int] = []
            self.references: list[str] = []

        @rule(
            village=st.integers(0, 2),
            category=st.sampled_from(CATEGORIES),
            phone=st.sampled_from(PHONES),
        )
        def file(self, village: int, category: str, phone: str) -> None:
            filed = self.desk.file(self.villages[village], category, phone)
            if filed.incident.id not in self.incidents:
                self.incidents.append(filed.incident.id)
            self.references.append(filed.ticket.reference)

        @rule(
            pick=st.integers(0, 30), to=st.sampled_from(list(Status)), role=st.sampled_from(ROLES)
        )
        def move(self, pick: int, to: Status, role: ActorRole) -> None:
            if not self.incidents:
                return
            incident_id = self.incidents[pick % len(self.incidents)]
            with suppress(TransitionNotAllowedError, ValidationError):  # a move not allowed
                self.desk.move(incident_id, to, role, "done", responsible_body="Gram panchayat")

        @rule(pick=st.integers(0, 30), fixed=st.booleans())
        def household_answers(self, pick: int, fixed: bool) -> None:
            if self.references:
                answer_fix(self.desk, self.references[pick % len(self.references)], fixed)

        @rule(village=st.integers(0, 2), unsafe=st.booleans(), hours_ago=st.sampled_from([0, 5]))
        def water_test(self, village: int, unsafe: bool, hours_ago: int) -> None:
            tested_at = self.desk.clock.now - timedelta(hours=hours_ago)
            readings = UNSAFE if unsafe else SAFE
            record_test(self.desk, self.villages[village], readings, tested_at=tested_at)

        @rule(hours=st.sampled_from([1, 7, 13, 30, 80]))
        def time_passes_and_the_worker_sweeps(self, hours: int) -> None:
            self.desk.clock.advance(hours=hours)
            sweep(sessions, policy, self.desk.clock.now, batch_size=3)
            close_unconfirmed(sessions, policy, vault, self.desk.clock.now, WINDOW)

        @rule(batch=st.sampled_from([1, 4, 50]))
        def the_updater_runs(self, batch: int) -> None:
            update_stats(sessions, batch_size=batch)

        def teardown(self) -> None:
            update_stats(sessions, batch_size=7)
            incremental = snapshot(sessions)
            rebuild_stats(sessions)
            assert snapshot(sessions) == incremental

    return Statistics


def test_incremental_statistics_equal_a_rebuild_after_any_history(engine: Engine) -> None:
    examples = 25 if engine.dialect.name == "sqlite" else 10
    run_state_machine_as_test(
        make_machine(engine),
        settings=settings(
            max_examples=examples,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
            database=None,
        ),
    )


# -- the command -------------------------------------------------------------------------------


def test_rebuild_stats_command(tmp_path: Any, monkeypatch: Any, policy: Policy) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JALSAMVAD_DATABASE_URL", url)
    monkeypatch.setenv("JALSAMVAD_SECRET_KEY", "cli-test-secret")
    runner = CliRunner()
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        events = session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).scalar()
    result = runner.invoke(app, ["audit", "rebuild-stats"])
    assert result.exit_code == 0, result.output
    assert f"{events} audit events folded" in result.output
    folded = snapshot(sessions)
    assert folded["social_audit_daily"] and folded["watermark"] == [(events,)]
    again = runner.invoke(app, ["audit", "rebuild-stats"])
    assert again.exit_code == 0 and snapshot(sessions) == folded
    engine.dispose()
