"""Special files for tests: FIFOs, sockets, links in and out, loops, devices, names that are not
UTF-8; a hypothesis strategy over them; and a guard that turns a hang into a failure."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from hypothesis import strategies as st

MARKED = (
    b"Resources:\n  R:\n    Type: AWS::ImageBuilder::ImageRecipe\n    Properties:\n"
    b"      Name: recipe\n      Version: 1.0.0\n      ParentImage: ami-0123456789abcdef0\n"
)

#: Every kind of directory entry :func:`make` can create.
KINDS = (
    "regular",
    "fifo",
    "socket",
    "link-in",  # to a regular file inside the walked directory
    "link-out",  # to a regular file outside it
    "link-dev",  # to /dev/zero
    "link-dir",  # to a directory inside
    "dangling",
    "loop",  # a link to itself
    "non-utf8",  # a regular file whose name is not valid UTF-8
)
#: Kinds that must reach the engine with a problem, never as a file to open.
REPORTED = frozenset({"fifo", "socket", "link-out", "link-dev"})
#: Kinds a walk passes over without a word.
PASSED_OVER = frozenset({"link-dir", "dangling", "loop"})

entries = st.lists(
    st.tuples(st.sampled_from(KINDS), st.sampled_from(["a", "b", "Z", "é", "x y"])),
    min_size=1,
    max_size=8,
)


def make(directory: Path, name: str, kind: str, outside: Path) -> Path:
    """Creates ``name`` of ``kind`` in ``directory``; ``outside`` is a directory beside it."""
    path = directory / name
    if kind == "regular":
        path.write_bytes(MARKED)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(os.fspath(path))
    elif kind == "link-in":
        target = directory / f"target-of-{name}"
        target.write_bytes(MARKED)
        path.symlink_to(target)
    elif kind == "link-out":
        target = outside / f"secret-{name}"
        target.write_bytes(MARKED)
        path.symlink_to(target)
    elif kind == "link-dev":
        path.symlink_to("/dev/zero")
    elif kind == "link-dir":
        (directory / f"dir-{name}").mkdir()
        path.symlink_to(directory / f"dir-{name}", target_is_directory=True)
    elif kind == "dangling":
        path.symlink_to(directory / "missing")
    elif kind == "loop":
        path.symlink_to(path)
    elif kind == "non-utf8":
        raw = os.path.join(os.fsencode(directory), b"\xff" + os.fsencode(name))
        path = Path(os.fsdecode(raw))
        path.write_bytes(MARKED)
    else:  # pragma: no cover
        raise ValueError(kind)
    return path


class Hung(Exception):
    """The code under test did not return in time."""


@contextlib.contextmanager
def no_hang(seconds: float = 5.0) -> Iterator[None]:
    """Fails (rather than hangs) when the body takes longer than ``seconds``."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung(f"took over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
