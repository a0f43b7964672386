"""Limits that keep hostile or accidental input from hanging or crashing a run."""

from __future__ import annotations

from typing import NamedTuple

#: Files larger than this are not parsed (a generated CDK template is rarely over 2 MiB).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Mapping and list nesting deeper than this is refused (real definitions stay under 30).
MAX_DEPTH = 200
#: Nodes a document may have once aliases are expanded; stops YAML alias bombs.
MAX_EXPANDED_NODES = 500_000
#: Each syntax's own size limit, under the general one: what it costs to parse a byte differs.
#: A dense YAML flow list (``[1,1,1,...]``) of 2 MiB takes libyaml 6 s and 0.5 GiB, in one C
#: call nothing interrupts; tree-sitter needs about 600 bytes of memory per byte of a dense
#: HCL list. Real files are far smaller: CloudFormation takes templates of at most 1 MB, and
#: no Terraform file of the public modules we test against reaches 20 KiB.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_HCL_BYTES = 512 * 1024
#: Values (scalars, lists, mappings) one JSON document may hold: 1,000,000 take about 3.5 s
#: and 0.5 GiB to parse with positions. A 1 MB template holds some 50,000.
MAX_JSON_VALUES = 1_000_000
#: Separators (line breaks and commas) a YAML text may hold: a bound on its node count that
#: is known before libyaml starts.
MAX_YAML_SEPARATORS = 1_000_000


class SizeLimits(NamedTuple):
    """The size limits of one run (IB003's options): every file, then YAML and HCL text."""

    any: int = MAX_FILE_BYTES
    yaml: int = MAX_YAML_BYTES
    hcl: int = MAX_HCL_BYTES
