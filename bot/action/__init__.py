"""``devdocs-review action``: the App's review from a GitHub Actions workflow, with the workflow's
token instead of an App installation.

Above ``bot/review/`` (which it drives exactly as the App's worker does) and beside
``bot/recovery/``: ``env`` reads the Actions environment, ``event`` turns the event payload into
what to do, ``fallback`` keeps the review going when the token may not write (fork PRs),
``report`` writes the step outputs, the job summary and workflow commands, and ``run`` puts them
together. ``bot/entry/cli.py`` calls :func:`bot.action.run.main`.
"""
