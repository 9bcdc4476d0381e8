"""Renderers: turn a :class:`rules.core.report.Review` into Markdown, a check run, JSON, SARIF or text.

Pure and deterministic: the same review gives the same bytes. The review arrives redacted (the
engine's boundary), every renderer redacts its output again (``rules.core.redact.redact``), and
doc-supplied text reaches GitHub Markdown or HTML only through ``rules.render.neutral``.
"""
