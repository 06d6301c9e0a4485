"""The query console in a real browser (headless Chromium through Playwright), offline.

Every request that does not go to 127.0.0.1 is aborted and counted, so the test proves the
page needs nothing from the internet (no CDN, no prefix.cc, no autocompletion service).
"""

from __future__ import annotations

import re

import pytest
import requests

from dxkg.server.console import YASGUI_BUILD


def test_console_page_is_self_contained(live_server):
    html = requests.get(live_server.url + "/console", timeout=30).text
    assert not re.search(r"""(?:src|href|action)=["']?(?:https?:)?//""", html)  # nothing loaded from elsewhere
    assert "/vendor/yasgui/yasgui.min.js" in html
    r = requests.get(live_server.url + "/vendor/yasgui/yasgui.min.js", timeout=30)
    assert r.status_code == 200 and len(r.content) > 100_000
    assert requests.get(live_server.url + "/vendor/yasgui/package.json", timeout=30).status_code == 404


@pytest.fixture
def named_console(live_server_factory, tmp_path):
    (tmp_path / "labels.rq").write_text(
        "# title: All labels\n# description: every rdfs:label in the graph\n"
        "SELECT ?thing ?label WHERE { ?thing <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n",
        encoding="utf-8",
    )
    return live_server_factory(queries_dir=tmp_path)


def test_console_runs_a_query_in_chromium(named_console, browser):
    if not (YASGUI_BUILD / "yasgui.min.js").is_file():
        pytest.skip("YASGUI not installed: run 'npm ci' in the project")
    failed, outside, errors = [], [], []
    page = browser.new_page()

    def route(r):
        if r.request.url.startswith("http://127.0.0.1:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda req: failed.append(req.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(named_console.url + "/console")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert page.locator("#named-queries").inner_text().count("every rdfs:label") == 1
    page.get_by_role("button", name="All labels").click()
    page.wait_for_function("() => window.dxkgConsole.getTab().getQuery().includes('rdf-schema#label')")
    page.locator(".yasqe_queryButton").last.click()
    page.wait_for_selector(".yasr table tbody tr")
    text = page.locator(".yasr").last.inner_text()
    local = page.locator(".yasr a[href^='/id/']").count()
    remote = page.locator(".yasr a[href^='https://w3id.org/dxkg/id/']").count()
    assert "Sở Thông tin và Truyền thông tỉnh Hà Nam" in text
    assert local > 0 and remote == 0  # result IRIs of this graph open this server's pages
    assert outside == [], f"requests leaving 127.0.0.1: {outside}"
    assert failed == [] and errors == [], (failed, errors)
