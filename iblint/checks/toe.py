"""IB6xx: AWSTOE component documents, standalone or embedded in a component definition. The
document, its phases and steps, the action modules and their inputs (variables, loops and
conditions are in :mod:`iblint.checks.toe_variables` and :mod:`iblint.checks.toe_constructs`).
What a document may hold is in :mod:`iblint.toe_modules`, from AWS's AWSTOE documentation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from iblint import toe_modules as toe
from iblint.checks.toe_walk import (
    Phase,
    Step,
    did_you_mean,
    is_known,
    literal,
    phases,
    steps,
    type_name,
    where,
)
from iblint.checks.values import integer_of
from iblint.model import (
    Mapping,
    Node,
    Problem,
    Resource,
    ResourceKind,
    Scalar,
    Sequence,
    alternatives,
)
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown

DOCUMENT = ResourceKind.COMPONENT_DOCUMENT


def phase_label(phase: Phase) -> str:
    return f"phase {shown(phase.name)}" if phase.name is not None else f"phase {phase.position + 1}"


def step_label(step: Step) -> str:
    name = f"step {shown(step.name)}" if step.name is not None else f"step {step.position + 1}"
    return f"{name} of {phase_label(step.phase)}"


@rule("IB601", DOCUMENT)
def unsupported_schema_version(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    node = document.get("schemaVersion")
    if node is None:
        yield Problem(
            document.anchor,
            "the component document has no schemaVersion: AWSTOE requires it, and knows only "
            f"version {toe.SCHEMA_VERSION}",
            f"add `schemaVersion: {toe.SCHEMA_VERSION}` to the top level of the document",
        )
        return
    if not is_known(node) or _is_version_one(node):
        return
    yield Problem(
        node.span,
        f"schemaVersion is {type_name(node)}: AWSTOE knows only version {toe.SCHEMA_VERSION}",
        f"set `schemaVersion: {toe.SCHEMA_VERSION}`",
    )


def _is_version_one(node: Node) -> bool:
    if not isinstance(node, Scalar):
        return False
    value = node.value
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return value == 1  # 1.0 in YAML; Terraform's yamlencode writes 1.0 as 1
    return isinstance(value, str) and value.strip() in ("1.0", "1")


@rule("IB602", DOCUMENT)
def malformed_document(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    listed = document.get("phases")
    if listed is None:
        yield Problem(
            document.anchor,
            "the component document has no phases: AWSTOE needs a list of phases, each with "
            "its steps",
            "add `phases:` with a build, validate or test phase and its steps",
        )
        return
    if not is_known(listed):
        return
    if not isinstance(listed, Sequence) or not listed.items:
        what = "an empty list" if isinstance(listed, Sequence) else type_name(listed)
        yield Problem(
            listed.span,
            f"phases is {what}: AWSTOE needs a list of phases, each a mapping with a name and "
            "steps",
            "list the phases under `phases:`, each as `- name: build` with its `steps:`",
        )
        return
    for index, item in enumerate(listed.items):
        if not isinstance(item, Mapping):
            if is_known(item):
                yield Problem(
                    item.span,
                    f"phase {index + 1} is {type_name(item)}: each phase is a mapping with a "
                    "name and steps",
                    "write the phase as `- name: build` followed by its `steps:`",
                )
            continue
        yield from _phase_structure(Phase(index, item, literal(item.get("name"))))


def _phase_structure(phase: Phase) -> Iterator[Problem]:
    node = phase.node
    label = phase_label(phase)
    name = node.get("name")
    if name is None:
        yield Problem(
            node.span,
            f"{label} has no name: AWSTOE runs phases by name (build, validate, test, "
            "container-host-test)",
            "add `name:` with the phase's name, such as build",
        )
    elif not isinstance(name, Scalar) and is_known(name):
        yield Problem(
            name.span,
            f"the name of {label} is {type_name(name)}",
            "name it build, validate or test",
        )
    listed = node.get("steps")
    if listed is None:
        yield Problem(
            node.span,
            f"{label} has no steps: each phase needs a list of steps",
            "add `steps:` with the phase's steps, or remove the phase",
        )
        return
    if not is_known(listed):
        return
    if not isinstance(listed, Sequence) or not listed.items:
        what = "an empty list" if isinstance(listed, Sequence) else type_name(listed)
        yield Problem(
            listed.span,
            f"the steps of {label} are {what}: each phase needs a list of steps",
            "list the steps under `steps:`, each with a name, an action and its inputs",
        )
        return
    for index, item in enumerate(listed.items):
        if not isinstance(item, Mapping):
            if is_known(item):
                yield Problem(
                    item.span,
                    f"step {index + 1} of {label} is {type_name(item)}: each step is a mapping "
                    "with a name, an action and its inputs",
                    "write the step as `- name: ...` with its `action:` and `inputs:`",
                )
            continue
        step = Step(phase, index, item, literal(item.get("name")), literal(item.get("action")))
        for member, meaning in (("name", "a name"), ("action", "an action module")):
            value = item.get(member)
            if value is None:
                yield Problem(
                    item.span,
                    f"{step_label(step)} has no {member}: each step needs {meaning}",
                    f"add `{member}:` to the step",
                )
            elif not isinstance(value, Scalar) and is_known(value):
                yield Problem(
                    value.span,
                    f"the {member} of {step_label(step)} is {type_name(value)}",
                    f"give the step's {member} as a string",
                )


@rule("IB603", DOCUMENT)
def no_build_validate_or_test_phase(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    listed = resource.body.get("phases")
    found = phases(resource.body)
    if not isinstance(listed, Sequence) or not found or len(found) != len(listed.items):
        return
    names = [phase.name for phase in found]
    if any(name is None for name in names):
        return  # a name known only at run time may be one of them
    if any(name in toe.REQUIRED_PHASES for name in names):
        return
    listing = ", ".join(shown(name) for name in names if name is not None)
    yield Problem(
        listed.anchor,
        f"the document has no build, validate or test phase (its phases: {listing}): AWSTOE "
        "requires at least one of them",
        "name the phase that customizes the instance build, the one that checks it validate, "
        "or the one that tests the image test",
    )


@rule("IB604", DOCUMENT)
def unknown_phase(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for phase in phases(resource.body):
        if phase.name is None or phase.name in toe.PHASES:
            continue
        name_node = phase.node.get("name")
        assert name_node is not None
        yield Problem(
            name_node.span,
            f"phase {shown(phase.name)} never runs in Image Builder, which runs build and "
            f"validate in its build stage, test and container-host-test in its test stage"
            f"{did_you_mean(phase.name, toe.PHASES)}",
            "rename the phase to one Image Builder runs, or move its steps into one",
        )


@rule("IB605", DOCUMENT)
def duplicate_name(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    found = phases(document)
    named = ((phase.name, phase.node.get("name")) for phase in found)
    for name, node, first in _repeats(named):
        yield Problem(
            node.span,
            f"phase name {shown(name)} is used twice (first at {where(first)}): "
            "phase names must be unique within a document",
            "merge the two phases, or rename one",
        )
    for phase in found:
        yield from _duplicate_steps(phase)
    yield from _duplicate_variables(document)


def _repeats(
    named: Iterable[tuple[str | None, Node | None]],
) -> Iterator[tuple[str, Node, Node]]:
    """``(name, node, first)`` for each name given again: the node that gives it again and
    the one that gave it first (a name or node that is ``None`` is passed over)."""
    first_of: dict[str, Node] = {}
    for name, node in named:
        if name is None or node is None:
            continue
        first = first_of.setdefault(name, node)
        if first is not node:
            yield name, node, first


def _duplicate_steps(phase: Phase) -> Iterator[Problem]:
    listed = phase.node.get("steps")
    if not isinstance(listed, Sequence):
        return
    items = [item for item in listed.items if isinstance(item, Mapping)]
    step_names = ((literal(node), node) for item in items for node in [item.get("name")])
    loops = [loop for item in items if isinstance(loop := item.get("loop"), Mapping)]
    loop_names = ((literal(node) or None, node) for loop in loops for node in [loop.get("name")])
    for kind, names, fix in (
        ("step", step_names, "rename one of the steps (chaining expressions name steps)"),
        ("loop", loop_names, "rename one of the loops"),
    ):
        for name, node, first in _repeats(names):
            yield Problem(
                node.span,
                f"{kind} name {shown(name)} is used twice in {phase_label(phase)} (first at "
                f"{where(first)}): {kind} names must be unique within a phase",
                fix,
            )


def _duplicate_variables(document: Mapping) -> Iterator[Problem]:
    seen: dict[str, tuple[str, Node]] = {}
    for section, kind in (("parameters", "parameter"), ("constants", "constant")):
        listed = document.get(section)
        if not isinstance(listed, Sequence):
            continue
        for item in listed.items:
            if not isinstance(item, Mapping) or len(item.entries) != 1:
                continue
            ((name, definition),) = item.entries.items()
            known = seen.get(name)
            if known is None:
                seen[name] = (kind, definition)
                continue
            first_kind, first = known
            span = definition.key_span or definition.span
            first_span = first.key_span or first.span
            yield Problem(
                span,
                f"{kind} name {shown(name)} is already the name of a {first_kind} (at "
                f"{first_span.start_line}:{first_span.start_col}): parameter and constant "
                "names must be unique within a document",
                "rename one of them, and the references to it",
            )


@rule("IB606", DOCUMENT)
def unknown_action(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        if step.action is None or step.action in toe.ACTION_MODULES:
            continue
        node = step.node.get("action")
        assert node is not None
        yield Problem(
            node.span,
            f"action {shown(step.action)} of {step_label(step)} is not an AWSTOE action module"
            f"{did_you_mean(step.action, toe.ACTION_MODULES)}",
            "use one of the documented action modules, such as ExecuteBash, ExecutePowerShell "
            "or S3Download",
        )


def input_sets(inputs: Node) -> Iterator[Node]:
    """Each set of inputs: the mapping, or each item of a list of them."""
    if isinstance(inputs, Sequence):
        yield from inputs.items
    else:
        yield inputs


#: Inputs whose value is a list (a string there is one command or argument too few of a list).
_LIST_INPUTS = {"commands", "arguments"}


@rule("IB607", DOCUMENT)
def invalid_action_inputs(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        module = toe.ACTION_MODULES.get(step.action or "")
        if module is None:
            continue
        inputs = step.node.get("inputs")
        absent = inputs is None or (isinstance(inputs, Scalar) and inputs.value is None)
        if absent:
            if module.inputs_required:
                yield Problem(
                    inputs.anchor if inputs is not None else step.node.span,
                    f"{step_label(step)} has no inputs: {step.action} needs {_needs(module)}",
                    f"add `inputs:` with {_needs(module)} ({module.url})",
                )
            continue
        assert inputs is not None
        if not is_known(inputs) or module.shape == "expression":
            continue
        if isinstance(inputs, Sequence) and not inputs.items:
            yield Problem(
                inputs.span,
                f"the inputs of {step_label(step)} are an empty list: {step.action} needs "
                f"{_needs(module)}",
                f"give the inputs ({module.url})",
            )
            continue
        for input_set in input_sets(inputs):
            yield from _input_set(step, module, input_set)


def _needs(module: toe.ActionModule) -> str:
    if module.one_of:
        return " or ".join(module.one_of)
    if not module.required:
        return "no input"
    if len(module.required) == 1:
        return module.required[0]
    return ", ".join(module.required[:-1]) + " and " + module.required[-1]


def _input_set(step: Step, module: toe.ActionModule, node: Node) -> Iterator[Problem]:
    action = step.action or ""
    if not isinstance(node, Mapping):
        if is_known(node):
            yield Problem(
                node.span,
                f"the inputs of {step_label(step)} hold {type_name(node)}: {action} takes a "
                f"mapping of inputs ({_needs(module)})",
                f"write the inputs as a mapping ({module.url})",
            )
        return
    missing = [name for name in module.required if name not in node.entries]
    if missing:
        yield Problem(
            node.span,
            f"the inputs of {step_label(step)} have no {' or '.join(missing)}: {action} needs "
            f"{_needs(module)}",
            f"add {', '.join(missing)} to the inputs ({module.url})",
        )
    if module.one_of:
        given = [name for name in module.one_of if name in node.entries]
        if not given:
            yield Problem(
                node.span,
                f"the inputs of {step_label(step)} have neither "
                f"{' nor '.join(module.one_of)}: {action} needs one of them",
                f"add {' or '.join(module.one_of)} to the inputs ({module.url})",
            )
        elif len(given) > 1:
            second = node.entries[given[1]]
            yield Problem(
                second.anchor,
                f"the inputs of {step_label(step)} give both {' and '.join(given)}: {action} "
                "takes only one of them",
                f"keep either {' or '.join(given)} ({module.url})",
            )
    for name in _LIST_INPUTS:
        value = node.entries.get(name)
        if value is not None and is_known(value) and not isinstance(value, Sequence):
            if isinstance(value, Scalar) and value.value is None:
                what = "empty"
            else:
                what = type_name(value)
            yield Problem(
                value.span,
                f"{name} of {step_label(step)} is {what}: {action} takes a list of {name}",
                f"write {name} as a list, one item per line starting with `- `",
            )


@rule("IB608", DOCUMENT)
def unknown_action_input(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        module = toe.ACTION_MODULES.get(step.action or "")
        inputs = step.node.get("inputs")
        if module is None or module.shape == "expression" or inputs is None:
            continue
        for input_set in input_sets(inputs):
            if not isinstance(input_set, Mapping):
                continue
            for key, value in input_set.entries.items():
                if key in module.keys:
                    continue
                known = ", ".join(module.keys) or "none"
                yield Problem(
                    value.key_span or value.span,
                    f"{step.action} has no input {shown(key)}{did_you_mean(key, module.keys)} "
                    f"(its inputs: {known})",
                    f"remove {shown(key)}, or use the input you meant ({module.url})",
                )


@rule("IB609", DOCUMENT)
def invalid_step_setting(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    for step in steps(resource.body):
        node = step.node
        on_failure = node.get("onFailure")
        text = literal(on_failure)
        if on_failure is not None and is_known(on_failure) and text not in toe.ON_FAILURE:
            value = text if text is not None else type_name(on_failure)
            yield Problem(
                on_failure.span,
                f"onFailure of {step_label(step)} is {shown(value) if text else value}: AWSTOE "
                f"takes Abort, Continue or Ignore{did_you_mean(text or '', toe.ON_FAILURE)}",
                "set onFailure to Abort (the default), Continue or Ignore",
            )
        yield from _count(step, "timeoutSeconds", -1)
        yield from _count(step, "maxAttempts", 1)
        if step.action == "ExecuteDocument":
            for name, fixed in toe.EXECUTE_DOCUMENT_FIXED.items():
                value_node = node.get(name)
                number = integer_of(value_node) if is_known(value_node) else None
                if value_node is not None and number is not None and number != fixed:
                    yield Problem(
                        value_node.span,
                        f"{name} of {step_label(step)} is {number}: ExecuteDocument runs once "
                        f"with {name} {fixed}, and fails when it is set to anything else",
                        f"remove {name} from the step",
                    )


def _count(step: Step, name: str, special: int) -> Iterator[Problem]:
    """timeoutSeconds: positive or -1; maxAttempts: 1 or more."""
    node = step.node.get(name)
    if node is None or not is_known(node):
        return
    number = integer_of(node)  # None for a boolean too
    if name == "timeoutSeconds":
        valid = number is not None and (number > 0 or number == special)
        rule_text = "a whole number of seconds above 0, or -1 for no timeout"
    else:
        valid = number is not None and number >= 1
        rule_text = "a whole number of attempts, 1 or more"
    if valid:
        return
    shown_value = str(number) if number is not None else type_name(node)
    yield Problem(
        node.span,
        f"{name} of {step_label(step)} is {shown_value}: AWSTOE takes {rule_text}",
        f"set {name} to {rule_text}, or remove it for the default",
    )


_KEY_LEVELS = {
    "document": toe.DOCUMENT_KEYS,
    "phase": toe.PHASE_KEYS,
    "step": toe.STEP_KEYS,
    "loop": toe.LOOP_KEYS,
    "for": toe.FOR_KEYS,
    "forEach": toe.FOR_EACH_KEYS,
    "parameter": toe.PARAMETER_KEYS,
    "constant": toe.CONSTANT_KEYS,
}


@rule("IB610", DOCUMENT)
def unknown_document_key(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    document = resource.body
    yield from _unknown_keys(document, "document", "the component document")
    for section, kind in (("parameters", "parameter"), ("constants", "constant")):
        listed = document.get(section)
        if not isinstance(listed, Sequence):
            continue
        for item in listed.items:
            if isinstance(item, Mapping) and len(item.entries) == 1:
                ((name, definition),) = item.entries.items()
                if isinstance(definition, Mapping):
                    yield from _unknown_keys(definition, kind, f"{kind} {shown(name)}")
    for phase in phases(document):
        yield from _unknown_keys(phase.node, "phase", phase_label(phase))
    for step in steps(document):
        yield from _unknown_keys(step.node, "step", step_label(step))
        loop = step.node.get("loop")
        if not isinstance(loop, Mapping):
            continue
        yield from _unknown_keys(loop, "loop", f"the loop of {step_label(step)}")
        for_node = loop.get("for")
        if isinstance(for_node, Mapping):
            yield from _unknown_keys(for_node, "for", f"the for loop of {step_label(step)}")
        for_each = loop.get("forEach")
        if isinstance(for_each, Mapping):
            yield from _unknown_keys(for_each, "forEach", f"the forEach of {step_label(step)}")


def _unknown_keys(node: Mapping, level: str, label: str) -> Iterator[Problem]:
    allowed = _KEY_LEVELS[level]
    for key, value in node.entries.items():
        if key in allowed:
            continue
        yield Problem(
            value.key_span or value.span,
            f"{shown(key)} is not a documented member of {label}"
            f"{did_you_mean(key, allowed)} (the AWSTOE documentation lists: {', '.join(allowed)})",
            f"remove {shown(key)}, or rename it to the member you meant",
        )


@rule("IB615", ResourceKind.COMPONENT)
def inline_document_too_large(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    limit: int = context.options.get("max_characters", toe.INLINE_DATA_LIMIT)
    for node in alternatives(resource.body.get("data")):
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            continue
        size = len(node.value)
        if size > limit:
            yield Problem(
                node.span,
                f"the inline component document is {size:,} characters, over the {limit:,} "
                "that CreateComponent accepts in data",
                "upload the document to S3 and reference it with uri, or shorten it",
            )
