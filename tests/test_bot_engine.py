"""Whole conversations through the real dialogue engine, NLU and database (SQLite and PG)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from bot import messages
from bot.engine import DialogueEngine
from bot.exchange import Expect, Inbound, Media, Reply, SharedContact
from bot.flows.onboarding import CONSENT_VERSION
from bot.villages import load_village_index
from grievance import i18n
from grievance.conversations.models import Conversation
from grievance.db import unit_of_work
from grievance.lgd.models import Village, VillagePanchayat
from grievance.policy import Policy
from grievance.privacy import ContactVault
from grievance.tickets.models import Attachment, Ticket
from grievance.tickets.reference import check_digit
from grievance.types import Channel
from nlu.village_index import VillageIndex
from tests.builders import FakeClock, Place

TWIN = 601017  # a second "Tammapur", in another gram panchayat


def said(message: str, language: str, **params: object) -> str:
    return i18n.say(message, language, **params)


class Chat:
    """One household writing to the bot; keeps the last replies for assertions."""

    _ids = count(1)

    def __init__(
        self,
        engine: DialogueEngine,
        phone: str = "+919812300001",
        channel: Channel = Channel.WHATSAPP,
    ) -> None:
        self.engine, self.phone, self.channel = engine, phone, channel
        self.replies: list[Reply] = []

    def send(
        self,
        text: str = "",
        payload: str = "",
        media: tuple[Media, ...] = (),
        digits: str = "",
        contact: SharedContact | None = None,
    ) -> list[Reply]:
        inbound = Inbound(
            channel=self.channel,
            sender=self.engine.services.vault.resolve(self.channel, self.phone),
            message_id=f"m{next(self._ids)}",
            received_at=datetime.now(UTC),
            text=text,
            payload=payload,
            media=media,
            digits=digits,
            shared_contact=contact,
        )
        self.replies = self.engine.handle(inbound)
        assert self.replies, f"no reply to {text!r}"
        return self.replies

    @property
    def texts(self) -> list[str]:
        return [reply.text for reply in self.replies]

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def consent(self, first: str) -> None:
        self.send(first)
        assert self.last.options[0].key == "yes"
        self.send("1")


@pytest.fixture
def villages(sessions: sessionmaker[Session], place: Place) -> VillageIndex:
    with unit_of_work(sessions) as session:
        session.add(Village(code=TWIN, subdistrict_code=place.subdistrict, name="Tammapur"))
        session.flush()
        session.add(
            VillagePanchayat(village_code=TWIN, gp_code=place.other_gp, block_code=place.block)
        )
    with sessions() as session:
        return load_village_index(session)


@pytest.fixture
def make_engine(
    sessions: sessionmaker[Session],
    vault: ContactVault,
    policy: Policy,
    clock: FakeClock,
    villages: VillageIndex,
) -> Callable[[], DialogueEngine]:
    return lambda: DialogueEngine(sessions, vault, policy, clock, villages=villages)


@pytest.fixture
def bot(make_engine: Callable[[], DialogueEngine]) -> DialogueEngine:
    return make_engine()


def tickets(sessions: sessionmaker[Session]) -> list[Ticket]:
    with sessions() as session:
        return list(session.scalars(select(Ticket).order_by(Ticket.id)))


def conversation(sessions: sessionmaker[Session]) -> Conversation | None:
    with sessions() as session:
        return session.scalars(select(Conversation)).first()


# -- first contact ----------------------------------------------------------------------------


def test_first_contact_gets_the_notice_in_its_language_and_consent_is_recorded(
    bot: DialogueEngine, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    chat = Chat(bot)
    chat.send("पानी नहीं आ रहा")
    assert chat.texts == [
        said(messages.PRIVACY_NOTICE, "hi"),
        said(messages.CONSENT_QUESTION, "hi"),
    ]
    assert [o.label for o in chat.last.options] == ["हाँ", "नहीं"]
    assert chat.last.language == "hi"
    row = conversation(sessions)
    assert row is not None and row.consent_version is None
    assert "+91" not in row.sender_hash and len(row.sender_hash) == 64

    chat.send("1")  # yes: the first message is answered now, without asking again
    row = conversation(sessions)
    assert row is not None
    assert row.consent_version == CONSENT_VERSION and row.consented_at == clock.now
    assert chat.texts == [said(messages.ASK_VILLAGE, "hi")]


def test_declining_consent_keeps_nothing(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.send("hello")
    chat.send(payload="no")
    assert chat.texts == [said(messages.CONSENT_DECLINED, "en")]
    assert conversation(sessions) is None


# -- filing -----------------------------------------------------------------------------------


def test_one_message_with_everything_goes_straight_to_the_summary(
    bot: DialogueEngine, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    chat = Chat(bot)
    chat.consent("601014 gaon me 3 din se pani nahi")
    assert chat.last.language == "hi-Latn"
    assert chat.texts == [
        said(
            messages.SUMMARY_SINCE,
            "hi-Latn",
            problem="Paani nahi aa raha",
            village="Tammapur",
            since="3 din",
        )
    ]
    chat.send("haan")
    [ticket] = tickets(sessions)
    with sessions() as session:
        filed = session.get(Ticket, ticket.id)
        assert filed is not None
        assert (filed.incident.village_code, filed.incident.category.value) == (601014, "no_water")
        deadline = i18n.format_deadline(filed.incident.due_at or clock.now, "hi-Latn")
    assert ticket.language == "hi-Latn"
    assert chat.texts == [
        said(messages.FILED_VWSC, "hi-Latn", reference=ticket.reference, deadline=deadline)
    ]
    assert chat.last.spoken_digits == tuple(ticket.reference)
    assert chat.last.expect is Expect.NOTHING


def test_step_by_step_through_the_menu_with_buttons_and_a_photo(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot, channel=Channel.SMS)
    chat.send("hello")
    chat.send(payload="yes")
    assert chat.texts == [said(messages.MAIN_MENU, "en")]
    assert len(chat.last.options) == 11
    chat.send("4")  # dirty water, by typed number
    assert chat.texts == [messages.ASK_VILLAGE]
    chat.send("601015")
    assert chat.texts == [messages.ASK_SINCE]
    chat.send(payload="skip")
    assert chat.texts == [messages.ASK_MEDIA] and chat.last.expect is Expect.MEDIA
    chat.send(media=(Media("https://media.example/tap.jpg", "image/jpeg"),))
    assert chat.texts == [said(messages.SUMMARY, "en", problem="Dirty water", village="Kapgal")]
    chat.send(payload="yes")
    [ticket] = tickets(sessions)
    assert chat.texts[0].startswith(f"Your complaint {ticket.reference} is registered.")
    with sessions() as session:
        assert session.scalars(select(Attachment.url)).all() == ["https://media.example/tap.jpg"]
    row = conversation(sessions)
    assert row is not None and row.village_code == 601015 and row.step == "idle"


def test_a_village_name_shared_by_two_villages_is_asked_with_gp_and_block(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("no water")
    assert chat.texts == [messages.ASK_VILLAGE]
    chat.send("Tammapur")
    assert chat.texts == [messages.VILLAGE_CHOICES]
    assert [o.label for o in chat.last.options] == [
        "Tammapur (Gram Panchayat GORKAL, Block MANVI)",
        "Tammapur (Gram Panchayat KAPGAL, Block MANVI)",
        "None of these",
    ]
    chat.send("2")
    assert chat.texts == [messages.ASK_SINCE]
    chat.send("skip")
    chat.send("skip")
    chat.send("1")
    [ticket] = tickets(sessions)
    with sessions() as session:
        filed = session.get(Ticket, ticket.id)
        assert filed is not None and filed.incident.village_code == TWIN


def test_an_unknown_village_code_is_said_clearly_and_asked_again(bot: DialogueEngine) -> None:
    chat = Chat(bot)
    chat.consent("Broken tap")
    assert chat.texts == [messages.ASK_VILLAGE]
    chat.send("999999")
    assert chat.texts == [said(messages.UNKNOWN_VILLAGE_CODE, "en", code="999999")]
    chat.send("601014")
    assert chat.texts == [messages.ASK_SINCE]


def test_a_remembered_village_is_offered_for_the_next_complaint(bot: DialogueEngine) -> None:
    chat = Chat(bot)
    chat.consent("601014 gaon me 3 din se pani nahi")
    chat.send("1")
    chat.send("nal toota hai")
    assert chat.texts == [
        said(messages.CONFIRM_VILLAGE, "hi-Latn", village="Tammapur", gp="GORKAL", block="MANVI")
    ]
    chat.send("haan")
    assert chat.texts == [said(messages.ASK_SINCE, "hi-Latn")]


def test_a_second_household_joins_and_the_first_is_told_it_already_reported(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    first, second = Chat(bot, "+919812300001"), Chat(bot, "+919812300002")
    for chat in (first, second):
        chat.consent("601014 gaon me 3 din se pani nahi")
        chat.send("1")
    one, two = tickets(sessions)
    assert second.texts == [
        said(
            messages.JOINED, "hi-Latn", village="Tammapur", households="2", reference=two.reference
        )
    ]
    first.send("601014 gaon me 3 din se pani nahi")
    first.send("1")
    assert first.texts == [said(messages.ALREADY_REPORTED, "hi-Latn", reference=one.reference)]


# -- status -----------------------------------------------------------------------------------


def test_status_by_reference_by_my_complaints_and_a_mistyped_reference(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("601014 gaon me 3 din se pani nahi")
    chat.send("1")
    [ticket] = tickets(sessions)
    stranger = Chat(bot, "+919812300009")
    stranger.consent("hello")
    stranger.send(f"status {ticket.reference[:5]} {ticket.reference[5:]}")
    assert stranger.texts[0].startswith(f"Complaint {ticket.reference}: No water in Tammapur")
    assert stranger.texts[0].endswith("Status: registered.")
    wrong = ticket.reference[:-1] + str((int(ticket.reference[-1]) + 1) % 10)
    stranger.send(wrong)
    assert stranger.texts == [said(messages.INVALID_REFERENCE, "en", reference=wrong)]
    unused = "123456789" + check_digit("123456789")
    stranger.send(unused)
    assert stranger.texts == [said(messages.UNKNOWN_REFERENCE, "en", reference=unused)]
    stranger.send("my complaints")
    assert stranger.texts == [said(messages.NO_COMPLAINTS, "en")]
    chat.send("meri shikayat")
    assert chat.texts == ["Aapki shikayatein:\n" + f"{ticket.reference}: Paani nahi aa raha, darj"]


# -- language ---------------------------------------------------------------------------------


def test_language_changes_by_name_by_menu_and_by_writing(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send("1")  # no water
    assert chat.texts == [messages.ASK_VILLAGE]
    chat.send("हिंदी")  # by name: the pending question comes again, in Hindi
    assert chat.texts == [said(messages.LANGUAGE_SET, "hi"), said(messages.ASK_VILLAGE, "hi")]
    chat.send("language")  # by the menu, tapped or typed
    keys = [o.key for o in chat.last.options]
    assert keys[:3] == ["lang:en", "lang:hi", "lang:hi-Latn"]
    chat.send(str(keys.index("lang:hi-Latn") + 1))
    assert chat.texts == [
        said(messages.LANGUAGE_SET, "hi-Latn"),
        said(messages.ASK_VILLAGE, "hi-Latn"),
    ]
    chat.send("601014")
    chat.send("the water is dirty and smells")  # one English message is not enough
    assert chat.last.language == "hi-Latn"
    chat.send("0")  # digits say nothing about the language: the run goes on
    chat.send("the water is dirty and smells")  # the second English message in a row switches
    assert chat.replies[0].text == said(messages.LANGUAGE_SET, "en")
    assert {reply.language for reply in chat.replies} == {"en"}
    row = conversation(sessions)
    assert row is not None and row.language == "en"


# -- repair -----------------------------------------------------------------------------------


def test_cancel_and_zero_and_menu_start_again(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("dirty water")
    chat.send("cancel")
    assert chat.texts == [messages.CANCELLED, messages.MAIN_MENU]
    chat.send("7")
    chat.send("0")
    assert chat.texts == [messages.CANCELLED, messages.MAIN_MENU]
    chat.send("menu")
    assert chat.texts == [messages.MAIN_MENU]
    row = conversation(sessions)
    assert row is not None and row.step == "idle" and row.slots.get("category") is None
    assert tickets(sessions) == []


def test_low_confidence_asks_instead_of_guessing(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send("water")
    assert chat.texts == [said(messages.DID_YOU_MEAN, "en", problem="No water")]
    assert [o.key for o in chat.last.options] == ["yes", "no"]
    chat.send("2")
    assert chat.texts == [messages.MAIN_MENU]
    assert tickets(sessions) == []


def test_a_new_engine_on_the_same_database_carries_on(
    make_engine: Callable[[], DialogueEngine], sessions: sessionmaker[Session]
) -> None:
    chat = Chat(make_engine())
    chat.consent("hello")
    chat.send("1")
    chat.send("601014")
    chat.engine = make_engine()  # a restart, or another server process
    chat.send("skip")
    assert chat.texts == [messages.ASK_MEDIA]


def test_an_unfinished_complaint_lapses_after_inactivity_but_the_language_stays(
    bot: DialogueEngine, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    chat = Chat(bot)
    chat.consent("गंदा पानी आ रहा है")
    assert chat.texts == [said(messages.ASK_VILLAGE, "hi")]
    clock.advance(minutes=29)
    chat.send("601014")
    assert chat.texts == [said(messages.ASK_SINCE, "hi")]
    clock.advance(minutes=31)
    chat.send("2")
    assert chat.texts == [said(messages.EXPIRED, "hi"), said(messages.MAIN_MENU, "hi")]
    row = conversation(sessions)
    assert row is not None and row.slots.get("village") is None and row.language == "hi"


def test_stop_deletes_the_conversation(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send("STOP")
    assert chat.texts == [messages.DATA_DELETED]
    assert conversation(sessions) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", messages.EMPTY),
        ("   \x00\x07 ", messages.EMPTY),
        ("😀🙏😀", messages.NOT_UNDERSTOOD),
        ("\ud800\x1b", messages.EMPTY),
    ],
)
def test_bad_input_gets_a_clear_reply(bot: DialogueEngine, text: str, expected: str) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send(text)
    assert chat.texts[0] == expected


def test_a_very_long_message_is_cut_and_still_understood(bot: DialogueEngine) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send("no water in my village " + "please help " * 450)
    assert chat.texts[0] == messages.TOO_LONG
    assert chat.texts[1] == messages.ASK_VILLAGE


def test_a_photo_alone_is_kept_and_the_problem_asked_for(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    chat = Chat(bot)
    chat.consent("hello")
    chat.send(media=(Media("https://media.example/leak.jpg", "image/jpeg"),))
    assert chat.texts == [messages.MEDIA_ONLY]
    chat.send("601014 gaon me 3 din se pipe leak ho raha hai")
    chat.send("1")
    with sessions() as session:
        assert session.scalars(select(Attachment.url)).all() == ["https://media.example/leak.jpg"]


def test_keypad_digits_answer_like_typed_numbers(bot: DialogueEngine) -> None:
    chat = Chat(bot, channel=Channel.VOICE)
    chat.send("hello")
    chat.send(digits="1")
    chat.send(digits="6")
    assert chat.texts == [messages.ASK_VILLAGE_CODE_CALL]  # a call asks for the code by keypad
    assert chat.last.expect is Expect.DIGITS


@pytest.mark.postgres_only  # SQLite serialises writers at BEGIN: they never overlap there
def test_two_processes_cannot_both_write_one_conversation(
    bot: DialogueEngine, sessions: sessionmaker[Session]
) -> None:
    """The optimistic version: the second writer of the same version fails (and the engine,
    seeing that, answers the message again once)."""
    Chat(bot).send("hello")
    first, second = sessions(), sessions()
    try:
        mine = first.scalars(select(Conversation)).one()
        theirs = second.scalars(select(Conversation)).one()
        mine.step = "idle"
        first.commit()
        theirs.step = "village"
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    row = conversation(sessions)
    assert row is not None and row.step == "idle" and row.version == 2
