"""Which files a check looks at, and the paths findings show."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.config import Config
from iblint.discover import MissingPathError, discover
from tests.documents import API_INFRA_BAD


def names(paths: list[str], root: Path) -> list[str]:
    return [display for _, display in discover(paths, root)]


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


def test_directories_the_walk_cannot_enter_are_handed_over(
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
    assert names(["."], tmp_path) == ["t.yaml", "secret"]
