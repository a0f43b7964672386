"""Which files a check looks at, and the paths findings show."""

from __future__ import annotations

import errno
import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from iblint import check_paths
from iblint.config import Config
from iblint.discover import MissingPathError, discover
from iblint.model import InputProblem
from iblint.reading import read_file
from tests import special_files
from tests.documents import API_INFRA_BAD
from tests.special_files import MARKED, no_hang

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def names(paths: list[str], root: Path) -> list[str]:
    return [item.display for item in discover(paths, root) if item.problem is None]


def test_relative_paths_are_resolved_against_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "project" / "infra").mkdir(parents=True)
    (tmp_path / "project" / "infra" / "a.json").write_text(API_INFRA_BAD)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    root = tmp_path / "project"
    assert names(["infra"], root) == ["infra/a.json"]
    assert names(["infra/a.json"], root) == ["infra/a.json"]
    report = check_paths(["infra"], Config(), root=root)
    assert [(f.rule_id, f.path) for f in report.findings] == [("IB101", "infra/a.json")]


def test_missing_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(MissingPathError, match="nothing-here"):
        list(discover(["nothing-here"], tmp_path))


def test_walk_order_is_stable_and_sorted(tmp_path: Path) -> None:
    names_on_disk = (
        "b/z.yaml",
        "b/a.yml",
        "a.json",
        "c/d/e.template",
        "B.JSON",
        "x.txt",
        "y.tf",
        "v.tfvars",
    )
    for name in names_on_disk:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    assert names(["."], tmp_path) == [
        "B.JSON",
        "a.json",
        "y.tf",
        "b/a.yml",
        "b/z.yaml",
        "c/d/e.template",
    ]


def test_each_file_once_in_the_order_given(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "one.json").write_text("{}")
    (tmp_path / "two.yaml").write_text("a: 1")
    assert names(["two.yaml", "d", "d/one.json", "./two.yaml"], tmp_path) == [
        "two.yaml",
        "d/one.json",
    ]


def test_paths_outside_the_root_stay_absolute(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    (tmp_path / "outside.json").write_text("{}")
    assert names([str(tmp_path / "outside.json")], tmp_path / "inside") == [
        (tmp_path / "outside.json").as_posix()
    ]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loops_and_broken_links_do_not_hang_or_crash(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    found = names(["."], tmp_path)
    assert "real/infra.json" in found
    report = check_paths(["."], Config(), root=tmp_path)
    assert ("IB101", "real/infra.json") in {(f.rule_id, f.path) for f in report.findings}
    # Found by the walk, a dangling link names no file; named on the command line, it is
    # reported (the user asked for that file).
    assert "dangling.yaml" not in {f.path for f in report.findings}
    named = check_paths(["dangling.yaml"], Config(), root=tmp_path)
    assert [(f.rule_id, f.path) for f in named.findings] == [("IB006", "dangling.yaml")]


def test_skipped_directory_names_are_skipped_only_when_walking(tmp_path: Path) -> None:
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "infra.json").write_text(API_INFRA_BAD)
    assert names(["."], tmp_path) == []
    assert names(["node_modules"], tmp_path) == ["node_modules/infra.json"]


def test_dot_segments_are_folded_and_a_file_is_checked_once(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "t.yaml").write_text("x: 1")
    assert names(["a/../b/t.yaml", "b/t.yaml", "./b/./t.yaml"], tmp_path) == ["b/t.yaml"]


def test_dangling_links_are_passed_over(tmp_path: Path) -> None:
    (tmp_path / "package.json").symlink_to(tmp_path / "gone" / "package.json")
    (tmp_path / "t.yaml").write_text("x: 1")
    assert names(["."], tmp_path) == ["t.yaml"]


def test_directories_the_walk_cannot_enter_are_reported_in_their_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secret").mkdir()
    (tmp_path / "t.yaml").write_text("x: 1")
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(discover(["."], tmp_path))
    assert [(item.display, item.problem is not None) for item in items] == [
        ("t.yaml", False),
        ("secret", True),
    ]


# --- Special files, links out of the tree, unreadable directories (issue 11) -----------------


@pytest.fixture(autouse=True)
def _never_hang() -> Iterator[None]:
    with no_hang(5):
        yield


def found(paths: list[str], root: Path) -> list[tuple[str, str | None]]:
    """(display path, problem message or None) for each discovered file."""
    return [
        (item.display, item.problem.message if item.problem else None)
        for item in discover(paths, root)
    ]


NOT_FOLLOWED = "a symbolic link to outside the checked directory; not followed"


def test_special_files_found_while_walking_are_reported_in_their_place(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1")
    os.mkfifo(tmp_path / "b.yaml")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(os.fspath(tmp_path / "c.json"))
    (tmp_path / "d.yaml").write_text("x: 1")
    os.mkfifo(tmp_path / "pipe.txt")  # not a suffix we take: passed over like any .txt
    assert found(["."], tmp_path) == [
        ("a.yaml", None),
        ("b.yaml", "not a regular file (a FIFO); it was not read"),
        ("c.json", "not a regular file (a socket); it was not read"),
        ("d.yaml", None),
    ]
    # The shape the engine takes today never hands it a FIFO or a socket to open.
    assert names(["."], tmp_path) == ["a.yaml", "d.yaml"]


def test_a_file_found_while_walking_is_read_without_following_links(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1")
    (item,) = discover(["."], tmp_path)
    assert (item.problem, item.follow_symlinks) == (None, False)
    (named,) = discover(["a.yaml"], tmp_path)
    assert (named.problem, named.follow_symlinks) == (None, True)


def test_links_out_of_the_walked_directory_are_reported_not_followed(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_bytes(MARKED)
    (tmp_path / "repo" / "sub").mkdir(parents=True)
    (tmp_path / "repo" / "shadow.yaml").symlink_to("/etc/shadow")
    (tmp_path / "repo" / "stdin.yaml").symlink_to("/dev/stdin")
    (tmp_path / "repo" / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "repo" / "sub" / "up.yaml").symlink_to("../../outside/secret.yaml")
    # A chain of links that stays inside for one hop and then leaves.
    (tmp_path / "repo" / "chain.yaml").symlink_to("sub/up.yaml")
    root = tmp_path / "repo"
    assert found(["."], root) == [
        ("chain.yaml", NOT_FOLLOWED),
        ("shadow.yaml", NOT_FOLLOWED),
        ("stdin.yaml", NOT_FOLLOWED),
        ("zero.yaml", NOT_FOLLOWED),
        ("sub/up.yaml", NOT_FOLLOWED),
    ]
    assert names(["."], root) == []
    # Walking the parent, the same link stays inside: followed.
    assert ("repo/sub/up.yaml", None) in found(["."], tmp_path)
    # Named on the command line, a link is the user's choice: followed.
    (named,) = discover(["sub/up.yaml"], root)
    assert (named.problem, named.follow_symlinks) == (None, True)
    assert read_file(named.path, 1024, follow_symlinks=named.follow_symlinks) == MARKED
    (zero,) = discover(["zero.yaml"], root)
    assert zero.problem is None
    result = read_file(zero.path, 1024, follow_symlinks=zero.follow_symlinks)
    assert isinstance(result, InputProblem)
    assert result.message == "not a regular file (a character device); it was not read"


def test_links_that_stay_inside_are_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "t.yaml").write_bytes(MARKED)
    (tmp_path / "alias.yaml").symlink_to("real/t.yaml")
    (tmp_path / "absolute.yaml").symlink_to(tmp_path / "real" / "t.yaml")
    os.mkfifo(tmp_path / "real" / "pipe")
    (tmp_path / "pipe.yaml").symlink_to("real/pipe")
    items = {item.display: item for item in discover(["."], tmp_path)}
    assert sorted(items) == ["absolute.yaml", "alias.yaml", "pipe.yaml", "real/t.yaml"]
    for name in ("absolute.yaml", "alias.yaml"):
        assert (items[name].problem, items[name].follow_symlinks) == (None, True)
        assert read_file(items[name].path, 1024, follow_symlinks=True) == MARKED
    assert items["pipe.yaml"].problem is not None
    assert items["pipe.yaml"].problem.message == "not a regular file (a FIFO); it was not read"


def test_inside_is_judged_on_real_paths_when_the_walked_directory_is_a_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "t.yaml").write_bytes(MARKED)
    (tmp_path / "real" / "abs.yaml").symlink_to(tmp_path / "real" / "t.yaml")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    assert found(["alias"], tmp_path) == [("alias/abs.yaml", None), ("alias/t.yaml", None)]


def test_links_to_directories_are_not_walked_or_reported(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    (tmp_path / "inside" / "t.yaml").write_text("x: 1")
    (tmp_path / "in.yaml").symlink_to(tmp_path / "inside", target_is_directory=True)
    (tmp_path / "out.yaml").symlink_to("/etc", target_is_directory=True)
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    assert found(["."], tmp_path) == [("inside/t.yaml", None)]


@pytest.mark.skipif(AS_ROOT, reason="root lists and enters directories whatever their mode")
@pytest.mark.parametrize(
    ("mode", "verb"), [(0o000, "list"), (0o300, "list"), (0o600, "enter"), (0o400, "enter")]
)
def test_directories_without_read_or_execute_permission_are_reported(
    tmp_path: Path, mode: int, verb: str
) -> None:
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "t.yaml").write_text("x: 1")
    (tmp_path / "secret" / "sub").mkdir()
    (tmp_path / "z.yaml").write_text("x: 1")
    (tmp_path / "secret").chmod(mode)
    try:
        assert found(["."], tmp_path) == [
            ("z.yaml", None),
            (
                "secret",
                f"cannot {verb} the directory: Permission denied; nothing in it was checked",
            ),
        ]
    finally:
        (tmp_path / "secret").chmod(0o700)


def test_a_directory_without_execute_permission_is_reported_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listing works (read permission), entering does not (no execute): what root never
    sees, simulated."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "t.yaml").write_text("x: 1")
    (tmp_path / "empty").mkdir()
    (tmp_path / "z.yaml").write_text("x: 1")
    real_lstat = os.lstat

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        if os.fspath(path).startswith(os.fspath(tmp_path / "secret")):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", lstat)
    assert found(["."], tmp_path) == [
        ("z.yaml", None),
        ("secret", "cannot enter the directory: Permission denied; nothing in it was checked"),
    ]


def test_the_named_directory_itself_unlistable_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d").mkdir()

    def scandir(path: object) -> object:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    assert found(["d"], tmp_path) == [
        ("d", "cannot list the directory: Permission denied; nothing in it was checked")
    ]


def test_a_name_that_is_not_utf8_is_kept_as_surrogate_escapes(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.yaml")
    with open(raw, "wb") as stream:
        stream.write(MARKED)
    (item,) = discover(["."], tmp_path)
    assert item.display == "caf\udce9.yaml"
    assert os.fsencode(item.display) == b"caf\xe9.yaml"
    assert read_file(item.path, 1024, follow_symlinks=item.follow_symlinks) == MARKED
    # Named on the command line, as a shell passes it.
    (named,) = discover([os.fsdecode(b"caf\xe9.yaml")], tmp_path)
    assert named.display == "caf\udce9.yaml"


def test_deep_nesting_does_not_reach_the_recursion_limit(tmp_path: Path) -> None:
    """The walk keeps its own stack. Shown under a recursion limit just above the current
    depth (a walk that recursed per level, as os.walk does in Python 3.11, fails), so that no
    tree deeper than shutil.rmtree can remove is left behind."""
    depth = 120
    deepest = os.path.join(os.fspath(tmp_path), *(["d"] * depth))
    os.makedirs(deepest)
    Path(deepest, "t.yaml").write_text("x: 1")
    frames = 0
    frame = sys._getframe()
    while frame is not None:
        frames, frame = frames + 1, frame.f_back  # type: ignore[assignment]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(frames + 60)
    try:
        discovered = found(["."], tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert discovered == [("d/" * depth + "t.yaml", None)]


def test_discovery_is_lazy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "t.yaml").write_text("x: 1")
    listed: list[str] = []
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        listed.append(Path(path).name)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    walk = discover(["."], tmp_path)
    assert next(walk).display == "a/t.yaml"
    assert listed == [tmp_path.name, "a"]
    assert [item.display for item in walk] == ["b/t.yaml", "c/t.yaml"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(special_files.entries)
def test_any_mix_of_file_kinds_is_discovered_and_read_without_error_or_hang(
    entries: list[tuple[str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as temporary, no_hang(5):
        base = Path(temporary)
        (base / "tree").mkdir()
        (base / "outside").mkdir()
        kinds: dict[str, str] = {}
        for index, (kind, stem) in enumerate(entries):
            path = special_files.make(base / "tree", f"{index}{stem}.yaml", kind, base / "outside")
            kinds[os.fsdecode(os.fsencode(path.name))] = kind
        items = list(discover(["tree"], base))
        displays = [item.display for item in items]
        assert displays == sorted(displays, key=lambda display: display.split("/"))
        by_name = {item.path.name: item for item in items}
        for name, kind in kinds.items():
            if kind in special_files.PASSED_OVER:
                assert name not in by_name
                continue
            item = by_name[name]
            assert (item.problem is not None) == (kind in special_files.REPORTED), (kind, item)
            if item.problem is None:
                data = read_file(item.path, 1024, follow_symlinks=item.follow_symlinks)
                assert data == special_files.MARKED
        for name in ("tree/" + name for name in kinds):  # named: followed, read or reported
            for item in discover([name], base):
                result = read_file(item.path, 1024, follow_symlinks=item.follow_symlinks)
                assert result is None or isinstance(result, bytes | InputProblem)
