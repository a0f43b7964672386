"""Wall time, CPU time and peak memory of one command, in a fresh process.

Peak memory is the command's maximum resident set size. It cannot be read from the
``ru_maxrss`` that ``os.wait4`` returns for a child started from this process: Linux carries the
parent's memory high-water mark over to a child that was forked (or vforked) from it and then
exec'd, so every figure would be at least this (large) process's size. The command is started
instead under GNU time (``/usr/bin/time -f %M``), a small C program whose own child starts
clean; without it, under a small Python wrapper (``python -S``, whose own size, about 7 MiB,
is then a floor on every figure). CPU time comes from ``os.wait4``: the wrapper's rusage
includes the children it waited for.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, NamedTuple

GNU_TIME = Path("/usr/bin/time")

#: Runs ``argv[2:]``, waits for it, writes its peak RSS (KiB) to ``argv[1]`` and exits as it
#: did. Used only where GNU time is missing.
_WRAPPER = """\
import os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    if os.WIFSIGNALED(status):
        out.write("Command terminated by signal %d\\n" % os.WTERMSIG(status))
    out.write("%d\\n" % usage.ru_maxrss)
os._exit(os.waitstatus_to_exitcode(status) % 256)
"""


class Measurement(NamedTuple):
    wall: float
    #: User plus system CPU seconds of the command (and of the wrapper, a millisecond or so).
    cpu: float
    #: Peak resident set size of the command, KiB; ``None`` if it could not be read.
    peak_kib: int | None
    #: Exit code; negative: killed by that signal; ``None``: killed at the timeout.
    returncode: int | None
    stdout: bytes
    stderr: bytes

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def peak_mib(self) -> float | None:
        return None if self.peak_kib is None else self.peak_kib / 1024

    @property
    def last_line(self) -> str:
        text = (self.stdout.strip() or self.stderr.strip()).decode("utf-8", "replace")
        lines = text.splitlines()
        return lines[-1] if lines else ""


def _limits(memory_bytes: int | None, close_stdout: bool) -> Callable[[], None] | None:
    if memory_bytes is None and not close_stdout:
        return None

    def apply() -> None:
        if memory_bytes is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if close_stdout:
            os.close(1)

    return apply


def _read_time_report(path: str) -> tuple[int | None, int | None]:
    """(peak KiB, signal that ended the command) from GNU time's (or the wrapper's) report."""
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None, None
    killed_by = None
    for line in lines:
        if line.startswith("Command terminated by signal"):
            killed_by = int(line.rsplit(" ", 1)[1])
    for line in reversed(lines):
        if line.strip().isdigit():
            return int(line.strip()), killed_by
    return None, killed_by


def measure(
    command: Sequence[str],
    cwd: Path,
    environment: dict[str, str] | None = None,
    *,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    close_stdout: bool = False,
    stdin: int | IO[bytes] | None = subprocess.DEVNULL,
) -> Measurement:
    """Runs ``command`` once. ``memory_bytes`` caps its address space (RLIMIT_AS);
    ``close_stdout`` starts it with standard output closed; past ``timeout`` seconds its whole
    process group is killed and ``returncode`` is ``None``."""
    descriptor, report = tempfile.mkstemp(prefix="iblint-measure-")
    os.close(descriptor)
    if GNU_TIME.exists():
        wrapped = [str(GNU_TIME), "-f", "%M", "-o", report, *command]
    else:
        wrapped = [sys.executable, "-S", "-c", _WRAPPER, report, *command]
    killed = threading.Event()
    try:
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            start = time.perf_counter()
            process = subprocess.Popen(
                wrapped,
                cwd=cwd,
                env=environment,
                stdin=stdin,
                stdout=None if close_stdout else stdout,
                stderr=stderr,
                preexec_fn=_limits(memory_bytes, close_stdout),
                start_new_session=True,
            )

            finished = False
            lock = threading.Lock()

            def kill() -> None:
                with lock:
                    if finished:
                        return
                    killed.set()
                    # The group of the wrapper (and so of the command and its children).
                    os.killpg(process.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill) if timeout is not None else None
            if timer is not None:
                timer.start()
            # Wait without reaping, so that the process group cannot be a new one by the time
            # the timer would kill it; then reap.
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
            with lock:
                finished = True
            if timer is not None:
                timer.cancel()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            returncode: int | None = os.waitstatus_to_exitcode(status)
            process.returncode = returncode
            stdout.seek(0)
            stderr.seek(0)
            out, err = stdout.read(), stderr.read()
        peak, killed_by = _read_time_report(report)
        if killed.is_set():
            returncode = None
        elif killed_by is not None:
            returncode = -killed_by
        return Measurement(wall, usage.ru_utime + usage.ru_stime, peak, returncode, out, err)
    finally:
        os.unlink(report)
