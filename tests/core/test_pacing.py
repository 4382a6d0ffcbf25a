from __future__ import annotations

import itertools
import threading

from tap_media_apis.core.pacing import RequestPacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_requests_are_spaced_at_the_rate() -> None:
    fake = FakeTime()
    pacer = RequestPacer(5, clock=fake.clock, sleep=fake.sleep)
    sent_at = []
    for _ in range(11):
        pacer.acquire()
        sent_at.append(fake.now)
    gaps = [b - a for a, b in itertools.pairwise(sent_at)]
    assert all(abs(gap - 0.2) < 1e-9 for gap in gaps)
    assert abs(sent_at[-1] - 2.0) < 1e-9


def test_no_rate_means_no_waiting() -> None:
    fake = FakeTime()
    pacer = RequestPacer(None, clock=fake.clock, sleep=fake.sleep)
    for _ in range(100):
        pacer.acquire()
    assert fake.now == 0.0


def test_a_hold_delays_every_caller_until_it_ends() -> None:
    fake = FakeTime()
    pacer = RequestPacer(None, clock=fake.clock, sleep=fake.sleep)
    pacer.acquire()
    pacer.hold(30)
    pacer.acquire()
    assert fake.now == 30.0
    # A shorter hold never shortens a longer one.
    pacer.hold(60)
    pacer.hold(1)
    pacer.acquire()
    assert fake.now == 90.0


def test_a_hold_started_while_waiting_for_a_slot_is_respected() -> None:
    fake = FakeTime()
    pacer = RequestPacer(1, clock=fake.clock, sleep=fake.sleep)
    pacer.acquire()  # t=0, next slot t=1

    def sleep_and_hold(seconds: float) -> None:
        # Another thread sees a 429 while this one waits for its slot.
        fake.sleep(seconds)
        if fake.now < 5:
            pacer.hold(10)

    pacer._sleep = sleep_and_hold
    pacer.acquire()
    assert fake.now >= 11.0


def test_a_window_limit_holds_over_every_closed_window() -> None:
    """50 per 10 s at 5/s: even spacing alone puts 51 in [t, t + 10]; the window must not."""
    fake = FakeTime()
    pacer = RequestPacer(5, window_seconds=10, clock=fake.clock, sleep=fake.sleep)
    sent_at = []
    for _ in range(160):
        pacer.acquire()
        sent_at.append(fake.now)
    assert all(later - earlier > 10 for earlier, later in zip(sent_at, sent_at[50:], strict=False))
    # ... and it costs little: 160 requests in well under 34 s (5/s would be 31.8 s).
    assert sent_at[-1] < 34
