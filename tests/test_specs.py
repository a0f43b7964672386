"""Meta-tests: specs and implementations correspond one to one, and every spec is complete."""

from __future__ import annotations

from pathlib import Path

from iblint.registry import all_rule_ids
from iblint.specs import load_specs, rule_index

SPECS = load_specs()


def test_every_rule_has_a_spec_and_every_spec_a_rule() -> None:
    implemented = all_rule_ids()
    assert implemented == set(SPECS)


def test_names_are_unique() -> None:
    names = [spec.name for spec in SPECS.values()]
    assert len(names) == len(set(names))


def test_each_rule_has_a_bad_and_a_good_example_per_supported_format() -> None:
    for spec in SPECS.values():
        bad_formats = {example.format for example in spec.examples.bad}
        good_formats = {example.format for example in spec.examples.good}
        missing = set(spec.formats) - bad_formats
        assert not missing, f"{spec.id} has no bad example in {sorted(missing)}"
        if not spec.id.startswith("IB0"):
            missing_good = set(spec.formats) - good_formats
            assert not missing_good, f"{spec.id} has no good example in {sorted(missing_good)}"


def test_fast_index_agrees_with_validated_specs() -> None:
    index = rule_index()
    assert set(index) == set(SPECS)
    for rule_id, spec in SPECS.items():
        entry = index[rule_id]
        assert (entry.name, entry.severity, entry.summary) == (
            spec.name,
            spec.severity,
            spec.summary,
        )
        options = {name: option.model_dump() for name, option in spec.options.items()}
        assert {name: option._asdict() for name, option in entry.options.items()} == options


def test_the_generated_rule_index_is_current() -> None:
    # iblint/rule_index_data.py is what a check run reads; regenerate it with
    # python scripts/rules_table.py --write after changing a spec.
    from iblint.rule_index_data import HEADS
    from iblint.specs import read_heads

    assert read_heads() == HEADS


def test_checking_json_or_terraform_imports_no_yaml_parser(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "request.json").write_text(
        '{"name": "n", "instanceProfileName": "p", "instanceTypes": ["m5.large"]}'
    )
    code = (
        "import sys; from iblint.cli import main; main(['check', 'request.json']); "
        "print('yaml' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr
