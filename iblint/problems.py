"""Problems with the input itself (IB0xx): their kinds, and the one place their words are made.

A syntax layer, a dialect or the file reader reports what is wrong with a file through these
builders, so that "too deep" or "duplicate key" is worded once whatever the input format. The
engine turns an :class:`~iblint.model.InputProblem` into a finding of the rule its kind names.
"""

from __future__ import annotations

import enum
import stat

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


def embedded_too_large(span: Span, size: int, limit: int) -> InputProblem:
    """An AWSTOE document written inside another file, over the YAML limit: not parsed."""
    return InputProblem(
        InputProblemKind.TOO_LARGE,
        span,
        f"the embedded component document is {size:,} bytes, over the {limit:,}-byte limit for "
        "YAML; it was not checked (CreateComponent itself takes at most 16,000 characters)",
        "keep the document in S3 and give its uri, or raise the limit "
        "(--option IB003.max_yaml_bytes=N)",
    )


def embedded_too_many(span: Span, limit: int) -> InputProblem:
    """The component documents embedded in one file hold, together, more lines and commas
    than one YAML file may: the ones past that are not parsed."""
    return InputProblem(
        InputProblemKind.TOO_LARGE,
        span,
        f"the component documents embedded in this file hold more than {limit:,} lines and "
        "commas together, as much as one YAML file may; this one and any after it were not "
        "checked",
        "keep the documents in S3 and give their uris, or check the components in files of "
        "their own",
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


def cannot_read(error: OSError) -> InputProblem:
    """IB006 for a file the operating system would not let us open or read, with its reason."""
    return unreadable(f"cannot read the file: {error.strerror or error}")


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message: ``a FIFO``, ``a socket``…"""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISLNK(mode):
        return "a symbolic link, not followed"
    return "a special file"


def not_regular(mode: int) -> InputProblem:
    """IB006 for a FIFO, socket, device, directory or unfollowed link: nothing was read."""
    return unreadable(
        f"not a regular file ({_file_kind(mode)}); it was not read",
        "check regular files only: replace it with the file it stands for, or leave it out",
    )


def outside_link() -> InputProblem:
    """IB006 for a symbolic link, found while walking a directory, whose target is outside it."""
    return unreadable(
        "a symbolic link to outside the checked directory; not followed",
        "name the file it points to on the command line to check it, or replace the link "
        "with the file",
    )


def unlisted_directory(error: OSError, listing: bool = True) -> InputProblem:
    """IB006 for a directory the walk cannot list (``listing``) or cannot enter."""
    verb = "list" if listing else "enter"
    return unreadable(
        f"cannot {verb} the directory: {error.strerror or error}; nothing in it was checked",
        "check the directory's permissions",
    )


def over_budget(seconds: float) -> InputProblem:
    return InputProblem(
        InputProblemKind.OVER_BUDGET,
        Span(1, 1, 1, 1),
        f"checking this file took longer than {seconds:g} s, so it was abandoned: findings for "
        "it may be missing",
        "find what makes the file so costly (a huge generated list, deeply nested "
        "conditions), or raise the budget (--option IB007.max_seconds=N)",
    )
