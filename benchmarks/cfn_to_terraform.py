#!/usr/bin/env python3
"""Converts the benchmark's generated CloudFormation templates into Terraform ``.tf`` files.

The Image Builder resources become ``aws_imagebuilder_*`` resources with the same settings (and
so the same policy violations); every other resource becomes a plain resource block of the
same size, as real modules mix them. Intrinsic functions become Terraform references, which
iblint treats as unknown, as it does the intrinsics. Used by ``bench.py``; also runnable:

    python benchmarks/cfn_to_terraform.py SOURCE_DIR TARGET_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

TYPES = {
    "AWS::ImageBuilder::ImageRecipe": "aws_imagebuilder_image_recipe",
    "AWS::ImageBuilder::ContainerRecipe": "aws_imagebuilder_container_recipe",
    "AWS::ImageBuilder::InfrastructureConfiguration": "aws_imagebuilder_infrastructure_configuration",
    "AWS::ImageBuilder::Component": "aws_imagebuilder_component",
    "AWS::ImageBuilder::ImagePipeline": "aws_imagebuilder_image_pipeline",
    "AWS::S3::Bucket": "aws_s3_bucket",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::InstanceProfile": "aws_iam_instance_profile",
}
#: CloudFormation list properties that are repeated blocks in Terraform.
REPEATED_BLOCKS = {
    "BlockDeviceMappings": "block_device_mapping",
    "Components": "component",
    "Parameters": "parameter",
}
#: Map properties that stay attributes (their keys are data).
MAP_ATTRIBUTES = {"Tags", "ResourceTags", "AmiTags"}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower().replace("s3_", "s3_")


def expression(value: Any) -> str:
    """A Terraform expression for a CloudFormation value."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, argument),) = value.items()
        if key == "Ref":
            return f"local.{snake(str(argument))}"
        if key.startswith("Fn::"):
            return f"local.{snake(key[4:])}_value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, list):
        return "[" + ", ".join(expression(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{ "
            + ", ".join(f"{json.dumps(str(k))} = {expression(v)}" for k, v in value.items())
            + " }"
        )
    return "null"


def body(properties: dict[str, Any], indent: str, out: list[str]) -> None:
    for name, value in properties.items():
        terraform_name = "version" if name == "Version" else snake(name)
        is_intrinsic = (
            isinstance(value, dict)
            and len(value) == 1
            and ("Ref" in value or next(iter(value)).startswith("Fn::"))
        )
        if name in REPEATED_BLOCKS and isinstance(value, list):
            for item in value:
                out.append(f"{indent}{REPEATED_BLOCKS[name]} {{")
                if isinstance(item, dict):
                    if name == "Parameters" and isinstance(item.get("Value"), list):
                        item = {**item, "Value": (item["Value"] or [""])[0]}
                    body(item, indent + "  ", out)
                out.append(f"{indent}}}")
        elif isinstance(value, dict) and not is_intrinsic and name not in MAP_ATTRIBUTES:
            out.append(f"{indent}{terraform_name} {{")
            body(value, indent + "  ", out)
            out.append(f"{indent}}}")
        else:
            out.append(f"{indent}{terraform_name} = {expression(value)}")


def convert(template: dict[str, Any]) -> str:
    out: list[str] = []
    for logical_id, declaration in (template.get("Resources") or {}).items():
        resource_type = TYPES.get(
            declaration.get("Type"), "aws_" + snake(declaration.get("Type", "x").split("::")[-1])
        )
        out.append(f'resource "{resource_type}" "{snake(logical_id)}" {{')
        body(declaration.get("Properties") or {}, "  ", out)
        out.append("}")
        out.append("")
    return "\n".join(out)


def convert_directory(source: Path, target: Path) -> int:
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.glob("*.yaml")):
        template = yaml.safe_load(path.read_text(encoding="utf-8"))
        (target / (path.stem + ".tf")).write_text(convert(template), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(convert_directory(Path(sys.argv[1]), Path(sys.argv[2])), "files")
