"""Story rules (DOC…): a task folder read as one story — plan, context and tasks together.

Each rule here looks across the files of a task (status coherence, numbers that must add up, stale
narrative, coverage, duplication, freshness) rather than at one file's sections. `RULES` lists them
in order; rules/registry.py concatenates every family.
"""

from __future__ import annotations

from rules.core.rule import Rule
from rules.story.doc001_status_disagrees_across_files import StatusDisagreesAcrossFiles
from rules.story.doc002_file_contradicts_its_own_status import FileContradictsItsOwnStatus
from rules.story.doc003_status_line_contradicts_substeps import StatusLineContradictsSubsteps
from rules.story.doc004_finished_with_open_criteria import FinishedWithOpenCriteria
from rules.story.doc005_no_blockers_contradicted import NoBlockersContradicted
from rules.story.doc006_handoff_describes_open_work import HandoffDescribesOpenWork
from rules.story.doc007_criteria_met_while_work_open import CriteriaMetWhileWorkOpen
from rules.story.doc008_works_claim_while_untested import WorksClaimWhileUntested
from rules.story.doc010_superseded_snapshot import SupersededSnapshot
from rules.story.doc011_past_date_in_future_tense import PastDateInFutureTense
from rules.story.doc012_creation_stamp_outdated import CreationStampOutdated
from rules.story.doc013_undated_plan_or_tasks import UndatedPlanOrTasks
from rules.story.doc014_task_naming_convention_unused import TaskNamingConventionUnused
from rules.story.doc015_doc_volume_out_of_proportion import DocVolumeOutOfProportion
from rules.story.doc016_unfilled_log_entry import UnfilledLogEntry
from rules.story.doc017_conflicting_last_updated_stamps import ConflictingLastUpdatedStamps
from rules.story.doc018_next_step_already_done import NextStepAlreadyDone
from rules.story.doc019_dev_docs_still_being_written import DevDocsStillBeingWritten
from rules.story.doc020_number_claim_contradicts_itself import NumberClaimContradictsItself
from rules.story.doc021_announced_count_mismatch import AnnouncedCountMismatch
from rules.story.doc022_total_not_sum_of_parts import TotalNotSumOfParts
from rules.story.doc023_same_figure_differs_across_files import SameFigureDiffersAcrossFiles
from rules.story.doc024_phase_figures_contradict_checklist import PhaseFiguresContradictChecklist
from rules.story.doc030_phase_number_means_different_work import PhaseNumberMeansDifferentWork
from rules.story.doc031_follow_up_never_tracked import FollowUpNeverTracked
from rules.story.doc032_complete_with_open_verification import CompleteWithOpenVerification
from rules.story.doc033_large_change_without_test_task import LargeChangeWithoutTestTask
from rules.story.doc034_deferred_work_left_behind import DeferredWorkLeftBehind
from rules.story.doc035_success_target_never_measured import SuccessTargetNeverMeasured
from rules.story.doc036_mitigation_never_tasked import MitigationNeverTasked
from rules.story.doc037_coverage_target_without_test_task import CoverageTargetWithoutTestTask
from rules.story.doc038_coverage_claim_without_measurement import CoverageClaimWithoutMeasurement
from rules.story.doc040_duplicated_content import DuplicatedContent
from rules.story.doc041_last_updated_on_some_files_only import LastUpdatedOnSomeFilesOnly
from rules.story.doc042_planned_check_never_tasked import PlannedCheckNeverTasked
from rules.story.doc043_changed_file_without_task import ChangedFileWithoutTask
from rules.story.doc044_planned_step_never_tasked import PlannedStepNeverTasked
from rules.story.doc045_finished_without_verification import FinishedWithoutVerification
from rules.story.doc046_open_box_marked_done_elsewhere import OpenBoxMarkedDoneElsewhere
from rules.story.doc047_starting_figure_differs import StartingFigureDiffers
from rules.story.doc048_current_focus_already_done import CurrentFocusAlreadyDone
from rules.story.doc049_line_ranges_overlap import LineRangesOverlap
from rules.story.doc050_target_passed_without_figure import TargetPassedWithoutFigure
from rules.story.doc051_checked_only_by_build_or_lint import CheckedOnlyByBuildOrLint
from rules.story.doc052_log_entries_out_of_order import LogEntriesOutOfOrder
from rules.story.doc053_archived_with_open_work import ArchivedWithOpenWork
from rules.story.doc054_open_status_in_finished_work import OpenStatusInFinishedWork
from rules.story.doc055_known_failures_untracked import KnownFailuresUntracked
from rules.story.doc056_phase_count_differs import PhaseCountDiffers
from rules.story.doc057_checked_only_by_hand import CheckedOnlyByHand
from rules.story.doc058_last_updated_behind_own_log import LastUpdatedBehindOwnLog
from rules.story.doc059_relative_time_reference import RelativeTimeReference
from rules.story.doc060_placeholder_left_in_record import PlaceholderLeftInRecord
from rules.story.doc061_unfilled_template_section import UnfilledTemplateSection
from rules.story.doc062_finished_with_open_checklist import FinishedWithOpenChecklist
from rules.story.doc063_progress_figures_disagree import ProgressFiguresDisagree

RULES: tuple[type[Rule], ...] = (
    StatusDisagreesAcrossFiles,
    FileContradictsItsOwnStatus,
    StatusLineContradictsSubsteps,
    FinishedWithOpenCriteria,
    NoBlockersContradicted,
    HandoffDescribesOpenWork,
    CriteriaMetWhileWorkOpen,
    WorksClaimWhileUntested,
    SupersededSnapshot,
    PastDateInFutureTense,
    CreationStampOutdated,
    UndatedPlanOrTasks,
    TaskNamingConventionUnused,
    DocVolumeOutOfProportion,
    UnfilledLogEntry,
    ConflictingLastUpdatedStamps,
    NextStepAlreadyDone,
    DevDocsStillBeingWritten,
    NumberClaimContradictsItself,
    AnnouncedCountMismatch,
    TotalNotSumOfParts,
    SameFigureDiffersAcrossFiles,
    PhaseFiguresContradictChecklist,
    PhaseNumberMeansDifferentWork,
    FollowUpNeverTracked,
    CompleteWithOpenVerification,
    LargeChangeWithoutTestTask,
    DeferredWorkLeftBehind,
    SuccessTargetNeverMeasured,
    MitigationNeverTasked,
    CoverageTargetWithoutTestTask,
    CoverageClaimWithoutMeasurement,
    DuplicatedContent,
    LastUpdatedOnSomeFilesOnly,
    PlannedCheckNeverTasked,
    ChangedFileWithoutTask,
    PlannedStepNeverTasked,
    FinishedWithoutVerification,
    OpenBoxMarkedDoneElsewhere,
    StartingFigureDiffers,
    CurrentFocusAlreadyDone,
    LineRangesOverlap,
    TargetPassedWithoutFigure,
    CheckedOnlyByBuildOrLint,
    LogEntriesOutOfOrder,
    ArchivedWithOpenWork,
    OpenStatusInFinishedWork,
    KnownFailuresUntracked,
    PhaseCountDiffers,
    CheckedOnlyByHand,
    LastUpdatedBehindOwnLog,
    RelativeTimeReference,
    PlaceholderLeftInRecord,
    UnfilledTemplateSection,
    FinishedWithOpenChecklist,
    ProgressFiguresDisagree,
)
