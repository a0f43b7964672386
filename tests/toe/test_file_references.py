"""A Terraform component whose ``data`` is ``file("...")`` of a file in its module: that file is
checked as the component's document, whatever its name, with findings at its own path and
positions, once per run however it is reached; nothing outside the module is ever read."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from iblint import check_paths, check_text
from iblint.config import Config
from iblint.engine import Report
from iblint.exclusions import anchored
from tests.toe.helpers import DOCUMENT

#: A component document with one typo: ``ExecuteBashh`` at 6:17.
TYPO = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Probe
        action: ExecuteBashh
        inputs:
          commands:
            - uname -r
"""
TYPO_AT = "6:17"


def component(data: str, name: str = "probe") -> str:
    return (
        f'resource "aws_imagebuilder_component" "{name}" {{\n'
        f'  name     = "{name}"\n'
        '  platform = "Linux"\n'
        '  version  = "1.0.0"\n'
        f"  data     = {data}\n"
        "}\n"
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(
    root: Path, *paths: str, select: tuple[str, ...] | None = ("IB0", "IB6"), **settings: Any
) -> Report:
    """``select=None``: every rule."""
    return check_paths(list(paths), Config.build(select=select, **settings), root=root)


def places(report: Report) -> list[str]:
    """``path:line:col: RULE`` for each finding."""
    return [
        f"{finding.path}:{finding.span.start_line}:{finding.span.start_col}: {finding.rule_id}"
        for finding in report.findings
    ]


# What is read ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argument",
    [
        '"component.yml.tpl"',
        '"./component.yml.tpl"',
        '"${path.module}/component.yml.tpl"',
        '"${ path.module }/component.yml.tpl"',
        '"${path.module}/./component.yml.tpl"',
    ],
)
def test_checking_only_the_tf_file_checks_the_file_it_reads(tmp_path: Path, argument: str) -> None:
    write(tmp_path / "main.tf", component(f"file({argument})"))
    write(tmp_path / "component.yml.tpl", TYPO)
    report = check(tmp_path, "main.tf")
    assert places(report) == [f"component.yml.tpl:{TYPO_AT}: IB606"]
    assert report.files_checked == 2


@pytest.mark.parametrize("name", ["build.txt", "doc", "docs/component.yml.tpl"])
def test_any_name_in_the_module_or_below(tmp_path: Path, name: str) -> None:
    write(tmp_path / "mod" / "main.tf", component(f'file("${{path.module}}/{name}")'))
    write(tmp_path / "mod" / name, TYPO)
    assert places(check(tmp_path, "mod/main.tf")) == [f"mod/{name}:{TYPO_AT}: IB606"]


def test_terraform_json_syntax(tmp_path: Path) -> None:
    body = {
        "resource": {
            "aws_imagebuilder_component": {
                "probe": {
                    "name": "probe",
                    "platform": "Linux",
                    "version": "1.0.0",
                    "data": '${file("${path.module}/component.yml.tpl")}',
                }
            }
        }
    }
    write(tmp_path / "main.tf.json", json.dumps(body, indent=2))
    write(tmp_path / "component.yml.tpl", TYPO)
    assert places(check(tmp_path, "main.tf.json")) == [f"component.yml.tpl:{TYPO_AT}: IB606"]


def test_the_file_is_the_document_whatever_it_holds(tmp_path: Path) -> None:
    """Its content is the component's data: a file that does not look like a component
    document is one that AWSTOE will reject, and a YAML error in it is IB001 there."""
    write(tmp_path / "main.tf", component('file("a.tpl")', "a") + component('file("b.tpl")', "b"))
    write(tmp_path / "a.tpl", "phases: {}\n")
    write(tmp_path / "b.tpl", "schemaVersion: 1.0\nphases: [\n")  # unclosed at 2:10
    found = places(check(tmp_path, "main.tf"))
    assert "a.tpl:1:1: IB601" in found
    assert [place for place in found if place.startswith("b.tpl")] == ["b.tpl:2:10: IB001"]


def test_a_clean_file_gives_nothing(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    write(tmp_path / "component.yml.tpl", DOCUMENT)
    report = check(tmp_path, "main.tf", select=None)
    assert report.findings == []


@pytest.mark.parametrize(
    "data",
    [
        "file(var.document)",
        'file("${var.dir}/component.yml.tpl")',
        'file("${path.root}/component.yml.tpl")',
        'templatefile("component.yml.tpl", {})',
        'file("component.yml.tpl", "extra")',
        'file("compo${"nent"}.yml.tpl")',
        'file("component.yml\\u002etpl")',
        'trimspace(file("component.yml.tpl"))',
    ],
)
def test_anything_but_a_literal_path_stays_unknown(tmp_path: Path, data: str) -> None:
    write(tmp_path / "main.tf", component(data))
    write(tmp_path / "component.yml.tpl", TYPO)
    assert places(check(tmp_path, "main.tf")) == []


def test_a_missing_file_is_not_reported(tmp_path: Path) -> None:
    """Terraform itself says so at plan time; the file may also be made by an earlier step."""
    write(tmp_path / "main.tf", component('file("generated/component.yaml")'))
    assert places(check(tmp_path, "main.tf")) == []


def test_a_terraform_file_is_never_read_as_a_document(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("other.tf")'))
    write(tmp_path / "other.tf", component('"schemaVersion: 1.0"', "other"))
    assert places(check(tmp_path, "main.tf")) == []
    assert places(check(tmp_path, ".")) == places(check(tmp_path, "other.tf"))


def test_text_given_directly_reads_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "component.yml.tpl", TYPO)
    config = Config.build(select=["IB0", "IB6"])
    assert check_text(component('file("component.yml.tpl")'), "main.tf", config) == []


# Never outside the module --------------------------------------------------------------------


@pytest.mark.parametrize(
    "argument",
    [
        '"../outside.yml.tpl"',
        '"${path.module}/../outside.yml.tpl"',
        '"sub/../../outside.yml.tpl"',
        '"ABSOLUTE"',
        '"link.yml.tpl"',
        '"linked/outside.yml.tpl"',
        '"/etc/passwd"',
        '"../../../../../../../../etc/passwd"',
    ],
)
def test_a_path_that_leaves_the_module_is_not_read(tmp_path: Path, argument: str) -> None:
    outside = write(tmp_path / "outside.yml.tpl", TYPO)
    module = tmp_path / "mod"
    write(module / "main.tf", component(f"file({argument.replace('ABSOLUTE', str(outside))})"))
    (module / "sub").mkdir()
    (module / "link.yml.tpl").symlink_to(outside)
    (module / "linked").symlink_to(tmp_path, target_is_directory=True)
    report = check(tmp_path, "mod/main.tf")
    assert places(report) == []
    assert report.files_checked == 1


def test_a_link_that_stays_inside_the_module_is_followed(tmp_path: Path) -> None:
    write(tmp_path / "documents" / "real.yml.tpl", TYPO)
    (tmp_path / "component.yml.tpl").symlink_to("documents/real.yml.tpl")
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    assert places(check(tmp_path, "main.tf")) == [f"component.yml.tpl:{TYPO_AT}: IB606"]


def _without_hanging(run: Callable[[], Report], fifo: Path) -> Report:
    done: list[Report] = []
    worker = threading.Thread(target=lambda: done.append(run()), daemon=True)
    worker.start()
    worker.join(timeout=20)
    stuck = worker.is_alive()
    if stuck:  # let the reader go before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join(timeout=5)
    assert not stuck
    return done[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_reported_not_read(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    fifo = tmp_path / "component.yml.tpl"
    os.mkfifo(fifo)
    report = _without_hanging(lambda: check(tmp_path, "main.tf"), fifo)
    assert places(report) == ["component.yml.tpl:1:1: IB006"]
    assert "FIFO" in report.findings[0].message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_walked_fifo_is_reported_once(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yaml")'))
    fifo = tmp_path / "component.yaml"
    os.mkfifo(fifo)
    report = _without_hanging(lambda: check(tmp_path, "."), fifo)
    assert places(report) == ["component.yaml:1:1: IB006"]


def test_the_run_size_limit_applies(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    write(tmp_path / "component.yml.tpl", TYPO + "#" + "x" * 2000 + "\n")
    report = check(tmp_path, "main.tf", options={"IB003": {"max_bytes": 1000}})
    assert places(report) == ["component.yml.tpl:1:1: IB003"]


def test_a_binary_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.bin")'))
    (tmp_path / "component.bin").write_bytes(b"schemaVersion: 1.0\x00\xff\n")
    report = check(tmp_path, "main.tf")
    assert places(report) == ["component.bin:1:1: IB006"]
    assert "not UTF-8" in report.findings[0].message


# Once per run ------------------------------------------------------------------------------


def test_a_directory_walk_reports_a_file_it_does_not_take_once(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    write(tmp_path / "component.yml.tpl", TYPO)
    report = check(tmp_path, ".")
    assert places(report) == [f"component.yml.tpl:{TYPO_AT}: IB606"]
    assert report.files_checked == 2


@pytest.mark.parametrize("name", ["component.yaml", "zz-component.yaml", "sub/component.yaml"])
@pytest.mark.parametrize("order", ["walk", "tf first", "document first"])
def test_a_file_reached_both_ways_is_reported_once(tmp_path: Path, name: str, order: str) -> None:
    write(tmp_path / "main.tf", component(f'file("${{path.module}}/{name}")'))
    write(tmp_path / name, TYPO)
    paths = {"walk": ["."], "tf first": ["main.tf", name], "document first": [name, "main.tf"]}
    report = check(tmp_path, *paths[order])
    assert places(report) == [f"{name}:{TYPO_AT}: IB606"]
    assert report.files_checked == 2


@pytest.mark.parametrize("order", [["main.tf", "alias.yaml"], ["alias.yaml", "main.tf"]])
def test_a_link_to_the_file_is_the_same_file(tmp_path: Path, order: list[str]) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    write(tmp_path / "component.yml.tpl", TYPO)
    (tmp_path / "alias.yaml").symlink_to("component.yml.tpl")
    assert len(check(tmp_path, *order).findings) == 1


def test_two_components_and_two_modules_read_one_file_once(tmp_path: Path) -> None:
    write(
        tmp_path / "main.tf",
        component('file("docs/c.yml.tpl")', "a") + component('file("./docs/c.yml.tpl")', "b"),
    )
    write(tmp_path / "docs" / "main.tf", component('file("${path.module}/c.yml.tpl")', "c"))
    write(tmp_path / "docs" / "c.yml.tpl", TYPO)
    for paths in (["."], ["main.tf", "docs/main.tf"], ["docs/main.tf", "main.tf"]):
        assert len(check(tmp_path, *paths).findings) == 1, paths


def test_a_document_the_walk_does_not_recognise_is_still_checked(tmp_path: Path) -> None:
    """Reached first by the walk, the file says nothing (not a component document by its
    content); read for the component, it is one: the same findings in either order."""
    write(tmp_path / "main.tf", component('file("component.yaml")'))
    write(tmp_path / "component.yaml", "schemaVersion: 1.0\nphases: [\n")
    expected = ["component.yaml:2:10: IB001"]
    assert places(check(tmp_path, "component.yaml")) == []
    assert places(check(tmp_path, ".")) == expected
    assert places(check(tmp_path, "component.yaml", "main.tf")) == expected
    assert places(check(tmp_path, "main.tf", "component.yaml")) == expected


# The file's own settings ----------------------------------------------------------------------


def test_the_files_own_suppressions_apply(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("component.yml.tpl")'))
    suppressed = TYPO.replace(
        "action: ExecuteBashh", "action: ExecuteBashh  # iblint: ignore IB606 vendored as is"
    )
    write(tmp_path / "component.yml.tpl", suppressed)
    report = check(tmp_path, "main.tf")
    assert report.findings == []
    assert [(f.path, f.rule_id) for f in report.suppressed] == [("component.yml.tpl", "IB606")]


def test_per_file_ignores_and_exclusions_name_the_file(tmp_path: Path) -> None:
    write(tmp_path / "main.tf", component('file("docs/component.yml.tpl")'))
    write(tmp_path / "docs" / "component.yml.tpl", TYPO)
    ignores = {anchored("docs/*.tpl", tmp_path): ["IB606"]}
    assert places(check(tmp_path, "main.tf", per_file_ignores=ignores)) == []
    assert places(check(tmp_path, "main.tf", exclude=[f"{tmp_path}/docs/"])) == []
    assert places(check(tmp_path, "main.tf", exclude=[f"{tmp_path}/other/"])) != []


# Output --------------------------------------------------------------------------------------


def test_text_and_sarif_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iblint.cli import main
    from tests.test_sarif import CHECK_SARIF, assert_valid

    write(tmp_path / "mod" / "main.tf", component('file("${path.module}/component.yml.tpl")'))
    write(tmp_path / "mod" / "component.yml.tpl", TYPO)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    with runner.isolation() as (output, *_):
        code = main(["check", "--select", "IB6", "mod/main.tf"])
        text = output.getvalue().decode()
    assert code == 1, text
    assert text.startswith(f"mod/component.yml.tpl:{TYPO_AT}: IB606 ")
    with CliRunner().isolation():
        code = main(["check", "--format", "sarif", "--output", "out.sarif", "mod/main.tf"])
    assert code == 1
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    (result_,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "IB606"]
    location = result_["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "mod/component.yml.tpl",
        "uriBaseId": "%SRCROOT%",
    }
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (6, 17)
    if CHECK_SARIF.is_file():
        assert_valid(tmp_path)


@pytest.mark.parametrize(
    ("written", "relative"),
    [
        ('file("a.yaml")', "a.yaml"),
        ('file( "./docs//a.yaml" )', "docs/a.yaml"),
        ('file("${path.module}/docs/../a.yaml")', "a.yaml"),
        ('file("../a.yaml")', None),
        ('file("docs/../../a.yaml")', None),
        ('file("/etc/passwd")', None),
        ('file("~/a.yaml")', None),
        ('file(".")', None),
        ('file("")', None),
        ('file("${path.module}")', None),
        ('file("variables.tf")', None),
        ('file("x.tf.json")', None),
        ('file("terraform.tfvars")', None),
    ],
)
def test_the_path_read_is_normalised_and_stays_below_the_module(
    written: str, relative: str | None
) -> None:
    from iblint.dialects.component_files import referenced_path
    from iblint.model import Span
    from iblint.syntax.hcl_tree import Expression

    node = Expression(written, False, Span(1, 1, 1, 1), None)
    assert referenced_path(node, hcl=True) == relative


@pytest.mark.parametrize(
    ("value", "relative"),
    [
        ('${file("a.yaml")}', "a.yaml"),
        ('${ file("${path.module}/a.yaml") }', "a.yaml"),
        (' ${file("a.yaml")}', None),  # a template: the text around is part of the value
        ('${file("a.yaml")}\n', None),
        ('file("a.yaml")', None),  # a literal string in JSON syntax
        ('${file("a.yaml")}${file("b.yaml")}', None),
    ],
)
def test_json_syntax_reads_one_whole_interpolation(value: str, relative: str | None) -> None:
    from iblint.dialects.component_files import referenced_path
    from iblint.model import Scalar, Span

    node = Scalar(value, Span(1, 1, 1, 1), None)
    assert referenced_path(node, hcl=False) == relative
