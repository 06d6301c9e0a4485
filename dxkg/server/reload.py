"""Serving a store rebuilt while the service runs, without a restart.

``dxkg build`` hands a new store to the service's writer (``kg.generations``: it waits as
``.NAME.d/pending``); a store put at the path by hand shows as another folder there. A
background thread checks both every ``reload_interval`` seconds (a few ``stat`` calls);
``POST /admin/reload`` (with the update token) and SIGHUP (under ``dxkg.server.wsgi.serve``)
reload at once, whether or not anything changed. ``Backend.reload`` publishes the new data
only once the writer has it open and has left a replica of it;
when it cannot be, the old data stays served, the failure is logged as one JSON line,
counted in ``dxkg_store_reload_failures_total`` and shown by ``/healthz`` until a reload
succeeds or the folder being served is back at the path. A folder that failed is not retried by the watcher until it changes, so a broken
store costs one log line, not one per interval.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify

from dxkg.server import security
from dxkg.server.backend import Backend, ReloadFailed
from dxkg.server.errors import ServiceError
from dxkg.server.observability import Metrics

log = logging.getLogger("dxkg.server")
bp = Blueprint("admin", __name__)
_NO_FAILURE = object()  # unlike any folder state, including None (no folder)


class Reloader:
    def __init__(self, backend: Backend, metrics: Metrics, interval: float):
        self.backend = backend
        self.metrics = metrics
        self.interval = interval  # 0: no polling, only explicit reloads
        self.last_error: dict | None = None  # the last failed reload, while it applies
        self._failed_state = _NO_FAILURE  # that failure's folder (not retried unchanged)
        self._lock = threading.Lock()  # one check or reload at a time
        self._wake = threading.Event()
        self._forced = False
        self._stopped = False
        self._thread = threading.Thread(target=self._watch, daemon=True, name="dxkg-reload")
        self._thread.start()

    def request(self) -> None:
        """Have the watcher thread reload now; safe in a signal handler (it only sets flags)."""
        self._forced = True
        self._wake.set()

    def stop(self) -> None:
        """End the watcher thread, after the reload it may be running."""
        self._stopped = True
        self._wake.set()
        self._thread.join()

    def _watch(self) -> None:
        while True:
            self._wake.wait(self.interval or None)
            self._wake.clear()
            if self._stopped:
                return
            forced, self._forced = self._forced, False
            if forced:
                self.reload()
            else:
                self.check()

    def check(self) -> None:
        """Reload if a build is waiting to be adopted or another folder is at the store path,
        unless it already failed unchanged; once the folder being served is back at the path
        (and no build waits), a past failure no longer applies."""
        with self._lock:
            if not self.backend.store_replaced() and not self.backend.build_pending():
                self._failed_state, self.last_error = _NO_FAILURE, None
            elif self._state() != self._failed_state:
                self._reload()

    def reload(self) -> str | None:
        """Load the store now at the path; returns None once it is served, else why not."""
        with self._lock:
            return self._reload()

    def _state(self) -> tuple:
        return _folder_state(self.backend.store_dir), self.backend.build_pending()

    def _reload(self) -> str | None:
        state = self._state()
        t0 = time.monotonic()
        try:
            self.backend.reload()
        except ReloadFailed as e:
            self._failed_state = state
            self.last_error = {"at": _iso(time.time()), "message": str(e)}
            self.metrics.count("store_reload_failures")
            _event(
                logging.ERROR, "store_reload_failed", store=str(self.backend.store_dir), error=str(e), detail=e.detail
            )
            return str(e)
        self._failed_state, self.last_error = _NO_FAILURE, None
        self.metrics.count("store_reloads")
        _event(
            logging.WARNING,  # WARNING: shown with no logging set up
            "store_reloaded",
            store=str(self.backend.store_dir),
            inode=self.backend.folder.inode,
            generation=self.backend.generation,
            seconds=round(time.monotonic() - t0, 3),
        )
        return None

    def status(self) -> dict:
        """The store being served (folder inode, load time) and the last reload error."""
        folder = self.backend.folder
        return {"store": {"inode": folder.inode, "loaded_at": _iso(folder.loaded_at)}, "reload_error": self.last_error}


def _folder_state(path) -> tuple | None:
    """What identifies the folder at ``path`` and its content listing (None: no folder)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_mtime_ns


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, timezone.utc).isoformat(timespec="seconds")


def _event(level: int, event: str, **fields) -> None:
    """One JSON line in the server log (file paths are fine there, never in responses)."""
    log.log(level, json.dumps({"ts": round(time.time(), 3), "event": event, **fields}, ensure_ascii=False))


@bp.post("/admin/reload")
def admin_reload():
    """Reload the store now (update token required); 503 with the reason if it cannot be."""
    svc = current_app.extensions["dxkg"]
    security.require_token(svc.options.update_token)
    error = svc.reloader.reload()
    if error:
        raise ServiceError(
            503,
            f"the store could not be reloaded: {error}; the previous one is still served (details in the server log)",
        )
    return jsonify(status="reloaded", generation=svc.backend.generation, **svc.reloader.status())
