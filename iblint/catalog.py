"""The component catalog: what the checked files and ``--catalog`` files say about component
builds (GetComponent, ListComponentBuildVersions, ListComponents documents), and how a recipe's
component reference resolves against it the way Image Builder resolves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from iblint.model import Mapping, Resource, ResourceKind, Scalar
from iblint.versions import ImageBuilderArn, Version, VersionError, parse_arn

_STATUS_RANK = {"ACTIVE": 0, "DISABLED": 1, "DEPRECATED": 2}


class CatalogEntry(NamedTuple):
    """One component build (``build`` set) or one version with all its builds (``build`` None)."""

    arn: ImageBuilderArn
    status: str
    reason: str | None

    @property
    def label(self) -> str:
        label = str(self.arn.version)
        return f"{label}/{self.arn.build}" if self.arn.build is not None else label


class ComponentCatalog:
    def __init__(self) -> None:
        self._entries: dict[
            tuple[str, ...], dict[tuple[Version | None, int | None], CatalogEntry]
        ] = {}

    def __len__(self) -> int:
        return sum(len(builds) for builds in self._entries.values())

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
        except VersionError:
            return
        if arn.version is None or not arn.version.is_exact:
            return
        status, reason = _status(body)
        entry = CatalogEntry(arn, status, reason)
        builds = self._entries.setdefault(arn.owner_key, {})
        key = (arn.version, arn.build)
        known = builds.get(key)
        if known is None or _STATUS_RANK.get(status, 0) > _STATUS_RANK.get(known.status, 0):
            builds[key] = entry

    def resolve(self, reference: ImageBuilderArn) -> list[CatalogEntry]:
        """The catalog entries a component reference may resolve to.

        A build-version ARN names one build; a version ARN every build of that version; a
        wildcard every matching version. An entry that covers a whole version (from
        ListComponents) stands for each of its builds.
        """
        builds = self._entries.get(reference.owner_key)
        if not builds or reference.version is None:
            return []
        matched = []
        for (version, build), entry in builds.items():
            assert version is not None
            if not reference.version.matches(version):
                continue
            if reference.build is not None and build is not None and build != reference.build:
                continue
            matched.append(entry)
        return sorted(
            matched, key=lambda e: (e.arn.version.nodes if e.arn.version else (), e.arn.build or 0)
        )


def _status(body: Mapping) -> tuple[str, str | None]:
    state = body.get("state")
    status_node = state.get("status") if isinstance(state, Mapping) else body.get("status")
    reason_node = state.get("reason") if isinstance(state, Mapping) else None
    status = (
        status_node.value.upper()
        if isinstance(status_node, Scalar) and isinstance(status_node.value, str)
        else "ACTIVE"
    )
    reason = (
        reason_node.value
        if isinstance(reason_node, Scalar) and isinstance(reason_node.value, str)
        else None
    )
    return status, reason
