// Pickers for the forms' node fields (system, task, document, any node): search as you type
// (search_list.js, restricted to the field's kinds), every candidate shown — an ambiguous
// name such as "lgsp" lists each province's — and the chosen one's reference put in the field.
"use strict";
(function () {
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

    function choose(hit) {
      input.value = hit.ref;
      chosen.textContent = hit.label + (hit.scope ? " (" + hit.scope + ")" : "");
      list.hidden = true;
    }
    window.dxkgSearchList(input, list, {
      query: (q) => {
        if (!q || q.startsWith("dxid:") || q.startsWith("http")) return null;  // a reference already
        const params = new URLSearchParams({ q, limit: "15" });
        if (input.dataset.pick !== "any") params.set("type", input.dataset.pick);
        return params;
      },
      entry: (r) => {
        const b = document.createElement("button");
        b.type = "button";
        b.className = "candidate";
        b.dataset.ref = r.ref;
        b.textContent = r.label;
        b.addEventListener("click", () => choose(r));
        return b;
      },
      area: wrap,
      onInput: () => { chosen.textContent = ""; },
    });
  }
  document.querySelectorAll("input[data-pick]").forEach(attach);
})();
