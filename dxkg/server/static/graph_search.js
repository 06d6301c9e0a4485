// Search box of every page: accent- and abbreviation-insensitive lookup (search_list.js);
// Enter opens the first hit.
"use strict";
(function () {
  const input = document.getElementById("search");
  const list = document.getElementById("search-results");
  if (!input || !list) return;
  window.dxkgSearchList(input, list, {
    query: (q) => (q ? new URLSearchParams({ q }) : null),
    entry: (r) => {
      const a = document.createElement("a");
      a.href = r.url;
      a.textContent = r.label;
      return a;
    },
    area: input.parentNode,
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      const first = list.querySelector("a");
      if (first) location.href = first.href;
    }
  });
})();
