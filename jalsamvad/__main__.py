"""`python -m jalsamvad` is the `jalsamvad` command."""

from jalsamvad.cli import main

main()
