"""The errors the library raises on purpose, all under :class:`IblintError`.

A problem in a checked file is never one of these: it is a finding. These are the problems of
the run itself: a configuration value that cannot be used (:class:`ConfigError`), a
``--catalog`` file that holds no catalog (``iblint.engine.CatalogError``). The command line turns
each into a one-line message and exit code 2.
"""

from __future__ import annotations


class IblintError(Exception):
    """Base class of the errors iblint raises on purpose; its message is meant for the user."""


class ConfigError(IblintError):
    """A configuration value that cannot be used: an unknown rule or option, a value of the
    wrong type or out of its bounds, a configuration file that cannot be read or parsed."""


class PolicyError(ConfigError):
    """A user's policy that cannot be used (``iblint.policies``): a file that cannot be read or
    parsed, an unknown key, a bad ID, an expression that does not compile, a path with bad
    syntax. The message starts with the file and line."""
