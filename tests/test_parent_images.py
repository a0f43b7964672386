"""IB301's parent-image check on its own: one table row per message it can give.

Each problem names its fault (:class:`~iblint.checks.images.ParentFault`, or the
:class:`~iblint.versions.Fault` of a malformed ARN); a test fails when a fault has no row here.
"""

from __future__ import annotations

import pytest

from iblint.checks.images import MAX_PARENT_IMAGE_LENGTH, ParentFault, parent_image_problem
from iblint.versions import Fault
from tests.work_counts import hang_guard

IMAGE_ARN = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86"
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

#: (value, container recipe?)
VALID = [
    ("ami-0123abcd", False),
    ("ami-0123456789abcdef0", False),
    (f"{IMAGE_ARN}/x.x.x", False),
    (f"{IMAGE_ARN}/2025.1.x", False),
    (f"{IMAGE_ARN}/2025.1.10/1", False),
    (f"{IMAGE_ARN}/x.x.x", True),
    ("ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", False),
    ("ssm:my-ami-parameter", False),
    ("ssm:my-ami-parameter:3", False),
    ("ssm:arn:aws:ssm:us-east-1:123456789012:parameter/golden/ami", False),
    ("prod-1234567890abc", False),
    ("0a1b2c3d-1234-5678-9abc-def012345678", False),
    ("amazonlinux:2023", True),
    ("amazonlinux", True),
    ("library/ubuntu:22.04", True),
    (f"{ECR}/app:latest", True),
    (f"{ECR}/team/app@sha256:{'a' * 64}", True),
    ("public.ecr.aws/amazonlinux/amazonlinux:2023", True),
    ("registry.example.com:5000/app:v1.2", True),
    ("a" * 16 + ":" + "t" * 128, True),
]


@pytest.mark.parametrize(("value", "container"), VALID)
def test_valid_parent_images(value: str, container: bool) -> None:
    assert parent_image_problem(value, container) is None


#: (value, container recipe?, fault, words the message holds)
MALFORMED: list[tuple[str, bool, ParentFault | Fault, list[str]]] = [
    # Any recipe
    ("", False, ParentFault.EMPTY, ["empty"]),
    ("  \n", True, ParentFault.EMPTY, ["empty"]),
    ("a" * (MAX_PARENT_IMAGE_LENGTH + 1), False, ParentFault.TOO_LONG, ["1,025", "1,024"]),
    ("ami-0123456789abcdef0\n", False, ParentFault.LINE_BREAK, ["line break", "\\n"]),
    (f"{IMAGE_ARN}/x.x.x\n", True, ParentFault.LINE_BREAK, ["line break"]),
    ("ssm:/golden/ami\r\n", False, ParentFault.LINE_BREAK, ["line break"]),
    (" ami-0123456789abcdef0", False, ParentFault.WHITESPACE, ["whitespace"]),
    ("amazonlinux:2023\t", True, ParentFault.WHITESPACE, ["whitespace"]),
    # Image ARNs (both kinds of recipe)
    (
        "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/web/1.0.0",
        False,
        ParentFault.RECIPE_ARN,
        ["an image recipe"],
    ),
    (
        "arn:aws:imagebuilder:us-east-1:123456789012:container-recipe/web/1.0.0",
        True,
        ParentFault.RECIPE_ARN,
        ["a container recipe"],
    ),
    (IMAGE_ARN, False, ParentFault.ARN_WITHOUT_VERSION, ["no version", "x.x.x"]),
    ("arn:aws:imagebuilder:us-east-1", False, Fault.NOT_AN_ARN, ["malformed", "not an ARN"]),
    (
        "arn:aws-moon:imagebuilder:us-east-1:aws:image/a/x.x.x",
        False,
        Fault.PARTITION,
        ["'aws-moon'"],
    ),
    ("arn:aws:ec2:us-east-1:aws:image/a/x.x.x", False, Fault.SERVICE, ["'ec2'"]),
    ("arn:aws:imagebuilder:mars:aws:image/a/x.x.x", False, Fault.REGION, ["'mars'"]),
    ("arn:aws:imagebuilder:us-east-1:me:image/a/x.x.x", False, Fault.ACCOUNT, ["'me'"]),
    ("arn:aws:imagebuilder:us-east-1:aws:ami/a/x.x.x", False, Fault.RESOURCE_TYPE, ["'ami'"]),
    ("arn:aws:imagebuilder:us-east-1:aws:image/", True, Fault.NO_NAME, ["no image name"]),
    ("arn:aws:imagebuilder:us-east-1:aws:image/Web/x.x.x", False, Fault.NAME_CASE, ["'web'"]),
    ("arn:aws:imagebuilder:us-east-1:aws:image/w.b/x.x.x", False, Fault.NAME_CHARACTERS, []),
    (f"{IMAGE_ARN}/1.0.0/", False, Fault.TRAILING_SLASH, ["ends in '/'", "'1.0.0'"]),
    (f"{IMAGE_ARN}//1.0.0", False, Fault.EMPTY_PART, ["'//'"]),
    (f"{IMAGE_ARN}/1.0.0/1/2", False, Fault.TOO_MANY_PARTS, ["'1.0.0/1/2'"]),
    (f"{IMAGE_ARN}/xxxx.x.x", False, Fault.NODE, ["'xxxx'"]),
    (f"{IMAGE_ARN}/1.0", False, Fault.NODE_COUNT, ["2 nodes"]),
    (f"{IMAGE_ARN}/x.2.x", False, Fault.NUMBER_AFTER_WILDCARD, ["'x.2.x'"]),
    (f"{IMAGE_ARN}/1.0.1073741824", False, Fault.NODE_TOO_LARGE, ["1073741823"]),
    (f"{IMAGE_ARN}/x.x.x/1", False, Fault.BUILD_AFTER_WILDCARD, ["/1"]),
    (f"{IMAGE_ARN}/1.0.0/b", False, Fault.BUILD, ["'b'"]),
    (f"{IMAGE_ARN}/1.0.0/1073741824", False, Fault.BUILD_TOO_LARGE, ["1073741823"]),
    # Image recipes
    ("ami-123", False, ParentFault.AMI_ID, ["'ami-123'", "8 or 17"]),
    ("ami-0123456789ABCDEF0", False, ParentFault.AMI_ID, ["lower-case"]),
    ("ssm:", False, ParentFault.SSM_PARAMETER, ["'ssm:'"]),
    ("ssm:/golden ami", False, ParentFault.SSM_PARAMETER, ["parameter name"]),
    ("amazonlinux:2023", False, ParentFault.IMAGE_FORM, ["'amazonlinux:2023'", "AMI ID"]),
    ("prod-ABC", False, ParentFault.IMAGE_FORM, ["'prod-ABC'"]),
    # Container recipes
    ("ami-0123456789abcdef0", True, ParentFault.CONTAINER_GOT_AMI, ["an AMI", "container"]),
    ("ssm:/golden/ami", True, ParentFault.CONTAINER_GOT_SSM, ["an SSM parameter"]),
    ("AmazonLinux:2023", True, ParentFault.CONTAINER_FORM, ["'AmazonLinux:2023'"]),
    ("amazonlinux:2023:extra", True, ParentFault.CONTAINER_FORM, []),
    ("amazonlinux:t\u00e4g", True, ParentFault.CONTAINER_FORM, []),  # tags are ASCII
    (
        "12345.dkr.ecr.us-east-1.amazonaws.com/app:1",
        True,
        ParentFault.ECR_REGISTRY,
        ["'12345.dkr.ecr.us-east-1.amazonaws.com'"],
    ),
    ("public.ecr.aws/amazonlinux", True, ParentFault.ECR_PUBLIC_REPOSITORY, ["no repository"]),
]


@pytest.mark.parametrize(("value", "container", "fault", "words"), MALFORMED)
def test_malformed_parent_images(
    value: str, container: bool, fault: ParentFault | Fault, words: list[str]
) -> None:
    problem = parent_image_problem(value, container)
    assert problem is not None
    assert problem.fault is fault, problem.message
    for word in words:
        assert word in problem.message, (word, problem.message)
    assert problem.fix


def test_every_message_has_a_row() -> None:
    covered = {row[2] for row in MALFORMED}
    assert covered >= set(ParentFault) | set(Fault)


def test_the_trailing_slash_fix_shows_the_arn_without_it() -> None:
    problem = parent_image_problem(f"{IMAGE_ARN}/1.0.0/", False)
    assert problem is not None
    assert f"'{IMAGE_ARN}/1.0.0'" in problem.fix
    assert "build number" not in problem.message


@pytest.mark.parametrize("container", [False, True])
@pytest.mark.parametrize(
    "value",
    [
        "ami-" + "0" * 1000 + "!",
        "ssm:" + "/a b" * 250,
        "x" * 1000 + "!",
        f"{IMAGE_ARN}/" + "1" * 900,
        "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/" + "w" * 900,
        "public.ecr.aws/" + "a" * 1000,
        "a" * 1000 + ".dkr.ecr/app",
        "a" * 1000 + "\n",
    ],
)
def test_messages_and_fixes_quote_a_bounded_part_of_long_values(
    value: str, container: bool
) -> None:
    problem = parent_image_problem(value, container)
    assert problem is not None
    assert len(problem.message) < 400, problem.message
    assert len(problem.fix) < 400, problem.fix


@pytest.mark.parametrize(
    "value",
    [
        "a" * 1020 + "!",
        "a." * 511 + "!",
        "a-" * 511 + "!",
        "a/" * 511 + "!",
        "a__" * 340 + "!",
        "a:" * 511,
        "a" * 500 + "@" + "b" * 520,
        "a" * 1000 + ":" + "0" * 23,
    ],
)
def test_the_container_reference_grammar_is_fast_on_adversarial_values(value: str) -> None:
    with hang_guard():
        for _ in range(10):
            parent_image_problem(value, True)


# --- values that end in a line break, as the formats write them ----------------------------------

CFN_BLOCK_SCALAR = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: web
      Version: 1.0.0
      ParentImage: |
        ami-0123456789abcdef0
"""

TERRAFORM_HEREDOC = """\
resource "aws_imagebuilder_image_recipe" "web" {
  name         = "web"
  version      = "1.0.0"
  parent_image = <<EOT
arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x
EOT
}
"""


@pytest.mark.parametrize(
    ("text", "name", "position"),
    [
        (CFN_BLOCK_SCALAR, "template.yaml", (7, 20)),
        (CFN_BLOCK_SCALAR.replace("|", "|+"), "template.yaml", (7, 20)),
        (TERRAFORM_HEREDOC, "main.tf", (4, 18)),
    ],
)
def test_a_parent_image_ending_in_a_line_break_is_reported(
    text: str, name: str, position: tuple[int, int]
) -> None:
    from iblint import check_text

    findings = [f for f in check_text(text, name) if f.rule_id == "IB301"]
    assert [(f.span.start_line, f.span.start_col) for f in findings] == [position]
    assert "line break" in findings[0].message


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (CFN_BLOCK_SCALAR.replace("|", "|-"), "template.yaml"),
        (CFN_BLOCK_SCALAR.replace("|", ">-"), "template.yaml"),
        (TERRAFORM_HEREDOC.replace("<<EOT\n", '"').replace("\nEOT", '"'), "main.tf"),
    ],
)
def test_the_same_value_without_the_line_break_is_clean(text: str, name: str) -> None:
    from iblint import check_text

    assert [f for f in check_text(text, name) if f.rule_id == "IB301"] == []
