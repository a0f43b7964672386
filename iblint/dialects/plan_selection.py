"""The parts of a Terraform plan JSON that :mod:`iblint.dialects.terraform_plan` reads.

A plan holds every resource of a configuration several times over (planned values, prior state,
both sides of each change, the configuration's expressions), and ``terraform show -json``
prints it on one line: tens of megabytes for a large configuration. Giving every value of it a
node with positions costs about twenty times what :func:`json.loads` does, in time and memory;
iblint reads only the Image Builder resources. So a plan is read by
:func:`iblint.syntax.json_selected.parse_json_selected`: :func:`json.loads` reads and checks the
whole text, and only what :func:`selection` keeps gets nodes, with the positions
:func:`~iblint.syntax.json_tree.parse_json` would give them. The resources found are the same
either way; ``tests/terraform/test_plan_selection.py`` checks that on every plan the tests know.

Keep :func:`selection` in step with what the plan dialect reads: a part it leaves out is a part
the dialect never sees.
"""

from __future__ import annotations

from typing import Any

from iblint.dialects.terraform_names import MAX_MODULE_DEPTH, RESOURCE_KINDS
from iblint.dialects.terraform_plan import PlanPart
from iblint.model import InputProblem, Mapping, Node, Portion
from iblint.syntax.json_kept import Members
from iblint.syntax.json_selected import DROP, KEEP, Selector, parse_json_selected

#: What the first bytes of a plan hold: ``terraform show -json`` writes ``format_version`` and
#: ``terraform_version`` first, then ``variables`` and ``planned_values`` (the plan dialect
#: claims a document with one of each pair).
_VERSION_MARKERS = ('"format_version"', '"terraform_version"')
_CONTENT_MARKERS = ('"planned_values"', '"resource_changes"')
#: Top-level members of a plan the dialect does not read (the Terraform JSON output format:
#: https://developer.hashicorp.com/terraform/internals/json-format#plan-representation).
_UNREAD = frozenset(
    {
        "prior_state",
        "resource_drift",
        "relevant_attributes",
        "output_changes",
        "checks",
        "variables",
    }
)

#: The members of a resource change and of a planned resource that the dialect reads (its
#: ``_from_change`` and ``_module_resources``); the others (the state before, what is
#: sensitive, the provider) get no nodes.
_CHANGE_MEMBERS: Members = {
    "address": KEEP,
    "mode": KEEP,
    "type": KEEP,
    "change": {"after": KEEP, "after_unknown": KEEP},
}
_PLANNED_MEMBERS: Members = {"address": KEEP, "mode": KEEP, "type": KEEP, "values": KEEP}


def may_be_plan(head: bytes | str) -> bool:
    """Whether the first bytes of a file say it can be a plan: a version member, and the
    planned values or the resource changes."""
    text = head if isinstance(head, str) else head.decode("utf-8", "replace")
    return any(marker in text for marker in _VERSION_MARKERS) and any(
        marker in text for marker in _CONTENT_MARKERS
    )


class _Part:
    """What a part of a plan reads (:class:`iblint.model.Portion`), and where its reading
    put the resource changes of the other parts."""

    def __init__(self, portion: Portion) -> None:
        self.portion = portion
        #: The Terraform types of the kinds read of the other parts.
        self.related_types = frozenset(
            name for name, kind in RESOURCE_KINDS.items() if kind in portion.related
        )
        #: The positions, among the resource changes read, of the other parts' changes.
        self.related_changes: set[int] = set()
        #: How many resource changes were read so far.
        self.kept = 0


def read_plan(
    text: str, portion: Portion | None = None
) -> tuple[Node | None, list[InputProblem]] | None:
    """The plan in ``text`` with the parts the plan dialect reads, or ``None`` when only a
    whole reading can say what ``text`` is (not a plan, or not valid JSON). With a
    ``portion``, only that part's resources and the other parts' resources of related kinds
    are read, under a :class:`~iblint.dialects.terraform_plan.PlanPart`."""
    if portion is None:
        return parse_json_selected(text, selection)
    part = _Part(portion)
    selected = parse_json_selected(text, lambda document: selection(document, part))
    if selected is None:
        return None
    root, problems = selected
    if not isinstance(root, Mapping):
        return selected
    return PlanPart(root, frozenset(part.related_changes), not portion.is_first), problems


def selection(document: Any, part: _Part | None = None) -> Selector | None:
    """The selector of a plan's members, given the plan as plain data, or ``None`` when the
    document is not one the plan dialect claims, or may be claimed by another dialect first
    (a ``Resources`` member is CloudFormation's). With a ``part``, the resources of the
    other parts are left out but for the kinds it relates to.

    The parts (:class:`iblint.model.Portion`) share the resource changes the dialect reads,
    in order; the resources read from planned values are the first part's."""
    if not isinstance(document, dict) or "Resources" in document:
        return None
    if not (
        ("resource_changes" in document or "planned_values" in document)
        and ("format_version" in document or "terraform_version" in document)
    ):
        return None
    changes = document.get("resource_changes")
    # Resources read from resource_changes are not read again from planned_values. The
    # changes read are known by id: every value a selector is asked about was made by
    # json.loads, as they were, while all were alive, so no other has one of their ids.
    read: set[str] = set()
    read_changes: dict[int, bool] = {}  # of each change read: whether it is this part's
    for change in changes if isinstance(changes, list) else ():
        address = _change_address(change)
        if address is not None:
            read.add(address)
            read_changes[id(change)] = True
    if part is not None:
        total = len(read_changes)
        for ordinal, change_id in enumerate(read_changes):
            read_changes[change_id] = part.portion.owns(ordinal, total)

    def resource_change(index: str | int, value: Any) -> Selector | Members | int:
        if id(value) not in read_changes:
            return DROP
        if part is not None:
            if not read_changes[id(value)]:
                if value.get("type") not in part.related_types:
                    return DROP
                part.related_changes.add(part.kept)
            part.kept += 1
        return _CHANGE_MEMBERS

    def member(key: str | int, value: Any) -> Selector | int:
        if key == "resource_changes":
            return resource_change if isinstance(value, list) else KEEP
        if key == "planned_values":
            if not isinstance(value, dict):
                return KEEP
            # Passed over in one step when it holds nothing to read (a plan with resource
            # changes is claimed without it).
            return _planned if holding or "resource_changes" not in document else DROP
        if key in _UNREAD:
            return DROP
        if key == "configuration":
            return _configuration(key, value)
        return KEEP

    def is_wanted(resource: Any) -> bool:
        """A planned resource the dialect makes a resource of (its ``_module_resources``), and
        has not read from resource_changes."""
        if not isinstance(resource, dict):
            return False
        address = _text(resource.get("address"))
        if not address or address in read:  # most often: read from its change
            return False
        if _text(resource.get("mode")) not in (None, "managed"):
            return False
        wanted = _text(resource.get("type")) in RESOURCE_KINDS
        if part is not None and not part.portion.is_first:  # the first part's, or related
            wanted = wanted and resource.get("type") in part.related_types
        return bool(wanted) and isinstance(resource.get("values"), dict)

    # The modules that hold such a resource, themselves or in a child module (by id, as the
    # changes read); the others are passed over whole.
    holding: set[int] = set()

    def find_holding(module: dict[str, Any], depth: int) -> bool:
        resources = module.get("resources")
        found = isinstance(resources, list) and any(map(is_wanted, resources))
        children = module.get("child_modules")
        if isinstance(children, list) and depth < MAX_MODULE_DEPTH:
            for child in children:
                if isinstance(child, dict) and find_holding(child, depth + 1):
                    found = True
        if found:
            holding.add(id(module))
        return found

    planned = document.get("planned_values")
    root = planned.get("root_module") if isinstance(planned, dict) else None
    if isinstance(root, dict):
        find_holding(root, 0)

    def planned_resource(index: str | int, value: Any) -> Selector | Members | int:
        return _PLANNED_MEMBERS if is_wanted(value) else DROP

    def module(depth: int) -> Selector:
        def module_member(key: str | int, value: Any) -> Selector | int:
            if key == "resources" and isinstance(value, list):
                return planned_resource
            if key == "child_modules" and isinstance(value, list) and depth < MAX_MODULE_DEPTH:
                return lambda _, child: module(depth + 1) if id(child) in holding else DROP
            return DROP

        return module_member

    def _planned(key: str | int, value: Any) -> Selector | int:
        if key == "root_module":
            if not isinstance(value, dict):
                return KEEP
            return module(0) if id(value) in holding else DROP
        return DROP

    return member


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _change_address(change: Any) -> str | None:
    """The address of a resource change the plan dialect makes a resource of (its
    ``_from_change``), else ``None``."""
    if not isinstance(change, dict) or _text(change.get("mode")) not in (None, "managed"):
        return None
    address = _text(change.get("address"))
    details = change.get("change")
    if _text(change.get("type")) not in RESOURCE_KINDS or address is None:
        return None
    if not isinstance(details, dict) or not isinstance(details.get("after"), dict):
        return None
    return address


def _configuration(key: str | int, value: Any) -> Selector | int:
    """The configuration as it is, less the declarations of resources that are not Image
    Builder's (a mapping with a ``type`` of another provider's resource, in a list)."""
    if isinstance(value, dict):
        return _configuration
    if isinstance(value, list):
        return _declaration
    return KEEP


def _declaration(index: str | int, value: Any) -> Selector | int:
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return KEEP if value["type"] in RESOURCE_KINDS else DROP
    return _configuration(index, value)
