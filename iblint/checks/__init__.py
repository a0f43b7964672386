"""Rule implementations, one module per rule family. Each registers itself with
:func:`iblint.registry.rule`; a check reads the normalised resource and yields problems."""
