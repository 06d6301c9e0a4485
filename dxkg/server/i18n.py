"""The pages' language: Vietnamese first, English on request (``?lang=en``, then remembered
in a cookie). Templates call ``t("key")``; messages missing in English fall back to Vietnamese.
"""

from __future__ import annotations

from flask import Flask, request

LANGS = ("vi", "en")
COOKIE = "dxkg-lang"

MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "home": "Trang chủ",
        "search": "Tìm kiếm",
        "search_placeholder": "Tìm: so tttt ha nam, lgsp, 749, phụ lục III…",
        "systems": "Hệ thống",
        "impact": "Tác động",
        "trace": "Căn cứ pháp lý",
        "path": "Đường đi",
        "tasks": "Nhiệm vụ",
        "indicators": "Chỉ tiêu",
        "budgets": "Kinh phí",
        "console": "SPARQL",
        "queries": "Truy vấn có sẵn",
        "upload": "Thêm văn bản",
        "start_queries": "Truy vấn có sẵn: điền biểu mẫu, không cần SPARQL",
        "other_lang": "English",
        "not_found": "Không tìm thấy.",
        "intro": (
            "dxkg là đồ thị tri thức về các kế hoạch, đề án chuyển đổi số của các tỉnh: nhiệm vụ, chỉ tiêu, "
            "kinh phí, cơ quan chủ trì, hệ thống thông tin và các văn bản làm căn cứ, mỗi dữ kiện kèm câu văn gốc. "
            "Tìm một văn bản, cơ quan hay hệ thống, hoặc bắt đầu từ một trong các câu hỏi dưới đây."
        ),
        "start_impact": "Nếu một hệ thống ngừng hoạt động, những gì bị ảnh hưởng?",
        "start_landscape": "Toàn cảnh hệ thống thông tin theo tỉnh",
        "start_trace": "Một nhiệm vụ hay văn bản dựa trên những căn cứ nào?",
        "start_tasks": "Nhiệm vụ: lọc theo tỉnh, kế hoạch, phụ lục, cơ quan chủ trì, thời hạn, kinh phí",
        "start_indicators": "Chỉ tiêu và mục tiêu theo tỉnh",
        "start_budgets": "Kinh phí theo cơ quan và loại",
        "start_console": "Truy vấn SPARQL (cho người viết truy vấn)",
        "documents": "Văn bản nguồn",
        "legal_documents": "Văn bản được dẫn nhiều nhất",
        "numbers": "{documents} văn bản nguồn, {tasks} nhiệm vụ, {indicators} chỉ tiêu, {systems} hệ thống thông tin",
    },
    "en": {
        "home": "Home",
        "search": "Search",
        "search_placeholder": "Search: so tttt ha nam, lgsp, 749, phụ lục III…",
        "systems": "Systems",
        "impact": "Impact",
        "trace": "Legal basis",
        "path": "Path",
        "tasks": "Tasks",
        "indicators": "Indicators",
        "budgets": "Budgets",
        "console": "SPARQL",
        "queries": "Named queries",
        "upload": "Add a document",
        "start_queries": "Named queries: fill in a form, no SPARQL",
        "other_lang": "Tiếng Việt",
        "not_found": "Nothing found.",
        "intro": (
            "dxkg is a knowledge graph of Vietnamese provinces' digital-transformation plans: their tasks, "
            "indicators, budgets, lead agencies, information systems and the legal documents they rest on, each fact "
            "with the sentence it comes from. Search for a document, agency or system, or start from a question below."
        ),
        "start_impact": "If a system goes down, what is affected?",
        "start_landscape": "Information systems by province",
        "start_trace": "Which legal documents does a task or document rest on?",
        "start_tasks": "Tasks by province, plan, appendix, lead agency, deadline, budget",
        "start_indicators": "Indicators and targets by province",
        "start_budgets": "Budgets by agency and category",
        "start_console": "SPARQL queries (for people who write them)",
        "documents": "Source documents",
        "legal_documents": "Most cited documents",
        "numbers": "{documents} source documents, {tasks} tasks, {indicators} indicators, {systems} information systems",
    },
}


def lang() -> str:
    asked = request.args.get("lang", "")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(COOKIE, "")
    return kept if kept in LANGS else "vi"


def t(key: str, **fields) -> str:
    text = MESSAGES[lang()].get(key) or MESSAGES["vi"][key]
    return text.format(**fields) if fields else text


def install(app: Flask) -> None:
    """``t`` and ``lang`` in every template; ``?lang=`` remembered for the next pages."""

    @app.context_processor
    def _globals():
        return {"t": t, "lang": lang(), "other_lang": "en" if lang() == "vi" else "vi"}

    @app.after_request
    def _remember(resp):
        asked = request.args.get("lang", "")
        if asked in LANGS and request.cookies.get(COOKIE) != asked:
            resp.set_cookie(COOKIE, asked, max_age=365 * 86400, samesite="Lax", httponly=True)
        return resp
