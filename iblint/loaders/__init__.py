"""From a file on disk (or text) to a :class:`LoadedFile`: resources plus input problems.

Files are classified by content, not by name. A file that is not an Image Builder definition
yields nothing at all, not even a syntax error, unless its raw text mentions Image Builder
(pre-commit hands us every YAML and JSON file in a repository, Helm templates included).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path
from typing import NamedTuple

from iblint.loaders.limits import MAX_FILE_BYTES
from iblint.loaders.positions import LineTable
from iblint.model import FILE_START, InputProblem, LoadedFile, Node, Resource, Span
from iblint.suppressions import find_suppressions

#: Lower-cased structural markers whose presence makes a file we cannot parse worth reporting:
#: a CloudFormation type, a Terraform resource type, an Image Builder ARN, or an API member
#: name. The bare word "imagebuilder" is not one: Helm values and comments use it freely.
_MARKERS = (
    "aws::imagebuilder::",
    "aws_imagebuilder_",
    ":imagebuilder:",
    "parentimage",
    "instancemetadataoptions",
    "instanceprofilename",
    "componentarn",
)
#: Every document the classifiers accept holds one of these (lower-cased) words: a
#: CloudFormation type, a plan's resource type, an ARN, or an API member that identifies a
#: request, a response or a catalog. A YAML or JSON file holding none is not parsed at all
#: (a large Kubernetes manifest costs nothing).
_CLASSIFYING_WORDS = (
    "aws::imagebuilder::",
    "aws_imagebuilder_",
    ":imagebuilder:",
    "parentimage",
    "instanceprofilename",
    "instancemetadataoptions",
    "componentarn",
    "imagerecipe",
    "containerrecipe",
    "infrastructureconfiguration",
    "componentsummarylist",
    "componentversionlist",
    "component",
    "semanticversion",
)
_BINARY_SNIFF_BYTES = 8192
#: Suffixes whose files are parsed as what they are and reported when broken. A file named
#: explicitly with another suffix is still read, but skipped quietly if it does not parse.
PARSED_SUFFIXES = frozenset({".json", ".yaml", ".yml", ".template", ".tf"})
#: Variable files: read by the Terraform loader for its module, never checked on their own.
SKIPPED_SUFFIXES = frozenset({".tfvars"})


def load_path(path: Path, display_path: str, max_bytes: int = MAX_FILE_BYTES) -> LoadedFile:
    """Reads and loads one file; never raises for anything about the file itself."""
    loaded = LoadedFile(display_path)
    if path.is_dir():  # a directory the walk could not read
        return _unlisted_directory(path, loaded)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            with path.open("rb") as stream:
                if _mentions_image_builder_bytes(stream.read()):
                    loaded.input_problems.append(_too_large(size, max_bytes))
            return loaded
        data = path.read_bytes()
    except OSError as error:
        loaded.input_problems.append(
            InputProblem(
                "unreadable",
                FILE_START,
                f"cannot read the file: {error.strerror or error}",
                "check the path and its permissions",
            )
        )
        return loaded
    return load_bytes(data, display_path, loaded, max_bytes, path)


def _unlisted_directory(path: Path, loaded: LoadedFile) -> LoadedFile:
    try:
        os.listdir(path)
    except OSError as error:
        loaded.input_problems.append(
            InputProblem(
                "unreadable",
                FILE_START,
                f"cannot list the directory: {error.strerror or error}; nothing in it was checked",
                "check the directory's permissions",
            )
        )
    return loaded


def load_bytes(
    data: bytes,
    display_path: str,
    loaded: LoadedFile | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    path: Path | None = None,
) -> LoadedFile:
    """Loads a file's bytes; ``path`` (the file on disk) lets Terraform read its module."""
    loaded = loaded or LoadedFile(display_path)
    if _suffix(display_path) in SKIPPED_SUFFIXES:
        return loaded
    if len(data) > max_bytes:
        if _mentions_image_builder_bytes(data):
            loaded.input_problems.append(_too_large(len(data), max_bytes))
        return loaded
    text = _decode(data, loaded)
    if text is None:
        return loaded
    if _suffix(display_path) == ".tf":
        return _load_terraform(data, text, path, loaded)
    if display_path.lower().endswith(".tf.json"):
        return _load_terraform_json(text, path, loaded)
    return load_text(text, display_path, loaded)


def load_text(text: str, display_path: str, loaded: LoadedFile | None = None) -> LoadedFile:
    """Parses ``text`` (named ``display_path``) and classifies what it holds."""
    loaded = loaded or LoadedFile(display_path)
    text = text.removeprefix("\ufeff")  # text given directly may still carry its BOM
    suffix = _suffix(display_path)
    if suffix in SKIPPED_SUFFIXES:
        return loaded
    if suffix == ".tf":
        return _load_terraform(text.encode("utf-8", "surrogatepass"), text, None, loaded)
    if display_path.lower().endswith(".tf.json"):
        return _load_terraform_json(text, None, loaded)
    lowered = text.lower()
    if not any(trigger in lowered for trigger in _CLASSIFYING_WORDS):
        return loaded  # nothing here can make it an Image Builder document: skip the parse
    documents, problems, is_json = _parse(text, display_path)
    resources: list[Resource] = []
    for document in documents:
        resources.extend(_classify(document))
    # A file we could not parse, or whose problems (a duplicate key overriding an Image
    # Builder resource) leave no resource, is worth a word only if it is plausibly ours: a
    # known suffix, and Image Builder mentioned structurally (a Helm template is not).
    plausible = (
        (not documents or problems) and suffix in PARSED_SUFFIXES and _mentions_image_builder(text)
    )
    if resources or plausible:
        loaded.resources.extend(resources)
        loaded.input_problems.extend(problems)
        if not is_json:  # JSON has no comments: "iblint: ignore" there is in a string
            loaded.suppressions = find_suppressions(text)
    return loaded


def _load_terraform(data: bytes, text: str, path: Path | None, loaded: LoadedFile) -> LoadedFile:
    if b"aws_imagebuilder_" not in data:
        return loaded  # no Image Builder resource can be declared here: skip the parse
    from iblint.loaders.terraform import parse_terraform

    document = parse_terraform(data, path)
    if document.resources or (document.problems and _mentions_image_builder(text)):
        loaded.resources.extend(document.resources)
        loaded.input_problems.extend(document.problems)
        loaded.origins.update(document.origins)
        loaded.suppressions = find_suppressions(text, hcl=True)
    return loaded


def _load_terraform_json(text: str, path: Path | None, loaded: LoadedFile) -> LoadedFile:
    """Terraform's JSON syntax (``*.tf.json``, CDK for Terraform's output)."""
    if "aws_imagebuilder_" not in text:
        return loaded
    from iblint.loaders.json_nodes import parse_json
    from iblint.loaders.terraform import is_override_file, module_variables
    from iblint.loaders.terraform_json import json_resources

    if path is not None and is_override_file(path.name):
        return loaded  # fragments merged into resources declared elsewhere
    root, problems = parse_json(text)
    resources: list[Resource] = []
    if root is not None:
        variables = module_variables(path.parent) if path is not None else {}
        resources = json_resources(root, variables, loaded.origins)
    if resources or problems:
        loaded.resources.extend(resources)
        loaded.input_problems.extend(problems)
    return loaded


def clear_module_caches() -> None:
    """Forgets what was read beside the checked files (Terraform variables): one run's view."""
    import sys

    terraform = sys.modules.get("iblint.loaders.terraform")
    if terraform is not None:
        terraform.clear_caches()


def _suffix(display_path: str) -> str:
    return os.path.splitext(display_path)[1].lower()


class CatalogFile(NamedTuple):
    """A ``--catalog`` file, read and parsed once."""

    resources: list[Resource]
    #: A ListComponents/ListComponentBuildVersions document, even an empty one.
    is_listing: bool
    #: Why it yielded nothing, if it could not be read or parsed.
    problems: list[InputProblem]


def load_catalog(path: Path) -> CatalogFile:
    """A file named as a component catalog: unlike a checked file, its problems are kept
    whatever it holds, since it must be a catalog document."""
    from iblint.loaders.api_documents import is_catalog_listing

    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return CatalogFile([], False, [_unreadable(f"cannot read: {error.strerror or error}")])
    except UnicodeError:
        return CatalogFile([], False, [_unreadable("not valid UTF-8")])
    # By content, not suffix: `aws ... --output yaml > catalog.json` happens.
    documents, problems, _ = _parse(text, "")
    resources = [resource for document in documents for resource in _classify(document)]
    listing = any(is_catalog_listing(document) for document in documents)
    return CatalogFile(resources, listing, problems)


def _unreadable(message: str) -> InputProblem:
    return InputProblem("unreadable", FILE_START, message, "check the path and its permissions")


def _parse(text: str, display_path: str) -> tuple[list[Node], list[InputProblem], bool]:
    """The documents, the problems, and whether the text was read as JSON."""
    suffix = _suffix(display_path)
    looks_like_json = text.lstrip()[:1] in ("{", "[")
    if suffix == ".json" or looks_like_json:
        from iblint.loaders.json_nodes import parse_json

        root, problems = parse_json(text)
        if root is not None:
            return [root], problems, True
        if suffix == ".json":
            return [], problems, True
        yaml_documents, yaml_problems = _parse_yaml(text)
        if yaml_documents:
            return yaml_documents, yaml_problems, False
        return [], problems, False
    return (*_parse_yaml(text), False)


def _parse_yaml(text: str) -> tuple[list[Node], list[InputProblem]]:
    from iblint.loaders.yaml_nodes import parse_yaml

    return parse_yaml(text)


def _classify(document: Node) -> list[Resource]:
    from iblint.loaders import api_documents, cloudformation

    if cloudformation.is_template(document):
        assert hasattr(document, "entries")
        return cloudformation.template_resources(document)  # type: ignore[arg-type]
    from iblint.loaders import terraform_plan

    if terraform_plan.is_plan(document):
        assert hasattr(document, "entries")
        return terraform_plan.plan_resources(document)  # type: ignore[arg-type]
    return api_documents.document_resources(document)


def _decode(data: bytes, loaded: LoadedFile) -> str | None:
    """The file's text, or ``None`` when it is binary or cannot be decoded."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return None  # binary: skipped without a word
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _mentions_image_builder_bytes(data):
            before = data[: error.start].decode("utf-8-sig", "replace")
            line, column = LineTable(before).at(len(before))
            loaded.input_problems.append(
                InputProblem(
                    "unreadable",
                    Span(line, column, line, column + 1),
                    f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
                    f"{error.start})",
                    "save the file as UTF-8",
                )
            )
        return None


def _mentions_image_builder(text: str) -> bool:
    lowered = text.lower()
    return any(marker in lowered for marker in _MARKERS)


def _mentions_image_builder_bytes(data: bytes) -> bool:
    lowered = data.lower()
    return any(marker.encode() in lowered for marker in _MARKERS)


def _too_large(size: int, max_bytes: int) -> InputProblem:
    return InputProblem(
        "too-large",
        FILE_START,
        f"the file is {size:,} bytes, over the {max_bytes:,}-byte limit; it was not checked",
        "split the definition into smaller files",
    )
