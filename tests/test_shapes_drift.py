"""The API shapes iblint ships are botocore's: regenerated from the installed botocore (a test
dependency), they must be equal, member for member, type, enum, bound, pattern and required
set. When botocore changes the Image Builder model, this fails until
``python scripts/generate_shapes.py`` is run and the change reviewed."""

from __future__ import annotations

import copy
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "iblint" / "shapes" / "imagebuilder.json"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_shapes", REPO / "scripts" / "generate_shapes.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()


def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def _drift(shipped: dict[str, Any], generated: dict[str, Any]) -> list[str]:
    """Differences that matter: everything but the botocore version the file was made with (a
    newer botocore with the same Image Builder model is no drift)."""
    return [
        line
        for line in GENERATOR.differences(shipped, generated)
        if not line.startswith("botocore:")
    ]


@pytest.fixture(scope="module")
def generated() -> dict[str, Any]:
    data: dict[str, Any] = GENERATOR.build(*GENERATOR.load_model())
    return data


def test_the_shipped_shapes_are_the_installed_botocore_model(generated: dict[str, Any]) -> None:
    drift = _drift(_shipped(), generated)
    assert not drift, (
        "the Image Builder model in botocore differs from iblint/shapes/imagebuilder.json; run "
        "python scripts/generate_shapes.py and review the change:\n" + "\n".join(drift)
    )


def test_the_file_is_written_as_the_generator_writes_it() -> None:
    assert DATA.read_text(encoding="utf-8") == GENERATOR.render(_shipped())


@pytest.mark.parametrize(
    ("path", "change"),
    [
        (("EbsIopsInteger", "max"), 64001),  # a bound
        (("EbsVolumeSizeInteger", "min"), 0),
        (("EbsVolumeType", "enum"), ["standard", "io1", "io2", "gp2", "gp3", "sc1", "st1", "gp4"]),
        (("ResourceName", "pattern"), "^.+$"),
        (("CreateImageRecipeRequest", "required"), ["name", "parentImage", "clientToken"]),
        (("HttpPutResponseHopLimit", "type"), "long"),
        (("InstanceMetadataOptions", "members", "httpToken"), "HttpTokens"),  # a member
    ],
    ids=["bound-max", "bound-min", "enum", "pattern", "required", "type", "member"],
)
def test_any_change_to_the_shipped_data_is_drift(
    generated: dict[str, Any], path: tuple[str, ...], change: object
) -> None:
    """The comparison cannot pass a changed shape: each kind of change is caught."""
    shipped = copy.deepcopy(generated)
    target = shipped["shapes"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = change
    drift = _drift(shipped, generated)
    assert drift and drift[0].startswith("shapes." + ".".join(path)), drift


def test_a_newer_botocore_with_the_same_model_is_no_drift(generated: dict[str, Any]) -> None:
    shipped = {**generated, "botocore": "0.0.1"}
    assert _drift(shipped, generated) == []


def test_the_readme_says_which_botocore_the_shapes_match() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"botocore {_shipped()['botocore']}" in readme


def test_the_test_extra_pins_the_botocore_the_shapes_were_made_from() -> None:
    """A botocore release cannot turn CI red; raising the pin means regenerating the data."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [
        requirement
        for requirement in project["project"]["optional-dependencies"]["test"]
        if requirement.startswith("botocore")
    ]
    assert pins == [f"botocore=={_shipped()['botocore']}"]


def test_the_generator_check_mode_agrees(capsys: pytest.CaptureFixture[str]) -> None:
    assert GENERATOR.main(["--check"]) == 0
    assert capsys.readouterr().out == ""
