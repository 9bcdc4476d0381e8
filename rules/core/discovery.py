"""Find planning tasks in a snapshot of a repository and give each file its role.

A task is a folder directly under a doc root (``dev/active/<task>/``), or loose files at the root
grouped by their common prefix (``magic-inbox-context.md`` + ``magic-inbox-tasks.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rules.core.model import Document, Role, TaskDocs
from rules.core.parse import parse_document

DEFAULT_ACTIVE_ROOTS = ("dev/active",)
DEFAULT_ARCHIVE_ROOTS = ("dev/archive", "dev/archived", "dev/completed", "dev/complete")
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
_SPLIT_RE = re.compile(r"[-_.\s]+")


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
    """``auth-plan.md`` → (PLAN, "auth"); ``TASK_NAME_CONTEXT.md`` → (CONTEXT, "task-name")."""
    stem = filename.rsplit("/", 1)[-1]
    for suffix in MARKDOWN_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    words = [w for w in _SPLIT_RE.split(stem.lower()) if w]
    if not words:
        return Role.EXTRA, ""
    role = _ROLE_WORDS.get(words[-1], Role.EXTRA)
    prefix = "-".join(words[:-1] if role is not Role.EXTRA else words)
    return role, prefix


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
    max_bytes: int = 1_048_576,
) -> list[TaskDocs]:
    """Every task under the roots, active first, each sorted by path."""
    tasks: list[TaskDocs] = []
    for archived, roots in ((False, active_roots), (True, archive_roots)):
        for root in roots:
            root = root.strip("/")
            tasks.extend(_tasks_under(snapshot, root, archived=archived, max_bytes=max_bytes))
    return tasks


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
        groups.setdefault(stem or "(unnamed)", []).append(path)
    if len(groups) == 1 and not tasks:  # …but beside the root's only task, they are about it
        next(iter(groups.values())).extend(beside)
    for name, paths in sorted(groups.items()):
        tasks.append(_build_task(snapshot, name, root, f"{prefix}{name}", paths, archived=archived,
                                 loose=True, max_bytes=max_bytes))
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
) -> TaskDocs:
    chosen: dict[Role, Document] = {}
    extras: list[Document] = []
    unreadable: list[tuple[str, str]] = []
    duplicates: list[tuple[Role, str]] = []
    folder_depth = path.count("/") + 1
    for file_path in sorted(paths, key=lambda p: (_preference(p, name), p)):
        if not is_markdown(file_path):
            if file_path in snapshot.unreadable:  # a folder the shell could not read (a symlink)
                unreadable.append((file_path, snapshot.unreadable[file_path]))
            continue
        role, _stem = role_of(file_path)
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


def _preference(path: str, task_name: str) -> int:
    """When two files claim one role, prefer the one named after the task, then kebab-case."""
    _role, stem = role_of(path)
    if stem == task_name.lower():
        return 0
    if stem and task_name.lower().startswith(stem):
        return 1
    return 2
