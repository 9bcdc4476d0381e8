"""Entry points: the command line, the App's ASGI factory and lifespan, and the processes.

``cli`` (``devdocs-review check|rules|explain|schema|serve|worker``), ``settings`` (every
``DEVDOCS_*`` variable, read once here and passed down), ``app`` (``create_app``: webhook route,
probes, and the embedded worker and recovery in its lifespan), ``wiring`` (the review actions the
routes call, the worker's job handler) and ``server`` (``serve`` under uvicorn, ``run_worker``).
The only layer that knows every other.
"""
