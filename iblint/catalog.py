"""The component catalog: what the checked files and ``--catalog`` files say about component
builds, and how a recipe's component reference resolves against it the way Image Builder
resolves it.

Two levels of evidence, kept apart:

- **build level**: GetComponent's ``component`` and ListComponentBuildVersions'
  ``componentSummaryList`` entries name one build (``…/1.2.0/2``) and carry its
  ``state.status`` and ``state.reason``;
- **version level**: ListComponents' ``componentVersionList`` entries name a version
  (``…/1.2.0``) and say nothing about its builds; the ``status`` member that current output
  carries describes the version as a whole.

A build-level state always wins for the builds it names, whatever order the documents are
read in: a version listed by ListComponents is not evidence that any build of it is ACTIVE.
A version-level entry stands in only for builds the catalog does not name, and an ACTIVE one
only for a version of which the catalog names no build at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from iblint.model import Mapping, Resource, ResourceKind, Scalar
from iblint.versions import ImageBuilderArn, Version, parse_arn

#: Statuses that keep a component out of new recipes (the API model's ComponentState doc:
#: "Components with a status of DEPRECATED or DISABLED can't be added to new recipes").
UNUSABLE = frozenset({"DEPRECATED", "DISABLED"})
#: When two documents disagree about one build or version, the worse state is kept, so the
#: result does not depend on the order the documents were read in.
_STATUS_RANK = {"DEPRECATED": 2, "DISABLED": 1}


class CatalogEntry(NamedTuple):
    """One component build (``arn.build`` set) or one whole version (``arn.build`` None).

    ``status`` is upper case, or ``None`` when the document gives none (never counted as
    deprecated).
    """

    arn: ImageBuilderArn
    status: str | None
    reason: str | None

    @property
    def is_build(self) -> bool:
        return self.arn.build is not None

    @property
    def label(self) -> str:
        label = str(self.arn.version)
        return f"{label}/{self.arn.build}" if self.arn.build is not None else label

    @property
    def is_unusable(self) -> bool:
        return self.status in UNUSABLE


_Owner = tuple[str, str, str, str, str]


class ComponentCatalog:
    def __init__(self) -> None:
        #: Build-level entries by component, then version, then build number.
        self._builds: dict[_Owner, dict[Version, dict[int, CatalogEntry]]] = {}
        #: Version-level entries by component, then version.
        self._versions: dict[_Owner, dict[Version, CatalogEntry]] = {}

    def __len__(self) -> int:
        builds = sum(
            len(by_build) for owner in self._builds.values() for by_build in owner.values()
        )
        return builds + sum(map(len, self._versions.values()))

    def add_resources(self, resources: Iterable[Resource]) -> None:
        for resource in resources:
            if resource.kind is ResourceKind.COMPONENT_CATALOG_ENTRY:
                self.add_entry(resource.body)

    def add_entry(self, body: Mapping) -> None:
        arn_node = body.get("arn")
        if not isinstance(arn_node, Scalar) or not isinstance(arn_node.value, str):
            return
        try:
            arn = parse_arn(arn_node.value, ("component",))
        except ValueError:  # VersionError, or a build number too long for int()
            return
        if arn.version is None or not arn.version.is_exact:
            return  # ListComponents --by-name lists names, not versions
        status, reason = _state(body)
        entry = CatalogEntry(arn, status, reason)
        if arn.build is not None:
            builds = self._builds.setdefault(arn.owner_key, {}).setdefault(arn.version, {})
            builds[arn.build] = _worse(builds.get(arn.build), entry)
        else:
            versions = self._versions.setdefault(arn.owner_key, {})
            versions[arn.version] = _worse(versions.get(arn.version), entry)

    def resolve(self, reference: ImageBuilderArn) -> list[CatalogEntry]:
        """The catalog entries a component reference may resolve to, oldest first.

        A build-version ARN names one build; a version ARN every build of that version; a
        wildcard every build of every matching version. For each matching version, the builds
        the catalog names at build level are the answer; only where it names none of the
        builds the reference means does the version-level entry (ListComponents) stand in,
        and an ACTIVE version-level entry only when the catalog names no build of that
        version at all.
        """
        pattern = reference.version
        if pattern is None:
            return []
        known_builds = self._builds.get(reference.owner_key, {})
        versions = self._versions.get(reference.owner_key, {})
        if pattern.is_exact:  # one dictionary lookup, not a scan
            matching = [pattern] if pattern in known_builds or pattern in versions else []
        else:
            matching = [v for v in known_builds.keys() | versions.keys() if pattern.matches(v)]
        matched: list[CatalogEntry] = []
        for version in matching:
            builds = known_builds.get(version, {})
            if reference.build is None:
                named = list(builds.values())
            else:
                build = builds.get(reference.build)
                named = [build] if build is not None else []
            if named:
                matched.extend(named)
                continue
            stand_in = versions.get(version)
            if stand_in is None or stand_in.status is None:
                continue
            if builds and not stand_in.is_unusable:
                continue  # "version 1.2.0 is ACTIVE" does not say which of its builds is
            matched.append(stand_in)
        return sorted(matched, key=_order)


def _order(entry: CatalogEntry) -> tuple[tuple[int | None, ...], int]:
    version = entry.arn.version
    return (
        version.nodes if version is not None else (),
        -1 if entry.arn.build is None else entry.arn.build,
    )


def _worse(known: CatalogEntry | None, new: CatalogEntry) -> CatalogEntry:
    """Of two entries for the same build or version, the one with the worse state (then the
    one with a reason, then the greater reason): the same whichever came first."""
    if known is None:
        return new
    return max(known, new, key=_severity)


def _severity(entry: CatalogEntry) -> tuple[int, str, bool, str]:
    status = entry.status or ""
    return (_STATUS_RANK.get(status, 0), status, entry.reason is not None, entry.reason or "")


def _state(body: Mapping) -> tuple[str | None, str | None]:
    """``state.status``/``state.reason`` (GetComponent, ListComponentBuildVersions), else the
    ``status`` member of a ListComponents ComponentVersion."""
    state = body.get("state")
    if isinstance(state, Mapping):
        status_node, reason_node = state.get("status"), state.get("reason")
    else:
        status_node, reason_node = body.get("status"), None
    status = (
        status_node.value.strip().upper()
        if isinstance(status_node, Scalar) and isinstance(status_node.value, str)
        else None
    )
    reason = (
        reason_node.value
        if isinstance(reason_node, Scalar) and isinstance(reason_node.value, str)
        else None
    )
    return status or None, reason or None
