"""Find planning tasks in a snapshot of a repository and give each file its role.

A task is a folder directly under a doc root (``dev/active/<task>/``), or loose files at the root
grouped by their common prefix (``magic-inbox-context.md`` + ``magic-inbox-tasks.md``).

A loose-only root (``dev``) holds tasks only as loose files directly in it
(``dev/job-search-plan.md`` + ``dev/job-search-tasks.md``); its folders are not tasks
(``dev/scripts/``; ``dev/active`` is a root of its own). Only the plan, context and tasks files
count, grouped by prefix: a group needs a prefix or two different roles, and a file alone needs
the word plan, context or tasks (``dev/README.md``, ``dev/notes.md``, ``dev/todo.md``,
``dev/release-checklist.md`` are not tasks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rules.core.model import Document, Role, TaskDocs
from rules.core.parse import parse_document
from rules.core.vocabulary import ARCHIVE_FOLDER_NAMES

DEFAULT_ACTIVE_ROOTS = ("dev/active",)
DEFAULT_ARCHIVE_ROOTS = ("dev/archive", "dev/archived", "dev/completed", "dev/complete", "dev/done")
DEFAULT_LOOSE_ROOTS = ("dev",)
UNNAMED = "(unnamed)"  # the task of loose files without a prefix (``PLAN.md``)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx")

_ROLE_WORDS: dict[str, Role] = {
    "plan": Role.PLAN,
    "context": Role.CONTEXT,
    "tasks": Role.TASKS,
    "task": Role.TASKS,
    "checklist": Role.TASKS,
    "todo": Role.TASKS,
    "todos": Role.TASKS,
    # the same three files named in the team's own language (Polish, German, French, Spanish, Portuguese)
    "kontekst": Role.CONTEXT,
    "kontext": Role.CONTEXT,
    "contexte": Role.CONTEXT,
    "contexto": Role.CONTEXT,
    "zadania": Role.TASKS,
    "aufgaben": Role.TASKS,
    "taches": Role.TASKS,
    "tâches": Role.TASKS,
    "tareas": Role.TASKS,
    "tarefas": Role.TASKS,
}
# A file that plays a role only when the folder has no file named for it: ``implementation.md`` (or
# ``<task>-implementation.md``) beside a requirements note is the folder's plan; beside a
# ``<task>-plan.md`` it is supporting material, and not a second plan; so is a ``PROPOSAL.md`` (the
# plan of a spec-style folder). A ``STATUS.md``, ``PROGRESS.md`` or ``03-implementation-notes.md`` (the
# running notes of a numbered ``00-overview`` … ``05-pitfalls`` bundle) holds the living state of a folder
# that has no context file; so does a ``log.md`` (the session log beside ``plan.md`` and ``tasks.md`` of
# a ``.legion/tasks/<task>`` folder), but not a log of another role's file (``todo-log.md``).
_FALLBACK_ROLE_WORDS: dict[str, Role] = {"implementation": Role.PLAN, "proposal": Role.PLAN,
                                         "status": Role.CONTEXT, "progress": Role.CONTEXT, "notes": Role.CONTEXT,
                                         "log": Role.CONTEXT}
# The context kept as a running log (``<task>-context-log.md``, the AA-MA layout's living-state file)
# is the context: the log is how it keeps the state, and "context" names its role.
_LOG_WORDS = frozenset({"log"})
_SPLIT_RE = re.compile(r"[-_.\s]+")
_VERSION_RE = re.compile(r"v\d+|rev\d+")  # "plan-v1-01.md": the plan's first version, revision 01
_LIST_WORDS = frozenset({"task", "checklist", "todo", "todos"})  # a lone list in a loose-only root is no task


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the engine reviews: file contents by repo-relative path, and what could not be read.

    ``files`` holds only the files the engine needs (planning docs); ``paths`` lists every path
    in the repository (for link checks). ``unreadable`` maps a path to a reason given by the
    shell (a symlink leaving the repo, a permission error, a fetch that failed); the path may be
    a doc root or a folder under one (a symlinked folder the shell did not follow).
    """

    files: Mapping[str, bytes]
    paths: frozenset[str] = field(default_factory=frozenset)
    unreadable: Mapping[str, str] = field(default_factory=dict)
    has_tree: bool = True

    def all_paths(self) -> frozenset[str]:
        return self.paths | frozenset(self.files) | frozenset(self.unreadable)


def role_of(filename: str) -> tuple[Role, str]:
    """``auth-plan.md`` → (PLAN, "auth"); ``TASK_NAME_CONTEXT.md`` → (CONTEXT, "task-name"); a version
    after the role word is not part of the name: ``plan-v2.md``, ``auth-plan-v1-01.md`` → PLAN."""
    words = _words(filename)
    end = len(words)
    while end > 1 and words[end - 1].isdigit():
        end -= 1
    if end > 1 and _VERSION_RE.fullmatch(words[end - 1]) and words[end - 2] in _ROLE_WORDS:
        words = words[:end - 1]  # "plan-v1-01": a version (and its revision), not "task-1", a numbered note
    if len(words) > 1 and words[-1] in _LOG_WORDS and _ROLE_WORDS.get(words[-2]) is Role.CONTEXT:
        words = words[:-1]  # "context-log": the context, kept as a log
    if not words:
        return Role.EXTRA, ""
    role = _ROLE_WORDS.get(words[-1], Role.EXTRA)
    prefix = "-".join(words[:-1] if role is not Role.EXTRA else words)
    return role, prefix


def _words(filename: str) -> list[str]:
    stem = filename.rsplit("/", 1)[-1]
    for suffix in MARKDOWN_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return [w for w in _SPLIT_RE.split(stem.lower()) if w]


@dataclass(frozen=True, slots=True)
class DocRoots:
    """Where planning docs live, for the shell deciding which paths to read and which tasks a
    change touches: *folders* (active and archive roots: every file under one belongs to a task)
    and *loose* (loose-only roots: only the plan, context and tasks files directly in one do)."""

    folders: tuple[str, ...]
    loose: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        folders = tuple(r.strip("/") for r in self.folders)
        object.__setattr__(self, "folders", folders)
        object.__setattr__(self, "loose", loose_roots_apart(self.loose, folders))

    def task_of(self, path: str) -> str | None:
        """The task *path* belongs to: ``<root>/<folder>``, a loose ``<root>/<prefix>`` group, or None."""
        for root in self.folders:
            prefix = root + "/"
            if not path.startswith(prefix):
                continue
            rest = path[len(prefix):]
            if "/" in rest:
                return prefix + rest.split("/", 1)[0]
            return _loose_task(root, rest) if is_markdown(path) else None
        return loose_task_of(path, self.loose)

    def under(self, path: str) -> bool:
        """Whether *path* is under a folder root, or a planning doc directly in a loose-only root."""
        return path.startswith(tuple(r + "/" for r in self.folders)) or loose_task_of(path, self.loose) is not None

    def holds_doc(self, path: str) -> bool:
        """Whether the engine reads *path*: a Markdown file :meth:`under` the roots."""
        return is_markdown(path) and self.under(path)


def loose_task_of(path: str, loose_roots: Iterable[str]) -> str | None:
    """The task of a planning doc directly in a loose-only root (``dev/job-search-plan.md`` →
    ``dev/job-search``); None for anything else (``dev/README.md``, ``dev/scripts/x-plan.md``)."""
    folder, _, name = path.rpartition("/")
    if folder not in {r.strip("/") for r in loose_roots} or not is_markdown(name):
        return None
    return _loose_task(folder, name)


def _loose_task(root: str, name: str) -> str | None:
    role, stem = role_of(name)
    return None if role is Role.EXTRA else f"{root}/{stem or UNNAMED}"


def loose_roots_apart(loose: Iterable[str], folders: Iterable[str]) -> tuple[str, ...]:
    """The loose-only roots that are neither a folder root nor inside one (there the folder root
    already finds the loose files)."""
    tops = tuple(f.strip("/") for f in folders)
    return tuple(r for r in (r.strip("/") for r in loose)
                 if not any(r == top or r.startswith(top + "/") for top in tops))


_ROOT_NAMES = frozenset({"active", *ARCHIVE_FOLDER_NAMES})
_VENDORED = frozenset({"node_modules", "vendor", "third_party", ".venv", "venv", "site-packages"})


def roots_elsewhere(paths: Iterable[str], known: Iterable[str], *, loose: Iterable[str] = (),
                    most: int = 3) -> tuple[str, ...]:
    """Where a team that reviews nothing under the configured roots keeps its docs: folders named
    ``active``, or for finished work (``completed``, ``archive``, ``done``: see
    :data:`~rules.core.vocabulary.ARCHIVE_FOLDER_NAMES`), that hold task folders with plan, context
    or tasks files (``.claude/dev-docs/active/auth/auth-plan.md``) or such files directly
    (``.claude/dev/active/auth-context.md``); and the parent of any other folder whose files play two
    roles or more (``docs/tasks/task-021/plan.md`` + ``context.md``: ``docs/tasks``; a ``progress.md`` or
    ``log.md`` beside a file named for a role plays the context, as in a task folder), or that folder
    itself when its files are a task's, named by their prefix (``.claude/dev-docs/cleanup-plan.md`` +
    ``cleanup-tasks.md``). *known*: the roots whose whole tree is reviewed; *loose*: the loose-only
    roots, which hold their own files but not the folders under them. At most *most*, by how many
    files they hold."""
    taken = tuple(r.strip("/") + "/" for r in known)
    exact = {r.strip("/") for r in loose}  # a loose-only root holds its files, not the folders under it

    def outside(folder: str) -> bool:
        return bool(folder) and not (folder + "/").startswith(taken) and folder not in exact

    counts: dict[str, int] = {}
    roles: dict[str, set[Role]] = {}  # folder -> the roles its files play
    prefixes: dict[str, set[str]] = {}  # folder -> the prefixes of those files
    named: set[str] = set()  # folders holding a file named for its role
    for path in paths:
        parts = path.split("/")
        if not is_markdown(path) or _VENDORED.intersection(parts):
            continue
        folder = path.rsplit("/", 1)[0] if len(parts) >= 2 else ""
        role, prefix = role_of(path)
        if role is Role.EXTRA:
            # progress.md beside task_plan.md: the context of a task folder, unprefixed as plan.md is
            if folder and (fallback := _fallback_role(path)) is not None:
                roles.setdefault(folder, set()).add(fallback)
                prefixes.setdefault(folder, set()).add("")
            continue
        if folder:
            named.add(folder)
        if len(parts) >= 3 and parts[-3].lower() in _ROOT_NAMES:
            root = "/".join(parts[:-2])  # <root>/<task>/<file>
        elif folder and parts[-2].lower() in _ROOT_NAMES:
            root = folder  # <root>/<file>: a loose task file
        else:
            if folder:
                roles.setdefault(folder, set()).add(role)
                prefixes.setdefault(folder, set()).add(prefix)
            continue
        if outside(root):
            counts[root] = counts.get(root, 0) + 1
    for folder, played in roles.items():
        if len(played) < 2 or folder not in named or not outside(folder):
            continue
        name = "-".join(_words(folder.rsplit("/", 1)[-1]))  # as role_of names a prefix: payment_photo -> payment-photo
        loose_files = all(p and p != name for p in prefixes[folder])  # "code-cleanup-plan.md" in ".claude/dev-docs"
        # a task folder's parent; a folder at the top holds its task's files itself (planning/task_plan.md)
        root = folder if loose_files or "/" not in folder else folder.rsplit("/", 1)[0]
        if outside(root):
            counts[root] = counts.get(root, 0) + len(played)  # a task folder's parent, or a folder of loose tasks
    return tuple(sorted(counts, key=lambda r: (-counts[r], r))[:most])


def is_archive_root(root: str) -> bool:
    """A root named for finished work: ``.claude/dev/completed``, ``docs/archive``."""
    return root.rstrip("/").rsplit("/", 1)[-1].lower() in ARCHIVE_FOLDER_NAMES


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN_SUFFIXES)


def decode(data: bytes, *, max_bytes: int) -> tuple[str | None, tuple[str, ...]]:
    """Bytes → text. Returns (None, reason) for files that cannot be reviewed at all."""
    if len(data) > max_bytes:
        return None, (f"file is {_size(len(data))}, over the {_size(max_bytes)} review limit; not reviewed",)
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, ("file is binary (it contains NUL bytes); not reviewed",)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ("file is UTF-16; save it as UTF-8",)
        except UnicodeDecodeError:
            return None, ("file has a UTF-16 byte-order mark but is not valid UTF-16; not reviewed",)
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start]
        return text, (f"file is not valid UTF-8 (byte 0x{byte:02x} on line {line}); read with replacement characters",)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def discover(
    snapshot: Snapshot,
    *,
    active_roots: Iterable[str] = DEFAULT_ACTIVE_ROOTS,
    archive_roots: Iterable[str] = DEFAULT_ARCHIVE_ROOTS,
    loose_roots: Iterable[str] = DEFAULT_LOOSE_ROOTS,
    max_bytes: int = 1_048_576,
) -> list[TaskDocs]:
    """Every task under the roots, active first (loose-only roots after the active roots), each
    sorted by path."""
    active, archive = tuple(active_roots), tuple(archive_roots)
    tasks: list[TaskDocs] = []
    for root in active:
        tasks.extend(_tasks_under(snapshot, root.strip("/"), archived=False, max_bytes=max_bytes))
    for root in loose_roots_apart(loose_roots, (*active, *archive)):
        tasks.extend(_loose_tasks_in(snapshot, root, max_bytes=max_bytes))
    for root in archive:
        tasks.extend(_tasks_under(snapshot, root.strip("/"), archived=True, max_bytes=max_bytes))
    return tasks


def _loose_tasks_in(snapshot: Snapshot, root: str, *, max_bytes: int) -> list[TaskDocs]:
    """The tasks of a loose-only root: its plan, context and tasks files grouped by prefix."""
    groups: dict[str, list[str]] = {}
    for path in sorted(set(snapshot.files) | set(snapshot.unreadable)):
        task = loose_task_of(path, (root,))
        if task is not None:
            groups.setdefault(task.rsplit("/", 1)[1], []).append(path)
    return [_build_task(snapshot, name, root, f"{root}/{name}", paths, archived=False, loose=True,
                        max_bytes=max_bytes)
            for name, paths in sorted(groups.items()) if _is_loose_task(name, paths)]


def _is_loose_task(name: str, paths: list[str]) -> bool:
    """A prefix and a file named plan/context/tasks, or two different roles (``plan.md`` +
    ``tasks.md``); never a lone ``todo.md`` or ``release-checklist.md``."""
    if len({role_of(p)[0] for p in paths}) >= 2:
        return True
    return name != UNNAMED and any(_words(p)[-1] not in _LIST_WORDS for p in paths)


def _tasks_under(snapshot: Snapshot, root: str, *, archived: bool, max_bytes: int) -> list[TaskDocs]:
    if root in snapshot.unreadable:  # the root itself could not be read: one task stands for it
        reason = snapshot.unreadable[root]
        return [TaskDocs(name=root, root=root, path=root, archived=archived, unreadable=((root, reason),),
                         all_paths=(root,))]
    prefix = root + "/"
    folders: dict[str, list[str]] = {}
    loose: list[str] = []
    candidates = sorted(p for p in (set(snapshot.files) | set(snapshot.unreadable)) if p.startswith(prefix))
    for path in candidates:
        rest = path[len(prefix):]
        if "/" in rest or (path in snapshot.unreadable and not is_markdown(path)):  # a folder or in one
            folders.setdefault(rest.split("/", 1)[0], []).append(path)
        elif is_markdown(path):
            loose.append(path)
    tasks = [
        _build_task(snapshot, name, root, f"{prefix}{name}", paths, archived=archived, loose=False,
                    max_bytes=max_bytes)
        for name, paths in sorted(folders.items())
        if any(is_markdown(p) or p in snapshot.unreadable for p in paths)
    ]
    groups: dict[str, list[str]] = {}
    beside: list[str] = []
    for path in loose:
        role, stem = role_of(path)
        if role is Role.EXTRA:
            beside.append(path)  # README.md and friends at the root are not tasks…
            continue
        groups.setdefault(stem or UNNAMED, []).append(path)
    sole = len(groups) == 1 and not tasks
    if sole:  # …but beside the root's only task, they are about it
        next(iter(groups.values())).extend(beside)
    for name, paths in sorted(groups.items()):
        tasks.append(_build_task(snapshot, name, root, f"{prefix}{name}", paths, archived=archived,
                                 loose=True, max_bytes=max_bytes, sole=sole))
    return tasks


def _build_task(
    snapshot: Snapshot,
    name: str,
    root: str,
    path: str,
    paths: list[str],
    *,
    archived: bool,
    loose: bool,
    max_bytes: int,
    sole: bool = False,
) -> TaskDocs:
    """The task of *paths*. Loose files take a role by name only, except those of a root's only task
    (*sole*): a ``progress.md`` beside ``task_plan.md`` in ``planning/`` is that task's living state, as
    in a task folder."""
    chosen: dict[Role, Document] = {}
    extras: list[Document] = []
    unreadable: list[tuple[str, str]] = []
    duplicates: list[tuple[Role, str]] = []
    folder_depth = path.count("/") + 1
    strays = set() if loose else _strays([p for p in paths if p.count("/") <= folder_depth])
    for file_path in sorted(paths, key=lambda p: (_fallback_role(p) is not None, _preference(p, name), p)):
        if not is_markdown(file_path):
            if file_path in snapshot.unreadable:  # a folder the shell could not read (a symlink)
                unreadable.append((file_path, snapshot.unreadable[file_path]))
            continue
        role, _stem = role_of(file_path) if file_path not in strays else (Role.EXTRA, "")
        if role is Role.EXTRA and (sole or not loose) and (fallback := _fallback_role(file_path)) not in chosen:
            role = fallback if fallback is not None else role
        if not loose and file_path.count("/") > folder_depth:
            role = Role.EXTRA  # docs in sub-folders are supporting material
        if file_path in snapshot.unreadable:
            unreadable.append((file_path, snapshot.unreadable[file_path]))
            continue
        text, problems = decode(snapshot.files[file_path], max_bytes=max_bytes)
        if text is None:
            unreadable.append((file_path, problems[0]))
            continue
        if role is not Role.EXTRA and role in chosen:
            duplicates.append((role, file_path))
            role = Role.EXTRA
        doc = parse_document(file_path, text, role, problems=problems)
        if role is Role.EXTRA:
            extras.append(doc)
        else:
            chosen[role] = doc
    return TaskDocs(
        name=name,
        root=root,
        path=path,
        plan=chosen.get(Role.PLAN),
        context=chosen.get(Role.CONTEXT),
        tasks=chosen.get(Role.TASKS),
        extras=tuple(sorted(extras, key=lambda d: d.path)),
        loose=loose,
        archived=archived,
        unreadable=tuple(sorted(unreadable)),
        duplicates=tuple(duplicates),
        all_paths=tuple(sorted(paths)),
    )


def _strays(paths: list[str]) -> set[str]:
    """Role-named files about something else: a ``GRAPH_CONTEXT.md`` (a lookup table) beside
    ``PAYMENT_PHOTO_PLAN.md`` and a ``PROGRESS.md``. A file whose prefix differs from the one prefix the
    folder's other role files share is supporting material when a file of the folder can play its
    role instead (``PROGRESS.md`` / ``STATUS.md`` for the context)."""
    named = {p: role_of(p) for p in paths if is_markdown(p)}
    named = {p: (role, prefix) for p, (role, prefix) in named.items() if role is not Role.EXTRA}
    fallbacks = {role for p in paths if is_markdown(p) and (role := _fallback_role(p)) is not None}
    strays: set[str] = set()
    for path, (role, prefix) in named.items():
        others = {other_prefix for other, (other_role, other_prefix) in named.items()
                  if other != path and other_role is not role}
        if role in fallbacks and prefix and len(others) == 1 and prefix not in others and "" not in others:
            strays.add(path)
    return strays


def _fallback_role(path: str) -> Role | None:
    """The role a file named ``implementation.md`` takes when the folder has no file named for it."""
    words = _words(path)
    if not words or (words[-1] in _LOG_WORDS and len(words) > 1 and words[-2] in _ROLE_WORDS):
        return None
    return _FALLBACK_ROLE_WORDS.get(words[-1])


def _preference(path: str, task_name: str) -> int:
    """When two files claim one role, prefer the one named after the task (or a prefix of its name),
    then the one named for the role alone (``tasks.md`` before ``next-task.md``, ``plan.md`` before
    ``master-plan.md``), then the rest."""
    _role, stem = role_of(path)
    if stem == task_name.lower():
        return 0
    if stem and task_name.lower().startswith(stem):
        return 1
    return 2 if not stem else 3
