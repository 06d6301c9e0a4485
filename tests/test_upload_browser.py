"""A policy officer drops a Word plan through the ``/upload`` form in headless Chromium (every
non-local request aborted) and follows the link to the new document's page."""

from __future__ import annotations

from conftest import TOKEN
from test_graphs_browser import Watched
from test_upload import built, server, word_plan  # noqa: F401 (fixtures)


def test_a_plan_dropped_in_the_form_gets_its_page(server, word_plan, browser):  # noqa: F811
    person = Watched(browser)
    page = person.page
    page.goto(server.url + "/")
    page.click("nav a[href='/upload']")
    page.set_input_files("input[name=file]", str(word_plan))
    page.fill("input[name=token]", TOKEN)
    page.click("form button[type=submit]")
    page.wait_for_selector("#upload-result.added")
    assert "10 nhiệm vụ" in page.inner_text("#upload-documents")
    page.click("#upload-documents a")
    page.wait_for_load_state()
    assert page.url.startswith(server.url + "/id/") and "Quảng Trị" in page.inner_text("h1")
    person.close()
    assert not person.problems, person.problems
