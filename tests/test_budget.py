"""The per-file time budget (IB007): a file over it is reported and the run goes on."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.budget import OverBudget, file_budget
from iblint.config import Config
from tests.documents import API_INFRA_BAD


def test_the_budget_interrupts_work_that_runs_past_it() -> None:
    with pytest.raises(OverBudget), file_budget(0.05):
        while True:
            pass


def test_work_within_the_budget_is_not_interrupted() -> None:
    with file_budget(5):
        total = sum(range(1000))
    assert total == 499500


def test_a_timer_the_caller_set_survives_the_budget() -> None:
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with file_budget(5):
            pass
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.2
        deadline = time.monotonic() + 5
        while not fired and time.monotonic() < deadline:
            time.sleep(0.01)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_abandoned_file_is_reported_and_the_next_file_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.json").write_text(API_INFRA_BAD)
    (tmp_path / "b.json").write_text(API_INFRA_BAD)
    import iblint.engine

    real_load = iblint.engine._load

    def slow_for_a(source, max_bytes, cache):  # type: ignore[no-untyped-def]
        if source.display == "a.json":
            while True:
                pass
        return real_load(source, max_bytes, cache)

    monkeypatch.setattr(iblint.engine, "_load", slow_for_a)
    config = Config.build(options={"IB007": {"max_seconds": 0.2}})
    report = check_paths([str(tmp_path)], config, root=tmp_path)
    assert [(f.rule_id, f.path) for f in report.findings if f.rule_id == "IB007"] == [
        ("IB007", "a.json")
    ]
    assert any(f.path == "b.json" and f.rule_id == "IB101" for f in report.findings)
    assert report.files_checked == 2
