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
#: Terraform plan JSON (``terraform show -json``), recognised by its first 64 KiB. A plan
#: holds each resource several times over (planned values, both sides of each change, prior
#: state, configuration): the benchmark plan (``benchmarks/generate.py``), which only creates,
#: takes 1.4 KB a resource, and a plan that changes existing resources about twice that. 64 MiB
#: is then 20,000 to 45,000 resources, past the 15,000-resource plans reported against
#: ``terraform show -json`` (https://github.com/hashicorp/terraform/issues/27974). Only its
#: Image Builder parts get nodes with positions (the rest is read by ``json.loads``): a 63 MiB
#: benchmark plan, Image Builder resources for the most part, runs into the value limit below
#: in 3.5 s and 0.75 GiB, within the hostile-input budget.
MAX_PLAN_BYTES = 64 * 1024 * 1024
#: Values (scalars, lists, mappings) one JSON document may hold: 1,000,000 take about 1.2 s
#: and 0.25 GiB to parse with positions (an 8 MB flat list). A 1 MB template holds some 50,000.
MAX_JSON_VALUES = 1_000_000
#: Separators (line breaks and commas) a YAML text may hold: a bound on its node count that
#: is known before libyaml starts.
MAX_YAML_SEPARATORS = 1_000_000


def yaml_separators(text: str) -> int:
    """The line breaks and commas of a YAML text (see :data:`MAX_YAML_SEPARATORS`)."""
    return text.count("\n") + text.count(",")


def utf8_size_over(text: str, limit: int) -> int:
    """The size of ``text`` in UTF-8 when it is over ``limit`` bytes, else 0 (a text of at
    most ``limit / 4`` characters is under it whatever they are: not encoded)."""
    if len(text) * 4 <= limit:
        return 0
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > limit else 0


class SizeLimits(NamedTuple):
    """The size limits of one run (IB003's options): every file, then YAML and HCL text, and
    the larger limit of a file whose first bytes say it is a Terraform plan."""

    any: int = MAX_FILE_BYTES
    yaml: int = MAX_YAML_BYTES
    hcl: int = MAX_HCL_BYTES
    plan: int = MAX_PLAN_BYTES
