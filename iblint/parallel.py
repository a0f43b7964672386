"""Checking a run's files in several processes (``--jobs``), where that pays off.

The files are split into shares, several for each process, which the processes (this one
and forked ones) take one at a time as they finish the last (:func:`handed_out`,
:func:`in_processes`): a CPU slower than the other for a while then holds the run up by a
small share at most. Each share is checked with every rule but the catalog ones, which run
in this process once every share's catalog documents are in (:mod:`iblint.engine`). A Terraform module whose files read other files (``file("...")``)
is never split: every file of its folder goes to one share, so that a component document read
that way is checked once. The module's other ties (variables, overrides, the pipelines beside a
recipe) each process works out alike from the folder.

A large Terraform plan is cut into parts (:func:`plan_parts`, :class:`iblint.model.Portion`),
each a share of its own: every part reads the whole plan, builds and checks its run of the
resources, and reads the other parts' pipelines for the rules that relate resources. Parts
of a file that land in one share are joined again. A run that is nothing but the parts of one
plan runs the catalog rules in each part too: no other file can add to the catalog.

A forked process, and the ``iblint`` command, end with ``os._exit``, which frees nothing: the
last file's tree is left to it (:func:`leave_to_exit`) rather than taken apart node by node.

When it pays off (measured on a 2-CPU machine, ``benchmarks/bench.py``): forking and
passing a share's findings back costs a few milliseconds, so a run uses one process per
:data:`MIN_FILES_PER_PROCESS` files (a plan's part weighs by its bytes), at most one per
CPU this process may use. Without
``os.fork`` (Windows), or when a forked process fails in any way, the files are checked here,
one share after another: the result never depends on how many processes ran.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, NamedTuple, TypeVar

if TYPE_CHECKING:
    from iblint.discover import Discovered, FilePart
    from iblint.engine import TextSource
    from iblint.model import ResourceKind
    from iblint.syntax.limits import SizeLimits

_S = TypeVar("_S")
_R = TypeVar("_R")
_A = TypeVar("_A")

#: Below this many files a share costs more to hand to another process than it saves (on 2
#: CPUs: 20 templates take as long either way, 40 take 6% less in two processes).
MIN_FILES_PER_PROCESS = 16
#: The suffixes of the files of a Terraform module, which one process checks together.
_MODULE_SUFFIXES = (".tf", ".tf.json")


def can_fork(jobs: int | None) -> bool:
    """Whether work may go to forked processes: the platform has ``fork``, and either
    ``jobs`` asks for it or, by default, this process runs no other thread (a library caller
    with threads is never forked behind its back: a child would inherit locks other threads
    hold)."""
    if not hasattr(os, "fork"):
        return False
    if jobs is not None:
        return True
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() <= 1


def usable_cpus() -> int:
    """How many CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def shares(
    files: Iterable[_S],
    jobs: int | None,
    parts_of: Callable[[_S, int], Sequence[_S]] | None = None,
) -> list[Iterable[_S]]:
    """``files`` split into one share per process, each in the files' order: a single share
    (``files`` itself, still a lazy stream: memory stays flat) when one process does.
    ``parts_of(file, count)``: the parts of a file that up to ``count`` processes may check
    together (:func:`plan_parts`), or none; parts of a file that land in one share are
    joined again."""
    return handed_out(files, jobs, parts_of, 1)[0]


#: How many smaller shares each process's share is cut into by :func:`handed_out`: the
#: processes take them one by one as they finish the last, so that none waits long for
#: another. On a machine where one CPU is slower than the other for a while (a busy host),
#: two fixed halves of a 1000-template run finished 0.04 s to 0.22 s apart.
SHARES_PER_PROCESS = 16
#: ... and no share smaller than this many files (a share costs a pickled result).
MIN_FILES_PER_SHARE = 8
#: At most this many shares are taken in turn (:func:`in_processes`): each is named by one
#: byte in a pipe.
MAX_SHARES = 255


def in_turn(
    processes: int, total: int, per_share: int, per_process: int = SHARES_PER_PROCESS
) -> int:
    """How many shares ``processes`` take in turn of work weighing ``total``: ``per_process``
    each, none under ``per_share``, at most :data:`MAX_SHARES`, at least one a process."""
    return max(processes, min(processes * per_process, total // per_share, MAX_SHARES))


def handed_out(
    files: Iterable[_S],
    jobs: int | None,
    parts_of: Callable[[_S, int], Sequence[_S]] | None = None,
    per_process: int = SHARES_PER_PROCESS,
) -> tuple[list[Iterable[_S]], int]:
    """``files`` split as :func:`shares` splits them, but into about ``per_process`` shares
    for each process (none under :data:`MIN_FILES_PER_SHARE` files), which the processes
    take as they free up (:func:`in_processes`); and how many processes. A large plan's parts
    stay one share each."""
    if jobs == 1 or not can_fork(jobs):
        return [files], 1
    listed = list(files)
    processes = jobs if jobs is not None else usable_cpus()
    split: dict[int, Sequence[_S]] = {}
    if parts_of is not None and processes > 1:
        for source in listed:
            cut = parts_of(source, processes)
            if cut:
                split[id(source)] = cut
    count = jobs if jobs is not None else min(usable_cpus(), len(listed) // MIN_FILES_PER_PROCESS)
    if count <= 1 and not split:
        return [listed], 1
    # Contiguous runs of units (a file, or a module folder, or a part of a large plan) of
    # about equal weight (files; a plan part by its bytes): neighbours stay together, and
    # each share keeps the walk's order.
    units: list[list[_S]] = []
    sizes: list[int] = []
    for unit in _units(listed):
        parts = split.get(id(unit[0])) if len(unit) == 1 else None
        if parts:
            units.extend([part] for part in parts)
            sizes.extend(_weight(part) for part in parts)
        else:
            units.append(unit)
            sizes.append(len(unit))
    if jobs is None:
        count = min(usable_cpus(), sum(sizes) // MIN_FILES_PER_PROCESS)
    pieces = count
    if per_process > 1 and not split:  # a plan's parts are as many as the processes
        pieces = in_turn(count, sum(sizes), MIN_FILES_PER_SHARE, per_process)
    runs = portions(units, pieces, sizes)
    if len(runs) <= 1:
        return [listed], 1
    return [_joined([source for unit in run for source in unit]) for run in runs], min(
        count, len(runs)
    )


#: A Terraform plan is checked in parts by several processes when each part gets at least
#: this many bytes of it. Measured on 2 CPUs (generated plans, best of 5, whole process):
#: 512 KiB 0.13 s in one process, 0.10 s in two parts; 2 MiB 0.26/0.20; 8 MiB 0.77/0.54;
#: 20 MiB 1.75/1.25. Smaller plans gain a few milliseconds at most.
PLAN_PART_BYTES = 256 * 1024
#: At most this many parts: each part reads the whole plan (the ``json.loads`` share of the
#: time, and of the memory, is paid once per part), so more parts gain less and cost more.
MAX_PLAN_PARTS = 4
#: What a part of a plan weighs against whole files when shares are balanced: one file per
#: this many of its bytes (checking a 4 KiB template takes about what 8 KiB of a plan take).
PLAN_BYTES_PER_FILE = 8192


def plan_parts(
    source: Discovered,
    count: int,
    limits: SizeLimits,
    related: frozenset[ResourceKind],
    room: int | None = None,
) -> list[FilePart]:
    """``source`` cut into up to ``count`` parts of at least :data:`PLAN_PART_BYTES` when it
    is a Terraform plan of at most ``room`` bytes, its text read here once for all of them
    (and shared with the forked processes); else no part. Each part reads the whole text (so
    that it sees every resource the ones it checks refer to) but builds and checks only its
    resources: a plan is read at ``json.loads`` speed and checked at a few microseconds a
    value, so the check is what sharing it saves."""
    if source.problem is not None or not source.display.lower().endswith(".json"):
        return []
    from iblint.loading import read_plan_text

    try:
        size = os.stat(source.path, follow_symlinks=source.follow_symlinks).st_size
    except OSError:
        return []
    count = min(count, size // PLAN_PART_BYTES, MAX_PLAN_PARTS)
    if count <= 1 or (room is not None and size > room):
        return []
    text = read_plan_text(source.path, source.display, source.follow_symlinks, limits)
    return [] if text is None else _cut(source, text, count, related)


def text_plan_parts(
    source: TextSource, count: int, related: frozenset[ResourceKind], room: int | None = None
) -> list[FilePart]:
    """:func:`plan_parts` for a text given as such (standard input, a library's text), which
    is judged as a file of its name would be: a plan is JSON, named so or starting as an
    object."""
    from iblint.dialects import is_supporting_file
    from iblint.dialects.plan_selection import may_be_plan
    from iblint.reading import SNIFF_BYTES

    text, size = source.text, len(source.text)
    count = min(count, size // PLAN_PART_BYTES, MAX_PLAN_PARTS)
    if count <= 1 or (room is not None and size > room) or is_supporting_file(source.name):
        return []
    if not (source.name.lower().endswith(".json") or text.lstrip()[:1] == "{"):
        return []
    return _cut(source, text, count, related) if may_be_plan(text[:SNIFF_BYTES]) else []


def _cut(
    source: Discovered | TextSource, text: str, count: int, related: frozenset[ResourceKind]
) -> list[FilePart]:
    from iblint.discover import FilePart
    from iblint.model import Portion

    return [
        FilePart(source, text, Portion(part, part + 1, count, related)) for part in range(count)
    ]


def _weight(part: object) -> int:
    from iblint.discover import FilePart

    if not isinstance(part, FilePart):
        return 1
    return max(1, len(part.text) // part.portion.runs // PLAN_BYTES_PER_FILE)


def _joined(sources: list[_S]) -> list[_S]:
    """``sources`` with the parts of one file that follow each other joined into one part,
    or into the file itself when they are all of it."""
    from iblint.discover import FilePart

    joined: list[_S] = []
    for source in sources:
        last = joined[-1] if joined else None
        if (
            isinstance(source, FilePart)
            and isinstance(last, FilePart)
            and last.text is source.text
            and last.portion.stop == source.portion.start
        ):
            portion = last.portion._replace(stop=source.portion.stop)
            joined[-1] = last._replace(portion=portion)
        else:
            joined.append(source)
    return [
        source.file  # type: ignore[misc]
        if isinstance(source, FilePart)
        and source.portion.is_first
        and source.portion.stop == source.portion.runs
        else source
        for source in joined
    ]


def portions(
    items: Sequence[_S],
    jobs: int | None,
    sizes: Sequence[int] | None = None,
    per_process: int = MIN_FILES_PER_PROCESS,
) -> list[list[_S]]:
    """``items`` split as :func:`shares` splits files, for work other than checking: one
    contiguous portion per process, each in the items' order, of about equal total ``sizes``
    (one per item; 1 each by default). ``jobs`` portions (at most one per item), or with
    ``jobs`` ``None`` one per ``per_process`` of the total size, at most one per CPU; a single
    portion when one process does."""
    listed = list(items)
    weights = [1] * len(listed) if sizes is None else list(sizes)
    return _equal_runs(listed, weights, _processes(len(listed), jobs, sum(weights), per_process))


def portions_in_turn(
    items: Sequence[_S], jobs: int | None, sizes: Sequence[int], per_process: int, per_share: int
) -> tuple[list[list[_S]], int]:
    """``items`` in portions that processes take in turn (:func:`in_processes`), and how many
    processes: as many as :func:`portions` would have portions, each taking several smaller
    ones (:func:`in_turn`, none under ``per_share`` of the ``sizes``)."""
    listed, weights = list(items), list(sizes)
    total = sum(weights)
    processes = _processes(len(listed), jobs, total, per_process)
    if processes <= 1:
        return [listed], 1
    return _equal_runs(listed, weights, in_turn(processes, total, per_share)), processes


def _processes(count: int, jobs: int | None, total: int, per_process: int) -> int:
    """How many processes share ``count`` items of ``total`` weight (see :func:`portions`)."""
    if jobs == 1 or not can_fork(jobs) or total <= 0:
        return 1
    wanted = jobs if jobs is not None else min(usable_cpus(), total // max(1, per_process))
    return max(1, min(wanted, count))


def _equal_runs(listed: list[_S], weights: list[int], count: int) -> list[list[_S]]:
    """``listed`` in ``count`` contiguous portions of about equal total ``weights``."""
    if count <= 1:
        return [listed]
    parts: list[list[_S]] = [[] for _ in range(count)]
    target = sum(weights) / count
    done = 0
    for item, size in zip(listed, weights, strict=True):
        parts[min(count - 1, int((done + size / 2) / target))].append(item)
        done += size
    return [part for part in parts if part]


def _on_disk(source: object) -> bool:
    from iblint.discover import Discovered

    return isinstance(source, Discovered)


def _units(files: list[_S]) -> list[list[_S]]:
    """The files grouped as one process must check them, in the order of each unit's first
    file: the folder of a Terraform module whose files read other files together, every other
    file (and every text given as such, which reads no other) alone."""
    on_disk = _discovered([source for source in files if _on_disk(source)])
    folders: dict[str, list[Discovered]] = {}
    for source in on_disk:
        if source.problem is None and str(source.path).endswith(_MODULE_SUFFIXES):
            folders.setdefault(os.path.dirname(source.path), [])
    for source in on_disk:
        members = folders.get(os.path.dirname(source.path))
        if members is not None:
            members.append(source)
    together = {folder for folder, members in folders.items() if _reads_files(members)}
    units: list[list[_S]] = []
    by_folder: dict[str, list[_S]] = {}
    for item in files:
        folder = os.path.dirname(item.path) if _on_disk(item) else None  # type: ignore[attr-defined]
        if folder not in together:
            units.append([item])
        elif folder in by_folder:
            by_folder[folder].append(item)
        else:
            by_folder[folder] = [item]
            units.append(by_folder[folder])
    return units


def _reads_files(members: list[Discovered]) -> bool:
    """Whether a Terraform module's files may read other files of the run (``file("...")``,
    ``templatefile(...)``): a component document read that way is checked once, by the
    process that reads the module. Every other tie between a module's files (variables,
    overrides, pipelines) each process works out alike from the folder. A file that cannot be
    read counts as reading files."""
    from iblint.reading import read_file
    from iblint.syntax.limits import MAX_FILE_BYTES

    for source in members:
        if not str(source.path).endswith(_MODULE_SUFFIXES):
            continue
        data = read_file(source.path, MAX_FILE_BYTES, follow_symlinks=source.follow_symlinks)
        if not isinstance(data, bytes) or b"file(" in data:
            return True
    return False


def _discovered(files: list[_S]) -> list[Discovered]:
    return files  # type: ignore[return-value]  # checked by _on_disk


def in_processes(
    parts: list[Iterable[_S]],
    work: Callable[[Iterable[_S]], _R],
    processes: int | None = None,
    first: Callable[[], object] | None = None,
) -> list[_R]:
    """``work`` of each share, in the shares' order: with a process for each share (the
    default), the first in this process and each other in a forked one; with fewer
    ``processes`` (this one included), each takes the next share left as it finishes one: a
    pipe holds one byte per share (at most :data:`MAX_SHARES`), and a process reads the next
    each time it is done (a pipe's reads do not interleave). ``first`` runs here once the
    others are started, before this process works a share. A share whose process failed is
    worked here instead."""
    in_turn = processes is not None and 1 < processes < len(parts)
    if in_turn:
        if len(parts) > MAX_SHARES:
            raise ValueError(f"{len(parts)} shares: at most {MAX_SHARES} are taken in turn")
        taken, feed = os.pipe()
        try:
            os.write(feed, bytes(range(len(parts))))  # a pipe holds 64 KiB: never blocks
        finally:
            os.close(feed)  # once each byte is read, the next read says the shares are gone

    def take(number: int | None) -> list[tuple[int, _R]]:
        """The share ``number``, or (``None``) each share this process takes in turn."""
        if number is not None:
            return [(number, work(parts[number]))]
        done = []
        while byte := os.read(taken, 1):
            done.append((byte[0], work(parts[byte[0]])))
        return done

    #: Each other process and its output; ``None`` where none could be started (no
    #: temporary file, no process left): its shares are worked here.
    children: list[tuple[int, IO[bytes]] | None] = []
    results: dict[int, _R] = {}
    try:
        for number in range(1, processes if processes and in_turn else len(parts)):
            children.append(_start(take, None if in_turn else number, _temporary))
        if first is not None:
            first()
        results.update(take(None if in_turn else 0))
        while children:
            child = children.pop(0)  # _result reaps it and closes its output
            returned = _result(*child) if child is not None else None
            if isinstance(returned, list):  # take()'s numbered results; else worked below
                results.update(returned)
        return [results[n] if n in results else work(part) for n, part in enumerate(parts)]
    finally:
        if in_turn:
            os.close(taken)
        for child in children:  # interrupted: no process is left behind
            if child is not None:
                _stop(child[0])
                child[1].close()


#: The last tree left for this process's exit to drop (:func:`leave_to_exit`), once
#: :func:`exit_frees_nothing` has said the process ends that way; else ``None``.
_LEFT_TO_EXIT: list[object] | None = None


def exit_frees_nothing() -> None:
    """Says that this process ends with ``os._exit``, which frees nothing (a forked share's
    process, the ``iblint`` command): from now on :func:`leave_to_exit` keeps what it gets."""
    global _LEFT_TO_EXIT
    if _LEFT_TO_EXIT is None:
        _LEFT_TO_EXIT = []


class _Document(NamedTuple):
    """A document left to the exit (:func:`leave_document`), beside the tree."""

    tree: object


def leave_to_exit(tree: object) -> None:
    """Keeps ``tree`` (a file's nodes, once checked) alive to the end of the process when
    the process's exit frees nothing (:func:`exit_frees_nothing`), instead of taking it apart
    node by node as it is dropped: for the last file of a run, the freeing is all that is
    left (0.05 s for a part of a 20 MiB plan). The tree kept before is let go: at most one is
    held. ``None`` lets go of it, and of the document (:func:`leave_document`)."""
    if _LEFT_TO_EXIT is not None:
        if tree is None:
            _LEFT_TO_EXIT.clear()
        else:
            documents = [item for item in _LEFT_TO_EXIT if isinstance(item, _Document)]
            _LEFT_TO_EXIT[:] = [*documents, tree]


def leave_document(document: object) -> None:
    """:func:`leave_to_exit` for the document a file's resources were read from, held beside
    the tree (0.04 s of freeing for a part of a 20 MiB plan). The document left before is
    let go: at most one is held, whoever loads file after file."""
    if _LEFT_TO_EXIT is not None:
        trees = [item for item in _LEFT_TO_EXIT if not isinstance(item, _Document)]
        _LEFT_TO_EXIT[:] = [*trees, _Document(document)]


def freeze_what_is_left() -> None:
    """Takes the objects alive now out of the cyclic collector's sight (``gc.freeze``) when
    a tree is left to the exit: a tree holds no cycles, and the collector, run again once the
    check is over, would walk its million nodes (0.15 s) to free nothing."""
    if _LEFT_TO_EXIT:
        import gc

        gc.freeze()


def _temporary() -> IO[bytes]:
    """An unnamed file for a share's result: in memory where the system makes one
    (``memfd_create``: no temporary folder needed, nor the ``tempfile`` module's import),
    else in the temporary folder."""
    if hasattr(os, "memfd_create"):
        return os.fdopen(os.memfd_create("iblint-share", os.MFD_CLOEXEC), "w+b")
    import tempfile

    return tempfile.TemporaryFile()


def _start(
    work: Callable[[_A], _R], argument: _A, temporary: Callable[[], IO[bytes]]
) -> tuple[int, IO[bytes]] | None:
    """A forked process writing ``work(argument)`` into a temporary file, or ``None`` when
    the file or the process cannot be had (a full or read-only temporary folder, a process
    limit)."""
    try:
        out = temporary()
    except OSError:
        return None
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        out.close()
        return None
    if pid == 0:  # pragma: no cover - runs in the child, which exits here
        _child(work, argument, out)
    return pid, out


def _child(
    work: Callable[[_A], _R], argument: _A, out: IO[bytes]
) -> None:  # pragma: no cover - runs in the child
    """Writes ``work(argument)`` to ``out``; never returns (nor runs the parent's exit
    handlers or flushes its buffers)."""
    import pickle

    exit_frees_nothing()
    code = 1
    try:
        pickle.dump(work(argument), out, pickle.HIGHEST_PROTOCOL)
        out.flush()
        code = 0
    finally:
        os._exit(code)


def _result(pid: int, out: IO[bytes]) -> object | None:
    """What the process ``pid`` wrote to ``out`` once it has exited, or ``None`` if it
    failed."""
    import pickle

    _, status = os.waitpid(pid, 0)
    try:
        if os.waitstatus_to_exitcode(status) == 0:
            out.seek(0)
            result: object = pickle.load(out)  # written by our own child, from our own objects
            return result
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    finally:
        out.close()
    return None


def _stop(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
    except OSError:
        pass
