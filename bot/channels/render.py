"""Replies as text: SMS segments, WhatsApp bodies and Telegram messages with buttons.

Pure functions. Options are numbered ("1 No water") on SMS and WhatsApp: the number a citizen
types is the option's position, which the engine maps back to its key. Interactive WhatsApp
buttons through Twilio need pre-approved Content templates (ContentSid), so free-form replies
use numbered text too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from bot.exchange import Option, Reply

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + char: two).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("\f^{}\\[~]|€")

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
TWILIO_BODY_LIMIT = 1600  # characters in one Twilio Message body (SMS and WhatsApp)
TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CALLBACK_DATA_BYTES = 64

_GRAPHEME = regex.compile(r"\X")


def is_gsm7(text: str) -> bool:
    return all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text)


def _units(cluster: str, gsm: bool) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) a grapheme cluster takes."""
    if gsm:
        return sum(2 if ch in GSM_EXTENDED else 1 for ch in cluster)
    return len(cluster.encode("utf-16-le")) // 2


@dataclass(frozen=True, slots=True)
class SmsPlan:
    encoding: str  # "GSM-7" or "UCS-2"
    segments: tuple[str, ...]


def sms_segments(text: str) -> SmsPlan:
    """Split `text` into SMS segments; joined back together they give `text` exactly.

    One segment holds 160 GSM-7 septets or 70 UCS-2 units; in a longer message each holds 153
    or 67 (the rest is the concatenation header). Cuts fall after a line break if one is in
    the second half of the segment, else after a space, else between grapheme clusters:
    never inside one (a Devanagari conjunct or an emoji stays whole).
    """
    gsm = is_gsm7(text)
    encoding = "GSM-7" if gsm else "UCS-2"
    clusters = _GRAPHEME.findall(text)
    sizes = [_units(c, gsm) for c in clusters]
    if sum(sizes) <= (GSM_SINGLE if gsm else UCS2_SINGLE):
        return SmsPlan(encoding, (text,) if text else ())
    return SmsPlan(encoding, tuple(_pack(clusters, sizes, GSM_PART if gsm else UCS2_PART)))


def _pack(clusters: Sequence[str], sizes: Sequence[int], limit: int) -> list[str]:
    parts: list[str] = []
    start = 0
    while start < len(clusters):
        used, end = 0, start
        while end < len(clusters) and used + sizes[end] <= limit:
            used += sizes[end]
            end += 1
        if end == start:
            end += 1  # one cluster longer than a segment: it goes whole, alone
        elif end < len(clusters):
            end = _break_point(clusters, start, end)
        parts.append("".join(clusters[start:end]))
        start = end
    return parts


def _break_point(clusters: Sequence[str], start: int, end: int) -> int:
    """The best place to cut clusters[start:end]: after a newline, else a space."""
    half = start + (end - start) // 2
    for wanted in ("\n", " "):
        for cut in range(end, half, -1):
            if clusters[cut - 1].isspace() and wanted in clusters[cut - 1]:
                return cut
    return end


def numbered(options: Sequence[Option]) -> str:
    return "\n".join(f"{n} {option.label}" for n, option in enumerate(options, start=1))


def as_text(reply: Reply) -> str:
    """A reply with its options as numbered lines, for channels without buttons."""
    if not reply.options:
        return reply.text
    return f"{reply.text}\n{numbered(reply.options)}" if reply.text else numbered(reply.options)


def bodies(text: str, limit: int) -> list[str]:
    """Cut `text` into message bodies of at most `limit` characters at sensible places."""
    if len(text) <= limit:  # nothing to cut (and no grapheme split to pay for)
        return [text] if text else []
    clusters = _GRAPHEME.findall(text)
    return _pack(clusters, [len(c) for c in clusters], limit)


def sms_bodies(replies: Sequence[Reply]) -> list[str]:
    """One Twilio SMS body per reply (Twilio concatenates segments), cut at 1,600 characters."""
    return [body for reply in replies for body in bodies(as_text(reply), TWILIO_BODY_LIMIT)]


def whatsapp_bodies(replies: Sequence[Reply]) -> list[str]:
    """WhatsApp free-form replies: numbered options as text (buttons need Content templates)."""
    return sms_bodies(replies)


@dataclass(frozen=True, slots=True)
class TelegramMessage:
    text: str
    # Rows of (label, callback_data); empty when the options went into the text instead.
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()
    share_contact_button: str = ""  # a keyboard button that shares the user's own number


def telegram_messages(reply: Reply) -> list[TelegramMessage]:
    """Text cut at Telegram's 4,096 characters; options (or the share-contact button) as
    buttons on the last piece.

    callback_data is the option key and must fit in 64 bytes; if any key does not, the options
    are numbered in the text instead, as on SMS.
    """
    keys_fit = all(0 < len(o.key.encode()) <= TELEGRAM_CALLBACK_DATA_BYTES for o in reply.options)
    if reply.options and not keys_fit:
        return [TelegramMessage(part) for part in bodies(as_text(reply), TELEGRAM_TEXT_LIMIT)]
    parts = bodies(reply.text, TELEGRAM_TEXT_LIMIT) or ["…"]
    rows = tuple(((o.label, o.key),) for o in reply.options)
    last = TelegramMessage(parts[-1], rows, reply.share_contact_button)
    return [TelegramMessage(p) for p in parts[:-1]] + [last]
