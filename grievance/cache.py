"""A small thread-safe cache whose entries expire, for directory data read on every message.

Who serves a village and what it is called change only when the directory is imported, yet
the bot and filing would read them on every message. Entries live `seconds` (so an import
shows within that time) and at most `maxsize` are kept, least recently used dropped first.
`seconds <= 0` turns caching off: every read goes to the loader.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from cachetools import TTLCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

MAXSIZE = 50_000


class TimedCache(Generic[K, V]):
    def __init__(
        self, seconds: float, maxsize: int = MAXSIZE, timer: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: TTLCache[K, V] | None = (
            TTLCache(maxsize=maxsize, ttl=seconds, timer=timer) if seconds > 0 else None
        )
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        """The cached value for `key`, else `load()` (outside the lock), kept for next time."""
        if self._entries is None:
            return load()
        with self._lock:
            try:
                return self._entries[key]
            except KeyError:
                pass
        value = load()  # two threads may both load a missing key; both get a correct value
        with self._lock:
            self._entries[key] = value
        return value
