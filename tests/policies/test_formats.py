"""One policy, every input format: the same finding at the right line and column on
CloudFormation YAML and JSON, Terraform (.tf, .tf.json, plan JSON) and AWS CLI JSON; values
known only at deploy time are silent in each."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.policies.helpers import findings, policy_file, positions

PARENT_POLICY = """
    id: ORG001
    name: approved-parent-image
    summary: Parent images come from AWS or from the platform account.
    resources: [image-recipe]
    at: parentImage
    message: parentImage is not an AWS-managed image or one of the platform account's images
    expression: >
      resource.parentImage.startsWith("arn:") &&
      resource.parentImage.split(":")[4] in ["aws", "111122223333"]
"""

OTHER_ACCOUNT = "arn:aws:imagebuilder:us-east-1:999999999999:image/golden/1.0.0"
AWS_IMAGE = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"
COMPONENT = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"

#: The same recipe in every format, with PARENT standing for its parent image, and where
#: the parent image's value starts in each.
RECIPES = {
    "cloudformation-yaml": (
        f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: PARENT
              Components:
                - ComponentArn: {COMPONENT}
        """,
        "7:20",
    ),
    "cloudformation-json": (
        f"""
        {{
          "Resources": {{
            "Recipe": {{
              "Type": "AWS::ImageBuilder::ImageRecipe",
              "Properties": {{
                "Name": "web",
                "Version": "1.0.0",
                "ParentImage": "PARENT",
                "Components": [{{"ComponentArn": "{COMPONENT}"}}]
              }}
            }}
          }}
        }}
        """,
        "8:24",
    ),
    "terraform": (
        f"""
        resource "aws_imagebuilder_image_recipe" "web" {{
          name         = "web"
          version      = "1.0.0"
          parent_image = "PARENT"
          component {{
            component_arn = "{COMPONENT}"
          }}
        }}
        """,
        "4:18",
    ),
    "terraform-json": (
        f"""
        {{
          "resource": {{
            "aws_imagebuilder_image_recipe": {{
              "web": {{
                "name": "web",
                "version": "1.0.0",
                "parent_image": "PARENT",
                "component": [{{"component_arn": "{COMPONENT}"}}]
              }}
            }}
          }}
        }}
        """,
        "7:25",
    ),
    "terraform-plan": (
        f"""
        {{
          "format_version": "1.2",
          "resource_changes": [
            {{
              "address": "aws_imagebuilder_image_recipe.web",
              "mode": "managed",
              "type": "aws_imagebuilder_image_recipe",
              "name": "web",
              "change": {{
                "actions": ["create"],
                "after": {{
                  "name": "web",
                  "version": "1.0.0",
                  "parent_image": "PARENT",
                  "component": [{{"component_arn": "{COMPONENT}"}}]
                }},
                "after_unknown": {{}}
              }}
            }}
          ]
        }}
        """,
        "14:27",
    ),
    "api-json": (
        f"""
        {{
          "name": "web",
          "semanticVersion": "1.0.0",
          "parentImage": "PARENT",
          "components": [{{"componentArn": "{COMPONENT}"}}]
        }}
        """,
        "4:18",
    ),
}

#: The parent image as a value known only at deploy time, in each format.
UNKNOWN_PARENTS = {
    "cloudformation-yaml": ("ParentImage: PARENT", "ParentImage: !Ref ParentImageArn"),
    "cloudformation-json": ('"ParentImage": "PARENT"', '"ParentImage": {"Ref": "ParentImageArn"}'),
    "terraform": ('parent_image = "PARENT"', "parent_image = data.aws_ami.golden.id"),
    "terraform-json": ('"parent_image": "PARENT"', '"parent_image": "${data.aws_ami.golden.id}"'),
    "terraform-plan": (
        '"parent_image": "PARENT",',
        '"tags": null,',
    ),
    "api-json": None,  # a CLI document holds literals only
}


@pytest.mark.parametrize("input_format", sorted(RECIPES))
def test_the_same_policy_gives_the_same_finding_in_every_format(
    input_format: str, tmp_path: Path
) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    template, position = RECIPES[input_format]
    found = findings(tmp_path, policy, template.replace("PARENT", OTHER_ACCOUNT), input_format)
    assert positions(found) == [position], [(f.rule_id, f.span, f.message) for f in found]
    (finding,) = found
    assert finding.rule_id == "ORG001"
    assert finding.rule_name == "approved-parent-image"
    assert finding.message.endswith(
        "parentImage is not an AWS-managed image or one of the platform account's images"
    )
    assert finding.fix == "make this hold: Parent images come from AWS or from the platform account"


@pytest.mark.parametrize("input_format", sorted(RECIPES))
def test_a_value_that_holds_gives_nothing_in_any_format(input_format: str, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    template, _ = RECIPES[input_format]
    assert findings(tmp_path, policy, template.replace("PARENT", AWS_IMAGE), input_format) == []


@pytest.mark.parametrize("input_format", sorted(f for f, v in UNKNOWN_PARENTS.items() if v))
def test_a_value_known_only_at_deploy_time_is_silent(input_format: str, tmp_path: Path) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    template, _ = RECIPES[input_format]
    written, unknown = UNKNOWN_PARENTS[input_format]  # type: ignore[misc]
    document = template.replace(written, unknown)
    if input_format == "terraform-plan":
        # Known after apply: absent from `after`, named in `after_unknown`.
        document = document.replace(
            '"after_unknown": {}', '"after_unknown": {"parent_image": true}'
        )
    assert unknown in document or input_format == "terraform-plan"
    assert findings(tmp_path, policy, document, input_format) == []


def test_a_plan_value_known_after_apply_is_silent(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    template, _ = RECIPES["terraform-plan"]
    document = template.replace('"parent_image": "PARENT",', "").replace(
        '"after_unknown": {}', '"after_unknown": {"parent_image": true}'
    )
    assert findings(tmp_path, policy, document, "terraform-plan") == []


def test_a_terraform_variable_with_a_literal_default_is_checked(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    template, _ = RECIPES["terraform"]
    (tmp_path / "variables.tf").write_text(
        f'variable "parent" {{\n  default = "{OTHER_ACCOUNT}"\n}}\n', encoding="utf-8"
    )
    document = template.replace('"PARENT"', "var.parent")
    found = findings(tmp_path, policy, document, "terraform")
    assert positions(found) == ["4:18"]
    assert "var.parent" in found[0].message  # where the value came from, as built-in rules say


EBS_POLICY = """
    id: ORG002
    name: ebs-customer-kms-key
    summary: Every EBS volume is encrypted with a customer managed KMS key.
    resources: [image-recipe]
    each: blockDeviceMappings[].ebs
    message: this volume is not encrypted with a customer managed key
    expression: >
      has(item.encrypted) && string(item.encrypted) == "true" &&
      has(item.kmsKeyId) && !item.kmsKeyId.contains("alias/aws/")
"""


def test_each_points_at_every_node_that_breaks_the_policy(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, EBS_POLICY)
    document = f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: {AWS_IMAGE}
              BlockDeviceMappings:
                - DeviceName: /dev/xvda
                  Ebs: {{Encrypted: true, KmsKeyId: alias/aws/ebs}}
                - DeviceName: /dev/xvdb
                  Ebs:
                    Encrypted: true
                    KmsKeyId: arn:aws:kms:us-east-1:111122223333:key/abcd
                - DeviceName: /dev/xvdc
                  Ebs:
                    Encrypted: "false"
                - DeviceName: /dev/xvdd
                  NoDevice: ""
              Components:
                - ComponentArn: {COMPONENT}
    """
    assert positions(findings(tmp_path, policy, document, "cloudformation-yaml")) == [
        "10:11",
        "16:11",
    ]


def test_each_with_at_points_under_each_node_or_its_nearest_parent(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, EBS_POLICY.replace("each:", "at: kmsKeyId\n    each:"))
    document = f"""
        resource "aws_imagebuilder_image_recipe" "web" {{
          name         = "web"
          version      = "1.0.0"
          parent_image = "{AWS_IMAGE}"
          block_device_mapping {{
            device_name = "/dev/xvda"
            ebs {{
              encrypted  = true
              kms_key_id = "alias/aws/ebs"
            }}
          }}
          block_device_mapping {{
            device_name = "/dev/xvdb"
            ebs {{
              encrypted = true
            }}
          }}
        }}
    """
    # The first points at its key ID's value; the second has none, so at its ebs block.
    assert positions(findings(tmp_path, policy, document, "terraform")) == ["9:20", "14:5"]


def test_each_skips_a_list_known_only_at_deploy_time(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, EBS_POLICY)
    document = f"""
        resource "aws_imagebuilder_image_recipe" "web" {{
          name         = "web"
          version      = "1.0.0"
          parent_image = "{AWS_IMAGE}"
          dynamic "block_device_mapping" {{
            for_each = var.volumes
            content {{
              device_name = block_device_mapping.value
            }}
          }}
        }}
    """
    assert findings(tmp_path, policy, document, "terraform") == []


def test_each_fn_if_branch_is_checked(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, PARENT_POLICY)
    document = f"""
        Conditions:
          Legacy: !Equals [!Ref AWS::Region, us-west-2]
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: !If [Legacy, ami-0123456789abcdef0, {AWS_IMAGE}]
              Components:
                - ComponentArn: {COMPONENT}
    """
    assert positions(findings(tmp_path, policy, document, "cloudformation-yaml")) == ["9:33"]


OWNER_TAG_POLICY = """
    id: ORG006
    name: required-tags
    summary: Recipes carry an Owner tag.
    resources: [image-recipe]
    at: tags
    message: no Owner tag
    expression: has(resource.tags) && "Owner" in resource.tags
"""


def test_an_fn_if_that_removes_a_member_is_absent_in_that_branch(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, OWNER_TAG_POLICY)
    document = f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: {AWS_IMAGE}
              Components:
                - ComponentArn: {COMPONENT}
              Tags: !If
                - Tagged
                - Owner: web-team
                - !Ref AWS::NoValue
    """
    # The branch without tags is reported on the Tags key, as IB101 reports a removed member.
    assert positions(findings(tmp_path, policy, document, "cloudformation-yaml")) == ["10:7"]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("Tags: !Ref RecipeTags", []),  # the whole map is unknown
        ("Tags: {Owner: !Ref Owner}", []),  # an unknown value still sets the tag
        ("Tags: {Team: !Ref Owner}", ["10:7"]),  # the key is what matters, and it is missing
        ("Tags: {Owner: web-team}", []),
    ],
)
def test_has_and_in_read_only_what_they_need(
    tags: str, expected: list[str], tmp_path: Path
) -> None:
    policy = policy_file(tmp_path, OWNER_TAG_POLICY)
    document = f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: {AWS_IMAGE}
              Components:
                - ComponentArn: {COMPONENT}
              {tags}
    """
    assert positions(findings(tmp_path, policy, document, "cloudformation-yaml")) == expected


def test_a_terraform_expression_that_may_be_null_makes_presence_unknown(tmp_path: Path) -> None:
    policy = policy_file(
        tmp_path,
        """
        id: ORG006
        name: required-tags
        summary: Infrastructure configurations are tagged.
        resources: [infrastructure-configuration]
        message: no tags
        expression: has(resource.tags)
        """,
    )
    document = """
        resource "aws_imagebuilder_infrastructure_configuration" "build" {
          name                  = "build"
          instance_profile_name = "builder"
          tags                  = local.tags
        }
    """
    assert findings(tmp_path, policy, document, "terraform") == []


def test_variables_kind_name_and_file(tmp_path: Path) -> None:
    policy = policy_file(
        tmp_path,
        """
        id: ORG009
        name: naming
        summary: Recipes are named after their logical ID.
        resources: [image-recipe, infrastructure-configuration]
        message: kind, name or file is not what the policy expects
        expression: >
          kind == "image-recipe" && name == "aws_imagebuilder_image_recipe.web" &&
          file == "main.tf"
        """,
    )
    document = f"""
        resource "aws_imagebuilder_image_recipe" "web" {{
          name         = "web"
          version      = "1.0.0"
          parent_image = "{AWS_IMAGE}"
        }}
        resource "aws_imagebuilder_infrastructure_configuration" "build" {{
          name                  = "build"
          instance_profile_name = "builder"
        }}
    """
    # The recipe holds; the infrastructure configuration is reported on its header.
    assert positions(findings(tmp_path, policy, document, "terraform")) == ["6:1"]


def test_fn_if_combinations_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from iblint.policies import check, evaluate

    runs: list[object] = []
    original = check.run

    def counting(program: evaluate.Program, data: dict[str, object]) -> evaluate.Result:
        runs.append(data)
        return original(program, data)

    monkeypatch.setattr(check, "run", counting)
    policy = policy_file(
        tmp_path,
        """
        id: ORG010
        name: no-empty-tags
        summary: Tags are not empty.
        resources: [image-recipe]
        message: a tag is empty
        expression: resource.tags.all(k, resource.tags[k] != "")
        """,
    )
    tags = "".join(f"                T{index}: !If [C{index}, a, '']\n" for index in range(12))
    document = f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: {AWS_IMAGE}
              Tags:
{tags}
    """
    found = findings(tmp_path, policy, document, "cloudformation-yaml")
    assert len(runs) == evaluate.MAX_WORLDS  # not 2**12
    assert positions(found) == ["2:3"]


def test_each_through_an_fn_if_takes_each_branch(tmp_path: Path) -> None:
    policy = policy_file(tmp_path, EBS_POLICY)
    document = f"""
        Resources:
          Recipe:
            Type: AWS::ImageBuilder::ImageRecipe
            Properties:
              Name: web
              Version: 1.0.0
              ParentImage: {AWS_IMAGE}
              BlockDeviceMappings:
                - DeviceName: /dev/xvda
                  Ebs: !If
                    - Encrypt
                    - {{Encrypted: true, KmsKeyId: arn:aws:kms:us-east-1:111122223333:key/a}}
                    - {{Encrypted: false}}
    """
    # The branch that breaks the policy is reported on its key, as built-in rules report one.
    assert positions(findings(tmp_path, policy, document, "cloudformation-yaml")) == ["10:11"]
