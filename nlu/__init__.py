"""Understanding households' messages about water, in their languages.

    >>> import nlu
    >>> nlu.parse("paani nahi aa raha 3 din se").intent
    'no_water'

`parse` uses the embedded model, loaded once on first use and safe to share between threads.
`make_backend` picks the embedded model or a Rasa server, as the caller's settings say.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from nlu.result import MAX_TEXT_LENGTH, Backend, Entity, IntentScore, ParseResult

if TYPE_CHECKING:
    from nlu.embedded import EmbeddedBackend

__all__ = [
    "MAX_TEXT_LENGTH",
    "Backend",
    "Entity",
    "IntentScore",
    "ParseResult",
    "default_backend",
    "make_backend",
    "parse",
]


@cache
def default_backend() -> EmbeddedBackend:
    from nlu.embedded import EmbeddedBackend

    return EmbeddedBackend()


def parse(text: str) -> ParseResult:
    """Intent, calibrated confidence, language and entities of one message; never raises."""
    return default_backend().parse(text)


BACKENDS = ("embedded", "rasa")


def make_backend(kind: str, rasa_url: str | None = None) -> Backend:
    """The embedded model (`kind` "embedded"), or the Rasa server at `rasa_url` ("rasa"; the
    embedded model identifies the language). The caller reads both from its settings
    (JALSAMVAD_NLU_BACKEND, JALSAMVAD_RASA_URL); `nlu` reads no configuration."""
    if kind == "rasa":
        from nlu.backends.rasa import RasaBackend

        if not rasa_url:
            raise ValueError("JALSAMVAD_NLU_BACKEND=rasa needs JALSAMVAD_RASA_URL")
        return RasaBackend(rasa_url, language_of=default_backend().identify_language)
    if kind != "embedded":
        raise ValueError(f"unknown NLU backend {kind!r} (expected: {', '.join(BACKENDS)})")
    return default_backend()
