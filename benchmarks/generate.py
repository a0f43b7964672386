#!/usr/bin/env python3
"""Realistic Image Builder definitions for the benchmarks, deterministic from a seed.

Each CloudFormation template is a golden-image stack as real ones are written: an S3 log
bucket, an IAM role and instance profile, a build component, an infrastructure configuration,
an image recipe with three block devices, a container recipe, and a pipeline (about 4 KiB and
150 lines of YAML). Every odd-numbered definition carries exactly one policy violation (so one
in two has findings), of a kind drawn from the seed: IMDSv1 allowed, throughput on a non-gp3
volume, throughput out of range, or a malformed parent image. The same definitions are written
as:

- ``cfn/stack-NNNNN.yaml`` and ``cfnjson/stack-NNNNN.json``: CloudFormation templates;
- ``cli/request-NNNNN.json``: ``--cli-input-json`` requests (CreateImageRecipe,
  CreateContainerRecipe or CreateInfrastructureConfiguration);
- ``tf/stack-NNNNN.tf``: the templates as Terraform (``cfn_to_terraform.convert``);
- ``plan/tfplan.json``: one Terraform plan, single-line as ``terraform show -json`` prints
  it, with each stack in a child module, grown to a requested size;
- ``toe/component-NNNNN.yaml``: standalone AWSTOE component documents (about 3 KiB, 100
  lines: parameters, a constant, build, validate and test phases, a loop, a condition and
  chaining), every odd-numbered one with one mistake (:func:`component_document`).

Needs only PyYAML (an iblint dependency). Used by ``bench.py`` and the tests; also runnable:

    python benchmarks/generate.py OUT_DIR COUNT [--seed 42] [--plan-mib 20] [--formats cfn,tf]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cfn_to_terraform import convert, snake

JsonObject = dict[str, Any]

DEFAULT_SEED = 42
FORMATS = ("cfn", "cfnjson", "cli", "tf", "plan", "toe")

PARENT_IMAGES = (
    "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
    "arn:aws:imagebuilder:eu-west-1:aws:image/ubuntu-server-22-lts-x86/2024.1.x",
    "arn:aws:imagebuilder:us-west-2:aws:image/windows-server-2022-english-full-base-x86/2024.3.12",
    "ami-0123456789abcdef0",
    "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
)
#: Parent images Image Builder cannot resolve (IB301): a wildcard before a number, a version
#: with a build number where a wildcard is, an AMI ID of the wrong length.
MALFORMED_PARENT_IMAGES = (
    "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.1.x",
    "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/1.x.3",
    "ami-0123456789abcdef",
)
CONTAINER_PARENTS = ("amazonlinux:2023", "public.ecr.aws/docker/library/python:3.12-slim")
VIOLATIONS = (
    "imds-optional",
    "imds-unset",
    "throughput-on-gp2",
    "throughput-out-of-range",
    "container-throughput-on-io2",
    "malformed-parent-image",
)
_VOLUME_TYPES = ("gp3", "gp3", "gp3", "gp2", "io2", "st1")
_COMPONENT_DATA = (
    "name: hardening\n"
    "schemaVersion: 1.0\n"
    "phases:\n"
    "  - name: build\n"
    "    steps:\n"
    "      - name: Harden\n"
    "        action: ExecuteBash\n"
    "        inputs:\n"
    "          commands:\n"
    "            - echo hardening\n"
)
_DOCKERFILE = (
    "FROM {{{ imagebuilder:parentImage }}}\n"
    "{{{ imagebuilder:environments }}}\n"
    "{{{ imagebuilder:components }}}\n"
)


def violation(index: int, seed: int = DEFAULT_SEED) -> str | None:
    """The violation template ``index`` carries: none for even numbers."""
    return random.Random(f"{seed}/violation/{index}").choice(VIOLATIONS) if index % 2 else None


def _volume(rng: random.Random, device: str, volume_type: str) -> JsonObject:
    ebs: JsonObject = {
        "VolumeSize": rng.choice((30, 100, 200)),
        "VolumeType": volume_type,
        "DeleteOnTermination": True,
        "Encrypted": True,
    }
    if volume_type == "gp3":
        # Within EC2's gp3 limits (IB203, IB206): at most 500 IOPS per GiB, and at most
        # 0.25 MiB/s of throughput per IOPS.
        ebs["Iops"] = min(rng.choice((3000, 6000, 16000)), 500 * ebs["VolumeSize"])
        ebs["Throughput"] = min(rng.choice((125, 250, 500, 1000)), ebs["Iops"] // 4)
    elif volume_type == "io2":
        ebs["Iops"] = rng.choice((1000, 5000))
    elif volume_type == "st1":
        ebs["VolumeSize"] = 500
    return {"DeviceName": device, "Ebs": ebs}


def template(index: int, seed: int = DEFAULT_SEED) -> JsonObject:
    """CloudFormation template number ``index``; the same for the same seed and index."""
    rng = random.Random(f"{seed}/template/{index}")
    kind = violation(index, seed)
    devices = [
        _volume(rng, f"/dev/xvd{letter}", rng.choice(_VOLUME_TYPES) if letter != "a" else "gp3")
        for letter in "abc"
    ]
    if kind == "throughput-on-gp2":
        ebs = devices[1]["Ebs"]
        ebs.update(VolumeType="gp2", Throughput=250)
        ebs.pop("Iops", None)
    elif kind == "throughput-out-of-range":
        devices[1]["Ebs"].update(VolumeType="gp3", Iops=3000, Throughput=rng.choice((100, 4000)))
    container_volume = _volume(rng, "/dev/xvda", "gp3")
    if kind == "container-throughput-on-io2":
        container_volume["Ebs"].update(VolumeType="io2", Iops=4000, Throughput=500)
    metadata: JsonObject = {"HttpTokens": "required", "HttpPutResponseHopLimit": 2}
    if kind == "imds-optional":
        metadata["HttpTokens"] = "optional"
    elif kind == "imds-unset":
        del metadata["HttpTokens"]
    parent = rng.choice(
        MALFORMED_PARENT_IMAGES if kind == "malformed-parent-image" else PARENT_IMAGES
    )
    team = rng.choice(("platform", "payments", "search", "data"))
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"Golden image pipeline {index} for the {team} team",
        "Parameters": {
            "Version": {"Type": "String", "Default": f"1.{index % 7}.0"},
            "Environment": {"Type": "String", "AllowedValues": ["dev", "prod"]},
        },
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
        "Resources": {
            "LogBucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
            },
            "InstanceRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "ec2.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ],
                    },
                    "ManagedPolicyArns": [
                        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                        "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
                    ],
                },
            },
            "InstanceProfile": {
                "Type": "AWS::IAM::InstanceProfile",
                "Properties": {"Roles": [{"Ref": "InstanceRole"}]},
            },
            "HardeningComponent": {
                "Type": "AWS::ImageBuilder::Component",
                "Properties": {
                    "Name": f"hardening-{index}",
                    "Platform": "Linux",
                    "Version": {"Ref": "Version"},
                    "Data": _COMPONENT_DATA,
                },
            },
            "Infrastructure": {
                "Type": "AWS::ImageBuilder::InfrastructureConfiguration",
                "Properties": {
                    "Name": f"infrastructure-{index}",
                    "InstanceProfileName": {"Ref": "InstanceProfile"},
                    "InstanceTypes": rng.sample(["m5.large", "c5.xlarge", "m6i.large"], 2),
                    "TerminateInstanceOnFailure": True,
                    "Logging": {
                        "S3Logs": {
                            "S3BucketName": {"Ref": "LogBucket"},
                            "S3KeyPrefix": "imagebuilder",
                        }
                    },
                    "InstanceMetadataOptions": metadata,
                    "Tags": {"team": team},
                },
            },
            "Recipe": {
                "Type": "AWS::ImageBuilder::ImageRecipe",
                "Properties": {
                    "Name": f"recipe-{index}",
                    "Version": {"Ref": "Version"},
                    "ParentImage": parent,
                    "Components": [
                        {
                            "ComponentArn": {
                                "Fn::Sub": "arn:${AWS::Partition}:imagebuilder:${AWS::Region}"
                                ":aws:component/update-linux/x.x.x"
                            }
                        },
                        {
                            "ComponentArn": "arn:aws:imagebuilder:us-east-1:aws:component/"
                            "amazon-cloudwatch-agent-linux/1.0.1/1"
                        },
                        {"ComponentArn": {"Ref": "HardeningComponent"}},
                    ],
                    "BlockDeviceMappings": devices,
                    "WorkingDirectory": "/tmp",
                },
            },
            "ContainerRecipe": {
                "Type": "AWS::ImageBuilder::ContainerRecipe",
                "Properties": {
                    "Name": f"container-{index}",
                    "Version": {"Ref": "Version"},
                    "ContainerType": "DOCKER",
                    "ParentImage": rng.choice(CONTAINER_PARENTS),
                    "PlatformOverride": "Linux",  # an ECR Public parent needs it (IB305)
                    "Components": [{"ComponentArn": {"Ref": "HardeningComponent"}}],
                    "DockerfileTemplateData": _DOCKERFILE,
                    "TargetRepository": {"Service": "ECR", "RepositoryName": f"golden-{index}"},
                    "InstanceConfiguration": {"BlockDeviceMappings": [container_volume]},
                },
            },
            "Pipeline": {
                "Type": "AWS::ImageBuilder::ImagePipeline",
                "Properties": {
                    "Name": f"pipeline-{index}",
                    "ImageRecipeArn": {"Ref": "Recipe"},
                    "InfrastructureConfigurationArn": {"Ref": "Infrastructure"},
                    "Status": {"Fn::If": ["IsProd", "ENABLED", "DISABLED"]},
                    "Schedule": {"ScheduleExpression": "cron(0 4 ? * MON *)"},
                },
            },
        },
    }


def to_yaml(document: JsonObject) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return str(yaml.dump(document, Dumper=dumper, sort_keys=False, width=120))


def to_json(document: JsonObject) -> str:
    return json.dumps(document, indent=2) + "\n"


def cli_request(index: int, seed: int = DEFAULT_SEED) -> JsonObject:
    """An ``aws imagebuilder create-*`` request body (``--cli-input-json``)."""
    rng = random.Random(f"{seed}/request/{index}")
    bad = index % 2 == 1
    kind = rng.choice(("image-recipe", "infrastructure", "container-recipe"))
    if kind == "infrastructure":
        return {
            "name": f"infrastructure-cli-{index}",
            "description": "Build instances for the golden images",
            "instanceTypes": ["m5.large"],
            "instanceProfileName": "ImageBuilderInstanceProfile",
            "terminateInstanceOnFailure": True,
            "instanceMetadataOptions": {
                "httpTokens": "optional" if bad else "required",
                "httpPutResponseHopLimit": 2,
            },
            "tags": {"team": "platform"},
        }
    ebs: JsonObject = {"volumeSize": 30, "volumeType": "gp3", "iops": 3000, "throughput": 250}
    if bad:
        ebs["volumeType"] = "gp2"
        del ebs["iops"]
    mappings = [{"deviceName": "/dev/xvda", "ebs": ebs}]
    components = [
        {"componentArn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"}
    ]
    if kind == "container-recipe":
        return {
            "containerType": "DOCKER",
            "name": f"container-cli-{index}",
            "semanticVersion": "1.0.0",
            "components": components,
            "parentImage": rng.choice(CONTAINER_PARENTS),
            "platformOverride": "Linux",
            "dockerfileTemplateData": _DOCKERFILE,
            "targetRepository": {"service": "ECR", "repositoryName": f"golden-cli-{index}"},
            "instanceConfiguration": {"blockDeviceMappings": mappings},
        }
    return {
        "name": f"recipe-cli-{index}",
        "semanticVersion": "1.0.0",
        "parentImage": rng.choice(PARENT_IMAGES[:3]),
        "components": components,
        "blockDeviceMappings": mappings,
        "workingDirectory": "/tmp",
    }


# --- Terraform plan -------------------------------------------------------------------------

_PLAN_TYPES = {
    "AWS::S3::Bucket": "aws_s3_bucket",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::InstanceProfile": "aws_iam_instance_profile",
    "AWS::ImageBuilder::Component": "aws_imagebuilder_component",
    "AWS::ImageBuilder::InfrastructureConfiguration": "aws_imagebuilder_infrastructure_configuration",
    "AWS::ImageBuilder::ImageRecipe": "aws_imagebuilder_image_recipe",
    "AWS::ImageBuilder::ContainerRecipe": "aws_imagebuilder_container_recipe",
    "AWS::ImageBuilder::ImagePipeline": "aws_imagebuilder_image_pipeline",
}
_PLAN_BLOCKS = {"BlockDeviceMappings": "block_device_mapping", "Components": "component"}
_PLAN_MAPS = {"Tags", "AssumeRolePolicyDocument"}
#: Attributes the AWS provider's schema has and a plan shows as null or "" when unset.
_UNSET_EBS = {"kms_key_id": "", "snapshot_id": "", "iops": None, "throughput": None}


def _is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)).startswith(("Ref", "Fn::"))
    )


def _plan_values(properties: JsonObject) -> tuple[JsonObject, JsonObject]:
    """``(values, unknown)``: the planned values of a resource, as the AWS provider's schema
    shapes them (nested blocks are lists), and ``after_unknown`` for values only known after
    apply (CloudFormation references become references to other resources)."""
    values: JsonObject = {}
    unknown: JsonObject = {}
    for name, value in properties.items():
        key = "version" if name == "Version" else snake(name)
        if _is_intrinsic(value):
            unknown[key] = True
        elif name in _PLAN_BLOCKS and isinstance(value, list):
            key = _PLAN_BLOCKS[name]
            items = []
            for item in value:
                item_values, item_unknown = _plan_values(item)
                if key == "block_device_mapping":
                    ebs = {**_UNSET_EBS, **item_values.get("ebs", [{}])[0]}
                    for setting in ("delete_on_termination", "encrypted"):
                        if isinstance(ebs.get(setting), bool):
                            ebs[setting] = str(ebs[setting]).lower()  # the provider's strings
                    item_values.update(ebs=[ebs], no_device=False, virtual_name="")
                items.append(item_values)
                if item_unknown:
                    unknown.setdefault(key, [{} for _ in value])[len(items) - 1] = item_unknown
            values[key] = items
        elif isinstance(value, dict) and name not in _PLAN_MAPS:
            block, block_unknown = _plan_values(value)
            values[key] = [block]
            if block_unknown:
                unknown[key] = [block_unknown]
        elif isinstance(value, dict):
            values[key] = json.dumps(value) if name == "AssumeRolePolicyDocument" else value
        else:
            values[key] = value
    return values, unknown


def _plan_parts(index: int, seed: int) -> Iterator[tuple[JsonObject, JsonObject]]:
    """(planned resource, resource change) for each resource of stack ``index``."""
    module = f"module.stack_{index:05d}"
    for logical_id, declaration in template(index, seed)["Resources"].items():
        resource_type = _PLAN_TYPES[declaration["Type"]]
        name = snake(logical_id)
        address = f"{module}.{resource_type}.{name}"
        values, unknown = _plan_values(declaration.get("Properties") or {})
        unknown.update(arn=True, id=True, tags_all=True)
        values.setdefault("tags", None)
        common = {
            "address": address,
            "mode": "managed",
            "type": resource_type,
            "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
        }
        planned = {**common, "schema_version": 0, "values": values, "sensitive_values": {}}
        change = {
            **common,
            "module_address": module,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": values,
                "after_unknown": unknown,
                "before_sensitive": False,
                "after_sensitive": {},
            },
        }
        yield planned, change


def plan(target_bytes: int, seed: int = DEFAULT_SEED) -> str:
    """A single-line plan of about ``target_bytes`` (at least one stack), each stack a child
    module; the text ``terraform show -json`` would print."""
    modules: list[JsonObject] = []
    changes: list[JsonObject] = []
    size = 0
    index = 0
    while size < target_bytes or index == 0:
        resources = []
        for planned, change in _plan_parts(index, seed):
            resources.append(planned)
            changes.append(change)
            size += len(json.dumps(planned, separators=(",", ":"))) + 1
            size += len(json.dumps(change, separators=(",", ":"))) + 1
        modules.append({"address": f"module.stack_{index:05d}", "resources": resources})
        index += 1
    document = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "variables": {"region": {"value": "us-east-1"}},
        "planned_values": {"root_module": {"child_modules": modules}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"references": ["var.region"]}},
                }
            },
            "root_module": {
                "module_calls": {
                    f"stack_{number:05d}": {"source": "./modules/golden-image"}
                    for number in range(index)
                }
            },
        },
        "timestamp": "2025-01-01T00:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }
    return json.dumps(document, separators=(",", ":")) + "\n"


# --- AWSTOE component documents ----------------------------------------------------------

#: The mistakes an odd-numbered component document carries (IB606, IB607, IB611, IB609).
TOE_VIOLATIONS = ("unknown-action", "missing-input", "undefined-variable", "bad-on-failure")


def component_document(index: int, seed: int = DEFAULT_SEED) -> str:
    """A standalone component document in the style of AWS's managed components."""
    rng = random.Random(f"toe-{seed}-{index}")
    package = rng.choice(("nginx", "httpd", "amazon-cloudwatch-agent", "chrony", "jq"))
    mistake = rng.choice(TOE_VIOLATIONS) if index % 2 else None
    action = "ExecuteBashh" if mistake == "unknown-action" else "ExecuteBash"
    destination = "" if mistake == "missing-input" else "\n            destination: /tmp/setup.sh"
    version = "{{ PackageVersoin }}" if mistake == "undefined-variable" else "{{ PackageVersion }}"
    on_failure = "abort" if mistake == "bad-on-failure" else "Abort"
    workers = rng.randint(2, 6)
    return f"""\
# Generated component {index:05d}: installs {package} and checks it.
name: install-{package}-{index:05d}
description: Installs {package}, configures it for {workers} workers, and checks the result.
schemaVersion: 1.0
parameters:
  - PackageVersion:
      type: string
      default: latest
      description: The {package} version to install.
  - SetupScriptSource:
      type: string
      default: s3://amzn-s3-demo-bucket/setup/{package}.sh
      description: Where the setup script is downloaded from.
constants:
  - ConfigDirectory:
      type: string
      value: /etc/{package}
phases:
  - name: build
    steps:
      - name: DownloadSetupScript
        action: S3Download
        maxAttempts: 3
        inputs:
          - source: '{{{{ SetupScriptSource }}}}'{destination}
      - name: InstallPackage
        action: {action}
        onFailure: {on_failure}
        timeoutSeconds: 900
        inputs:
          commands:
            - sudo dnf install -y {package}-'{version}' || sudo dnf install -y {package}
            - bash '{{{{ build.DownloadSetupScript.inputs[0].destination }}}}'
      - name: CreateWorkerFolders
        action: CreateFolder
        loop:
          name: Workers
          for:
            start: 1
            end: {workers}
            updateBy: 1
        inputs:
          - path: '{{{{ ConfigDirectory }}}}/worker-{{{{ Workers.value }}}}'
            permissions: '0755'
      - name: WriteConfiguration
        action: CreateFile
        inputs:
          - path: '{{{{ ConfigDirectory }}}}/{package}.conf'
            content: workers={workers}
            overwrite: true
      - name: RebootAfterInstall
        action: Reboot
        inputs:
          delaySeconds: 5
  - name: validate
    steps:
      - name: ReadVersion
        action: ExecuteBash
        inputs:
          commands:
            - rpm -q --queryformat '%{{VERSION}}' {package}
      - name: CheckVersion
        action: Assert
        if:
          stringEquals: latest
          value: '{{{{ PackageVersion }}}}'
          then: Skip
        inputs:
          patternMatches: '^[0-9]+[.][0-9]+'
          value: '{{{{ validate.ReadVersion.outputs.stdout }}}}'
      - name: CheckConfiguration
        action: ReadFile
        inputs:
          - path: '{{{{ ConfigDirectory }}}}/{package}.conf'
  - name: test
    steps:
      - name: CheckService
        action: ExecuteBash
        if:
          and:
            - binaryExists: systemctl
            - fileExists: '{{{{ ConfigDirectory }}}}/{package}.conf'
        inputs:
          commands:
            - systemctl status {package} --no-pager || true
"""


# --- Writing files --------------------------------------------------------------------------


def write(
    out: Path,
    count: int,
    seed: int = DEFAULT_SEED,
    formats: Sequence[str] = FORMATS,
    plan_bytes: int = 20 * 2**20,
) -> dict[str, Path]:
    """Writes ``count`` definitions in each of ``formats`` under ``out``; the folder of each."""
    folders = {name: out / name for name in formats}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for index in range(count if {"cfn", "cfnjson", "tf"} & set(formats) else 0):
        document = template(index, seed)
        stem = f"stack-{index:05d}"
        if "cfn" in folders:
            (folders["cfn"] / f"{stem}.yaml").write_text(to_yaml(document), encoding="utf-8")
        if "cfnjson" in folders:
            (folders["cfnjson"] / f"{stem}.json").write_text(to_json(document), encoding="utf-8")
        if "tf" in folders:
            (folders["tf"] / f"{stem}.tf").write_text(convert(document), encoding="utf-8")
    if "cli" in folders:
        for index in range(count):
            text = to_json(cli_request(index, seed))
            (folders["cli"] / f"request-{index:05d}.json").write_text(text, encoding="utf-8")
    if "plan" in folders:
        (folders["plan"] / "tfplan.json").write_text(plan(plan_bytes, seed), encoding="utf-8")
    if "toe" in folders:
        for index in range(count):
            text = component_document(index, seed)
            (folders["toe"] / f"component-{index:05d}.yaml").write_text(text, encoding="utf-8")
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write into")
    parser.add_argument("count", type=int, help="definitions per format")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--plan-mib", type=float, default=20.0, help="plan size (default 20)")
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"comma-separated, of {', '.join(FORMATS)}"
    )
    args = parser.parse_args(argv)
    formats = [name for name in args.formats.split(",") if name]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown formats: {', '.join(sorted(unknown))}")
    folders = write(args.out, args.count, args.seed, formats, int(args.plan_mib * 2**20))
    for folder in folders.values():
        files = sorted(folder.iterdir())
        size = sum(file.stat().st_size for file in files)
        print(f"{folder}: {len(files)} files, {size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
