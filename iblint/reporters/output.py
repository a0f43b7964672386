"""Writing a report to a file (``--output``): all of it or nothing, and never through a link."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

#: Opened as they are: nothing can be renamed over them, and a path under ``/dev/`` is the
#: caller's own choice (``-o /dev/stdout``), never a file of the checkout.
_DEVICE_DIRECTORY = "/dev/"


def write_report_file(path: Path, render: Callable[[TextIO], None]) -> None:
    """Writes what ``render`` writes to its stream into ``path``, UTF-8.

    Atomically: the report goes to a temporary file in the same directory, which replaces
    ``path`` (``os.replace``) only once it is complete, so a reader never sees half a report,
    and a failure (``OSError``, or anything ``render`` raises, raised again) leaves the previous
    file as it was and no temporary file behind. A symlink at ``path`` is replaced by the report,
    not followed: iblint never writes through a link it did not create (a committed
    ``iblint.sarif -> ~/.bashrc`` overwrites nothing). An existing regular file keeps its
    permission bits; a new one gets those ``open`` would give it (0666 less the umask).

    A path under ``/dev/`` that exists and is not a regular file (``/dev/stdout``,
    ``/dev/null``, ``/dev/fd/3``) is opened and written directly.
    """
    if _is_device(path):
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as stream:
            render(stream)
        return
    mode = _mode_for(path)
    directory = path.parent
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, mode)
        with open(descriptor, "w", encoding="utf-8", errors="backslashreplace") as stream:
            render(stream)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _is_device(path: Path) -> bool:
    if not os.path.abspath(path).startswith(_DEVICE_DIRECTORY):
        return False
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _mode_for(path: Path) -> int:
    """The permission bits of the file at ``path`` if it is a regular file (not a link), else
    what a new file gets."""
    with contextlib.suppress(OSError):
        info = os.lstat(path)
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
