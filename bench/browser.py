"""Headless Chromium as the browser tests, the benchmarks and the README screenshots launch it.

One home for the executable and its flags: Debian's ``/usr/bin/chromium`` (set-up installs it
with apt; Playwright's own browser download is never used), without Chromium's sandbox (set-up
and CI run as root in a container), and with the background services that would reach the
internet switched off — every page must work offline.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def available() -> bool:
    """Whether Chromium is installed where ``chromium()`` looks for it."""
    return bool(shutil.which(CHROMIUM))


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched browser (Playwright's sync API), closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()
