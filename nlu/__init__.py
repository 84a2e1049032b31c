"""Understanding households' messages about water, in their languages.

    >>> import nlu
    >>> nlu.parse("paani nahi aa raha 3 din se").intent
    'no_water'

`parse` uses the embedded model, loaded once on first use and safe to share between threads.
`backend_from_settings` picks the embedded model or a Rasa server as configured.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from nlu.result import MAX_TEXT_LENGTH, Backend, Entity, IntentScore, ParseResult

if TYPE_CHECKING:
    from grievance.settings import Settings
    from nlu.embedded import EmbeddedBackend

__all__ = [
    "MAX_TEXT_LENGTH",
    "Backend",
    "Entity",
    "IntentScore",
    "ParseResult",
    "backend_from_settings",
    "default_backend",
    "parse",
]


@cache
def default_backend() -> EmbeddedBackend:
    from nlu.embedded import EmbeddedBackend

    return EmbeddedBackend()


def parse(text: str) -> ParseResult:
    """Intent, calibrated confidence, language and entities of one message; never raises."""
    return default_backend().parse(text)


def backend_from_settings(settings: Settings) -> Backend:
    """The Rasa server at JALSAMVAD_RASA_URL when JALSAMVAD_NLU_BACKEND=rasa, else embedded."""
    if settings.nlu_backend == "rasa":
        from nlu.backends.rasa import RasaBackend

        if not settings.rasa_url:
            raise ValueError("JALSAMVAD_NLU_BACKEND=rasa needs JALSAMVAD_RASA_URL")
        return RasaBackend(settings.rasa_url, language_of=default_backend().identify_language)
    return default_backend()
