"""IB501-IB507: every recognised resource against its API shape, in every input format, in the
user's own names, never on a value that cannot be known, never hiding another rule's finding."""

from __future__ import annotations

import json

import pytest

from iblint import check_text
from iblint.config import Config
from iblint.model import Finding
from tests.work_counts import assert_linear

SHAPES = Config(select=("IB5",))
PARENT = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"
COMPONENT = "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"


def found(text: str, name: str, config: Config = SHAPES) -> list[tuple[str, str, str]]:
    return [
        (f.rule_id, f"{f.span.start_line}:{f.span.start_col}", f.message)
        for f in check_text(text, name, config)
    ]


def ids(text: str, name: str, config: Config = SHAPES) -> list[str]:
    return [rule_id for rule_id, _, _ in found(text, name, config)]


def cfn(resource_type: str, properties: str) -> str:
    """A template with one resource; ``properties`` indented by six spaces."""
    return (
        f"Resources:\n  Res:\n    Type: AWS::ImageBuilder::{resource_type}\n    Properties:\n"
        + "".join(f"      {line}\n" for line in properties.strip("\n").splitlines())
    )


INFRA_CFN = "Name: build-infrastructure\nInstanceProfileName: ImageBuilderInstanceProfile\n"
RECIPE_CFN = f"Name: web-server\nVersion: 1.0.0\nParentImage: {PARENT}\n"
RECIPE_TF_HEAD = (
    'resource "aws_imagebuilder_image_recipe" "web" {\n'
    '  name         = "web-server"\n'
    '  version      = "1.0.0"\n'
    f'  parent_image = "{PARENT}"\n'
    f'  component {{\n    component_arn = "{COMPONENT}"\n  }}\n'
)


def recipe_tf(body: str) -> str:
    return RECIPE_TF_HEAD + body + "}\n"


def recipe_api(**members: object) -> str:
    return json.dumps(
        {"name": "web-server", "semanticVersion": "1.0.0", "parentImage": PARENT, **members},
        indent=2,
    )


# --- unknown members, in the user's spelling -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "message"),
    [
        (
            '{"name": "build", "instanceProfileName": "p",'
            ' "instanceMetadataOptions": {"httpToken": "required"}}',
            "request.json",
            "instanceMetadataOptions has no member 'httpToken': did you mean 'httpTokens'?",
        ),
        (
            cfn(
                "InfrastructureConfiguration",
                INFRA_CFN + "InstanceMetadataOptions:\n  HttpToken: required\n",
            ),
            "template.yaml",
            "InstanceMetadataOptions has no property 'HttpToken': did you mean 'HttpTokens'?",
        ),
        (
            cfn(
                "InfrastructureConfiguration",
                INFRA_CFN + "InstanceMetadataOptions:\n  httpTokens: required\n",
            ),
            "template.yaml",
            "InstanceMetadataOptions has no property 'httpTokens': did you mean 'HttpTokens'?",
        ),
        (
            'resource "aws_imagebuilder_infrastructure_configuration" "b" {\n'
            '  name = "build"\n  instance_profile_name = "p"\n'
            '  instance_metadata_options {\n    http_token = "required"\n  }\n}\n',
            "main.tf",
            "instance_metadata_options has no argument 'http_token': did you mean 'http_tokens'?",
        ),
        (
            'resource "aws_imagebuilder_infrastructure_configuration" "b" {\n'
            '  name = "build"\n  instance_profile_name = "p"\n'
            '  instance_metadata_options {\n    httpTokens = "required"\n  }\n}\n',
            "main.tf",
            "instance_metadata_options has no argument 'httpTokens': did you mean 'http_tokens'?",
        ),
        (
            '{"resource": {"aws_imagebuilder_infrastructure_configuration": {"b": {'
            '"name": "build", "instance_profile_name": "p",'
            ' "instance_metadata_options": {"http_token": "required"}}}}}',
            "main.tf.json",
            "instance_metadata_options has no argument 'http_token': did you mean 'http_tokens'?",
        ),
    ],
    ids=[
        "api",
        "cloudformation",
        "cloudformation-api-name",
        "terraform",
        "terraform-api-name",
        "terraform-json",
    ],
)
def test_an_unknown_member_is_named_as_the_user_wrote_it(
    text: str, name: str, message: str
) -> None:
    messages = [m for rule_id, _, m in found(text, name) if rule_id == "IB501"]
    assert messages == [message]


def test_an_unknown_member_points_at_its_key() -> None:
    text = cfn("ImageRecipe", RECIPE_CFN + "WorkingDir: /opt\n")
    assert found(text, "template.yaml") == [
        (
            "IB501",
            "8:7",
            "AWS::ImageBuilder::ImageRecipe has no property 'WorkingDir': "
            "did you mean 'WorkingDirectory'?",
        )
    ]


def test_what_a_format_has_beyond_the_api_is_not_unknown() -> None:
    template = cfn("ImageRecipe", RECIPE_CFN + "Arn: x\nLatestVersion: {Arn: x}\n")
    assert found(template, "template.yaml") == []
    terraform = recipe_tf(
        '  tags_all = {}\n  region = "us-east-1"\n  arn = "x"\n  date_created = "d"\n'
        '  user_data_base64 = "IyEvYmluL2Jhc2gK"\n'
        "  systems_manager_agent {\n    uninstall_after_build = true\n  }\n"
        "  lifecycle {\n    create_before_destroy = true\n  }\n"
    )
    assert found(terraform, "main.tf") == []


def test_a_plan_is_terraforms_own_output_so_its_names_are_never_reported() -> None:
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_imagebuilder_image_recipe.web",
                        "mode": "managed",
                        "type": "aws_imagebuilder_image_recipe",
                        "name": "web",
                        "values": {
                            "arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/web/1.0.0",
                            "date_created": "2026-01-01T00:00:00Z",
                            "owner": "123456789012",
                            "platform": "Linux",
                            "tags_all": {"team": "web"},
                            "id": "x",
                            "name": "web-server",
                            "version": "1.0.0",
                            "parent_image": PARENT,
                            "component": [{"component_arn": COMPONENT, "parameter": []}],
                        },
                    }
                ]
            }
        },
    }
    assert found(json.dumps(plan, indent=1), "plan.json") == []


def test_clients_fill_in_the_idempotency_token() -> None:
    request = json.dumps({"name": "build", "instanceProfileName": "ImageBuilderInstanceProfile"})
    assert found(request, "request.json") == []
    template = cfn("InfrastructureConfiguration", INFRA_CFN + "ClientToken: abc\n")
    assert ids(template, "template.yaml") == ["IB501"]  # CloudFormation has no such property


# --- types -----------------------------------------------------------------------------------


def test_a_number_in_quotes_is_wrong_only_where_nothing_converts_it() -> None:
    ebs = {"volumeType": "gp3", "volumeSize": "30", "throughput": "250", "encrypted": "true"}
    api = recipe_api(blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": ebs}])
    assert ids(api, "request.json") == ["IB502", "IB502", "IB502"]
    template = cfn(
        "ImageRecipe",
        RECIPE_CFN + "BlockDeviceMappings:\n  - Ebs: {VolumeType: gp3, VolumeSize: '30',"
        " Throughput: '250', Encrypted: 'true'}\n",
    )
    assert found(template, "template.yaml") == []
    terraform = recipe_tf(
        '  block_device_mapping {\n    ebs {\n      volume_type = "gp3"\n'
        '      volume_size = "30"\n      throughput = "250"\n      encrypted = "true"\n'
        "    }\n  }\n"
    )
    assert found(terraform, "main.tf") == []


def test_yaml_numbers_where_the_api_takes_strings() -> None:
    text = "name: hello-world\nsemanticVersion: 1.0\nplatform: Linux\nuri: s3://b/c.yaml\n"
    assert found(text, "request.yaml") == [
        ("IB502", "2:18", "semanticVersion is the number 1.0, but it must be a string")
    ]


def test_what_cloudformation_cannot_convert_is_reported() -> None:
    template = cfn(
        "InfrastructureConfiguration",
        INFRA_CFN + "InstanceTypes: m7i.large\n"
        "TerminateInstanceOnFailure: maybe\nInstanceMetadataOptions: [required]\n",
    )
    assert ids(template, "template.yaml") == ["IB502", "IB502", "IB502"]


# --- required members, per format ------------------------------------------------------------


def test_each_format_requires_its_own_members() -> None:
    # Components are optional in the API and CloudFormation, required in Terraform.
    assert found(recipe_api(), "request.json") == []
    assert found(cfn("ImageRecipe", RECIPE_CFN), "template.yaml") == []
    no_component = (
        'resource "aws_imagebuilder_image_recipe" "web" {\n  name = "web-server"\n'
        f'  version = "1.0.0"\n  parent_image = "{PARENT}"\n}}\n'
    )
    assert found(no_component, "main.tf") == [
        ("IB503", "1:1", "aws_imagebuilder_image_recipe lacks the required block 'component'")
    ]
    template = cfn("ContainerRecipe", "Name: web\nDescription: web container\n")
    assert [m for _, _, m in found(template, "template.yaml")] == [
        f"AWS::ImageBuilder::ContainerRecipe lacks the required property '{name}'"
        for name in ("Version", "ParentImage", "TargetRepository", "ContainerType")
    ]


def test_a_component_configuration_needs_its_arn_in_every_format() -> None:
    api = recipe_api(components=[{"parameters": [{"name": "a", "value": ["b"]}]}])
    assert ids(api, "request.json") == ["IB503"]
    template = cfn("ImageRecipe", RECIPE_CFN + "Components:\n  - Parameters: [{Name: a}]\n")
    assert [m for _, _, m in found(template, "template.yaml")] == [
        "Components[0] lacks the required property 'ComponentArn'",
        "Parameters[0] lacks the required property 'Value'",
    ]


def test_an_fn_if_branch_that_removes_a_required_property() -> None:
    template = cfn(
        "InfrastructureConfiguration",
        "Name: build-infrastructure\n"
        "InstanceProfileName: !If [Cond, ImageBuilderInstanceProfile, !Ref AWS::NoValue]\n",
    )
    assert found(template, "template.yaml") == [
        (
            "IB503",
            "6:7",
            "AWS::ImageBuilder::InfrastructureConfiguration lacks the required property "
            "'InstanceProfileName' in one of its Fn::If branches",
        )
    ]


# --- recognised requests ---------------------------------------------------------------------


def test_a_request_without_a_required_member_is_still_checked_by_every_rule() -> None:
    text = json.dumps(
        {
            "name": "build-infrastructure",
            "instanceTypes": ["m7i.large"],
            "instanceMetadataOptions": {"httpTokens": "optional", "httpPutResponseHopLimit": 99},
        },
        indent=2,
    )
    assert found(text, "request.json", Config(select=("IB1", "IB5"))) == [
        (
            "IB503",
            "1:1",
            "the CreateInfrastructureConfiguration request lacks the required member "
            "'instanceProfileName'",
        ),
        (
            "IB101",
            "7:19",
            "httpTokens is 'optional': build and test instances accept IMDSv1 requests",
        ),
        (
            "IB505",
            "8:32",
            "httpPutResponseHopLimit is 99, above the range the API accepts, 1 to 64",
        ),
    ]


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"name": "r", "parentImage": "ami-12345678", "components": []}, "CreateImageRecipe"),
        ({"parentImage": "nginx", "containerType": "DOCKER", "name": "c"}, "CreateContainerRecipe"),
        (
            {
                "subnetId": "subnet-1",
                "instanceTypes": ["t3.large"],
                "instanceMetadataOptions": {"httpTokens": "required"},
            },
            "CreateInfrastructureConfiguration",
        ),
        (
            {
                "name": "hello-world",
                "semanticVersion": "1.0.0",
                "supportedOsVersions": ["Amazon Linux 2"],
                "changeDescription": "x",
                "uri": "s3://b/c.yaml",
            },
            "CreateComponent",
        ),
    ],
    ids=["image-recipe", "container-recipe", "infrastructure-configuration", "component"],
)
def test_two_members_only_one_request_takes_tell_its_kind(
    document: dict[str, object], kind: str
) -> None:
    required = [
        m for rule_id, _, m in found(json.dumps(document), "request.json") if rule_id == "IB503"
    ]
    assert required and all(m.startswith(f"the {kind} request lacks") for m in required)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            json.dumps(
                {
                    "name": "design-system",
                    "version": "3.2.0",
                    "description": "Shared UI component library",
                    "main": "dist/index.js",
                    "scripts": {"build": "tsc -p .", "test": "jest"},
                    "dependencies": {"@company/component-tokens": "^1.4.0", "react": "^18.3.1"},
                    "devDependencies": {"typescript": "^5.6.0"},
                    "engines": {"node": ">=20"},
                },
                indent=2,
            ),
            "package.json",
        ),
        (
            "name: build\non:\n  push:\n    branches: [main]\njobs:\n  build:\n"
            "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n"
            "        platform: [linux, windows]\n        component: [api, web]\n"
            "    steps:\n      - uses: actions/checkout@v4\n"
            "      - run: make ${{ matrix.component }} PLATFORM=${{ matrix.platform }}\n",
            ".github/workflows/build.yml",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\n  labels:\n"
            "    app.kubernetes.io/component: api\n    app.kubernetes.io/name: shop\n"
            "data:\n  platform: linux\n  uri: https://shop.example.com\n",
            "configmap.yaml",
        ),
        (
            json.dumps(
                {
                    "platform": "ios",
                    "data": {"component": "checkout", "version": "2.1.0"},
                    "uri": "https://example.com/app",
                    "logging": {"level": "info"},
                    "placement": "top",
                }
            ),
            "telemetry.json",
        ),
        (
            json.dumps(
                {
                    "computeEnvironmentName": "batch",
                    "computeResources": {
                        "type": "EC2",
                        "instanceTypes": ["optimal"],
                        "subnets": ["subnet-1"],
                        "securityGroupIds": ["sg-1"],
                        "instanceRole": "ecsInstanceRole",
                        "minvCpus": 0,
                        "maxvCpus": 16,
                    },
                    "component": "batch",
                }
            ),
            "batch.json",
        ),
    ],
    ids=[
        "package-json",
        "github-workflow",
        "kubernetes-configmap",
        "platform-and-data",
        "aws-batch",
    ],
)
def test_other_json_and_yaml_stay_silent(text: str, name: str) -> None:
    assert check_text(text, name) == []


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ebs", "expected"),
    [
        ({"volumeType": "gp3", "iops": 3000, "volumeSize": 1}, []),
        ({"volumeType": "io2", "iops": 64000, "volumeSize": 16000}, []),
        ({"volumeType": "io2", "iops": 99, "volumeSize": 100}, ["IB505"]),
        ({"volumeType": "io2", "iops": 64001, "volumeSize": 100}, ["IB505"]),
        ({"volumeType": "gp3", "volumeSize": 0}, ["IB505"]),
        ({"volumeType": "gp3", "volumeSize": 16001}, ["IB505"]),
        ({"volumeType": "gp4"}, ["IB504"]),
        ({"volumeType": "io2a", "iops": 3000}, ["IB504"]),
    ],
)
def test_ebs_bounds_and_enum_in_a_request(ebs: dict[str, object], expected: list[str]) -> None:
    text = recipe_api(blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": ebs}])
    assert ids(text, "request.json") == expected


def test_cloudformations_own_volume_types_and_platform_override() -> None:
    io2a = cfn(
        "ImageRecipe",
        RECIPE_CFN + "BlockDeviceMappings:\n"
        "  - Ebs: {VolumeType: io2a, Iops: 3000}\n  - Ebs: {VolumeType: gp3a}\n",
    )
    assert found(io2a, "template.yaml") == []
    container = (
        "Name: web\nVersion: 1.0.0\nContainerType: DOCKER\nParentImage: amazonlinux:2023\n"
        "TargetRepository: {Service: ECR, RepositoryName: web}\n"
    )
    mac = cfn("ContainerRecipe", container + "PlatformOverride: macOS\n")
    assert found(mac, "template.yaml") == [
        ("IB504", "10:25", "PlatformOverride is 'macOS', which is not one of Windows, Linux")
    ]
    request = json.dumps(
        {
            "containerType": "DOCKER",
            "name": "web",
            "semanticVersion": "1.0.0",
            "parentImage": "amazonlinux:2023",
            "platformOverride": "macOS",
            "targetRepository": {"service": "ECR", "repositoryName": "web"},
        }
    )
    assert found(request, "request.json") == []


def test_hop_limit_bounds_in_terraform() -> None:
    def infra(limit: int) -> str:
        return (
            'resource "aws_imagebuilder_infrastructure_configuration" "b" {\n'
            '  name = "build"\n  instance_profile_name = "p"\n'
            f'  instance_metadata_options {{\n    http_tokens = "required"\n'
            f"    http_put_response_hop_limit = {limit}\n  }}\n}}\n"
        )

    assert ids(infra(1), "main.tf") == ids(infra(64), "main.tf") == []
    assert ids(infra(0), "main.tf") == ids(infra(65), "main.tf") == ["IB505"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web-server", []),
        ("Web Server 2", []),
        ("ab", ["IB507"]),
        ("web.server", ["IB507"]),
        (" web", ["IB507"]),
        ("x" * 128, []),
        ("x" * 129, ["IB507"]),
    ],
)
def test_resource_names(name: str, expected: list[str]) -> None:
    assert ids(recipe_api(name=name), "request.json") == expected


def test_string_lengths_lists_and_maps() -> None:
    text = recipe_api(
        description="",
        workingDirectory="/" * 1025,
        amiWatermarks=["one", "two", "three", "four", "five", "six"],
        tags={f"k{i}": "v" for i in range(51)},
        components=[],
    )
    messages = [m for _, _, m in found(text, "request.json")]
    assert messages == [
        "description is empty, but takes at least 1 character",
        "workingDirectory is 1025 characters long, but takes 1 to 1024",
        "amiWatermarks has 6 items, but takes at most 5",
        "tags has 51 entries, but takes at most 50",
        "components has 0 items, but takes at least 1",
    ]


def test_patterns_are_searched_as_the_service_applies_them() -> None:
    # ComponentParameterValue is "[^\x00]*" (searched: anything matches); userDataOverride is
    # anchored base64.
    text = recipe_api(
        components=[{"componentArn": COMPONENT, "parameters": [{"name": "a", "value": [""]}]}],
        additionalInstanceConfiguration={"userDataOverride": "not base64!"},
        tags={"aws:owner": "x"},
    )
    assert [m for _, _, m in found(text, "request.json")] == [
        "userDataOverride is 'not base64!', which is not base64-encoded text",
        "the key of tags is 'aws:owner', which is not a tag key of letters, digits, spaces and "
        "_.:/=+-@ that does not start with aws:",
    ]


def test_no_device_must_be_empty() -> None:
    text = recipe_api(blockDeviceMappings=[{"deviceName": "/dev/sdb", "noDevice": "true"}])
    assert [m for _, _, m in found(text, "request.json")] == [
        "noDevice must be an empty string, but is 'true'"
    ]
    terraform = recipe_tf(
        '  block_device_mapping {\n    device_name = "/dev/sdb"\n    no_device = true\n  }\n'
    )
    assert found(terraform, "main.tf") == []


# --- unknown values and Fn::If ---------------------------------------------------------------


def test_values_known_only_at_deploy_time_are_never_reported() -> None:
    template = cfn(
        "ImageRecipe",
        "Name: !Ref RecipeName\nVersion: !Sub '${Major}.0.0'\nParentImage: !Ref Parent\n"
        "Components: !Ref Components\nTags: !Ref Tags\n"
        "Description: '{{resolve:ssm:/recipes/description}}'\n"
        "BlockDeviceMappings:\n  - Ebs:\n      VolumeType: !If [Fast, !Ref FastType, gp3]\n"
        "      Iops: !GetAtt Settings.Iops\n      VolumeSize: !If [Big, !Ref Size, 30]\n",
    )
    assert found(template, "template.yaml") == []
    terraform = (
        'variable "name" {\n  type = string\n}\n'
        'resource "aws_imagebuilder_image_recipe" "web" {\n'
        "  name = var.name\n  version = local.version\n  parent_image = data.x.y\n"
        '  component {\n    component_arn = "${var.arn}"\n  }\n'
        "  block_device_mapping {\n    ebs {\n      iops = var.iops\n"
        "      volume_type = lookup(var.types, terraform.workspace)\n    }\n  }\n"
        '  dynamic "component" {\n    for_each = var.components\n'
        "    content {\n      component_arn = component.value\n    }\n  }\n"
        "  tags = merge(var.tags, { team = 1 })\n}\n"
    )
    assert found(terraform, "main.tf") == []


def test_each_literal_branch_of_an_fn_if_is_checked() -> None:
    template = cfn(
        "ImageRecipe",
        RECIPE_CFN + "BlockDeviceMappings:\n  - Ebs:\n"
        "      VolumeType: !If [Fast, gp4, gp3]\n      Iops: !If [Fast, 70000, !Ref AWS::NoValue]\n",
    )
    assert ids(template, "template.yaml") == ["IB504", "IB505"]


def test_a_plan_value_known_after_apply_is_not_reported() -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_imagebuilder_infrastructure_configuration.b",
                "mode": "managed",
                "type": "aws_imagebuilder_infrastructure_configuration",
                "name": "b",
                "change": {
                    "actions": ["create"],
                    "after": {"name": "build-infrastructure"},
                    "after_unknown": {"instance_profile_name": True, "arn": True},
                },
            }
        ],
    }
    assert found(json.dumps(plan), "plan.json") == []


# --- responses -------------------------------------------------------------------------------


def test_responses_are_checked_leniently() -> None:
    response = {
        "requestId": "r",
        "imageRecipe": {
            "arn": "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/web/1.0.0",
            "name": "web-server",
            "version": "1.0.0",
            "platform": "Linux",
            "owner": "123456789012",
            "dateCreated": "2026-01-01T00:00:00.000Z",
            "tags": {},
            "aMemberFromANewerService": {"x": 1},
            "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"volumeType": "gp4"}}],
        },
    }
    assert ids(json.dumps(response, indent=1), "get-image-recipe.json") == ["IB504"]


# --- other rules own some values ---------------------------------------------------------------


def test_the_throughput_range_is_ib202s() -> None:
    ebs = {"volumeType": "gp3", "iops": 16000, "throughput": 1500}
    text = recipe_api(blockDeviceMappings=[{"deviceName": "/dev/xvda", "ebs": ebs}])
    assert ids(text, "request.json", Config(select=("IB201", "IB202", "IB5"))) == ["IB202"]
    raised = Config(select=("IB201", "IB202", "IB5"), options={"IB202": {"maximum": 2000}})
    assert ids(text, "request.json", raised) == []


@pytest.mark.parametrize("tokens", ["notrequired", "Required", 5, True, ["required"]])
def test_http_tokens_are_ib101s(tokens: object) -> None:
    text = json.dumps(
        {
            "name": "build",
            "instanceProfileName": "p",
            "instanceMetadataOptions": {"httpTokens": tokens},
        }
    )
    assert ids(text, "request.json", Config(select=("IB1", "IB5"))) == ["IB101"]


def test_the_parent_image_length_is_ib301s() -> None:
    assert ids(recipe_api(parentImage=""), "request.json", Config(select=("IB3", "IB5"))) == [
        "IB301"
    ]


def test_a_shape_error_never_hides_a_policy_finding() -> None:
    template = cfn(
        "InfrastructureConfiguration",
        "Name: b\nInstanceProfileName: arn:aws:iam::123456789012:instance-profile/p\n"
        "Color: blue\nInstanceMetadataOptions:\n  HttpTokens: optional\n  HopLimit: 1\n",
    )
    assert ids(template, "template.yaml", Config(select=("IB1", "IB5"))) == [
        "IB507",
        "IB507",
        "IB501",
        "IB101",
        "IB501",
    ]
    terraform = recipe_tf(
        '  name_prefix = "web"\n'
        '  block_device_mapping {\n    ebs {\n      volume_type = "gp2"\n'
        "      throughput = 250\n      iops = 100000\n    }\n  }\n"
    )
    assert ids(terraform, "main.tf", Config(select=("IB201", "IB202", "IB5"))) == [
        "IB501",
        "IB201",
        "IB505",
    ]


# --- requests of other operations ------------------------------------------------------------


def test_an_update_request_is_checked_against_its_own_shape() -> None:
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/build"
    text = json.dumps(
        {"infrastructureConfigurationArn": arn, "instanceProfileName": "p", "tags": {"a": "b"}}
    )
    assert [m for _, _, m in found(text, "request.json")] == [
        "the UpdateInfrastructureConfiguration request has no member 'tags'"
    ]


def test_an_import_component_request_takes_format_and_type() -> None:
    text = json.dumps(
        {
            "name": "imported",
            "semanticVersion": "1.0.0",
            "format": "SHELL",
            "type": "BUILD",
            "platform": "Linux",
            "uri": "s3://bucket/script.sh",
        }
    )
    assert found(text, "request.json") == []


# --- fixes, messages and hostile input -------------------------------------------------------


def test_an_enum_value_in_the_wrong_case_has_a_safe_fix() -> None:
    text = cfn("Component", "Name: hello\nVersion: 1.0.0\nPlatform: linux\nUri: s3://b/c.yaml\n")
    (finding,) = check_text(text, "template.yaml", SHAPES)
    assert finding.rule_id == "IB504"
    assert "did you mean 'Linux'?" in finding.message
    assert [(e.old, e.new) for e in finding.edits] == [("linux", "Linux")]


def test_values_are_quoted_safely() -> None:
    text = recipe_api(name="web\x1b[31m\nserver")
    (finding,) = check_text(text, "request.json", SHAPES)
    assert "\x1b" not in finding.message and "\n" not in finding.message


def test_large_documents_are_checked_in_linear_time() -> None:
    def run(count: int) -> None:
        items = [{"deviceName": f"/dev/sd{i}", "ebs": {"volumeType": "gp4"}} for i in range(count)]
        text = recipe_api(blockDeviceMappings=items)
        findings: list[Finding] = check_text(text, "request.json", SHAPES)
        assert len(findings) == count

    assert_linear(run, 2500)  # 5,000 block devices cost twice 2,500's, not 4 times
    huge = recipe_api(blockDeviceMappings=[{"ebs": {"volumeType": "io2", "iops": 10**4000}}])
    assert ids(huge, "request.json") == ["IB505"]


def test_a_long_inline_component_document_is_ib615s() -> None:
    from iblint.registry import load_checks

    request = json.dumps(
        {
            "name": "hello-world",
            "semanticVersion": "1.0.0",
            "platform": "Linux",
            "data": "#" * 16001,
        }
    )
    owner = "IB615" if "IB615" in load_checks() else "IB506"
    assert ids(request, "request.json", Config(select=("IB5", "IB615"))) == [owner]
    empty = json.dumps(
        {"name": "hello-world", "semanticVersion": "1.0.0", "platform": "Linux", "data": ""}
    )
    assert "IB506" in ids(empty, "request.json", Config(select=("IB5", "IB615")))


def test_an_empty_tag_map_is_reported_only_in_requests() -> None:
    assert ids(recipe_api(tags={}), "request.json") == ["IB506"]
    assert found(cfn("ImageRecipe", RECIPE_CFN + "Tags: {}\nComponents: []\n"), "t.yaml") == [
        ("IB506", "9:19", "Components has 0 items, but takes at least 1")
    ]
