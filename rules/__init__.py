"""devdocs-review's functional core: document model, review rules, scoring and renderers.

Pure and synchronous: nothing under ``rules/`` performs I/O or reads the clock.
"""

ENGINE_VERSION = "0.1.0"
