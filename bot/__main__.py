"""``python -m bot`` runs the command line (same as ``devdocs-review``)."""

from bot.entry.cli import main

raise SystemExit(main())
