"""Cut the processes that evaluate SPARQL off from the network.

``SERVICE`` (queries) and ``LOAD`` (updates) make pyoxigraph fetch any URL it is given, and a
check of the query text can be fooled by a spelling it does not know. So the query workers and
the writer run where no connection can be opened at all: each calls ``enter`` as the first line
of its process, before it reads any task. Only ``--allow-service`` gives evaluation the network.

**Mechanism: a network namespace of its own**, made with ``unshare(2)`` (through libc:
``os.unshare`` is Python 3.12+). A new network namespace has one interface, a loopback that
is down, and no routes: every ``connect`` fails (``ENETUNREACH``), host names do not resolve,
abstract Unix sockets of the host are out of reach. As root (CAP_SYS_ADMIN) it is
``CLONE_NEWNET``; unprivileged, ``CLONE_NEWUSER | CLONE_NEWNET`` (allowed by default on
Debian, Fedora, Arch and in most containers; Ubuntu 24.04's AppArmor default refuses it).
Chosen over seccomp and Landlock because it denies every protocol and socket family at once
(seccomp has to list families and ``io_uring`` and is a deny-list a newer kernel can open;
Landlock only covers TCP bind/connect, so DNS and UDP would still leave) and needs no
third-party library. Files keep working: the process keeps its user and its mount namespace.

A namespace belongs to a thread, so ``enter`` refuses to run in a process with more than one
thread (the others would keep the network). It then checks that the cut holds: a listener
opened on 127.0.0.1 *before* the cut must be unreachable after it. The result goes to the
parent (``tell``), which refuses to use a process whose sandbox does not hold
(``check``). If the machine allows neither namespace, ``dxkg serve`` refuses to start unless
run with ``--no-sandbox``.
"""

from __future__ import annotations

import ctypes
import os
import socket
import sys
from collections.abc import Callable

DENY = "deny"  # the default: evaluation has no network; refuse to run if that cannot be had
ALLOW = "allow"  # --allow-service: evaluation may fetch (SERVICE, LOAD)
OFF = "off"  # --no-sandbox: no namespace; SERVICE/LOAD are refused by the text check only

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
_ATTEMPTS = (
    (CLONE_NEWNET, "network namespace"),
    (CLONE_NEWUSER | CLONE_NEWNET, "user and network namespace"),
)
PROBE_TIMEOUT = 2.0  # seconds; inside the namespace the probe fails at once

_held = False  # whether this process entered the sandbox and checked it


class SandboxUnavailable(Exception):
    """The operating system would not cut an evaluating process off from the network."""


def policy(*, allow_service: bool, sandbox: bool) -> str:
    """The policy for the service's options: ``ALLOW`` wins, then ``OFF``, else ``DENY``."""
    if allow_service:
        return ALLOW
    return DENY if sandbox else OFF


def enter(policy: str, tell: Callable[[dict], None]) -> None:
    """First line of every process that evaluates SPARQL: apply ``policy``, tell the parent.

    ``tell`` receives ``{"policy", "held", "mechanism", "reason"}``. With ``DENY`` and a cut
    that does not hold, the process exits (code 3) right after telling: no task ever runs in it.
    """
    global _held
    report: dict = {"policy": policy, "held": False, "mechanism": None, "reason": ""}
    if policy == DENY:
        report.update(_deny())
        _held = report["held"]
    tell(report)
    if policy == DENY and not _held:
        raise SystemExit(3)


def check(report: dict, policy: str) -> None:
    """Parent side: raise ``SandboxUnavailable`` unless a ``DENY`` process holds its cut."""
    if report.get("policy") != policy:
        raise SandboxUnavailable(f"the process applied policy {report.get('policy')!r}, not {policy!r}")
    if policy == DENY and not report.get("held"):
        raise SandboxUnavailable(report.get("reason") or "the network could not be denied")


def describe(report: dict) -> str:
    """A process's report in a few words, for the start-up log and ``/healthz``."""
    if report.get("held"):
        return f"cut off from the network ({report['mechanism']}, checked)"
    if report.get("policy") == ALLOW:
        return "WITH network access (--allow-service)"
    return "WITHOUT the network sandbox (--no-sandbox)"


def holds() -> bool:
    """Whether this process is cut off from the network (``enter`` succeeded with ``DENY``)."""
    return _held


def denied(error: BaseException) -> bool:
    """Whether ``error`` is the sandbox stopping a fetch: inside the namespace a fetch fails
    with exactly one of these two (measured with pyoxigraph 0.5: an address, then a name)."""
    text = str(error)
    return _held and ("Network is unreachable" in text or "failed to lookup address information" in text)


def _deny() -> dict:
    if not sys.platform.startswith("linux"):
        return {"reason": "network namespaces are a Linux feature; this is " + sys.platform}
    threads = len(os.listdir("/proc/self/task"))
    if threads != 1:
        return {"reason": f"the process runs {threads} threads; a namespace would cut off only one of them"}
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))  # in the network being left: must be unreachable after
        listener.listen(1)
        failures = []
        for flags, name in _ATTEMPTS:
            err = _unshare(flags)
            if err == 0:
                return {"mechanism": name, **_verify(listener.getsockname()[1])}
            failures.append(f"{name}: {os.strerror(err)}")
    return {"reason": "unshare refused (" + "; ".join(failures) + ")"}


def _unshare(flags: int) -> int:
    """``unshare(flags)``; 0 or the errno."""
    if hasattr(os, "unshare"):
        try:
            os.unshare(flags)
        except OSError as e:
            return e.errno or 1
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    return 0 if libc.unshare(ctypes.c_int(flags)) == 0 else ctypes.get_errno()


def _verify(port: int) -> dict:
    """Check the cut: 127.0.0.1:``port`` (listening outside) refuses, and no interface but lo."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(PROBE_TIMEOUT)
        try:
            probe.connect(("127.0.0.1", port))
        except OSError:
            pass
        else:
            return {"held": False, "reason": "a connection to 127.0.0.1 still succeeds after unshare"}
    interfaces = sorted(name for _, name in socket.if_nameindex())
    if interfaces != ["lo"]:
        return {"held": False, "reason": f"interfaces still present after unshare: {', '.join(interfaces)}"}
    return {"held": True}
