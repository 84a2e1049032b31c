"""Composition root: the `jalsamvad` command wires settings, database and apps together."""
