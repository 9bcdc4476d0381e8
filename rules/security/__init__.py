"""Security rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.core.rule import Rule
from rules.security.sec001_secret_in_doc import SecretInDoc
from rules.security.sec002_infrastructure_exposure import InfrastructureExposure

RULES: tuple[type[Rule], ...] = (SecretInDoc, InfrastructureExposure)
