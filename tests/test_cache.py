"""The expiring cache for directory data: hits, expiry, size bound, and off when 0."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from grievance.cache import TimedCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    def __init__(self) -> None:
        self.calls: list[int] = []

    def of(self, key: int) -> Callable[[], object]:
        def load() -> str:
            self.calls.append(key)
            return f"value {key} #{len(self.calls)}"

        return load


def test_a_value_is_loaded_once_and_again_after_it_expires() -> None:
    clock, loader = Clock(), Loader()
    cache: TimedCache[int, object] = TimedCache(60, timer=clock)
    first = cache.get(1, loader.of(1))
    clock.now += 59
    assert cache.get(1, loader.of(1)) == first and loader.calls == [1]
    clock.now += 2
    assert cache.get(1, loader.of(1)) != first and loader.calls == [1, 1]


def test_zero_seconds_reads_every_time() -> None:
    loader = Loader()
    cache: TimedCache[int, object] = TimedCache(0)
    cache.get(1, loader.of(1))
    cache.get(1, loader.of(1))
    assert loader.calls == [1, 1]


def test_the_least_recently_used_entry_goes_first_when_full() -> None:
    loader = Loader()
    cache: TimedCache[int, object] = TimedCache(60, maxsize=2)
    for key in (1, 2, 1, 3):  # 2 is now the least recently used
        cache.get(key, loader.of(key))
    cache.get(1, loader.of(1))
    cache.get(2, loader.of(2))
    assert loader.calls == [1, 2, 3, 2]


def test_threads_reading_at_once_all_get_a_value() -> None:
    cache: TimedCache[int, object] = TimedCache(60)
    start = Barrier(8)

    def read(n: int) -> object:
        start.wait()
        return cache.get(n % 2, lambda: f"value {n % 2}")

    with ThreadPoolExecutor(8) as pool:
        values = list(pool.map(read, range(8)))
    assert sorted(set(map(str, values))) == ["value 0", "value 1"]
