"""A per-file time budget: a file whose loading and checking take longer than the budget is
abandoned, reported as not fully checked (IB007), and the run goes on with the next file.

Every parser and rule is meant to be linear in its input; this is the guard for what is not
foreseen. It uses a real-time interval timer (``SIGALRM``), so it works only in the main
thread of a process on a system that has one (Linux, macOS); elsewhere files run unbounded.
A timer already set by the caller (a test's own alarm) is suspended for the file and re-armed
afterwards with what was left of it.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class OverBudget(BaseException):
    """Raised inside the work of one file when its budget runs out. A ``BaseException``, so
    that no ``except Exception`` in a parser or rule can swallow it."""


@contextmanager
def file_budget(seconds: float) -> Iterator[None]:
    """Raises :class:`OverBudget` in the ``with`` block once ``seconds`` of real time pass."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise OverBudget

    timed = seconds > 0 and hasattr(signal, "setitimer")
    if timed:
        try:
            previous_handler = signal.signal(signal.SIGALRM, expire)
        except ValueError:  # not the main thread: only it may handle signals
            timed = False
    if not timed:
        yield
        return
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay > 0:
            left = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6), previous_interval)
