// The console: YASGUI pointed at this service, offline (no prefix.cc, no LOV autocompletion),
// plus buttons that load the project's named queries into the editor.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  // class/property autocompleters ask an outside service: keep only the local ones
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: el.dataset.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: "dxkg-console",
    yasqe: { prefixCcApi: null },
  });
  var texts = {};
  fetch(el.dataset.queries, { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (list) { list.forEach(function (q) { texts[q.name] = q; }); });
  document.querySelectorAll("[data-query]").forEach(function (button) {
    button.addEventListener("click", function () {
      var q = texts[button.dataset.query];
      if (!q) { return; }
      var tab = yasgui.addTab(true, { name: q.title || q.name });
      tab.setQuery(q.text);
    });
  });
  // result links to this graph's IRIs open this server's pages (/id/…), not the IRI's home
  var idBase = el.dataset.idBase;
  new MutationObserver(function () {
    el.querySelectorAll('a[href^="' + idBase + '"]').forEach(function (a) {
      a.href = "/id/" + a.getAttribute("href").slice(idBase.length);
      a.removeAttribute("target");
    });
  }).observe(el, { childList: true, subtree: true });
  window.dxkgConsole = yasgui;
})();
