"""`python -m reader` is the `reader` command."""

from reader.commands.cli import main

raise SystemExit(main())
