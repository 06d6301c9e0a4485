// Search as you type against /api/search, shared by the header's search box and the forms'
// pickers: lookups wait for a pause in typing, an answer overtaken by a newer one is dropped,
// hits are inserted as text only (labels come from documents), and Escape or a click
// elsewhere closes the list.
"use strict";
window.dxkgSearchList = function (input, list, options) {
  // options.query(q): URLSearchParams for the lookup, or null for none;
  // options.entry(hit): the element that shows a hit (its scope and kind follow it);
  // options.area: clicks outside it close the list; options.onInput: called on each keystroke.
  let timer = null;
  let seq = 0;

  function render(results) {
    list.replaceChildren();
    for (const r of results) {
      const li = document.createElement("li");
      const meta = document.createElement("small");
      meta.textContent = [r.type_label, r.symbol, r.scope].filter(Boolean).join(" · ");
      li.append(options.entry(r), " ", meta);
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
    const mine = ++seq;
    const params = options.query(input.value.trim());
    if (!params) { list.hidden = true; return; }
    const resp = await fetch("/api/search?" + params);
    const body = await resp.json();
    if (mine === seq) render(body.results);
  }

  input.addEventListener("input", () => {
    if (options.onInput) options.onInput();
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") list.hidden = true;
  });
  document.addEventListener("click", (ev) => {
    if (!options.area.contains(ev.target)) list.hidden = true;
  });
};
