"""The EC2 Image Builder API shapes, as data generated from botocore's service model.

``imagebuilder.json`` beside this module is written by ``scripts/generate_shapes.py`` from
botocore's ``data/imagebuilder/2019-12-02/service-2.json``
(https://github.com/boto/botocore/tree/develop/botocore/data/imagebuilder/2019-12-02): every
shape reachable from the Create*/Update* requests and the Get* response objects, with its
type, members, required members, ``min``/``max``, ``pattern`` and ``enum``. A test regenerates
it from the installed botocore and fails on any difference. It is read once per run, only when
a rule needs it (about 0.2 ms: JSON loads faster than the same data as a Python module without
its bytecode cache, and as fast with it).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, NamedTuple

from iblint.model import ResourceKind

DATA_FILE = Path(__file__).with_name("imagebuilder.json")

#: The request each kind of resource is created with (CloudFormation and Terraform call the
#: same operations), and the object a Get* response holds.
REQUESTS = {
    ResourceKind.IMAGE_RECIPE: "CreateImageRecipeRequest",
    ResourceKind.CONTAINER_RECIPE: "CreateContainerRecipeRequest",
    ResourceKind.INFRASTRUCTURE_CONFIGURATION: "CreateInfrastructureConfigurationRequest",
    ResourceKind.COMPONENT: "CreateComponentRequest",
}
UPDATE_INFRASTRUCTURE = "UpdateInfrastructureConfigurationRequest"
#: ImportComponent (a shell script or AWSTOE document to convert) takes ``format``, which
#: CreateComponent does not.
IMPORT_COMPONENT = "ImportComponentRequest"
RESPONSES = {
    ResourceKind.IMAGE_RECIPE: "ImageRecipe",
    ResourceKind.CONTAINER_RECIPE: "ContainerRecipe",
    ResourceKind.INFRASTRUCTURE_CONFIGURATION: "InfrastructureConfiguration",
    ResourceKind.COMPONENT: "Component",
}


class ShapeModel(NamedTuple):
    botocore: str
    shapes: dict[str, dict[str, Any]]


@functools.cache
def load() -> ShapeModel:
    data = json.loads(DATA_FILE.read_bytes())
    return ShapeModel(data["botocore"], data["shapes"])


@functools.cache
def request_members() -> dict[ResourceKind, frozenset[str]]:
    """The members each kind's requests take (an infrastructure configuration's create and
    update requests together)."""
    shapes = load().shapes
    members = {kind: frozenset(shapes[name]["members"]) for kind, name in REQUESTS.items()}
    infrastructure = ResourceKind.INFRASTRUCTURE_CONFIGURATION
    members[infrastructure] |= frozenset(shapes[UPDATE_INFRASTRUCTURE]["members"])
    return members
