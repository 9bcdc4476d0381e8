"""Renderers: turn a :class:`rules.core.report.Review` into Markdown, a check run, JSON, SARIF or text.

Pure and deterministic: the same review gives the same bytes. Every renderer redacts secrets
(``rules.core.redact.redact``) in what it emits.
"""
