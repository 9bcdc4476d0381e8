"""Structure rules (files, naming, lifecycle, encoding), waivers and links.

`RULES` lists them in order; rules/registry.py concatenates every category.
"""

from __future__ import annotations

from rules.core.rule import Rule
from rules.structure.lnk001_broken_relative_link import BrokenRelativeLink
from rules.structure.lnk002_broken_path_reference import BrokenPathReference
from rules.structure.lnk003_personal_home_path import PersonalHomePath
from rules.structure.lnk004_stale_own_folder_path import StaleOwnFolderPath
from rules.structure.lnk005_existing_file_marked_to_create import ExistingFileMarkedToCreate
from rules.structure.str001_missing_plan_file import MissingPlanFile
from rules.structure.str002_missing_context_file import MissingContextFile
from rules.structure.str003_missing_tasks_file import MissingTasksFile
from rules.structure.str004_inconsistent_file_naming import InconsistentFileNaming
from rules.structure.str005_loose_files_at_root import LooseFilesAtRoot
from rules.structure.str006_finished_task_still_active import FinishedTaskStillActive
from rules.structure.str007_unreadable_file import UnreadableFile
from rules.structure.str008_file_not_utf8 import FileNotUtf8
from rules.structure.str009_duplicate_role_file import DuplicateRoleFile
from rules.structure.str010_empty_document import EmptyDocument
from rules.structure.str011_unreadable_folder import UnreadableFolder
from rules.structure.wvr001_invalid_waiver import InvalidWaiver

RULES: tuple[type[Rule], ...] = (
    MissingPlanFile,
    MissingContextFile,
    MissingTasksFile,
    InconsistentFileNaming,
    LooseFilesAtRoot,
    FinishedTaskStillActive,
    UnreadableFile,
    FileNotUtf8,
    DuplicateRoleFile,
    EmptyDocument,
    UnreadableFolder,
    InvalidWaiver,
    BrokenRelativeLink,
    BrokenPathReference,
    PersonalHomePath,
    StaleOwnFolderPath,
    ExistingFileMarkedToCreate,
)
