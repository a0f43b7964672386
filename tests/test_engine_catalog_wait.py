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
from iblint.engine import _Run, _Waiting
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


def test_a_waiting_file_is_packed_and_unpacked_unchanged() -> None:
    loaded = LoadedFile("t.yaml")
    body = Mapping({"components": Scalar(ARN, SPAN)}, SPAN)
    loaded.resources = [Resource(ResourceKind.IMAGE_RECIPE, "R", body, SPAN)]
    finding = Finding("IB101", "imds", Severity.ERROR, "t.yaml", SPAN, "message", "fix")
    waiting = _Waiting.of(loaded, None, [finding])  # type: ignore[arg-type]
    assert waiting.packed is not None
    unpacked, state, findings = waiting.unpacked()
    assert unpacked is not loaded and unpacked.path == "t.yaml" and state is None
    assert repr(unpacked.resources) == repr(loaded.resources) and findings == [finding]


def test_what_cannot_be_packed_is_kept_as_it_is() -> None:
    loaded = LoadedFile("t.yaml")
    loaded.origins = {SPAN: lambda: None}  # type: ignore[dict-item]
    waiting = _Waiting.of(loaded, None, [])  # type: ignore[arg-type]
    assert waiting.packed is None
    assert waiting.unpacked()[0] is loaded


def test_the_first_waiting_files_are_not_packed() -> None:
    loaded = LoadedFile("t.yaml")
    waiting = _Waiting.of(loaded, None, [], pack=False)  # type: ignore[arg-type]
    assert waiting.packed is None and waiting.unpacked()[0] is loaded
