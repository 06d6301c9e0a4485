"""Child processes (query workers, the writer) die with the server, whatever ends it.

Three independent guards, because none alone covers every case:

- the parent-death signal (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``): the kernel kills the
  child when the thread that started it ends — so the server starts children from one
  long-lived thread (``backend._Spawner``), never from short-lived ones;
- a watchdog thread that exits when the parent process is gone (``getppid`` changes), for
  systems without ``prctl`` and for a parent that died before the signal was armed;
- a per-task alarm (``time_limit``): ``SIGALRM`` with its default action ends the process in
  the kernel, without needing the Python interpreter (pyoxigraph may hold it), so a runaway
  query is stopped at its limit even if nobody is left to kill it.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

_PR_SET_PDEATHSIG = 1
WATCH_INTERVAL = 0.5


def bind_to_parent(parent_pid: int) -> None:
    """Arrange for this process to end when ``parent_pid`` (its parent) ends."""
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # time_limit relies on the default action
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os._exit(1)
    threading.Thread(target=_watch, args=(parent_pid,), daemon=True, name="dxkg-lifeline").start()


def _watch(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    os._exit(1)


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """End this process (default ``SIGALRM`` action) if the block runs past ``seconds``."""
    if not seconds:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
