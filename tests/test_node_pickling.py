"""Nodes pickle through their constructors (``__reduce__``) and come back with every slot equal:
files waiting for the catalog rules are packed that way, and other processes' results come
back that way. A node class with slots of its own must say how it is made again."""

from __future__ import annotations

import copy
import importlib
import pickle
from pathlib import Path

import pytest

from iblint.dialects import RunCache
from iblint.discover import discover
from iblint.loading import load_path
from iblint.model import Choice, Mapping, Node, Reference, Scalar, Sequence, Span, Unknown
from tests.test_corpus import CORPUS
from tests.trees import assert_same_resources, assert_same_tree

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: Every module that defines a node class.
_NODE_MODULES = ("iblint.model", "iblint.dialects.terraform_plan", "iblint.syntax.hcl_tree")


def _node_classes() -> list[type[Node]]:
    for module in _NODE_MODULES:
        importlib.import_module(module)
    found: list[type[Node]] = [Node]
    pending = [Node]
    while pending:
        for subclass in pending.pop().__subclasses__():
            if subclass.__module__.startswith("iblint.") and subclass not in found:
                found.append(subclass)
                pending.append(subclass)
    return found


def test_every_node_class_says_how_it_is_made_again() -> None:
    classes = _node_classes()
    assert len(classes) >= 10
    missing = [cls.__qualname__ for cls in classes if "__reduce__" not in vars(cls)]
    assert missing == []


def _span(line: int) -> Span:
    return Span(line, 2, line, 9)


def _examples() -> list[Node]:
    from iblint.dialects.terraform_plan import OpenMapping, PlanPart
    from iblint.syntax.hcl_tree import Block, Expression

    leaf = Scalar("v", _span(1), _span(2))
    mapping = Mapping({"a": leaf, "n": Scalar(None, _span(3))}, _span(4), None, {"a": "A"})
    open_mapping = OpenMapping({"a": leaf}, _span(5), _span(6), frozenset({"gone"}))
    open_mapping.source_names = {"a": "a_written"}
    block = Block("resource", ("t", "n"), {"a": leaf}, _span(7), _span(8))
    block.source_names = {"a": "x"}
    reference = Reference("Ref", "Target", _span(9), _span(10))
    return [
        Node(_span(11), None),
        leaf,
        Scalar(1.5, _span(12)),
        Scalar(True, _span(13), None),
        Unknown("Fn::Sub", _span(14), _span(15), may_be_null=True),
        Unknown("Ref", _span(16)),
        reference,
        Choice([leaf, None, mapping], _span(17), _span(18)),
        Sequence([leaf, mapping], _span(19), _span(20)),
        mapping,
        open_mapping,
        PlanPart(mapping, frozenset({1, 3}), True),
        block,
        Expression("var.x", False, _span(21), _span(22)),
        Expression("a-${var.x}", True, _span(23), None),
    ]


@pytest.mark.parametrize("node", _examples(), ids=lambda node: type(node).__name__)
def test_a_node_comes_back_the_same(node: Node) -> None:
    assert_same_tree(node, pickle.loads(pickle.dumps(node, pickle.HIGHEST_PROTOCOL)))
    assert_same_tree(node, copy.deepcopy(node))
    shallow = copy.copy(node)
    assert_same_tree(node, shallow)
    shallow.key_span = _span(99)
    assert node.key_span != _span(99)  # a copy, not the node


def test_every_example_class_is_exercised() -> None:
    assert {type(node) for node in _examples()} == set(_node_classes())


def test_a_block_read_later_is_read_before_it_is_packed(tmp_path: Path) -> None:
    from iblint.syntax.hcl_tree import Block, parse_hcl

    text = 'resource "aws_imagebuilder_image_recipe" "r" {\n  name = "r"\n  a { b = 1 }\n}\n'
    root, _ = parse_hcl(text.encode())
    assert root is not None
    again = pickle.loads(pickle.dumps(root))
    assert_same_tree(root, again)
    blocks = [node for node in again.entries.values() if isinstance(node, Sequence)]
    assert blocks and all(isinstance(item, Block) for item in blocks[0].items)


@pytest.mark.parametrize("root", [CORPUS, EXAMPLES], ids=["corpus", "examples"])
def test_real_resources_come_back_the_same(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    cache = RunCache()
    checked = 0
    for source in discover([str(root)]):
        loaded = load_path(source.path, source.display, cache=cache)
        if not loaded.resources:
            continue
        again = pickle.loads(pickle.dumps(loaded.resources, pickle.HIGHEST_PROTOCOL))
        assert_same_resources(loaded.resources, again)
        checked += 1
    assert checked >= 10
