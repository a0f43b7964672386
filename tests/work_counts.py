"""A deterministic measure of the work code does, for the tests about cost: a test never
asserts a wall-clock time (it fails on a busy machine and passes a slow algorithm on a fast one).

The measure is *steps*: the Python lines run plus the functions called, Python and C, while the
work runs, counted with the interpreter's trace and profile hooks. It is the same on every
machine and every run (of one Python version). It does not see inside a C call: a regular expression or libyaml over
the whole text is one step, so a cost that grows inside one C call is not measured here.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TypeVar

import pytest

_T = TypeVar("_T")


class _Over(BaseException):
    """Raised inside the work once it passes its limit: a ``BaseException``, so that no
    ``except Exception`` in the code measured swallows it."""


def steps_of(work: Callable[[], _T], limit: int) -> tuple[_T, int]:
    """``work()``'s result and the steps it took. Fails the test as soon as the work passes
    ``limit`` steps, so that a cost gone quadratic or exponential fails at once instead of
    running for hours."""
    result, count = _measured(work, limit)
    if count > limit:
        pytest.fail(f"the work took more than {limit:,} steps", pytrace=False)
    return result, count  # type: ignore[return-value]


def assert_linear(run: Callable[[int], object], size: int, factor: int = 2) -> None:
    """Fails unless ``run(factor * size)`` takes at most 1.15 times ``factor`` the steps of
    ``run(size)``: work linear in the size takes ``factor`` times (less, with a fixed part),
    quadratic work ``factor ** 2`` times.

    ``run(1)`` runs first, unmeasured, so that one-time work (imports, patterns compiled on
    first use) counts in neither measure; were it ``run(size)``, the short texts remembered
    then would make the first measure the cheaper. Each measure is stopped as soon as it is
    past what linear work could take, so that a quadratic one fails at once: ``run(size)`` at
    twice ``size`` times the steps of ``run(1)`` (its fixed part and one item)."""
    run(1)
    _, one = _measured(lambda: run(1), sys.maxsize)
    limit = 2 * size * one
    _, small = _measured(lambda: run(size), limit)
    if small > limit:
        pytest.fail(
            f"not linear: run({size:,}) took more than {limit:,} steps, "
            f"2 * {size:,} times the {one:,} of run(1)",
            pytrace=False,
        )
    limit = int(small * factor * 1.15)
    _, large = _measured(lambda: run(factor * size), limit)
    if large > limit:
        pytest.fail(
            f"not linear: run({factor * size:,}) took more than {limit:,} steps, "
            f"{factor * 1.15:.2f} times the {small:,} of run({size:,})",
            pytrace=False,
        )


def _measured(work: Callable[[], _T], limit: int) -> tuple[_T | None, int]:
    """``work()``'s result and its steps; ``None`` and ``limit + 1`` once it passes ``limit``
    (the work is then stopped where it is)."""
    count = 0

    def over() -> None:
        sys.settrace(None)
        sys.setprofile(None)
        raise _Over

    def trace(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal count
        if event == "call" or event == "line":
            count += 1
            if count > limit:
                over()
        return trace

    def profile(frame: FrameType, event: str, arg: object) -> None:
        nonlocal count
        if event == "c_call":
            count += 1
            if count > limit:
                over()

    previous_trace, previous_profile = sys.gettrace(), sys.getprofile()
    sys.setprofile(profile)
    sys.settrace(trace)
    try:
        return work(), count
    except _Over:
        return None, limit + 1
    finally:
        sys.settrace(previous_trace)
        sys.setprofile(previous_profile)


@contextmanager
def hang_guard(seconds: int = 60) -> Iterator[None]:
    """Fails the work (``TimeoutError``) if it is still running after ``seconds``: far above
    its real cost, so that it asserts no time but turns a return to exponential or quadratic
    work, which steps cannot see inside one C call (a regular expression), into a failure
    rather than a hung run. The signal is handled once the C call returns."""

    def stop(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
