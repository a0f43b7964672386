#!/usr/bin/env python3
"""Generate ``iblint/shapes/imagebuilder.json`` from botocore's EC2 Image Builder model.

    python scripts/generate_shapes.py           write the data file
    python scripts/generate_shapes.py --check   exit 1 (and list the differences) when the
                                                data file does not match installed botocore

botocore is a test dependency only (``pip install -e '.[test]'``); iblint itself reads the
generated file. The model is ``botocore/data/imagebuilder/2019-12-02/service-2.json``
(https://github.com/boto/botocore/tree/develop/botocore/data/imagebuilder/2019-12-02). What is
kept of each shape reachable from :data:`ROOTS`: its type, its members (structure), member
(list), key and value (map) shapes, the ``required`` members, the members that are
idempotency tokens (the SDKs and the AWS CLI fill them in), ``min``, ``max``, ``pattern`` and
``enum``. Documentation is left out. ``tests/test_shapes_drift.py`` regenerates the data and
compares, so a botocore upgrade that changes a member, type, enum, bound, pattern or required
set fails the tests until this script is run again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SERVICE = "imagebuilder"
#: The request shapes each input format is checked against, and the response objects of the
#: Get* documents.
ROOTS = (
    "CreateImageRecipeRequest",
    "CreateContainerRecipeRequest",
    "CreateInfrastructureConfigurationRequest",
    "UpdateInfrastructureConfigurationRequest",
    "CreateComponentRequest",
    "ImportComponentRequest",
    "ImageRecipe",
    "ContainerRecipe",
    "InfrastructureConfiguration",
    "Component",
)
#: The shape traits kept, besides ``type`` and the shapes a shape refers to.
CONSTRAINTS = ("min", "max", "pattern", "enum")
#: Shape traits that do not change what the service accepts (documentation, SDK hints).
IGNORED = frozenset(
    {"documentation", "sensitive", "deprecated", "deprecatedMessage", "box", "timestampFormat"}
)
OUTPUT = Path(__file__).resolve().parent.parent / "iblint" / "shapes" / "imagebuilder.json"


def load_model() -> tuple[dict[str, Any], str]:
    """The installed botocore's Image Builder model, and botocore's version."""
    import botocore
    from botocore.loaders import Loader

    model: dict[str, Any] = Loader().load_service_model(SERVICE, "service-2")
    return model, botocore.__version__


def build(model: dict[str, Any], botocore_version: str) -> dict[str, Any]:
    """The data iblint ships: every shape reachable from :data:`ROOTS`, constraints only."""
    shapes: dict[str, Any] = model["shapes"]
    kept: dict[str, dict[str, Any]] = {}
    pending = list(ROOTS)
    while pending:
        name = pending.pop()
        if name in kept:
            continue
        shape = shapes[name]
        unknown = (
            set(shape)
            - IGNORED
            - set(CONSTRAINTS)
            - {
                "type",
                "members",
                "required",
                "member",
                "key",
                "value",
            }
        )
        if unknown:
            raise ValueError(f"{name}: traits this script does not know: {sorted(unknown)}")
        entry: dict[str, Any] = {"type": shape["type"]}
        for constraint in CONSTRAINTS:
            if constraint in shape:
                entry[constraint] = shape[constraint]
        if shape["type"] == "structure":
            members = shape.get("members", {})
            entry["members"] = {member: ref["shape"] for member, ref in members.items()}
            if shape.get("required"):
                entry["required"] = list(shape["required"])
            tokens = [member for member, ref in members.items() if ref.get("idempotencyToken")]
            if tokens:
                entry["idempotency_tokens"] = tokens
            pending.extend(entry["members"].values())
        elif shape["type"] == "list":
            entry["member"] = shape["member"]["shape"]
            pending.append(entry["member"])
        elif shape["type"] == "map":
            entry["key"] = shape["key"]["shape"]
            entry["value"] = shape["value"]["shape"]
            pending.extend((entry["key"], entry["value"]))
        kept[name] = entry
    return {
        "botocore": botocore_version,
        "service": SERVICE,
        "apiVersion": model["metadata"]["apiVersion"],
        "roots": list(ROOTS),
        "shapes": dict(sorted(kept.items())),
    }


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def differences(shipped: Any, generated: Any, path: str = "") -> Iterator[str]:
    """Each place where two data documents differ, as ``path: shipped != generated``."""
    if isinstance(shipped, dict) and isinstance(generated, dict):
        for key in sorted(set(shipped) | set(generated)):
            where = f"{path}.{key}" if path else key
            if key not in generated:
                yield f"{where}: in the shipped data, not in botocore"
            elif key not in shipped:
                yield f"{where}: in botocore, not in the shipped data"
            else:
                yield from differences(shipped[key], generated[key], where)
    elif shipped != generated:
        yield f"{path}: shipped {shipped!r} != botocore {generated!r}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    generated = build(*load_model())
    if args.check:
        shipped = json.loads(OUTPUT.read_text(encoding="utf-8"))
        # The version the file was made with is not drift: a newer botocore may carry the
        # same Image Builder model.
        found = [
            line for line in differences(shipped, generated) if not line.startswith("botocore:")
        ]
        for line in found:
            print(line)
        return 1 if found else 0
    OUTPUT.write_text(render(generated), encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(generated['shapes'])} shapes, botocore {generated['botocore']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
