"""The .tf loader: API member names, exact positions, unknown expressions, var resolution."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from iblint.dialects.terraform_module import Module
from iblint.model import Mapping, Scalar, Sequence, Span, Unknown
from tests.terraform.loading import load_tf

RECIPE = b"""\
resource "aws_imagebuilder_image_recipe" "app" {
  name         = "app"
  version      = "1.0.0"
  parent_image = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"

  component {
    component_arn = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"
    parameter {
      name  = "Mode"
      value = "fast"
    }
  }

  block_device_mapping {
    device_name = "/dev/xvda"
    no_device   = true
    ebs {
      volume_type = "gp3"
      throughput  = 250
    }
  }

  systems_manager_agent {
    uninstall_after_build = true
  }
  user_data_base64 = "ZWNobyBoaQ=="
}
"""


def test_recipe_members_use_api_names_and_exact_positions() -> None:
    document = load_tf(RECIPE)
    (recipe,) = document.resources
    assert recipe.name == "aws_imagebuilder_image_recipe.app"
    assert recipe.anchor == Span(1, 1, 1, 47)
    body = recipe.body
    assert set(body.entries) == {
        "name",
        "semanticVersion",
        "parentImage",
        "components",
        "blockDeviceMappings",
        "additionalInstanceConfiguration",
    }
    parent = body.get("parentImage")
    assert isinstance(parent, Scalar)
    assert parent.span == Span(4, 18, 4, 88)
    assert parent.key_span == Span(4, 3, 4, 15)
    components = body.get("components")
    assert isinstance(components, Sequence)
    component = components.items[0]
    assert isinstance(component, Mapping)
    parameters = component.get("parameters")
    assert isinstance(parameters, Sequence)
    parameter = parameters.items[0]
    assert isinstance(parameter, Mapping)
    value = parameter.get("value")
    assert isinstance(value, Sequence) and isinstance(value.items[0], Scalar)
    assert value.items[0].value == "fast"
    devices = body.get("blockDeviceMappings")
    assert isinstance(devices, Sequence)
    device = devices.items[0]
    assert isinstance(device, Mapping)
    assert isinstance(device.get("noDevice"), Scalar)
    ebs = device.get("ebs")
    assert isinstance(ebs, Mapping)
    throughput = ebs.get("throughput")
    assert isinstance(throughput, Scalar) and throughput.value == 250
    assert throughput.span == Span(19, 21, 19, 24)
    assert ebs.key_span == Span(17, 5, 17, 8)
    extra = body.get("additionalInstanceConfiguration")
    assert isinstance(extra, Mapping)
    assert set(extra.entries) == {"systemsManagerAgent", "userDataOverride"}


def test_expressions_are_unknown_and_literals_are_typed() -> None:
    source = b"""\
resource "aws_imagebuilder_infrastructure_configuration" "x" {
  name                  = "infra-${var.env}"
  instance_profile_name = aws_iam_instance_profile.p.name
  instance_types        = ["m5.large", local.extra]
  terminate_instance_on_failure = true
  description = <<-EOT
    multi
      line
  EOT
  instance_metadata_options {
    http_tokens                 = lookup(var.m, "tokens", "required")
    http_put_response_hop_limit = -2
  }
}
"""
    (infra,) = load_tf(source).resources
    body = infra.body
    assert isinstance(body.get("name"), Unknown)
    assert isinstance(body.get("instanceProfileName"), Unknown)
    types = body.get("instanceTypes")
    assert isinstance(types, Sequence)
    assert isinstance(types.items[0], Scalar) and isinstance(types.items[1], Unknown)
    flag = body.get("terminateInstanceOnFailure")
    assert isinstance(flag, Scalar) and flag.value is True
    description = body.get("description")
    assert isinstance(description, Scalar) and description.value == "multi\n  line\n"
    options = body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    assert isinstance(options.get("httpTokens"), Unknown)
    hops = options.get("httpPutResponseHopLimit")
    assert isinstance(hops, Scalar) and hops.value == -2


def test_dynamic_block_makes_the_member_unknown() -> None:
    source = b"""\
resource "aws_imagebuilder_infrastructure_configuration" "x" {
  name = "x"
  instance_profile_name = "p"
  dynamic "instance_metadata_options" {
    for_each = var.imds
    content {
      http_tokens = "optional"
    }
  }
}
"""
    (infra,) = load_tf(source).resources
    assert isinstance(infra.body.get("instanceMetadataOptions"), Unknown)


def test_string_escapes() -> None:
    source = (
        b'resource "aws_imagebuilder_component" "c" {\n  data = "a\\n\\"b\\" $${x} \\u00e9"\n}\n'
    )
    (component,) = load_tf(source).resources
    data = component.body.get("data")
    assert isinstance(data, Scalar) and data.value == 'a\n"b" ${x} \u00e9'


def test_columns_count_characters_not_bytes() -> None:
    source = (
        'resource "aws_imagebuilder_infrastructure_configuration" "r" {\n'
        '  instance_types = ["é", "m5.large"]\n'
        "}\n"
    ).encode()
    (infra,) = load_tf(source).resources
    types = infra.body.get("instanceTypes")
    assert isinstance(types, Sequence)
    assert types.items[1].span == Span(2, 26, 2, 36)


def test_syntax_error_is_one_problem_at_its_position() -> None:
    source = b'resource "aws_imagebuilder_image_recipe" "r" {\n  name = \n}\n'
    document = load_tf(source)
    assert document.resources == []
    (problem,) = document.problems
    assert problem.kind == "IB001"
    assert problem.span.start_line in (2, 3)


def test_other_resources_and_blocks_are_ignored() -> None:
    source = b"""\
terraform { required_version = ">= 1.5" }
provider "aws" { region = "us-east-1" }
resource "aws_s3_bucket" "b" { bucket = "x" }
data "aws_ami" "a" { most_recent = true }
module "m" { source = "./m" }
"""
    assert load_tf(source).resources == []


def test_variables_default_then_tfvars_then_auto_tfvars(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "tokens" {\n  default = "optional"\n}\n'
        'variable "size" {\n  type = number\n  default = 300\n}\n'
        'variable "computed" {\n  default = local.x\n}\n'
    )
    (tmp_path / "terraform.tfvars").write_text("size = 400\n")
    (tmp_path / "b.auto.tfvars").write_text("size = 600\n")
    (tmp_path / "a.auto.tfvars").write_text("size = 500\n")
    values = Module(str(tmp_path)).variables
    assert values["tokens"].origin == "the variable's default at variables.tf:2"
    size = values["size"].node
    assert isinstance(size, Scalar) and size.value == 600
    assert values["size"].origin == "set in b.auto.tfvars:1"
    assert "computed" not in values


def test_var_reference_takes_the_literal_and_records_its_origin(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text('variable "tokens" {\n  default = "optional"\n}\n')
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_imagebuilder_infrastructure_configuration" "x" {\n'
        '  instance_profile_name = "p"\n'
        "  instance_metadata_options {\n"
        "    http_tokens = var.tokens\n"
        "  }\n"
        "}\n"
    )
    document = load_tf(main.read_bytes(), main)
    (infra,) = document.resources
    options = infra.body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "optional"
    assert tokens.span == Span(4, 19, 4, 29)
    assert (
        document.origins[tokens.span]
        == "var.tokens = 'optional', the variable's default at variables.tf:2"
    )


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    document = load_tf(text.encode("utf-8", "surrogatepass"))
    for problem in document.problems:
        assert problem.span.start_line >= 1 and problem.span.start_col >= 1


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_mutated_recipe_never_raises(data: st.DataObject) -> None:
    source = bytearray(RECIPE)
    for _ in range(data.draw(st.integers(1, 5))):
        position = data.draw(st.integers(0, len(source)))
        action = data.draw(st.sampled_from(["delete", "insert"]))
        if action == "delete" and source:
            del source[min(position, len(source) - 1)]
        else:
            source[position:position] = data.draw(
                st.sampled_from([b"{", b"}", b'"', b"=", b"\n", b"${", b"<<EOT\n", b"[", b"#"])
            )
    load_tf(bytes(source))


def test_interpolation_only_string_is_the_expression_itself(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(
        'variable "tokens" {\n  default = "optional"\n}\n'
        'resource "aws_imagebuilder_infrastructure_configuration" "x" {\n'
        '  instance_profile_name = "p"\n'
        '  instance_metadata_options {\n    http_tokens = "${var.tokens}"\n  }\n'
        "}\n"
    )
    (infra,) = load_tf(main.read_bytes(), main).resources
    options = infra.body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar) and tokens.value == "optional"


def test_forgotten_equals_before_a_block_is_a_syntax_error_not_a_lost_block() -> None:
    # tree-sitter reads `parent_image "..."` + the next block as one multi-line block header;
    # Terraform rejects it.
    source = (
        b'resource "aws_imagebuilder_image_recipe" "web" {\n'
        b'  name = "web"\n'
        b'  parent_image   "arn:aws:imagebuilder:us-east-1:aws:image/x/x.2.x"\n'
        b"\n"
        b"  component {\n"
        b'    component_arn = "x"\n'
        b"  }\n"
        b"}\n"
    )
    document = load_tf(source)
    assert document.resources == []
    (problem,) = document.problems
    assert (problem.span.start_line, problem.span.start_col) == (3, 18)
    assert "needs '='" in problem.message


def test_unclosed_block_points_at_its_header() -> None:
    source = b'resource "aws_imagebuilder_image_recipe" "web" {\n  name = "web"\n'
    (problem,) = load_tf(source).problems
    assert (problem.span.start_line, problem.span.start_col) == (1, 1)
    assert "never closed" in problem.message


def test_unclosed_string_points_at_the_string() -> None:
    source = b'resource "aws_imagebuilder_image_recipe" "web" {\n  name = "web\n}\n'
    (problem,) = load_tf(source).problems
    assert (problem.span.start_line, problem.span.start_col) == (2, 10)


def test_no_device_false_is_absent_in_both_loaders() -> None:
    from iblint.dialects.terraform_plan import plan_resources
    from iblint.syntax.json_tree import parse_json

    source = (
        b'resource "aws_imagebuilder_image_recipe" "r" {\n'
        b"  block_device_mapping {\n    no_device = false\n  }\n"
        b"  block_device_mapping {\n    no_device = true\n  }\n"
        b"}\n"
    )
    (recipe,) = load_tf(source).resources
    plan, _ = parse_json(
        '{"format_version": "1.2", "resource_changes": [{"address": "aws_imagebuilder_image_recipe.r",'
        ' "type": "aws_imagebuilder_image_recipe", "change": {"after": {"block_device_mapping":'
        ' [{"no_device": false}, {"no_device": true}]}}}]}'
    )
    assert isinstance(plan, Mapping)
    (planned,) = plan_resources(plan)
    for body in (recipe.body, planned.body):
        devices = body.get("blockDeviceMappings")
        assert isinstance(devices, Sequence)
        first, second = devices.items
        assert isinstance(first, Mapping) and first.get("noDevice") is None
        assert isinstance(second, Mapping)
        no_device = second.get("noDevice")
        assert isinstance(no_device, Scalar) and no_device.value == ""


def test_lone_carriage_returns_break_lines_as_editors_show_them() -> None:
    source = (
        b'resource "aws_imagebuilder_infrastructure_configuration" "x" {\r'
        b'  instance_profile_name = "p"\r'
        b"  instance_metadata_options {\r"
        b'    http_tokens = "optional"\r'
        b"  }\r"
        b"}\r"
    )
    (infra,) = load_tf(source).resources
    options = infra.body.get("instanceMetadataOptions")
    assert isinstance(options, Mapping)
    tokens = options.get("httpTokens")
    assert isinstance(tokens, Scalar)
    assert tokens.span == Span(4, 19, 4, 29)


def test_something_missing_at_the_end_points_at_the_last_line() -> None:
    source = b'resource "aws_imagebuilder_image_recipe" "r" {\n  data = <<OT\n    x\n  EOT\n}\n'
    (problem,) = load_tf(source).problems
    assert problem.span.start_line <= 5


def test_json_variable_files_take_part_in_terraform_order(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text('variable "size" {\n  default = 300\n}\n')
    (tmp_path / "terraform.tfvars").write_text("size = 400\n")
    (tmp_path / "terraform.tfvars.json").write_text('{\n  "size": 450\n}\n')
    values = Module(str(tmp_path)).variables
    size = values["size"].node
    assert isinstance(size, Scalar) and size.value == 450
    assert values["size"].origin == "set in terraform.tfvars.json:2"
    (tmp_path / "a.auto.tfvars.json").write_text('{"size": 500}')
    (tmp_path / "b.auto.tfvars").write_text("size = 600\n")
    size = Module(str(tmp_path)).variables["size"].node  # a new run reads the module afresh
    assert isinstance(size, Scalar) and size.value == 600


def test_expressions_may_be_null_and_templates_with_text_may_not() -> None:
    source = b"""\
resource "aws_imagebuilder_image_recipe" "r" {
  name              = "app-${var.env}"
  description       = var.description
  working_directory = "${var.directory}"
  parent_image      = data.aws_ami.base.id
}
"""
    (recipe,) = load_tf(source).resources
    name = recipe.body.get("name")
    assert isinstance(name, Unknown) and not name.may_be_null
    for member in ("description", "workingDirectory", "parentImage"):
        value = recipe.body.get(member)
        assert isinstance(value, Unknown) and value.may_be_null, member
    parent = recipe.body.get("parentImage")
    assert isinstance(parent, Unknown) and parent.what == "data.aws_ami.base.id"


def test_a_null_for_a_variable_without_a_default_that_is_not_nullable(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "a" {\n  nullable = false\n}\nvariable "b" {\n  default = 1\n}\n'
    )
    (tmp_path / "terraform.tfvars").write_text("a = null\nb = null\n")
    values = Module(str(tmp_path)).variables
    assert "a" not in values  # Terraform refuses it; nothing is known
    b = values["b"].node
    assert isinstance(b, Scalar) and b.value is None
    assert values["b"].origin == "set in terraform.tfvars:2"


def test_variable_values_of_every_kind_are_placed_at_the_reference(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "types" {\n  default = ["m5.large", "m5.xlarge"]\n}\n'
        'variable "tags" {\n  default = {Team = "platform"}\n}\n'
    )
    main = tmp_path / "main.tf"
    main.write_text(
        'resource "aws_imagebuilder_infrastructure_configuration" "x" {\n'
        "  instance_types = var.types\n"
        "  tags           = var.tags\n"
        "}\n"
    )
    (infra,) = load_tf(main.read_bytes(), main).resources
    types = infra.body.get("instanceTypes")
    assert isinstance(types, Sequence)
    assert [item.span for item in types.items] == [Span(2, 20, 2, 29)] * 2
    tags = infra.body.get("tags")
    assert isinstance(tags, Mapping) and set(tags.entries) == {"Team"}


def test_json_variable_defaults_that_are_templates_are_not_literals(tmp_path: Path) -> None:
    (tmp_path / "variables.tf.json").write_text(
        '{"variable": {"a": {"default": "${local.x}"}, "b": {"default": "plain"}}}'
    )
    values = Module(str(tmp_path)).variables
    assert set(values) == {"b"}


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=200),
    st.sampled_from(["terraform.tfvars", "a.auto.tfvars.json", "variables.tf", "v.tf.json"]),
)
def test_arbitrary_module_files_never_raise(text: str, name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        main = Path(directory) / "main.tf"
        main.write_bytes(
            b'resource "aws_imagebuilder_infrastructure_configuration" "x" {\n'
            b"  instance_metadata_options {\n    http_tokens = var.tokens\n  }\n}\n"
        )
        (Path(directory) / name).write_text(
            'variable "tokens" {\n' + text + "\n}\ntokens = " + text, "utf-8", "surrogatepass"
        )
        (infra,) = load_tf(main.read_bytes(), main).resources
        assert isinstance(infra.body.get("instanceMetadataOptions"), Mapping)
