// Pickers for the forms' node fields (system, task, document, any node): search as you type
// (/api/search, restricted to the field's kinds), every candidate shown — an ambiguous name
// such as "lgsp" lists each province's — and the chosen one's reference put in the field.
// Labels come from documents: inserted as text only.
"use strict";
(function () {
  let seq = 0;
  function attach(input) {
    const wrap = document.createElement("span");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.append(input);
    const list = document.createElement("ol");
    list.className = "search-results picker-results";
    list.hidden = true;
    const chosen = document.createElement("small");
    chosen.className = "picked";
    wrap.append(list, chosen);
    let timer = null;

    function choose(hit) {
      input.value = hit.ref;
      chosen.textContent = hit.label + (hit.scope ? " (" + hit.scope + ")" : "");
      list.hidden = true;
    }
    function render(results) {
      list.replaceChildren();
      for (const r of results) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "candidate";
        b.dataset.ref = r.ref;
        b.textContent = r.label;
        const meta = document.createElement("small");
        meta.textContent = " " + [r.type_label, r.symbol, r.scope].filter(Boolean).join(" · ");
        b.addEventListener("click", () => choose(r));
        li.append(b, meta);
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
      if (!q || q.startsWith("dxid:") || q.startsWith("http")) { list.hidden = true; return; }
      const params = new URLSearchParams({ q, limit: "15" });
      if (input.dataset.pick !== "any") params.set("type", input.dataset.pick);
      const resp = await fetch("/api/search?" + params);
      const body = await resp.json();
      if (mine === seq) render(body.results);
    }
    input.addEventListener("input", () => {
      chosen.textContent = "";
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") list.hidden = true;
    });
    document.addEventListener("click", (ev) => {
      if (!wrap.contains(ev.target)) list.hidden = true;
    });
  }
  document.querySelectorAll("input[data-pick]").forEach(attach);
})();
