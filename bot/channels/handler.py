"""The one thing a channel needs from the dialogue engine: a function from message to replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.protocol import Inbound, Reply
from jalsamvad.runtime import Runtime

# The engine owns its transactions (e.g. `DialogueEngine(...).handle`).
Handler = Callable[[Inbound], Sequence[Reply]]
# Called once when the channels are mounted.
HandlerFactory = Callable[[Runtime], Handler]
