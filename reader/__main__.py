"""`python -m reader` is the `reader` command."""

from .cli import main

raise SystemExit(main())
