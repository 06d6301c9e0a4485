"""Notations of the smaller code lists (dxkg/ontology/codelists.ttl) that records carry:
budget categories of an appendix's money columns and the pillars of QĐ 749 that task groups
fall under."""

from __future__ import annotations

# dx:BudgetCategoryScheme
BUDGET_CATEGORIES = {"dau_tu_cong", "mua_sam", "thue_dich_vu", "thuong_xuyen", "other"}
# dx:TaskGroupScheme: the pillars of the national programme (QĐ 749/QĐ-TTg), and "other"
PILLARS = {
    "awareness",
    "institutions",
    "infrastructure",
    "data",
    "security",
    "workforce",
    "government",
    "economy",
    "society",
    "other",
}
