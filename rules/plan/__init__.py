"""Plan rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.core.rule import Rule
from rules.plan.pln001_missing_plan_section import MissingPlanSection
from rules.plan.pln002_phase_missing_details import PhaseMissingDetails
from rules.plan.pln003_risk_without_mitigation import RiskWithoutMitigation
from rules.plan.pln004_missing_timeline_summary import MissingTimelineSummary

RULES: tuple[type[Rule], ...] = (
    MissingPlanSection,
    PhaseMissingDetails,
    RiskWithoutMitigation,
    MissingTimelineSummary,
)
