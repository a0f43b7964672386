"""Files waiting for the catalog rules: what is kept, and that the findings do not change.

The catalog is complete only once every file is read (a GetComponent response may come last),
so recipes wait; what waits is packed small (memory stays flat in the number of files).
"""

from __future__ import annotations

import json
from pathlib import Path

from iblint import check_paths
from iblint.catalog import ComponentCatalog
from iblint.config import Config
from iblint.engine import _BATCH, _Run, _WaitingFiles
from iblint.model import (
    Finding,
    LoadedFile,
    Mapping,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    Severity,
    Span,
    Unknown,
)

ARN = "arn:aws:imagebuilder:us-east-1:123456789012:component/hardening/1.0.0/1"
SPAN = Span(1, 1, 1, 2)

RECIPE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: r
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      Components:
        - ComponentArn: {arn}{comment}
"""

#: A GetComponent response, named so that it is read after the recipes.
DEPRECATED = {"component": {"arn": ARN, "name": "hardening", "state": {"status": "DEPRECATED"}}}


def _project(tmp_path: Path, comment: str = "", arn: str = ARN) -> Path:
    (tmp_path / "a-recipe.yaml").write_text(RECIPE.format(arn=arn, comment=comment))
    (tmp_path / "z-catalog.json").write_text(json.dumps(DEPRECATED))
    return tmp_path


def _rules(tmp_path: Path) -> list[tuple[str, int]]:
    report = check_paths([str(tmp_path)], Config.build(select=["IB4", "IB0"]))
    return [(finding.rule_id, finding.span.start_line) for finding in report.findings]


def test_a_catalog_read_after_the_recipe_still_reaches_it(tmp_path: Path) -> None:
    assert _rules(_project(tmp_path)) == [("IB401", 9)]


def test_a_suppression_waits_with_the_recipe_and_covers_the_catalog_finding(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, "  # iblint: ignore IB401 replaced next sprint")
    report = check_paths([str(project)], Config.build(select=["IB4", "IB0"]))
    assert report.findings == []
    assert [finding.rule_id for finding in report.suppressed] == ["IB401"]


def test_an_unused_suppression_of_a_waiting_file_is_reported_once(tmp_path: Path) -> None:
    project = _project(tmp_path, "  # iblint: ignore IB402 not disabled")
    assert _rules(project) == [("IB401", 9), ("IB009", 9)]


def test_a_recipe_without_a_literal_reference_does_not_wait(tmp_path: Path) -> None:
    run = _Run(Config.build(), ComponentCatalog())
    unknown = Mapping({"componentArn": Unknown("Ref", SPAN)}, SPAN)
    literal = Mapping({"componentArn": Scalar(ARN, SPAN)}, SPAN)
    recipe = Mapping({"components": Sequence([unknown], SPAN), "name": Scalar("r", SPAN)}, SPAN)
    resource = Resource(ResourceKind.IMAGE_RECIPE, "Recipe", recipe, SPAN)
    assert run.kept_for_catalog(resource) is None
    recipe.entries["components"] = Sequence([unknown, literal], SPAN)
    kept = run.kept_for_catalog(resource)
    assert kept is not None and list(kept.body.entries) == ["components"]
    components = kept.body.get("components")
    assert isinstance(components, Sequence)
    placeholder, item = components.items  # the unknown item keeps its place (logical paths)
    assert isinstance(placeholder, Unknown) and placeholder.span == unknown.span
    assert isinstance(item, Mapping) and item.get("componentArn") is literal.get("componentArn")


def _entry(index: int) -> tuple[LoadedFile, object, list[Finding]]:
    loaded = LoadedFile(f"t{index}.yaml")
    body = Mapping({"components": Scalar(ARN, SPAN)}, SPAN)
    loaded.resources = [Resource(ResourceKind.IMAGE_RECIPE, "R", body, SPAN)]
    finding = Finding("IB101", "imds", Severity.ERROR, f"t{index}.yaml", SPAN, "message", "fix")
    return loaded, None, [finding]


def test_waiting_files_are_packed_by_batches_and_read_back_in_order() -> None:
    waiting = _WaitingFiles()
    entries = [_entry(index) for index in range(2 * _BATCH + 1)]
    for entry in entries:
        waiting.append(entry)  # type: ignore[arg-type]
    assert [type(batch) for batch in waiting.batches] == [bytes, bytes]
    assert len(waiting.current) == 1
    back = list(waiting)
    assert [loaded.path for loaded, _, _ in back] == [loaded.path for loaded, _, _ in entries]
    assert repr([e[0].resources for e in back]) == repr([e[0].resources for e in entries])
    assert [e[2] for e in back] == [e[2] for e in entries]


def test_a_few_waiting_files_are_not_packed() -> None:
    waiting = _WaitingFiles()
    entry = _entry(0)
    waiting.append(entry)  # type: ignore[arg-type]
    assert waiting.batches == [] and next(iter(waiting)) is entry


def test_what_cannot_be_packed_is_kept_as_it_is() -> None:
    waiting = _WaitingFiles()
    entries = [_entry(index) for index in range(_BATCH)]
    entries[3][0].origins = {SPAN: lambda: None}  # type: ignore[dict-item]
    for entry in entries:
        waiting.append(entry)  # type: ignore[arg-type]
    assert waiting.batches == [entries]
    assert list(waiting) == entries


def test_merged_waiting_files_keep_the_order_of_the_shares() -> None:
    parts = [_WaitingFiles(), _WaitingFiles()]
    for index in range(_BATCH + 2):
        parts[0].append(_entry(index))  # type: ignore[arg-type]
    parts[1].append(_entry(1000))  # type: ignore[arg-type]
    paths = [loaded.path for loaded, _, _ in _WaitingFiles.merged(parts)]
    assert paths == [f"t{index}.yaml" for index in [*range(_BATCH + 2), 1000]]


def test_a_share_of_several_packs_its_last_waiting_files(tmp_path: Path) -> None:
    """A run cut into many shares would leave a few unpacked entries in each, which add up
    (5000 templates: 29 MiB instead of 26); a share of several packs them when it is done."""
    from iblint.discover import discover
    from iblint.engine import _first_pass

    for index in range(3):
        (tmp_path / f"r{index}.yaml").write_text(RECIPE.format(arn=ARN, comment=""))
    config = Config.build()
    catalog = ComponentCatalog()
    files = list(discover([str(tmp_path)], root=tmp_path))
    alone = _first_pass(files, _Run(config, catalog), catalog)
    assert len(alone.waiting.current) == 3  # a few, left as they are
    share = _first_pass(files, _Run(config, catalog), catalog, keep_catalog_entries=True)
    assert share.waiting.current == [] and [type(b) for b in share.waiting.batches] == [bytes]
    assert [loaded.path for loaded, _, _ in share.waiting] == [
        loaded.path for loaded, _, _ in alone.waiting
    ]
