"""Tasks rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.core.rule import Rule
from rules.tasks.tsk001_no_checkboxes import NoCheckboxes
from rules.tasks.tsk002_empty_phase import EmptyPhase
from rules.tasks.tsk003_phase_status_contradicts_checkboxes import PhaseStatusContradictsCheckboxes
from rules.tasks.tsk004_open_tasks_without_estimates import OpenTasksWithoutEstimates
from rules.tasks.tsk005_vague_aggregate_estimate import VagueAggregateEstimate
from rules.tasks.tsk006_open_tasks_without_verification import OpenTasksWithoutVerification
from rules.tasks.tsk007_phases_without_dependencies import PhasesWithoutDependencies

RULES: tuple[type[Rule], ...] = (
    NoCheckboxes,
    EmptyPhase,
    PhaseStatusContradictsCheckboxes,
    OpenTasksWithoutEstimates,
    VagueAggregateEstimate,
    OpenTasksWithoutVerification,
    PhasesWithoutDependencies,
)
