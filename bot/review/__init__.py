"""The review of a pull request, from its files to the published comment and check run.

Start at ``flow.py`` (snapshot → review → publish, top-down); it calls ``checks`` (our check
run's lifecycle), ``config`` (the base commit's configuration; ``configfile`` parses one),
``snapshot`` (tree and blobs → the engine's input), ``sticky`` and ``state`` (the comment and the
hidden state in it), ``publish`` and ``failure``. Around it: ``rerun`` (re-runs by commit SHA),
``commands`` (``/review`` in a PR comment; ``syntax`` reads one) and ``approvals`` (what an
approval or waiver binds to, and recording it). ``context`` is what every review shares;
``local`` reads a checkout for the CLI. Nothing here knows the App's queue or webhooks.
"""
