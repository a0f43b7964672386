"""Shipped text cites public sources only.

Rule specs (and so ``iblint explain``, SARIF rule help and the README's rules table), the
package's docstrings and comments, and the README reach users, who have none of the project's
research notes (``../shared/reference/…``, the corpus). Every fact there must point at something
a user can open: AWS documentation, the Image Builder API reference, the CloudFormation resource
reference, the Terraform provider's source or botocore's service model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent

#: Names of the project's private research notes; none of them may appear in shipped text.
PRIVATE_SOURCES = (
    "../shared",
    "shared/reference",
    "imagebuilder-facts",
    "cfn-api-mapping",
    "imagebuilder-shapes.json",
    "Surprises",
)


def _shipped_files() -> list[Path]:
    files = sorted((REPO / "rules").glob("*.yaml"))
    files += sorted((REPO / "iblint").rglob("*.py"))
    files.append(REPO / "README.md")
    return files


SHIPPED = _shipped_files()
SPECS = sorted((REPO / "rules").glob("*.yaml"))


def _name(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_the_shipped_files_are_found() -> None:
    names = {_name(path) for path in SHIPPED}
    assert {"README.md", "rules/IB101.yaml", "iblint/cli.py"} <= names
    assert len(SPECS) >= 11


@pytest.mark.parametrize("path", SHIPPED, ids=_name)
def test_shipped_text_names_no_private_source(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    offending = [
        f"{_name(path)}:{number}: {line.strip()}"
        for number, line in enumerate(lines, start=1)
        if any(private in line for private in PRIVATE_SOURCES)
    ]
    assert not offending, "cite the public source instead:\n" + "\n".join(offending)


@pytest.mark.parametrize("path", SPECS, ids=_name)
def test_every_reference_is_a_public_url(path: Path) -> None:
    references = yaml.safe_load(path.read_text(encoding="utf-8"))["references"]
    assert references, f"{_name(path)} has no references"
    # The first reference is the rule's primary public source: SARIF's helpUri.
    assert references[0].startswith("https://"), references[0]
    for reference in references:
        assert reference.startswith("https://"), f"{_name(path)}: {reference}"
        assert " " not in reference, f"{_name(path)}: a URL, not prose: {reference}"


@pytest.mark.parametrize(
    "text",
    [
        "Facts (``../shared/reference/imagebuilder-facts.md`` §1.2)",
        "see imagebuilder-facts.md §4",
        "cfn-api-mapping.md (ParentImage -> parentImage)",
        "the upper bound (Surprises 4)",
        "compiled into imagebuilder-shapes.json",
    ],
)
def test_the_check_catches_each_private_name(text: str) -> None:
    assert any(private in text for private in PRIVATE_SOURCES)
