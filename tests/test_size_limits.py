"""Each syntax's own size limit (IB003): what a byte costs to parse differs by syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from iblint import check_paths, check_text
from iblint.config import Config
from iblint.syntax import json_tree, yaml_tree

RECIPE_HEAD = (
    "Resources:\n  R:\n    Type: AWS::ImageBuilder::ImageRecipe\n    Properties:\n      Tags: "
)


def test_a_dense_yaml_flow_list_is_refused_before_libyaml_parses_it() -> None:
    text = RECIPE_HEAD + "[" + "1," * 1_000_001 + "1]\n"
    findings = check_text(text, "dense.yaml")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("IB003", 1)]
    assert "1,000,000 YAML values or lines" in findings[0].message


def test_yaml_over_its_own_byte_limit(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(RECIPE_HEAD + "x" * 3000 + "\n")
    config = Config.build(options={"IB003": {"max_yaml_bytes": 2000}})
    findings = check_paths([str(tmp_path)], config, root=tmp_path).findings
    assert [f.rule_id for f in findings] == ["IB003"]
    assert "limit for YAML" in findings[0].message
    assert "IB003.max_yaml_bytes" in findings[0].fix


def test_json_is_not_held_to_the_yaml_limit(tmp_path: Path) -> None:
    text = '{"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": {'
    text += '"Tags": {"a": "' + "x" * 3000 + '"}}}}}'
    (tmp_path / "big.json").write_text(text)
    config = Config.build(options={"IB003": {"max_yaml_bytes": 2000}})
    findings = check_paths([str(tmp_path)], config, root=tmp_path).findings
    assert "IB003" not in {f.rule_id for f in findings}


def test_terraform_over_its_byte_limit(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_imagebuilder_image_recipe" "r" {\n  tags = [' + "1," * 2000 + "]\n}\n"
    )
    config = Config.build(options={"IB003": {"max_hcl_bytes": 1000}})
    findings = check_paths([str(tmp_path)], config, root=tmp_path).findings
    assert [f.rule_id for f in findings] == ["IB003"]
    assert "limit for HCL" in findings[0].message


def test_the_general_limit_caps_the_syntax_limits(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_text(RECIPE_HEAD + "x" * 3000 + "\n")
    config = Config.build(options={"IB003": {"max_bytes": 1000}})
    findings = check_paths([str(tmp_path)], config, root=tmp_path).findings
    assert [f.rule_id for f in findings] == ["IB003"]


def test_json_values_are_counted_and_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_tree, "MAX_JSON_VALUES", 50)
    text = '{"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": {'
    text += '"Tags": [' + "1," * 60 + "1]}}}}"
    findings = check_text(text, "many.json")
    assert [f.rule_id for f in findings] == ["IB003"]
    assert "more than 50 JSON values" in findings[0].message


def test_yaml_separators_are_counted_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_tree, "MAX_YAML_SEPARATORS", 20)
    findings = check_text(RECIPE_HEAD + "\n" + "        - x\n" * 30, "many.yaml")
    assert [f.rule_id for f in findings] == ["IB003"]
