"""Re-export of rules/core/phases.py, where the phase queries moved so that every family can share them."""

from __future__ import annotations

from rules.core.phases import (
    MENTION_RE,
    PHASE_ID,
    SET_ASIDE,
    Phase,
    ancestors,
    enclosing,
    in_criteria_section,
    is_deferred_phase,
    is_open,
    is_open_task,
    is_phase_tracker,
    is_set_aside,
    mentioned_phases,
    normalise,
    parent_items,
    phases,
    section_key,
    section_status,
    short,
)

__all__ = [
    "MENTION_RE",
    "PHASE_ID",
    "SET_ASIDE",
    "Phase",
    "ancestors",
    "enclosing",
    "in_criteria_section",
    "is_deferred_phase",
    "is_open",
    "is_open_task",
    "is_phase_tracker",
    "is_set_aside",
    "mentioned_phases",
    "normalise",
    "parent_items",
    "phases",
    "section_key",
    "section_status",
    "short",
]
