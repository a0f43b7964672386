"""PyYAML built without libyaml (a source install without its headers) reads YAML in Python:
iblint must still import, never crash, and find what it finds with libyaml."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from iblint import check_paths, check_text
from iblint.config import Config

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
#: Texts the two parsers may take differently: a control character, a syntax error, an
#: alias, a NUL.
_ODD = [
    "\x1fparentImage: ami-1\n",
    "parentImage: [ami-1\n",
    "a: &x {parentImage: ami-1}\nc: *x\n",
    "parentImage: \x00\n",
]
_WITHOUT_LIBYAML = """
import json, sys
import yaml
yaml.__with_libyaml__ = False
for name in [name for name in dir(yaml) if name.startswith("C")]:
    delattr(yaml, name)
from iblint import check_paths, check_text
from iblint.config import Config
report = check_paths(sys.argv[1:], Config(jobs=1))
texts = json.loads(sys.stdin.read())
odd = [[f.rule_id for f in check_text(text, "t.yaml")] for text in texts]
print(json.dumps({"findings": [list(f[:6]) for f in report.findings], "odd": odd}, default=str))
"""


def test_iblint_reads_yaml_without_libyaml_as_with_it() -> None:
    roots = [str(REPO / "examples")] + ([str(CORPUS)] if CORPUS.is_dir() else [])
    completed = subprocess.run(
        [sys.executable, "-c", _WITHOUT_LIBYAML, *roots],
        input=json.dumps(_ODD),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert completed.returncode == 0, completed.stderr
    without = json.loads(completed.stdout)
    expected = [
        json.loads(json.dumps(list(finding[:6]), default=str))
        for finding in check_paths(roots, Config(jobs=1)).findings
    ]
    syntax = {"IB001"}  # the two parsers word a syntax error differently
    assert [f for f in without["findings"] if f[0] not in syntax] == [
        f for f in expected if f[0] not in syntax
    ]
    assert [f[:5] for f in without["findings"] if f[0] in syntax] == [
        f[:5] for f in expected if f[0] in syntax
    ]
    assert without["odd"] == [
        [finding.rule_id for finding in check_text(text, "t.yaml")] for text in _ODD
    ]
    assert without["odd"][:2] == [["IB001"], ["IB001"]]


@pytest.mark.parametrize("text", ["\x1fa: 1\n", "a: 1\n\x7f: 2\n"])
def test_a_character_yaml_refuses_is_a_syntax_finding(text: str) -> None:
    from iblint.syntax.yaml_tree import parse_yaml

    documents, problems = parse_yaml(text)
    assert documents == [] and [problem.kind for problem in problems] == ["IB001"]
