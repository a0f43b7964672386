"""Memory for pure functions of short texts that a run asks again and again (the same YAML
scalars, property names and ARNs in every template): bounded by :func:`functools.lru_cache`,
and a text longer than ``max_length`` is worked out each time rather than held."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

_R = TypeVar("_R")

#: How many results each remembered function keeps (the least recently used go first).
REMEMBERED_COUNT = 4096


def remembered(max_length: int) -> Callable[[Callable[..., _R]], Callable[..., _R]]:
    """Remembers the results of a function whose first argument is a text (the others
    hashable), for texts of at most ``max_length`` characters. A call that raises is not
    remembered. The remembering function is ``.cached`` (``cache_info()``)."""

    def decorate(function: Callable[..., _R]) -> Callable[..., _R]:
        cached = functools.lru_cache(maxsize=REMEMBERED_COUNT)(function)

        @functools.wraps(function)
        def call(text: str, *rest: Any) -> _R:
            return cached(text, *rest) if len(text) <= max_length else function(text, *rest)

        call.cached = cached  # type: ignore[attr-defined]
        return call

    return decorate
