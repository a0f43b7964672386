"""Values copied into messages are bounded, however often a long value is used."""

from __future__ import annotations

from pathlib import Path

from iblint import check_paths
from iblint.config import Config


def test_a_long_terraform_variable_used_many_times_gives_bounded_messages(
    tmp_path: Path,
) -> None:
    long_value = "arn:" + "x" * 100_000
    (tmp_path / "variables.tf").write_text(
        f'variable "parent" {{\n  default = "{long_value}"\n}}\n'
    )
    recipes = "".join(
        f'resource "aws_imagebuilder_image_recipe" "r{index}" {{\n'
        f'  name = "r{index}"\n  version = "1.0.0"\n  parent_image = var.parent\n'
        '  component {\n    component_arn = "arn:aws:imagebuilder:us-east-1:aws:component/x/1.0.0"\n'
        "  }\n}\n"
        for index in range(50)
    )
    (tmp_path / "main.tf").write_text(recipes)
    findings = check_paths([str(tmp_path)], Config(), root=tmp_path).findings
    messages = [f.message for f in findings if f.rule_id == "IB301"]
    assert len(messages) == 50
    assert max(len(message) for message in messages) < 1_000
    assert "(100,004 characters)" in messages[0]
