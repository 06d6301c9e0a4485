// Search box of the graph pages: accent- and abbreviation-insensitive lookup (/api/search),
// results inserted as text nodes only (labels come from documents).
"use strict";
(function () {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  if (!input || !list) return;
  let timer = null;
  let seq = 0;

  function render(results) {
    list.replaceChildren();
    for (const r of results) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = r.url;
      a.textContent = r.label;
      const meta = document.createElement("small");
      meta.textContent = [r.type_label, r.symbol, r.scope].filter(Boolean).join(" · ");
      li.append(a, " ", meta);
      list.append(li);
    }
    if (!results.length) {
      const li = document.createElement("li");
      li.textContent = input.dataset.empty || "Không tìm thấy.";
      list.append(li);
    }
    list.hidden = false;
  }

  async function lookup() {
    const q = input.value.trim();
    const mine = ++seq;
    if (!q) { list.hidden = true; return; }
    const resp = await fetch(input.dataset.api + "?" + new URLSearchParams({ q }));
    const body = await resp.json();
    if (mine === seq) render(body.results);
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") list.hidden = true;
    if (ev.key === "Enter") {
      const first = list.querySelector("a");
      if (first) location.href = first.href;
    }
  });
  document.addEventListener("click", (ev) => {
    if (!list.contains(ev.target) && ev.target !== input) list.hidden = true;
  });
})();
