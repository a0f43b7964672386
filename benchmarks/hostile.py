#!/usr/bin/env python3
"""Hostile inputs: files a pull request can carry that try to stall, exhaust or crash iblint.

Writes each case into a folder of its own under OUT_DIR/cases/ (the cases of the "hostile
input" issue, and more). With ``--run``, runs ``iblint check --format sarif -o FILE`` on each
case in a subprocess (60 s timeout, address space capped at 4 GiB with ``RLIMIT_AS``, standard
input an open pipe that never delivers, as a terminal or a CI runner may leave it), and prints
per case the seconds, the peak memory, the exit code, whether the SARIF is valid, whether the
case's own expectation holds (say, "the FIFO gets IB006"), and PASS or FAIL against the budget:

- under 10 s and under 1 GiB;
- exit 0 or 1 (configuration cases: 2 with a one-line usage error), never an internal error
  or a traceback;
- a complete, valid SARIF log (JSON; version 2.1.0; every string encodable as UTF-8).

The expectation column is reported beside the verdict and does not change it.

    python benchmarks/hostile.py --out DIR              # write the cases only
    python benchmarks/hostile.py --run [--small] [--only NAME,...] [--iblint PATH] [--out DIR]

``--small`` keeps the cases small and quick enough for the test suite (``small=True``); the
multi-megabyte ones are left out. Run as root, the unreadable-folder cases test nothing (root
reads any folder); the script says so.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Measurement, measure

BUDGET_SECONDS = 10.0
BUDGET_MIB = 1024.0
TIMEOUT_SECONDS = 60.0
MEMORY_CAP_BYTES = 4 * 2**30
#: A file size under IB003's default limit (8 MiB) that real definitions never reach.
NEAR_LIMIT_BYTES = 8_000_000

# --- Building blocks ------------------------------------------------------------------------

#: A template with one finding (IB101): beside a hostile file, it shows whether the other
#: files of the run are still reported.
CONTROL_YAML = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Build:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: build
      InstanceProfileName: builder
      InstanceMetadataOptions:
        HttpTokens: optional
"""
COMPONENT_ARN = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"


def recipe_yaml(properties: str, resource: str = "Recipe") -> str:
    """A CloudFormation image recipe whose Properties end with ``properties`` (indented six)."""
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Resources:\n"
        f"  {resource}:\n"
        "    Type: AWS::ImageBuilder::ImageRecipe\n"
        "    Properties:\n"
        "      Name: recipe\n"
        "      Version: 1.0.0\n"
        f"      Components: [{{ComponentArn: {COMPONENT_ARN}}}]\n" + properties
    )


def recipe_tf(name: str, body: str) -> str:
    return (
        f'resource "aws_imagebuilder_image_recipe" "{name}" {{\n'
        f'  name    = "{name}"\n'
        '  version = "1.0.0"\n'
        f'  component {{\n    component_arn = "{COMPONENT_ARN}"\n  }}\n'
        f"{body}"
        "}\n"
    )


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def control(folder: Path, name: str = "control.yaml") -> None:
    write(folder / name, CONTROL_YAML)


# --- SARIF ----------------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def sarif_problem(path: Path) -> str | None:
    """Why ``path`` is not a complete SARIF 2.1.0 log, or ``None`` when it is."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return f"missing ({error.strerror})"
    try:
        text = data.decode("utf-8")
        log = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        return f"not JSON ({str(error)[:60]})"
    if not isinstance(log, dict) or log.get("version") != "2.1.0":
        return "not SARIF 2.1.0"
    runs = log.get("runs")
    if not isinstance(runs, list) or not runs or not isinstance(runs[0].get("results"), list):
        return "no runs[0].results"
    for string in _strings(log):
        try:
            string.encode("utf-8")
        except UnicodeEncodeError:
            return f"lone surrogate in {string[:40]!r}"
    return None


def sarif_results(path: Path) -> list[tuple[str, str]]:
    """(rule ID, artifact URI) of every result; empty if the log cannot be read."""
    try:
        log = json.loads(path.read_text(encoding="utf-8"))
        found = []
        for run in log["runs"]:
            for result in run["results"]:
                locations = result.get("locations") or [{}]
                uri = (
                    locations[0]
                    .get("physicalLocation", {})
                    .get("artifactLocation", {})
                    .get("uri", "")
                )
                found.append((str(result.get("ruleId")), str(uri)))
        return found
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []


# --- Cases ----------------------------------------------------------------------------------


class Outcome(NamedTuple):
    """What a run left, for a case's own expectation."""

    folder: Path
    sarif: Path
    measurement: Measurement

    @property
    def results(self) -> list[tuple[str, str]]:
        return sarif_results(self.sarif)

    def has(self, rule: str, uri_part: str = "") -> bool:
        return any(r == rule and uri_part in uri for r, uri in self.results)

    def on(self, uri_part: str) -> list[str]:
        return [rule for rule, uri in self.results if uri_part in uri]


#: An expectation: ``None`` when it holds, else what is wrong.
Expectation = Callable[[Outcome], str | None]


def expect_rule(rule: str, uri_part: str = "") -> Expectation:
    def check(outcome: Outcome) -> str | None:
        if outcome.has(rule, uri_part):
            return None
        return f"no {rule}{' on ' + uri_part if uri_part else ''}"

    return check


def expect_all(*checks: Expectation) -> Expectation:
    def check(outcome: Outcome) -> str | None:
        problems = [problem for one in checks if (problem := one(outcome))]
        return "; ".join(problems) or None

    return check


def expect_control(outcome: Outcome) -> str | None:
    """The control file's IB101 is still reported."""
    return None if outcome.has("IB101", "control.yaml") else "control.yaml's IB101 lost"


@dataclass
class Case:
    name: str
    description: str
    build: Callable[[Path], None]
    #: Arguments after ``iblint check`` (and the format options), relative to ``cwd``.
    arguments: list[str] = field(default_factory=lambda: ["."])
    #: Small and quick enough for the test suite.
    small: bool = True
    #: Run in this subfolder of the case's folder.
    cwd: str = "."
    #: Let iblint find a configuration file (every other case runs with ``--no-config``).
    use_config: bool = False
    #: Exit codes within the budget; a SARIF log is required when the exit code is 0 or 1.
    exits: frozenset[int] = frozenset({0, 1})
    #: Where ``-o`` writes, relative to ``cwd`` (default: a file outside the case folder).
    output: str | None = None
    close_stdout: bool = False
    #: Report as text on standard output instead of SARIF to a file.
    text_report: bool = False
    #: The case's own expectation beyond the budget (shown, not part of the verdict).
    expect: Expectation | None = None
    #: Why the case may test nothing on this machine (say, run as root).
    caveat: Callable[[], str | None] | None = None


def _nested_if(prefix: str, depth: int, leaves: tuple[str, str]) -> str:
    """``Fn::If`` nested ``depth`` deep through YAML aliases: each level is an anchored
    ``Fn::If`` whose branches are the level below and an alias of it, so ``depth`` levels hold
    2**depth alternatives in a few hundred bytes."""
    text = f'&{prefix}0 {{"Fn::If": [C, {leaves[0]}, {leaves[1]}]}}'
    for level in range(1, depth):
        text = f'&{prefix}{level} {{"Fn::If": [C, {text}, *{prefix}{level - 1}]}}'
    return text


def build_fn_if_yaml(folder: Path) -> None:
    properties = (
        "      ParentImage: ami-0123456789abcdef0\n"
        "      BlockDeviceMappings:\n"
        "        - DeviceName: /dev/xvda\n"
        "          Ebs:\n"
        f"            VolumeType: {_nested_if('v', 14, ('gp2', 'gp3'))}\n"
        f"            Throughput: {_nested_if('t', 14, ('125', '5000'))}\n"
    )
    text = recipe_yaml(properties).replace(
        "Resources:\n", "Conditions:\n  C: {'Fn::Equals': [a, b]}\nResources:\n", 1
    )
    write(folder / "template.yaml", text)


def _tree_if(depth: int, leaves: tuple[Any, Any]) -> Any:
    if depth == 0:
        return {"Fn::If": ["C", leaves[0], leaves[1]]}
    below = _tree_if(depth - 1, leaves)
    return {"Fn::If": ["C", below, below]}


def build_fn_if_json(folder: Path) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Conditions": {"C": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Recipe": {
                "Type": "AWS::ImageBuilder::ImageRecipe",
                "Properties": {
                    "Name": "recipe",
                    "Version": "1.0.0",
                    "ParentImage": "ami-0123456789abcdef0",
                    "Components": [{"ComponentArn": COMPONENT_ARN}],
                    "BlockDeviceMappings": [
                        {
                            "DeviceName": "/dev/xvda",
                            "Ebs": {
                                "VolumeType": _tree_if(12, ("gp2", "gp3")),
                                "Throughput": _tree_if(12, (125, 5000)),
                            },
                        }
                    ],
                },
            }
        },
    }
    # json.dumps writes the shared subtrees out in full: 13 levels, 8192 alternatives each.
    write(folder / "template.json", json.dumps(template, separators=(",", ":")))


def build_suppression_spaces(folder: Path) -> None:
    line = "        HttpTokens: optional  # iblint: ignore" + " " * 80_000 + "x\n"
    write(folder / "template.yaml", CONTROL_YAML.replace("        HttpTokens: optional\n", line))


def build_suppression_variants(folder: Path) -> None:
    """80,000 blanks at each other place the suppression syntax allows blanks."""
    blanks = " \t" * 40_000
    comments = [
        f"# iblint:{blanks}ignore x",
        f"# iblint: ignore{blanks}IB101{blanks},{blanks}x",
        f"# iblint: ignore{blanks}={blanks}x",
        f"# iblint: ignore IB101{blanks}*/ x",
        "# " + "iblint: ignore " * 20_000 + "x",
    ]
    text = CONTROL_YAML.replace(
        "        HttpTokens: optional\n", f"        HttpTokens: optional  {comments[0]}\n"
    )
    write(folder / "template.yaml", text + "".join(f"{comment}\n" for comment in comments[1:]))
    tf = recipe_tf("r", '  parent_image = "ami-1"  // iblint: ignore' + blanks + "x\n")
    write(folder / "main.tf", tf + "".join(f"/* {c} */\n" for c in comments))


def build_long_value_aliases(folder: Path) -> None:
    value = "not-an-image-" + "x" * (2**20)
    recipes = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for index in range(1000):
        parent = f"&parent {value}" if index == 0 else "*parent"
        recipes += [
            f"  Recipe{index}:",
            "    Type: AWS::ImageBuilder::ImageRecipe",
            "    Properties:",
            f"      Name: recipe-{index}",
            "      Version: 1.0.0",
            f"      ParentImage: {parent}",
        ]
    write(folder / "template.yaml", "\n".join(recipes) + "\n")


def build_tf_variable_long_value(folder: Path) -> None:
    value = "not-an-image-" + "x" * (2**20)
    write(folder / "variables.tf", f'variable "parent" {{\n  default = "{value}"\n}}\n')
    body = "  parent_image = var.parent\n"
    write(folder / "main.tf", "".join(recipe_tf(f"r{index}", body) for index in range(2000)))


def build_tf_flat_list(folder: Path) -> None:
    head = recipe_tf("r", '  parent_image = "ami-0123456789abcdef0"\n') + "locals {\n  xs = ["
    count = (NEAR_LIMIT_BYTES - len(head) - 10) // 2
    write(folder / "main.tf", head + "1," * count + "]\n}\n")


def build_yaml_flat_list(folder: Path) -> None:
    head = recipe_yaml("      ParentImage: ami-0123456789abcdef0\n") + "Metadata:\n  Items:\n"
    count = (NEAR_LIMIT_BYTES - len(head)) // 6
    write(folder / "template.yaml", head + "  - 1\n" * count)


def build_json_flat_list(folder: Path) -> None:
    head = (
        '{"Resources":{"R":{"Type":"AWS::ImageBuilder::ImageRecipe","Properties":'
        '{"ParentImage":"ami-0123456789abcdef0"}}},"Metadata":{"Items":['
    )
    count = (NEAR_LIMIT_BYTES - len(head)) // 2
    write(folder / "template.json", head + "1," * count + "1]}}")


def build_many_documents(folder: Path) -> None:
    # 7 nodes a document: 700,000 in all, over IB005's 500,000, without a single alias.
    text = "# AWS::ImageBuilder::ImageRecipe\n" + "--- [1, 2, 3, 4, 5, 6]\n" * 100_000
    write(folder / "documents.yaml", text)


def build_fifo(name: str, *, tfvars: bool = False) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        control(folder)
        if tfvars:
            write(folder / "main.tf", recipe_tf("r", "  parent_image = var.parent\n"))
            write(folder / "variables.tf", 'variable "parent" {\n  default = "ami-1"\n}\n')
        os.mkfifo(folder / name)

    return build


def build_symlink(
    name: str, target: str, content: tuple[str, str] | None = None
) -> Callable[[Path], None]:
    """A link ``name`` to ``target`` (relative to the case folder, or absolute), plus the
    control file; ``content`` writes a file first (path, text)."""

    def build(folder: Path) -> None:
        if content is not None:
            write(folder / content[0], content[1])
        link = folder / name
        link.parent.mkdir(parents=True, exist_ok=True)
        control(link.parent)
        os.symlink(target, link)

    return build


def build_socket(folder: Path) -> None:
    control(folder)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    previous = Path.cwd()
    os.chdir(folder)  # socket paths are limited to about 100 bytes
    try:
        server.bind("listening.yaml")
    finally:
        os.chdir(previous)
        server.close()  # the socket file stays: a stale socket, as a checkout may hold


def build_files(files: dict[str, str | bytes], with_control: bool = True) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        if with_control:
            control(folder)
        for name, content in files.items():
            write(folder / name, content)

    return build


def build_non_utf8_name(folder: Path) -> None:
    control(folder)
    name = os.fsencode(folder) + b"/recipe-\xff\xfe.yaml"
    with open(name, "wb") as stream:
        stream.write(CONTROL_YAML.encode())


def build_locked_folder(mode: int) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        control(folder)
        write(folder / "locked" / "template.yaml", CONTROL_YAML)
        os.chmod(folder / "locked", mode)

    return build


def running_as_root() -> str | None:
    return "run as root: root reads any folder, so this tests nothing" if os.getuid() == 0 else None


def build_unbommed(folder: Path) -> None:
    control(folder)
    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        write(folder / f"template-{codec}.yaml", CONTROL_YAML.encode(codec))


def build_deep_toml(folder: Path) -> None:
    control(folder)
    write(folder / "iblint.toml", "select = " + "[" * 100_000 + "]" * 100_000 + "\n")


def build_config_above_root(folder: Path) -> None:
    write(folder / "iblint.toml", 'ignore = ["IB101"]\n')
    (folder / "repo" / ".git").mkdir(parents=True)
    control(folder / "repo")


def build_output_symlink(folder: Path) -> None:
    control(folder)
    write(folder / "victim.txt", "keep me\n")
    os.symlink("victim.txt", folder / "out.sarif")


def expect_victim_unchanged(outcome: Outcome) -> str | None:
    victim = outcome.folder / "victim.txt"
    if victim.read_text(encoding="utf-8", errors="replace") != "keep me\n":
        return "wrote through the symlink into victim.txt"
    if (outcome.folder / "out.sarif").is_symlink():
        return "out.sarif is still a symlink (no report written?)"
    return None


def build_alias_bomb(folder: Path) -> None:
    lines = ["# AWS::ImageBuilder::ImageRecipe", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        aliases = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    write(folder / "bomb.yaml", "\n".join(lines) + "\n")


def build_merge_bomb(folder: Path) -> None:
    """Merge keys that merge the level below twice, 40 levels: 2**40 merges if expanded."""
    lines = ["AWSTemplateFormatVersion: '2010-09-09'", "Metadata:", "  m0: &m0 {k0: 0}"]
    for level in range(1, 40):
        below = f"*m{level - 1}"
        lines.append(f"  m{level}: &m{level} {{<<: [{below}, {below}], k{level}: {level}}}")
    recipe = recipe_yaml(
        "      ParentImage: ami-0123456789abcdef0\n      Tags:\n        <<: *m39\n"
    )
    write(folder / "template.yaml", "\n".join(lines) + "\n" + recipe.split("\n", 1)[1])


def build_symlink_loop(folder: Path) -> None:
    control(folder)
    os.symlink("b.yaml", folder / "a.yaml")
    os.symlink("a.yaml", folder / "b.yaml")
    os.symlink(".", folder / "again")


def build_huge_numbers(folder: Path) -> None:
    digits = "1" * 100_000
    control(folder)
    ebs = "          Ebs: {VolumeType: gp3, Throughput: %s, Iops: 1e999999, VolumeSize: -%s}\n"
    write(
        folder / "template.yaml",
        recipe_yaml(
            "      ParentImage: ami-0123456789abcdef0\n"
            "      BlockDeviceMappings:\n"
            "        - DeviceName: /dev/xvda\n" + ebs % (digits, digits)
        ),
    )
    write(
        folder / "template.json",
        '{"Resources":{"R":{"Type":"AWS::ImageBuilder::ImageRecipe","Properties":'
        '{"BlockDeviceMappings":[{"DeviceName":"/dev/xvda","Ebs":{"VolumeType":"gp3",'
        f'"Throughput":{digits},"Iops":1e999999,"VolumeSize":-{digits}.5e-99999}}}}]}}}}}}}}',
    )
    block = (
        '  block_device_mapping {\n    device_name = "/dev/xvda"\n    ebs {\n'
        f'      volume_type = "gp3"\n      throughput = {digits}\n      iops = 1e999999\n'
        "    }\n  }\n"
    )
    write(folder / "main.tf", recipe_tf("r", block))


def build_control_characters(folder: Path) -> None:
    value = "\\e]8;;https://example.com\\a\\r\\n::warning file=x.yaml::pwned\\x9b31m\\u2028\\0"
    write(folder / "template.yaml", recipe_yaml(f'      ParentImage: "{value}"\n'))
    write(folder / "main.tf", recipe_tf("r", '  parent_image = "\\u001b[31m\\r\\n::error::x"\n'))


def build_deep_nesting(folder: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    write(
        folder / "template.json",
        '{"Resources":{"R":{"Type":"AWS::ImageBuilder::ImageRecipe",'
        f'"Properties":{{"Tags":{deep}}}}}}}}}',
    )
    write(folder / "template.yaml", recipe_yaml(f"      Tags: {deep}\n"))
    write(folder / "main.tf", recipe_tf("r", f"  tags = {'[' * 20_000}{']' * 20_000}\n"))
    write(folder / "blocks.tf", recipe_tf("b", "  a {\n" * 5000 + "  }\n" * 5000))


def build_long_line_json(folder: Path) -> None:
    """One line of about 8 MB holding 20,000 recipes with a finding each."""
    resources = {
        f"Recipe{index}": {
            "Type": "AWS::ImageBuilder::ImageRecipe",
            "Properties": {
                "Name": f"recipe-{index}",
                "Version": "1.0.0",
                "ParentImage": "arn:aws:imagebuilder:us-east-1:aws:image/al2023/x.1.x",
                "Components": [{"ComponentArn": COMPONENT_ARN}],
                "BlockDeviceMappings": [
                    {"DeviceName": "/dev/xvda", "Ebs": {"VolumeType": "gp2", "Throughput": 300}}
                ],
            },
        }
        for index in range(20_000)
    }
    text = json.dumps({"Resources": resources}, separators=(",", ":"))
    write(folder / "template.json", text)


def build_dynamic_for_each(folder: Path) -> None:
    items = ",".join(f'"/dev/xvd{index}"' for index in range(100_000))
    body = (
        '  dynamic "block_device_mapping" {\n'
        f"    for_each = [{items}]\n"
        "    content {\n      device_name = block_device_mapping.value\n"
        '      ebs {\n        volume_type = "gp2"\n        throughput = 300\n      }\n'
        "    }\n  }\n"
    )
    write(folder / "main.tf", recipe_tf("r", body))


def build_for_each_nested(folder: Path) -> None:
    items = "[" + ", ".join(f"i{index}" for index in range(100)) + "]"
    text = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::A:
    - A
    - {items}
    - Fn::ForEach::B:
        - B
        - {items}
        - Fn::ForEach::C:
            - C
            - {items}
            - Infra${{A}}${{B}}${{C}}:
                Type: AWS::ImageBuilder::InfrastructureConfiguration
                Properties:
                  Name: !Sub build-${{A}}-${{B}}-${{C}}
                  InstanceProfileName: builder
                  InstanceMetadataOptions:
                    HttpTokens: optional
"""
    write(folder / "template.yaml", text)


def build_locals_cycle(folder: Path) -> None:
    text = recipe_tf("r", "  parent_image = local.a\n") + (
        "locals {\n  a = local.b\n  b = local.a\n  c = var.c\n}\n"
        'variable "c" {\n  default = local.c\n}\n'
    )
    write(folder / "main.tf", text)


def build_plan_deep_modules(folder: Path) -> None:
    resource = {
        "address": "aws_imagebuilder_infrastructure_configuration.b",
        "mode": "managed",
        "type": "aws_imagebuilder_infrastructure_configuration",
        "name": "b",
        "values": {"instance_metadata_options": [{"http_tokens": "optional"}]},
    }
    module: dict[str, Any] = {"resources": [resource]}
    for level in range(10_000):
        module = {"address": f"module.m{level}", "child_modules": [module]}
    plan = {"format_version": "1.2", "planned_values": {"root_module": module}}
    write(folder / "tfplan.json", _dumps_deep(plan))


def build_plan_huge_document(folder: Path) -> None:
    """A plan (read up to 64 MiB) whose one component holds a 19 MB AWSTOE document of small
    steps, just under the YAML parser's separator limit: parsed and placed in the plan, it
    took 5.5 s and 1.2 GiB."""
    write(folder / "tfplan.json", _components_plan({"big": _steps_document("Step", 199_000)}))


def build_plan_many_documents(folder: Path) -> None:
    """A plan of thirty components whose documents are each just under the YAML limit (2 MiB,
    100,000 lines): every one parses alone, together they would be gigabytes of nodes."""
    documents = {f"c{index}": _steps_document(f"S{index}", 19_900) for index in range(30)}
    write(folder / "tfplan.json", _components_plan(documents))


def _steps_document(name: str, steps: int) -> str:
    """An AWSTOE document of ``steps`` small steps named ``name`` (five lines each)."""
    step = (
        f"      - name: {name}\n        action: ExecuteBash\n"
        "        inputs:\n          commands:\n            - echo\n"
    )
    return "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n" + step * steps


def _components_plan(documents: dict[str, str]) -> str:
    """A one-line plan creating a component for each name, with its document as ``data``."""
    changes = [
        {
            "address": f"aws_imagebuilder_component.{name}",
            "mode": "managed",
            "type": "aws_imagebuilder_component",
            "name": name,
            "change": {
                "actions": ["create"],
                "before": None,
                "after": {"name": name, "platform": "Linux", "version": "1.0.0", "data": data},
                "after_unknown": {},
            },
        }
        for name, data in documents.items()
    ]
    plan = {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": changes}
    return json.dumps(plan)


def _dumps_deep(value: Any) -> str:
    """``json.dumps`` without its recursion limit (child modules nest 10,000 deep)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 100_000))
    try:
        return json.dumps(value, separators=(",", ":"))
    finally:
        sys.setrecursionlimit(limit)


def build_nul_bytes(folder: Path) -> None:
    control(folder)
    write(folder / "template.yaml", (" " * 9000 + "\n").encode() + CONTROL_YAML.encode() + b"\0x")
    write(folder / "main.tf", recipe_tf("r", '  parent_image = "ami-1\0"\n').encode())


def cases() -> list[Case]:
    surrogate_json = (
        '{"Resources":{"R":{"Type":"AWS::ImageBuilder::ImageRecipe",'
        '"Properties":{"Name":"\\ud800","ParentImage":"bad-\\ud800"}}}}'
    )
    surrogate_tf_json = (
        '{"resource":{"aws_imagebuilder_image_recipe":{"r":{"name":"\\ud800",'
        '"parent_image":"bad-\\udfff"}}}}'
    )
    variables = 'variable "parent" {\n  default = "ami-0123456789abcdef0"\n}\n'
    uses_variable = recipe_tf("r", "  parent_image = var.parent\n")
    return [
        Case(
            "fn-if-yaml-aliases",
            "Fn::If nested 14 deep through YAML aliases in a 1 KB file",
            build_fn_if_yaml,
            expect=expect_rule("IB201"),
        ),
        Case(
            "fn-if-json-13",
            "Fn::If nested 13 deep in plain JSON, 8192 alternatives a value (12 took 18 s in 0.1.0)",
            build_fn_if_json,
            expect=expect_rule("IB201"),
        ),
        Case(
            "suppression-spaces",
            "80,000 spaces after '# iblint: ignore'",
            build_suppression_spaces,
            expect=expect_rule("IB101"),
        ),
        Case(
            "suppression-blanks-variants",
            "80,000 blanks at every other place of the suppression syntax, YAML and .tf",
            build_suppression_variants,
        ),
        Case(
            "long-value-aliases",
            "a 1 MiB parent image shared by 1000 recipes through a YAML alias",
            build_long_value_aliases,
            small=False,
            expect=expect_rule("IB301"),
        ),
        Case(
            "tf-variable-long-value",
            "a 1 MiB variable default used by 2000 recipes",
            build_tf_variable_long_value,
            small=False,
            expect=expect_rule("IB301"),
        ),
        Case(
            "tf-flat-list-8mb",
            "an 8 MB flat list in a .tf file",
            build_tf_flat_list,
            small=False,
        ),
        Case(
            "yaml-flat-list-8mb",
            "an 8 MB flat YAML list (not an alias bomb)",
            build_yaml_flat_list,
            small=False,
            expect=lambda outcome: "IB005 (alias bomb)" if outcome.has("IB005") else None,
        ),
        Case(
            "json-flat-list-8mb",
            "an 8 MB flat JSON list",
            build_json_flat_list,
            small=False,
        ),
        Case(
            "yaml-100k-documents",
            "100,000 small YAML documents in one file (not an alias bomb)",
            build_many_documents,
            small=False,
            expect=lambda outcome: "IB005 (alias bomb)" if outcome.has("IB005") else None,
        ),
        Case(
            "fifo-walked",
            "a FIFO named pipe.yaml in a walked folder",
            build_fifo("pipe.yaml"),
            expect=expect_all(expect_rule("IB006", "pipe.yaml"), expect_control),
        ),
        Case(
            "fifo-named",
            "a FIFO named on the command line",
            build_fifo("pipe.yaml"),
            arguments=["pipe.yaml", "control.yaml"],
            expect=expect_all(expect_rule("IB006", "pipe.yaml"), expect_control),
        ),
        Case(
            "fifo-tfvars",
            "terraform.tfvars is a FIFO beside a checked .tf",
            build_fifo("terraform.tfvars", tfvars=True),
            expect=expect_control,
        ),
        Case(
            "fifo-catalog",
            "--catalog names a FIFO (a usage error or IB006, no hang)",
            build_fifo("catalog.json"),
            arguments=["--catalog", "catalog.json", "."],
            exits=frozenset({0, 1, 2}),
        ),
        Case(
            "symlink-dev-zero",
            "zero.yaml -> /dev/zero in a walked folder",
            build_symlink("zero.yaml", "/dev/zero"),
            expect=expect_all(expect_rule("IB006", "zero.yaml"), expect_control),
        ),
        Case(
            "symlink-dev-stdin",
            "stdin.yaml -> /dev/stdin (an open pipe that never ends)",
            build_symlink("stdin.yaml", "/dev/stdin"),
            expect=expect_control,
        ),
        Case(
            "symlink-dev-zero-named",
            "zero.yaml -> /dev/zero named on the command line",
            build_symlink("zero.yaml", "/dev/zero"),
            arguments=["zero.yaml", "control.yaml"],
            expect=expect_control,
        ),
        Case(
            "symlink-escape-passwd",
            "x.yaml -> /etc/passwd in a walked folder (must be reported, not read)",
            build_symlink("x.yaml", "/etc/passwd"),
            expect=lambda outcome: None if outcome.on("x.yaml") else "x.yaml not reported",
        ),
        Case(
            "symlink-escape-definition",
            "walked/x.yaml -> ../outside/secret.yaml (a definition outside the walked folder)",
            build_symlink(
                "walked/x.yaml", "../outside/secret.yaml", ("outside/secret.yaml", CONTROL_YAML)
            ),
            arguments=["walked"],
            expect=lambda outcome: (
                "followed: IB101 from the linked file"
                if outcome.has("IB101", "x.yaml")
                else None
                if outcome.on("x.yaml")
                else "x.yaml not reported"
            ),
        ),
        Case(
            "symlink-escape-named",
            "the same link named on the command line: may be followed",
            build_symlink(
                "walked/x.yaml", "../outside/secret.yaml", ("outside/secret.yaml", CONTROL_YAML)
            ),
            arguments=["walked/x.yaml"],
            expect=expect_rule("IB101", "x.yaml"),
        ),
        Case(
            "symlink-loop",
            "a -> b -> a, and a folder link to its parent",
            build_symlink_loop,
            expect=expect_control,
        ),
        Case(
            "socket",
            "a Unix socket named listening.yaml",
            build_socket,
            expect=expect_control,
        ),
        Case(
            "lone-surrogate-json",
            'a lone surrogate "\\ud800" in CloudFormation JSON and .tf.json',
            build_files({"template.json": surrogate_json, "main.tf.json": surrogate_tf_json}),
            expect=expect_control,
        ),
        Case(
            "lone-surrogate-yaml",
            'a lone surrogate "\\ud800" in a YAML double-quoted string',
            build_files({"template.yaml": recipe_yaml('      ParentImage: "bad-\\ud800"\n')}),
            expect=expect_control,
        ),
        Case(
            "lone-surrogate-hcl",
            'a lone surrogate "\\ud800" in a .tf string',
            build_files({"main.tf": recipe_tf("r", '  parent_image = "bad-\\ud800"\n')}),
            expect=expect_control,
        ),
        Case(
            "lone-surrogate-tfvars",
            'a lone surrogate "\\ud800" in terraform.tfvars',
            build_files(
                {
                    "main.tf": uses_variable,
                    "variables.tf": variables,
                    "terraform.tfvars": 'parent = "bad-\\ud800"\n',
                }
            ),
            expect=expect_control,
        ),
        Case(
            "escape-out-of-range-tf",
            '"\\U00110000" in a checked .tf',
            build_files({"main.tf": recipe_tf("r", '  parent_image = "\\U00110000"\n')}),
            expect=expect_control,
        ),
        Case(
            "escape-out-of-range-tfvars",
            '"\\U00110000" in terraform.tfvars',
            build_files(
                {
                    "main.tf": uses_variable,
                    "variables.tf": variables,
                    "terraform.tfvars": 'parent = "\\U00110000"\n',
                }
            ),
            expect=expect_control,
        ),
        Case(
            "escape-out-of-range-module",
            '"\\U00110000" in a variable default of a .tf that is not named, only read',
            build_files(
                {
                    "main.tf": uses_variable,
                    "variables.tf": 'variable "parent" {\n  default = "\\U00110000"\n}\n',
                }
            ),
            arguments=["main.tf", "control.yaml"],
            expect=expect_control,
        ),
        Case(
            "non-utf8-file-name",
            "a definition whose file name is not valid UTF-8",
            build_non_utf8_name,
            expect=expect_all(expect_control, expect_rule("IB101", "recipe-")),
        ),
        Case(
            "folder-without-execute",
            "a folder with mode 0o666 (no execute bit)",
            build_locked_folder(0o666),
            expect=expect_control,
            caveat=running_as_root,
        ),
        Case(
            "folder-without-access",
            "a folder with mode 0o000",
            build_locked_folder(0o000),
            expect=expect_control,
            caveat=running_as_root,
        ),
        Case(
            "utf16-utf32-without-bom",
            "UTF-16 and UTF-32 (LE, BE) without a BOM carrying AWS::ImageBuilder::",
            build_unbommed,
            expect=expect_all(
                expect_control,
                *(
                    expect_rule("IB006", f"template-{codec}")
                    for codec in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
                ),
            ),
        ),
        Case(
            "non-utf8-tf",
            "a Latin-1 .tf with an Image Builder resource",
            build_files(
                {
                    "main.tf": ("# caf\xe9\n" + recipe_tf("r", '  parent_image = "x"\n')).encode(
                        "latin-1"
                    )
                }
            ),
            expect=expect_all(expect_control, expect_rule("IB006", "main.tf")),
        ),
        Case(
            "nul-bytes",
            "NUL bytes past the binary sniff window in YAML and in a .tf string",
            build_nul_bytes,
            expect=expect_control,
        ),
        Case(
            "config-toml-deep",
            "iblint.toml nested 100,000 deep (a usage error, exit 2)",
            build_deep_toml,
            use_config=True,
            exits=frozenset({2}),
        ),
        Case(
            "config-toml-not-utf8",
            "iblint.toml that is not UTF-8 (a usage error, exit 2)",
            build_files({"iblint.toml": b"select = ['IB1\xff']\n"}),
            use_config=True,
            exits=frozenset({2}),
        ),
        Case(
            "config-above-repository",
            "an iblint.toml above the repository root (above .git) must not apply",
            build_config_above_root,
            cwd="repo",
            use_config=True,
            expect=expect_control,
        ),
        Case(
            "stdout-closed-text",
            "standard output closed, text report (a clean exit, no traceback)",
            build_files({}),
            close_stdout=True,
            text_report=True,
            exits=frozenset({0, 1, 2}),
        ),
        Case(
            "stdout-closed-sarif",
            "standard output closed, SARIF to a file",
            build_files({}),
            close_stdout=True,
            expect=expect_control,
        ),
        Case(
            "output-through-symlink",
            "-o out.sarif where out.sarif is a committed symlink to victim.txt",
            build_output_symlink,
            output="out.sarif",
            expect=expect_victim_unchanged,
        ),
        Case(
            "yaml-alias-bomb",
            "a billion-laughs alias bomb (10**9 nodes)",
            build_alias_bomb,
            expect=expect_rule("IB005"),
        ),
        Case(
            "yaml-merge-bomb",
            "merge keys merging the level below twice, 40 levels",
            build_merge_bomb,
        ),
        Case(
            "deep-nesting",
            "lists 100,000 deep in JSON and YAML, 20,000 deep and 5,000 nested blocks in .tf",
            build_deep_nesting,
            expect=expect_rule("IB004"),
        ),
        Case(
            "huge-numbers",
            "100,000-digit integers and 1e999999 in YAML, JSON and .tf",
            build_huge_numbers,
            expect=expect_control,
        ),
        Case(
            "control-characters",
            "ESC, BEL, CR, LF, C1, LS and NUL in values reported in messages",
            build_control_characters,
            expect=expect_rule("IB301"),
        ),
        Case(
            "tf-locals-cycle",
            "locals that refer to each other, a variable default that refers to a local",
            build_locals_cycle,
        ),
        Case(
            "cfn-foreach-nested",
            "Fn::ForEach nested three deep over 100 items each (10**6 resources)",
            build_for_each_nested,
        ),
        Case(
            "plan-deep-modules",
            "a plan whose child modules nest 10,000 deep",
            build_plan_deep_modules,
        ),
        Case(
            "plan-huge-document",
            "a 19 MB component document inside a plan",
            build_plan_huge_document,
            small=False,
            expect=expect_rule("IB003"),
        ),
        Case(
            "plan-many-documents",
            "thirty component documents of 100,000 lines each inside a plan",
            build_plan_many_documents,
            small=False,
        ),
        Case(
            "tf-dynamic-wide",
            "a dynamic block over a literal list of 100,000 items",
            build_dynamic_for_each,
            small=False,
        ),
        Case(
            "long-line-json",
            "20,000 recipes with findings on one 8 MB line (positions, snippets, fingerprints)",
            build_long_line_json,
            small=False,
            expect=expect_rule("IB201"),
        ),
    ]


# --- Writing and running --------------------------------------------------------------------


def remove_tree(root: Path) -> None:
    """Removes ``root``, locked folders included (links are removed, never followed)."""
    if not root.exists():
        return
    os.chmod(root, stat.S_IRWXU)
    for current, directories, _ in os.walk(root):
        for name in directories:
            path = Path(current) / name
            if not path.is_symlink():
                os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(root)


def build_case(case: Case, root: Path) -> Path:
    folder = root / "cases" / case.name
    remove_tree(folder)
    folder.mkdir(parents=True)
    case.build(folder)
    return folder


def iblint_command(given: str | None) -> list[str]:
    if given:
        return [given]
    beside = Path(sys.executable).with_name("iblint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("iblint")
    return [found] if found else [sys.executable, "-m", "iblint"]


class Verdict(NamedTuple):
    case: Case
    measurement: Measurement
    sarif: str  # "valid", "n/a" or what is wrong
    expectation: str  # "ok", "-" or what is wrong
    problems: list[str]  # budget failures; empty: PASS

    @property
    def passed(self) -> bool:
        return not self.problems


def run_case(
    case: Case,
    root: Path,
    iblint: Sequence[str],
    timeout: float = TIMEOUT_SECONDS,
    memory_bytes: int = MEMORY_CAP_BYTES,
) -> Verdict:
    """Builds the case afresh and runs it; the verdict against the budget."""
    build_case(case, root)
    return execute_case(case, root, iblint, timeout, memory_bytes)


def execute_case(
    case: Case,
    root: Path,
    iblint: Sequence[str],
    timeout: float = TIMEOUT_SECONDS,
    memory_bytes: int = MEMORY_CAP_BYTES,
) -> Verdict:
    """Runs a case already built under ``root`` (safe to call from several threads: building
    is not, as the socket case changes the working directory)."""
    folder = root / "cases" / case.name
    cwd = folder / case.cwd
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    sarif = cwd / case.output if case.output else results / f"{case.name}.sarif"
    if not case.output and sarif.exists():
        sarif.unlink()
    command = [*iblint, "check"]
    if not case.use_config:
        command.append("--no-config")
    if not case.text_report:
        command += ["--format", "sarif", "-o", str(sarif)]
    command += case.arguments
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("PYTHONDEVMODE", None)
    read_end, write_end = os.pipe()  # standard input: open, and silent
    try:
        measurement = measure(
            command,
            cwd,
            environment,
            timeout=timeout,
            memory_bytes=memory_bytes,
            close_stdout=case.close_stdout,
            stdin=read_end,
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    return judge(case, folder, sarif, measurement)


def judge(case: Case, folder: Path, sarif: Path, measurement: Measurement) -> Verdict:
    problems = []
    code = measurement.returncode
    if code is None:
        problems.append("timed out")
    else:
        if measurement.wall >= BUDGET_SECONDS:
            problems.append(f">= {BUDGET_SECONDS:.0f} s")
        if code not in case.exits:
            problems.append(f"exit {code}")
    peak = measurement.peak_mib
    if peak is not None and peak >= BUDGET_MIB:
        problems.append(">= 1 GiB")
    stderr = measurement.stderr.decode("utf-8", "replace")
    if "Traceback" in stderr or "internal error" in stderr:
        problems.append("internal error")
    sarif_state = "n/a"
    if not case.text_report and (code in (0, 1) or code is None or code not in case.exits):
        problem = sarif_problem(sarif)
        sarif_state = problem or "valid"
        if problem:
            problems.append(f"SARIF {problem}")
    outcome = Outcome(folder / case.cwd, sarif, measurement)
    expectation = "-"
    if case.expect is not None and code is not None:
        expectation = case.expect(outcome) or "ok"
    return Verdict(case, measurement, sarif_state, expectation, problems)


TABLE_HEADER = (
    "| case | seconds | peak MiB | exit | SARIF | expectation | verdict |\n"
    "|---|---|---|---|---|---|---|"
)


def table_row(verdict: Verdict) -> str:
    measured = verdict.measurement
    peak = "?" if measured.peak_mib is None else f"{measured.peak_mib:.0f}"
    code = "timeout" if measured.returncode is None else str(measured.returncode)
    state = "PASS" if verdict.passed else "FAIL: " + ", ".join(verdict.problems)
    caveat = verdict.case.caveat() if verdict.case.caveat else None
    if caveat:
        state += f" ({caveat})"
    cells = [verdict.case.name, f"{measured.wall:.2f}", peak, code, verdict.sarif]
    cells += [verdict.expectation, state]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, help="folder to write the cases into")
    parser.add_argument("--run", action="store_true", help="run iblint on each case")
    parser.add_argument("--small", action="store_true", help="only the small, quick cases")
    parser.add_argument("--only", action="append", default=[], help="case names (comma-separated)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--iblint", help="the iblint executable (default: beside this Python)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS)
    parser.add_argument("--memory-gib", type=float, default=MEMORY_CAP_BYTES / 2**30)
    args = parser.parse_args(argv)

    selected = cases()
    if args.list:
        for case in selected:
            print(f"{case.name:<28} {'small' if case.small else 'big  '} {case.description}")
        return 0
    only = {name.strip() for value in args.only for name in value.split(",") if name.strip()}
    unknown = only - {case.name for case in selected}
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))} (see --list)")
    selected = [
        case
        for case in selected
        if (not only or case.name in only) and (case.small or not args.small)
    ]
    if args.out is None and not args.run:
        parser.error("give --out DIR to write the cases, or --run to run them")

    with tempfile.TemporaryDirectory(prefix="iblint-hostile-") as temporary:
        root = args.out or Path(temporary)
        root.mkdir(parents=True, exist_ok=True)
        try:
            if not args.run:
                for case in selected:
                    print(build_case(case, root))
                return 0
            iblint = iblint_command(args.iblint)
            print(f"iblint: {' '.join(iblint)}; cases in {root / 'cases'}")
            print(
                f"budget: < {BUDGET_SECONDS:.0f} s, < {BUDGET_MIB:.0f} MiB, exit 0/1 (config: 2), "
                f"valid SARIF; timeout {args.timeout:.0f} s, RLIMIT_AS {args.memory_gib:g} GiB"
            )
            print()
            print(TABLE_HEADER)
            verdicts = []
            for case in selected:
                memory = int(args.memory_gib * 2**30)
                verdict = run_case(case, root, iblint, args.timeout, memory)
                verdicts.append(verdict)
                print(table_row(verdict), flush=True)
            failed = sum(not verdict.passed for verdict in verdicts)
            print()
            print(f"{len(verdicts) - failed} PASS, {failed} FAIL")
            return 1 if failed else 0
        finally:
            if args.out is None:
                remove_tree(root / "cases")


if __name__ == "__main__":
    raise SystemExit(main())
