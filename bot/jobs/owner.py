"""Who holds a claim: an identity from which a process on the same host can tell whether the
claim's holder still runs.

A lease alone returns a dead worker's job only when the lease runs out. On one machine we can do
better: every claim records its owner as ``host/boot/pidns/pid/started`` —

- ``host``: the host name;
- ``boot``: the kernel's boot id (``/proc/sys/kernel/random/boot_id``): a reboot ends every process;
- ``pidns``: the PID namespace (``/proc/self/ns/pid``): containers sharing a kernel and a queue file
  number their processes independently, so a pid is only meaningful inside its own namespace;
- ``pid`` and ``started``: the process and its start time in clock ticks since boot (field 22 of
  ``/proc/<pid>/stat``), so a recycled pid is not mistaken for the old process.

:func:`is_gone` answers True only when the owner *certainly* no longer runs (same host and PID
namespace, and no process with that pid and start time; or the host rebooted). Anything else —
another host, another namespace, an owner it cannot parse, a platform without ``/proc`` where the
pid still exists — is False: not ours to judge, and that claim returns when its lease runs out.
"""

from __future__ import annotations

import functools
import os
import socket
from dataclasses import dataclass
from pathlib import Path

_UNKNOWN = "-"
_PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class Owner:
    host: str
    boot: str
    pidns: str
    pid: int
    started: str

    def encode(self) -> str:
        return "/".join((self.host, self.boot, self.pidns, str(self.pid), self.started))

    @classmethod
    def parse(cls, text: str) -> Owner | None:
        parts = text.split("/")
        if len(parts) != 5 or not parts[3].isdigit():
            return None
        host, boot, pidns, pid, started = parts
        return cls(host, boot, pidns, int(pid), started)


@functools.cache
def this_process() -> Owner:
    """This process's identity (cached per process; a forked child computes its own)."""
    return _identity(os.getpid())


def _identity(pid: int) -> Owner:
    return Owner(_host(), _boot_id(), _pid_namespace(), pid, _start_ticks(pid) or _UNKNOWN)


def owner_name() -> str:
    """The owner string this process records on its claims."""
    me = this_process()
    return me.encode() if me.pid == os.getpid() else _identity(os.getpid()).encode()  # forked


def is_gone(owner: str, *, here: Owner | None = None) -> bool:
    """True when the process that recorded *owner* certainly no longer runs (see module doc)."""
    theirs = Owner.parse(owner)
    me = here or this_process()
    if theirs is None or theirs.host != me.host:
        return False
    if theirs.boot != _UNKNOWN and me.boot != _UNKNOWN and theirs.boot != me.boot:
        return True  # the machine rebooted since: every process of that boot is gone
    if theirs.pidns != me.pidns or theirs.pidns == _UNKNOWN:
        return False
    if theirs.pid == os.getpid() and theirs.started == me.started:
        return False
    if not _pid_exists(theirs.pid) or _state(theirs.pid) in ("Z", "X"):
        return True  # no such process, or only its zombie waiting to be reaped
    started = _start_ticks(theirs.pid)
    return theirs.started != _UNKNOWN and started is not None and started != theirs.started


def _host() -> str:
    return socket.gethostname().replace("/", "_") or _UNKNOWN


def _boot_id() -> str:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text().strip()[:8] or _UNKNOWN
    except OSError:
        return _UNKNOWN


def _pid_namespace() -> str:
    try:
        link = os.readlink(_PROC / "self/ns/pid")  # "pid:[4026531836]"
    except OSError:
        return _UNKNOWN
    return "".join(ch for ch in link if ch.isdigit()) or _UNKNOWN


def _start_ticks(pid: int) -> str | None:
    """Field 22 of ``/proc/<pid>/stat``: the start time in clock ticks after boot."""
    fields = _stat_fields(pid)
    return fields[19] if len(fields) > 19 else None


def _state(pid: int) -> str | None:
    """Field 3 of ``/proc/<pid>/stat`` (``R``, ``S``, ``Z`` for a zombie, ...)."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def _stat_fields(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (which may hold spaces and
    parentheses, hence the last ``)``); empty when unreadable."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return []
    return stat[stat.rfind(")") + 2:].split()


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process, but it exists
    return True
