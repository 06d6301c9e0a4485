"""The graph style follows the shared domain tables (``dxkg.domain``; test_domain checks the
system categories): every document type coloured is one the domain knows, and every system
category's colour is its own."""

from __future__ import annotations

from dxkg.domain.doctypes import TYPE_NAMES
from dxkg.server.graph.style import CATEGORY_COLOURS, DOC_TYPE_COLOURS


def test_every_system_category_has_a_colour_of_its_own():
    assert len(set(CATEGORY_COLOURS.values())) == len(CATEGORY_COLOURS)


def test_coloured_document_types_are_known_types():
    assert set(DOC_TYPE_COLOURS) - {"Nhiệm vụ"} <= set(TYPE_NAMES.values())
