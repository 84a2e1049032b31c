"""What goes into the dialogue engine and what comes out, whatever the channel.

Channels (`bot/channels/`) turn a webhook payload into an `Inbound` and render the `Reply`s as
their medium allows: buttons or lists on WhatsApp and Telegram, numbered text on SMS, TwiML on
a phone call. The engine never sees a payload and never formats for a channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from grievance.privacy import Contact
from grievance.types import Channel


class Expect(StrEnum):
    """What the engine waits for next; IVR uses it to choose keypad, speech or a recording."""

    TEXT = "text"  # free text (speech on IVR)
    CHOICE = "choice"  # one of the reply's options (keypad on IVR)
    DIGITS = "digits"  # a number such as a village code or a reference
    MEDIA = "media"  # a photo or voice note (a recording on IVR), or "skip"
    NOTHING = "nothing"  # the conversation is over for now


@dataclass(frozen=True, slots=True)
class Media:
    url: str
    content_type: str


@dataclass(frozen=True, slots=True)
class SharedContact:
    """A phone number shared with the channel's contact button (Telegram). `own` is true only
    when the channel vouches that the number is the sender's own account's."""

    phone: str
    own: bool


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a citizen.

    `sender` is who wrote, resolved once by the channel (`ContactVault.resolve`): canonical
    form, keyed hash and ciphertext, so nothing downstream normalises or hashes it again.
    `message_id` is the channel's id (Twilio MessageSid / CallSid+step, Telegram update_id),
    used to process a redelivery once.
    """

    channel: Channel
    sender: Contact
    message_id: str
    received_at: datetime
    text: str = ""
    digits: str = ""  # keypad input on a call
    payload: str = ""  # the key of a tapped button
    media: tuple[Media, ...] = ()
    location: tuple[float, float] | None = None
    transcript_confidence: float | None = None  # speech-to-text confidence on a call
    shared_contact: SharedContact | None = None


@dataclass(frozen=True, slots=True)
class Option:
    """A choice the citizen can make: `key` comes back as `Inbound.payload` or as typed digits."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send back, already translated into `language`."""

    text: str
    language: str
    options: tuple[Option, ...] = ()
    expect: Expect = Expect.TEXT
    # Digits a call should read one by one (a ticket reference), so TwiML can slow them down.
    spoken_digits: tuple[str, ...] = field(default=())
    # The label of a "share my phone number" button, on channels that have one (Telegram).
    share_contact_button: str = ""
