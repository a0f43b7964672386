"""Users' own policies: rules written in CEL against the API-shaped resource, one file each.

A policy file (YAML) names a rule the way a built-in spec does and states, as a CEL expression,
what must hold for each resource of the kinds it lists::

    id: ORG001
    name: approved-parent-image
    severity: error
    summary: Parent images come from AWS or from the platform account.
    resources: [image-recipe, container-recipe]
    at: parentImage
    message: parentImage is not an AWS-managed image or one of the platform account's images
    expression: >
      resource.parentImage.startsWith("arn:") &&
      resource.parentImage.split(":")[4] in ["aws", "111122223333"]

Loaded policies become rules of the run (:meth:`PolicySet.implementations`,
:meth:`PolicySet.entries`): selection, severities, suppressions and every reporter treat them as
they treat built-in rules. Nothing here is imported unless a configuration names policies, and
the CEL library only when a policy is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iblint.errors import PolicyError
from iblint.model import ResourceKind, Severity

if TYPE_CHECKING:
    from iblint.policies.evaluate import Program
    from iblint.registry import RuleImplementation
    from iblint.specs import RuleEntry

__all__ = [
    "EXAMPLE_FILE_NAMES",
    "KINDS",
    "POLICY_ID",
    "Policy",
    "PolicyError",
    "PolicyExample",
    "PolicySet",
    "load_policies",
]

#: Letters then digits, never ``IB`` (iblint's own rules): ``ORG001``, ``SEC12``.
POLICY_ID = re.compile(r"(?!IB)[A-Z]{1,16}[0-9]{1,6}")

#: The ``resources`` a policy may name, and the resource kind each is.
KINDS: dict[str, ResourceKind] = {
    "image-recipe": ResourceKind.IMAGE_RECIPE,
    "container-recipe": ResourceKind.CONTAINER_RECIPE,
    "infrastructure-configuration": ResourceKind.INFRASTRUCTURE_CONFIGURATION,
    "component": ResourceKind.COMPONENT,
}
KIND_NAMES = {kind: name for name, kind in KINDS.items()}

#: The file an example of each format is written to (the suffix picks the parser), as the
#: built-in rules' examples are (``iblint.spec_model.EXAMPLE_FILE_NAMES``), plus Terraform JSON.
EXAMPLE_FILE_NAMES: dict[str, str] = {
    "api-json": "request.json",
    "api-yaml": "request.yaml",
    "cloudformation-yaml": "template.yaml",
    "cloudformation-json": "template.json",
    "terraform": "main.tf",
    "terraform-json": "main.tf.json",
    "terraform-plan": "plan.json",
}


@dataclass(frozen=True)
class PolicyExample:
    """An example of a policy: ``content`` in ``format``, and for a bad one the ``line:col``
    of every finding the policy gives on it."""

    format: str
    content: str
    findings: tuple[str, ...]
    bad: bool
    description: str = ""
    #: The line of the example in the policy file.
    line: int = 0

    @property
    def file_name(self) -> str:
        return EXAMPLE_FILE_NAMES[self.format]


@dataclass(frozen=True)
class Policy:
    id: str
    name: str
    severity: Severity
    summary: str
    kinds: tuple[ResourceKind, ...]
    message: str
    expression: str
    #: The file the policy was read from, as given (for messages) and resolved.
    display: str
    path: Path
    at: tuple[str | int, ...] | None = None
    each: tuple[str | int, ...] | None = None
    at_text: str = ""
    each_text: str = ""
    examples: tuple[PolicyExample, ...] = ()
    program: Program | None = field(default=None, compare=False, repr=False)

    @property
    def fix(self) -> str:
        """What a finding says to do: make the summary hold."""
        return f"make this hold: {self.summary.strip().rstrip('.')}"

    @property
    def resource_names(self) -> list[str]:
        return [KIND_NAMES[kind] for kind in self.kinds]


class PolicySet:
    """The policies of a run, by ID, in the order they were read."""

    def __init__(self, policies: Iterable[Policy] = ()) -> None:
        self.policies: dict[str, Policy] = {}
        for policy in policies:
            self.policies[policy.id] = policy
        self._implementations: dict[str, RuleImplementation] | None = None

    def __iter__(self) -> Iterator[Policy]:
        return iter(self.policies.values())

    def __len__(self) -> int:
        return len(self.policies)

    def __bool__(self) -> bool:
        return bool(self.policies)

    def get(self, rule_id: str) -> Policy | None:
        return self.policies.get(rule_id.strip().upper())

    def find(self, id_or_name: str) -> Policy | None:
        """The policy with this ID (any letter case) or name."""
        found = self.get(id_or_name)
        if found is None:
            wanted = id_or_name.strip().lower()
            found = next((policy for policy in self if policy.name == wanted), None)
        return found

    def entries(self) -> dict[str, RuleEntry]:
        """The index entry of each policy, as :func:`iblint.specs.rule_index` gives the
        built-in rules' (policies have no options)."""
        from iblint.specs import RuleEntry

        return {
            policy.id: RuleEntry(policy.id, policy.name, policy.severity, policy.summary, {})
            for policy in self
        }

    def implementations(self) -> dict[str, RuleImplementation]:
        """The rule implementation of each policy, for the engine."""
        if self._implementations is None:
            from iblint.policies.check import implementation

            shared: dict[str, Any] = {}
            self._implementations = {policy.id: implementation(policy, shared) for policy in self}
        return self._implementations


def load_policies(paths: Iterable[Path]) -> PolicySet:
    """The policies in ``paths`` (files, or directories searched for ``*.yaml`` and ``*.yml``),
    compiled. Raises :class:`PolicyError` for the first policy that cannot be used, or for two
    policies with one ID."""
    from iblint.policies.files import policy_files, read_policy

    policies: dict[str, Policy] = {}
    for path in policy_files(paths):
        policy = read_policy(path)
        other = policies.get(policy.id)
        if other is not None:
            raise PolicyError(
                f"{policy.display}: policy ID {policy.id} is also the ID of {other.display}; "
                "each policy needs its own"
            )
        policies[policy.id] = policy
    return PolicySet(policies.values())
