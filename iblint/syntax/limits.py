"""Limits that keep hostile or accidental input from hanging or crashing a run."""

from __future__ import annotations

#: Files larger than this are not parsed (a generated CDK template is rarely over 2 MiB).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Mapping and list nesting deeper than this is refused (real definitions stay under 30).
MAX_DEPTH = 200
#: Nodes a document may have once aliases are expanded; stops YAML alias bombs.
MAX_EXPANDED_NODES = 500_000
