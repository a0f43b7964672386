"""Problems with the input itself (IB0xx): their kinds, and the one place their words are made.

A syntax layer, a dialect or the file reader reports what is wrong with a file through these
builders, so that "too deep" or "duplicate key" is worded once whatever the input format. The
engine turns an :class:`~iblint.model.InputProblem` into a finding of the rule its kind names.
"""

from __future__ import annotations

import enum

from iblint.model import InputProblem, Span
from iblint.syntax.limits import MAX_DEPTH, MAX_EXPANDED_NODES


class InputProblemKind(enum.StrEnum):
    """What is wrong with a file; each value is the ID of the rule that reports it (a
    ``StrEnum``, so a kind equals its rule ID: ``InputProblemKind.UNREADABLE == "IB006"``)."""

    INVALID_SYNTAX = "IB001"
    DUPLICATE_KEY = "IB002"
    TOO_LARGE = "IB003"
    TOO_DEEP = "IB004"
    ALIAS_BOMB = "IB005"
    UNREADABLE = "IB006"
    OVER_BUDGET = "IB007"

    @property
    def rule_id(self) -> str:
        return self.value


def _point(span: Span) -> Span:
    return Span(span.start_line, span.start_col, span.start_line, span.start_col + 1)


def invalid_syntax(span: Span, language: str, what: str, fix: str | None = None) -> InputProblem:
    """``language`` is YAML, JSON or HCL; ``what`` says what the parser found wrong."""
    return InputProblem(
        InputProblemKind.INVALID_SYNTAX,
        _point(span),
        f"invalid {language}: {what or 'cannot parse'}",
        fix or f"fix the {language} syntax at this position",
    )


def duplicate_key(span: Span, what: str, first: Span, consequence: str) -> InputProblem:
    """``what`` names the repeated thing (``key 'Name'``, ``argument 'name'``); ``consequence``
    says what the tool that reads the file makes of it."""
    return InputProblem(
        InputProblemKind.DUPLICATE_KEY,
        span,
        f"duplicate {what} (first at {first.start_line}:{first.start_col}); {consequence}",
        "remove one of the two, keeping the value you mean",
    )


def too_large(size: int, limit: int, option: str = "max_bytes") -> InputProblem:
    """``option`` is the IB003 option that sets ``limit`` (``max_plan_bytes`` for a plan)."""
    return InputProblem(
        InputProblemKind.TOO_LARGE,
        Span(1, 1, 1, 1),
        f"the file is {size:,} bytes, over the {limit:,}-byte limit; it was not checked",
        f"split the definition into smaller files, or raise the limit (--option IB003.{option}=N)",
    )


def too_many_values(limit: int, language: str) -> InputProblem:
    return InputProblem(
        InputProblemKind.TOO_LARGE,
        Span(1, 1, 1, 1),
        f"the file holds more than {limit:,} {language} values or lines; it was not checked",
        "split the definition into smaller files: no Image Builder definition comes near this",
    )


def too_large_for(size: int, limit: int, language: str) -> InputProblem:
    return InputProblem(
        InputProblemKind.TOO_LARGE,
        Span(1, 1, 1, 1),
        f"the file is {size:,} bytes, over the {limit:,}-byte limit for {language}; it was not "
        "checked",
        f"split the definition into smaller files, or raise the limit "
        f"(--option IB003.max_{language.lower()}_bytes=N)",
    )


def too_deep(span: Span, what: str = "document") -> InputProblem:
    return InputProblem(
        InputProblemKind.TOO_DEEP,
        span,
        f"nesting deeper than {MAX_DEPTH} levels; the {what} was not checked",
        "flatten it: no Image Builder definition nests this deep",
    )


def alias_bomb(span: Span, limit: int = MAX_EXPANDED_NODES) -> InputProblem:
    return InputProblem(
        InputProblemKind.ALIAS_BOMB,
        span,
        f"aliases expand this document to more than {limit:,} nodes (an alias bomb?); "
        "it was not checked",
        "expand the aliases by hand or split the document",
    )


def unreadable(
    message: str, fix: str = "check the path and its permissions", span: Span | None = None
) -> InputProblem:
    return InputProblem(InputProblemKind.UNREADABLE, span or Span(1, 1, 1, 1), message, fix)


def over_budget(seconds: float) -> InputProblem:
    return InputProblem(
        InputProblemKind.OVER_BUDGET,
        Span(1, 1, 1, 1),
        f"checking this file took longer than {seconds:g} s, so it was abandoned: findings for "
        "it may be missing",
        "find what makes the file so costly (a huge generated list, deeply nested "
        "conditions), or raise the budget (--option IB007.max_seconds=N)",
    )
