"""CLI/API documents: every request and response kind, and documents that are not ours."""

from __future__ import annotations

import json

import pytest

from iblint.loading import load_text
from iblint.model import Resource
from iblint.model import ResourceKind as Kind
from tests.documents import (
    CFN_S3_ONLY,
    GITHUB_WORKFLOW,
    KUBERNETES_MANIFEST,
    PACKAGE_JSON,
)

ARN = "arn:aws:imagebuilder:us-east-1:123456789012"


def classify(document: object, name: str = "doc.json") -> list[tuple[Kind, str]]:
    text = json.dumps(document, indent=2) if not isinstance(document, str) else document
    loaded = load_text(text, name)
    assert loaded.input_problems == []
    return [(r.kind, r.name) for r in loaded.resources]


def load(document: object) -> list[Resource]:
    return load_text(json.dumps(document, indent=2), "doc.json").resources


# --- requests (--cli-input-json / --cli-input-yaml) --------------------------------------------


def test_create_image_recipe_request() -> None:
    request = {
        "name": "r",
        "semanticVersion": "1.0.0",
        "parentImage": "ami-0123456789abcdef0",
        "components": [{"componentArn": f"{ARN}:component/c/1.0.0"}],
    }
    assert classify(request) == [(Kind.IMAGE_RECIPE, "CreateImageRecipe request")]


def test_create_container_recipe_request() -> None:
    request = {
        "containerType": "DOCKER",
        "name": "c",
        "semanticVersion": "1.0.0",
        "parentImage": "amazonlinux:latest",
        "targetRepository": {"service": "ECR", "repositoryName": "repo"},
        "dockerfileTemplateData": "FROM {{{ imagebuilder:parentImage }}}",
    }
    assert classify(request) == [(Kind.CONTAINER_RECIPE, "CreateContainerRecipe request")]


@pytest.mark.parametrize(
    "request_body",
    [
        {"name": "i", "instanceProfileName": "p", "instanceTypes": ["m5.large"]},
        {
            "infrastructureConfigurationArn": f"{ARN}:infrastructure-configuration/i",
            "instanceProfileName": "p",
        },
    ],
    ids=["create", "update"],
)
def test_create_and_update_infrastructure_configuration_requests(request_body: object) -> None:
    assert classify(request_body) == [
        (Kind.INFRASTRUCTURE_CONFIGURATION, "infrastructure configuration request")
    ]


@pytest.mark.parametrize("source", [{"data": "name: x\n"}, {"uri": "s3://bucket/c.yaml"}])
def test_create_component_request(source: dict[str, str]) -> None:
    request = {"name": "c", "semanticVersion": "1.0.0", "platform": "Linux", **source}
    inline = [(Kind.COMPONENT_DOCUMENT, "CreateComponent request")] if "data" in source else []
    assert classify(request) == [(Kind.COMPONENT, "CreateComponent request"), *inline]


def test_request_as_yaml() -> None:
    text = "name: i\ninstanceProfileName: p\ninstanceMetadataOptions:\n  httpTokens: required\n"
    assert classify(text, "infra.yaml") == [
        (Kind.INFRASTRUCTURE_CONFIGURATION, "infrastructure configuration request")
    ]


def test_request_body_is_the_whole_document_anchored_at_its_start() -> None:
    (resource,) = load({"name": "i", "instanceProfileName": "p"})
    assert resource.anchor[:2] == (1, 1)
    assert list(resource.body.entries) == ["name", "instanceProfileName"]


def test_parent_image_alone_is_not_enough_for_a_recipe() -> None:
    assert classify({"parentImage": "ami-0123456789abcdef0"}) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('{"instanceProfileName": "ci-runner", "instanceType": "m6i.large"}', "runner.json"),
        ("name: app\nversion: 1.2.0\nparentImage: node:20-alpine\n", "app.yaml"),
    ],
    ids=["infra-without-name", "recipe-with-version"],
)
def test_requests_need_the_members_the_api_requires(text: str, name: str) -> None:
    """Unless two members only one request takes tell its kind (tests/test_shapes.py)."""
    assert classify(text, name) == []


# --- responses (aws imagebuilder get-* / list-*) ---------------------------------------------------


@pytest.mark.parametrize(
    ("member", "kind"),
    [
        ("imageRecipe", Kind.IMAGE_RECIPE),
        ("containerRecipe", Kind.CONTAINER_RECIPE),
        ("infrastructureConfiguration", Kind.INFRASTRUCTURE_CONFIGURATION),
    ],
)
def test_get_responses(member: str, kind: Kind) -> None:
    response = {"requestId": "r", member: {"arn": f"{ARN}:x/y", "name": "n"}}
    assert classify(response) == [(kind, member)]
    (resource,) = load(response)
    assert resource.anchor[:2] == (3, 3)  # the member's key


def test_get_image_response_yields_its_recipe_and_infrastructure() -> None:
    response = {
        "requestId": "r",
        "image": {
            "arn": f"{ARN}:image/i/1.0.0/1",
            "imageRecipe": {"name": "r", "parentImage": "ami-0123456789abcdef0"},
            "infrastructureConfiguration": {"name": "i", "instanceProfileName": "p"},
        },
    }
    assert classify(response) == [
        (Kind.IMAGE_RECIPE, "image.imageRecipe"),
        (Kind.INFRASTRUCTURE_CONFIGURATION, "image.infrastructureConfiguration"),
        (Kind.IMAGE_PIPELINE, "image"),
    ]


def test_get_image_response_with_a_container_recipe() -> None:
    response = {"image": {"containerRecipe": {"name": "c", "parentImage": "amazonlinux"}}}
    assert classify(response) == [(Kind.CONTAINER_RECIPE, "image.containerRecipe")]


def test_get_component_response_is_a_component_and_a_catalog_entry() -> None:
    response = {
        "requestId": "r",
        "component": {
            "arn": f"{ARN}:component/c/1.0.0/1",
            "name": "c",
            "version": "1.0.0",
            "platform": "Linux",
            "type": "BUILD",
            "state": {"status": "DEPRECATED", "reason": "use 2.0.0"},
            "data": "name: c\n",
        },
    }
    assert classify(response) == [
        (Kind.COMPONENT, "component"),
        (Kind.COMPONENT_CATALOG_ENTRY, "component"),
        (Kind.COMPONENT_DOCUMENT, "component"),  # its inline AWSTOE document
    ]


@pytest.mark.parametrize("list_name", ["componentSummaryList", "componentVersionList"])
def test_component_list_responses(list_name: str) -> None:
    response = {
        "requestId": "r",
        list_name: [
            {"arn": f"{ARN}:component/c/1.0.0/1", "name": "c", "version": "1.0.0"},
            "not a mapping",
            {"arn": f"{ARN}:component/c/1.0.1/1", "name": "c", "version": "1.0.1"},
        ],
        "nextToken": "t",
    }
    assert classify(response) == [
        (Kind.COMPONENT_CATALOG_ENTRY, f"{list_name}[0]"),
        (Kind.COMPONENT_CATALOG_ENTRY, f"{list_name}[2]"),
    ]


def test_a_response_member_wins_over_request_heuristics() -> None:
    response = {"infrastructureConfiguration": {"name": "i"}, "instanceProfileName": "p"}
    assert classify(response) == [
        (Kind.INFRASTRUCTURE_CONFIGURATION, "infrastructureConfiguration")
    ]


# --- documents that are not Image Builder ----------------------------------------------------------


NOT_IMAGE_BUILDER = {
    "github-workflow": (GITHUB_WORKFLOW, ".github/workflows/ci.yml"),
    "kubernetes": (KUBERNETES_MANIFEST, "deploy.yaml"),
    "package-json": (PACKAGE_JSON, "package.json"),
    "cfn-s3-only": (CFN_S3_ONLY, "bucket.yaml"),
    "cfn-s3-duplicate-key": (
        CFN_S3_ONLY.replace("BucketName", "BucketName: x\n      BucketName"),
        "dup.yaml",
    ),
    "yaml-list": ("- a\n- b\n", "list.yaml"),
    "yaml-scalar": ("just a string\n", "text.yaml"),
    "empty-yaml": ("", "empty.yaml"),
    "empty-json": ("{}", "empty.json"),
    "json-duplicate-key": ('{"name": "x", "name": "y"}', "dup.json"),
    "openapi": ("openapi: 3.0.0\ninfo: {title: t, version: 1.0.0}\npaths: {}\n", "openapi.yaml"),
    "dependabot": (
        "version: 2\nupdates:\n  - package-ecosystem: pip\n    directory: /\n"
        "    schedule: {interval: weekly}\n",
        "dependabot.yml",
    ),
    "helm-values-component": (
        "component:\n  name: api\n  version: 1.0.0\n  image: {repository: api, tag: v1}\n"
        "component:\n  name: dup\n",
        "values.yaml",
    ),
    "ui-component-json": (
        '{"component": {"name": "button", "version": "2.0.0", "props": {}}}',
        "component.json",
    ),
    "helm-values-image": (
        "image:\n  repository: nginx\n  tag: latest\n  imageRecipe: not-ours\n",
        "helm-values.yaml",
    ),
}


@pytest.mark.parametrize(("text", "name"), NOT_IMAGE_BUILDER.values(), ids=NOT_IMAGE_BUILDER)
def test_documents_that_are_not_image_builder_yield_nothing(text: str, name: str) -> None:
    loaded = load_text(text, name)
    assert loaded.resources == []
    assert loaded.input_problems == []
    assert loaded.suppressions == []


def test_get_component_response_without_an_arn_is_recognised_by_its_members() -> None:
    response = {
        "component": {"name": "c", "version": "1.0.0", "platform": "Linux", "type": "BUILD"}
    }
    assert [kind for kind, _ in classify(response)] == [
        Kind.COMPONENT,
        Kind.COMPONENT_CATALOG_ENTRY,
    ]


def test_a_component_with_a_foreign_arn_is_not_ours() -> None:
    response = {
        "component": {"arn": "arn:aws:greengrass:us-east-1:1:components:x", "platform": "x"}
    }
    assert classify(response) == []


def test_an_image_object_at_the_root_is_a_notification_not_a_definition() -> None:
    # The SNS message Image Builder publishes is the Image itself (with an ARN of its own):
    # its nested recipe and infrastructure configuration describe a past build.
    from iblint.dialects.api_documents import document_resources
    from iblint.syntax.json_tree import parse_json

    root, _ = parse_json(
        '{"arn": "arn:aws:imagebuilder:us-west-1:123456789012:image/x/1.0.0/3",'
        ' "infrastructureConfiguration": {"name": "i", "instanceProfileName": "p"}}'
    )
    assert root is not None
    assert document_resources(root) == []
