"""devdocs-review's imperative shell: CLI, GitHub I/O, webhook server, queue and workers."""
