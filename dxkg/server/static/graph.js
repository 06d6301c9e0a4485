// Graph pages: draw what /api/graph/… returns with vis-network, plus legend, filters, tables,
// expand-on-click, permalinks and exports.
//
// Positions come from the server (networkx + dxkg's layouts), so physics stays off and the
// picture is ready on the first frame. Every string from the data goes into the DOM as text
// (textContent, vis-network tooltips as plain strings), never as HTML.
"use strict";
(function () {
  const app = document.getElementById("graph-app");
  const kind = app.dataset.kind;
  const CLIENT_PARAMS = ["hide", "expand", "sel", "pfrom"];
  const NAMES = { system: "hệ thống", task: "nhiệm vụ", document: "văn bản", from: "điểm đầu", to: "điểm cuối", node: "nút" };
  const REQUIRED = { impact: ["system"], trace: ["task", "document"], path: ["from", "to"], node: ["node"] };
  const BIG = 400;                 // above this many nodes: no edge labels, straight edges
  const HIGHLIGHT = "#d62728";
  const EN = document.documentElement.lang === "en";
  const LABEL_PX = 12;             // node labels never drawn smaller than this on screen
  const CLUSTER_PX = 18;           // nor the name of a province's cluster

  const url = new URLSearchParams(location.search);
  const state = {
    hidden: new Set(split(url.get("hide"))),
    expanded: [],                  // node refs in the order they were expanded
    selected: url.get("sel"),
    pathFrom: url.get("pfrom"),
  };
  const byRef = new Map();         // ref (dxid:…) → node id
  const info = new Map();          // node id → the API's node object
  const parallel = new Map();      // "a b" → links drawn between a and b
  let data = null;
  let network = null;
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();

  function split(s) { return s ? s.split(",").filter(Boolean) : []; }
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function notice(text) {
    const p = document.getElementById("notice");
    p.textContent = text || "";
    p.hidden = !text;
  }
  function viewParams() {
    const p = new URLSearchParams(location.search);
    CLIENT_PARAMS.forEach((k) => p.delete(k));
    return p;
  }
  function apiUrl(format) {
    const p = viewParams();
    if (format) p.set("format", format);
    return app.dataset.api + "?" + p;
  }
  function refOf(id) { return info.has(id) ? info.get(id).ref : id; }

  // ---------------------------------------------------------------- state in the URL
  function saveState() {
    const p = viewParams();
    if (state.hidden.size) p.set("hide", [...state.hidden].join(","));
    if (state.expanded.length) p.set("expand", state.expanded.join(","));
    if (state.selected) p.set("sel", state.selected);
    if (state.pathFrom) p.set("pfrom", state.pathFrom);
    history.replaceState(null, "", location.pathname + "?" + p);
    document.getElementById("permalink").href = location.href;
  }

  function fillForm() {
    const form = document.getElementById("view-form");
    for (const [k, v] of viewParams()) {
      const input = form.elements.namedItem(k);
      if (input) input.value = v;
    }
  }

  // ---------------------------------------------------------------- drawing
  function visNode(n) {
    const center = data && n.id === data.center;
    return {
      id: n.id, label: n.label, title: n.title, shape: n.shape, x: n.x, y: n.y,
      group_key: n.group, hidden: state.hidden.has(n.group),
      color: { background: n.color, border: n.highlight ? HIGHLIGHT : "#333",
               highlight: { background: n.color, border: "#000" } },
      borderWidth: n.highlight ? 4 : center ? 3 : 1,
      size: center ? 26 : 16,
      font: { size: center ? 16 : 13, bold: center },
      widthConstraint: { maximum: n.shape === "box" || n.shape === "ellipse" ? 190 : 150 },
    };
  }

  // Parallel links between the same two nodes (a plan that both rests on and implements a
  // decision) are drawn as arcs so that each stays visible.
  function visEdge(e, big) {
    const pair = [e.from, e.to].sort().join(" ");
    const k = parallel.get(pair) || 0;
    parallel.set(pair, k + 1);
    return {
      smooth: k ? { enabled: true, type: "curvedCW", roundness: 0.25 * k } : false,
      id: e.id, from: e.from, to: e.to, label: big || kind === "systems" && data && data.kind === "landscape" ? undefined : e.label,
      title: e.title,
      arrows: e.arrows, relation: e.relation, hidden: state.hidden.has("rel:" + e.relation),
      color: { color: e.highlight ? HIGHLIGHT : "#8a8a8a" }, width: e.highlight ? 2.5 : 1,
    };
  }

  function addData(view, around) {
    const big = (nodes.length + view.nodes.length) > BIG;
    const fresh = view.nodes.filter((n) => !nodes.get(n.id));
    if (around) {                  // neighbours: their layout is relative to the expanded node
      const c = network.getPosition(around);
      fresh.forEach((n) => { n.x = (n.x || 0) + c.x; n.y = (n.y || 0) + c.y; });
    }
    for (const n of view.nodes) {
      if (!info.has(n.id)) info.set(n.id, n);
      byRef.set(n.ref, n.id);
    }
    Object.assign(data.groups, Object.fromEntries(
      Object.entries(view.groups).filter(([k]) => !(k in data.groups))));
    Object.assign(data.relations, Object.fromEntries(
      Object.entries(view.relations).filter(([k]) => !(k in data.relations))));
    nodes.add(fresh.map(visNode));
    edges.update(view.edges.filter((e) => !edges.get(e.id)).map((e) => visEdge(e, big)));
    return fresh;
  }

  function draw(view) {
    data = { ...view, groups: { ...view.groups }, relations: { ...view.relations } };
    document.getElementById("view-title").textContent = view.title;
    document.title = view.title + " — dxkg";
    addData(view, null);
    const big = view.nodes.length > BIG;
    network = new vis.Network(document.getElementById("network"), { nodes, edges }, {
      physics: false,
      layout: { improvedLayout: false },
      interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
      nodes: { borderWidth: 1 },
      edges: { smooth: false, font: { size: 10, align: "middle", strokeWidth: 3 },
               arrowStrikethrough: false },
    });
    network.on("beforeDrawing", paintBackground);
    network.on("click", (p) => { if (p.nodes.length) select(p.nodes[0]); });
    network.on("doubleClick", (p) => { if (p.nodes.length) expand(p.nodes[0]); });
    network.on("afterDrawing", legible);  // after zooming, focusing or fitting alike
    if (view.clusters && view.clusters.length) network.moveTo({ scale: network.getScale() * 0.92 });  // room for cluster names
    legible();
    network.once("afterDrawing", () => {
      document.body.dataset.state = "ready";
      window.dxkgGraph.readyAt = performance.now();
    });
    window.dxkgGraph = { network, nodes, edges, data: view, readyAt: null };
    if (view.truncated) {
      notice(`Hiển thị ${view.shown_nodes} / ${view.total_nodes} nút (giới hạn “Tối đa”; thu hẹp phạm vi hoặc độ sâu để xem đủ).`);
    }
    renderLegend();
    renderTables(view.tables);
    setExports();
  }

  // Labels stay readable at the scale that fits the whole view: their size follows the zoom.
  function legible() {
    if (nodes.length > BIG) return;
    const scale = network.getScale();
    const size = Math.min(40, Math.max(13, LABEL_PX / scale));
    if (legible.size === size) return;
    legible.size = size;
    nodes.update(nodes.getIds().map((id) => {
      const center = data && id === data.center;
      const wide = info.get(id) && (info.get(id).shape === "box" || info.get(id).shape === "ellipse") ? 190 : 150;
      return { id, font: { size: center ? size * 1.2 : size, bold: center },
               widthConstraint: { maximum: wide * size / 13 } };
    }));
  }

  // White background (for PNG export) and the cluster names of a landscape, on the canvas.
  function paintBackground(ctx) {
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    ctx.save();
    ctx.fillStyle = "#444";
    ctx.textAlign = "center";
    const scale = network ? network.getScale() : 1;
    ctx.font = `bold ${CLUSTER_PX / scale}px sans-serif`;
    for (const c of data.clusters || []) ctx.fillText(c.label, c.x, c.y);
    ctx.restore();
  }

  // ---------------------------------------------------------------- legend and filters
  function renderLegend() {
    const counts = {};
    nodes.forEach((n) => { counts[n.group_key] = (counts[n.group_key] || 0) + 1; });
    const relCounts = {};
    edges.forEach((e) => { relCounts[e.relation] = (relCounts[e.relation] || 0) + 1; });
    const nodeBox = document.getElementById("legend-nodes");
    nodeBox.replaceChildren(el("h3", `Nút (${nodes.length})`));
    Object.keys(counts).sort((a, b) => counts[b] - counts[a]).forEach((g) => {
      const meta = data.groups[g] || { label: g, color: "#999" };
      nodeBox.append(legendRow(g, meta.label, counts[g], meta.color));
    });
    const edgeBox = document.getElementById("legend-edges");
    edgeBox.replaceChildren(el("h3", `Liên kết (${edges.length})`));
    Object.keys(relCounts).sort().forEach((r) => {
      edgeBox.append(legendRow("rel:" + r, data.relations[r] || r, relCounts[r], null));
    });
  }

  function legendRow(key, label, count, colour) {
    const row = el("label", undefined, "legend-row");
    const box = el("input");
    box.type = "checkbox";
    box.checked = !state.hidden.has(key);
    box.dataset.key = key;
    box.addEventListener("change", () => toggle(key, !box.checked));
    const swatch = el("span", undefined, colour ? "swatch" : "swatch edge");
    if (colour) swatch.style.background = colour;
    row.append(box, swatch, el("span", `${label} (${count})`));
    return row;
  }

  function toggle(key, hide) {
    if (hide) state.hidden.add(key); else state.hidden.delete(key);
    if (key.startsWith("rel:")) {
      const rel = key.slice(4);
      edges.update(edges.get({ filter: (e) => e.relation === rel }).map((e) => ({ id: e.id, hidden: hide })));
    } else {
      nodes.update(nodes.get({ filter: (n) => n.group_key === key }).map((n) => ({ id: n.id, hidden: hide })));
    }
    saveState();
  }

  // ---------------------------------------------------------------- tables
  function cell(value) {
    const td = el("td");
    const items = Array.isArray(value) ? value : [value];
    items.forEach((v, i) => {
      if (i) td.append(Array.isArray(value) ? el("br") : ", ");
      if (v && typeof v === "object") {
        const b = el("button", v.text, "node-link");
        b.type = "button";
        b.addEventListener("click", () => focusNode(v.node));
        td.append(b);
      } else {
        td.append(String(v ?? ""));
      }
    });
    return td;
  }

  function tableEl(t) {
    const wrap = el("details", undefined, "table-block");
    wrap.open = true;
    wrap.append(el("summary", t.title));
    const table = el("table");
    const head = el("tr");
    t.columns.forEach((c) => head.append(el("th", c)));
    table.append(head);
    for (const r of t.rows) {
      const tr = el("tr");
      r.forEach((v) => tr.append(cell(v)));
      table.append(tr);
    }
    wrap.append(table);
    return wrap;
  }

  function renderTables(tables) {
    const box = document.getElementById("tables");
    box.replaceChildren(...tables.map(tableEl));
  }

  // ---------------------------------------------------------------- selection and expansion
  function focusNode(id) {
    if (!nodes.get(id)) return;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    select(id, false);
  }

  // Selecting shows a node's details; expanding (its button, or a double click) adds its neighbours.
  function select(id) {
    const n = info.get(id);
    state.selected = n.ref;
    showDetails(n);
    saveState();
  }

  function link(text, href) {
    const a = el("a", text);
    a.href = href;
    return a;
  }

  function showDetails(n) {
    document.getElementById("details").hidden = false;
    document.getElementById("details-label").textContent = n.title.split("\n")[0];
    document.getElementById("details-meta").textContent =
      [n.group_label, n.scope, n.ref].filter(Boolean).join(" · ");
    const box = document.getElementById("details-links");
    const q = (k) => new URLSearchParams({ [k]: n.ref });
    const links = [];
    const grow = el("button", EN ? "Expand: show its neighbours" : "Mở rộng: hiện các nút lân cận");
    grow.type = "button";
    grow.id = "expand-node";
    grow.disabled = state.expanded.includes(n.ref);
    grow.addEventListener("click", () => { grow.disabled = true; expand(n.id); });
    links.push(grow);
    if (n.ref.startsWith("dxid:")) links.push(link("Trang tài nguyên", "/id/" + n.ref.slice(5)));
    if (n.type === "system") {
      links.push(link("Phụ thuộc", "/graph/systems?" + q("system")));
      links.push(link("Nếu ngừng hoạt động…", "/graph/impact?" + q("system")));
    }
    if (n.type === "task") links.push(link("Căn cứ pháp lý", "/graph/trace?" + q("task")));
    if (n.type === "plan" || n.type === "document") links.push(link("Căn cứ pháp lý", "/graph/trace?" + q("document")));
    links.push(link("Lân cận", "/graph/node?" + q("node")));
    const from = el("button", "Đặt làm điểm đầu đường đi");
    from.type = "button";
    from.addEventListener("click", () => { state.pathFrom = n.ref; saveState(); showDetails(n); });
    links.push(from);
    if (state.pathFrom && state.pathFrom !== n.ref) {
      links.push(link("Đường đi ngắn nhất từ điểm đầu tới đây",
                      "/graph/path?" + new URLSearchParams({ from: state.pathFrom, to: n.ref })));
    }
    box.replaceChildren();
    links.forEach((l, i) => { if (i) box.append(" · "); box.append(l); });
  }

  async function expand(id) {
    const ref = refOf(id);
    if (state.expanded.includes(ref) || (data.center === id && kind === "node")) return;
    state.expanded.push(ref);
    saveState();
    const params = new URLSearchParams({ node: ref, limit: 50 });
    if (kind === "systems" || kind === "impact") params.set("only", "system");  // system views grow by systems
    const resp = await fetch(app.dataset.neighbours + "?" + params);
    if (!resp.ok) { notice(await resp.text()); return; }
    const view = await resp.json();
    const fresh = addData(view, id);
    renderLegend();
    const label = info.get(id).title.split("\n")[0];
    notice(view.truncated ? `Lân cận của “${label}”: hiển thị ${view.shown_nodes - 1} / ${view.total_nodes - 1} nút.` : "");
    const rows = view.edges.map((e) => [
      { text: info.get(e.from).title.split("\n")[0], node: e.from }, e.label,
      { text: info.get(e.to).title.split("\n")[0], node: e.to }]);
    document.getElementById("tables").append(tableEl({
      title: `Mở rộng: ${label} (+${fresh.length} nút)`, columns: ["Từ", "Quan hệ", "Đến"], rows }));
    document.body.dataset.expanded = String(state.expanded.length);
  }

  // ---------------------------------------------------------------- exports
  function setExports() {
    for (const f of ["json", "graphml", "turtle", "sparql"]) {
      document.getElementById("export-" + f).href = apiUrl(f === "json" ? "" : f);
    }
    document.getElementById("export-png").addEventListener("click", () => {
      document.querySelector("#network canvas").toBlob((blob) => {
        const a = link("", URL.createObjectURL(blob));
        a.download = `dxkg-${kind}.png`;
        a.click();
        setTimeout(() => URL.revokeObjectURL(a.href), 1000);
      });
    });
    document.getElementById("relax").addEventListener("click", () => {
      network.setOptions({ physics: { enabled: true, stabilization: { iterations: 200 } } });
      network.once("stabilized", () => network.setOptions({ physics: { enabled: false } }));
      network.stabilize(200);
    });
  }

  // ---------------------------------------------------------------- start
  async function start() {
    fillForm();
    const need = REQUIRED[kind] || [];
    if (need.length && !need.some((k) => url.get(k))) {
      notice(EN ? "Type a " + need.join(" or ") + " and pick it from the list, then press Show."
                : "Gõ tên " + need.map((k) => NAMES[k] || k).join(" hoặc ") + ", chọn trong danh sách rồi bấm Xem.");
      document.body.dataset.state = "empty";
      return;
    }
    document.body.dataset.state = "loading";
    const resp = await fetch(apiUrl(""));
    if (!resp.ok) {
      notice(await resp.text());
      document.body.dataset.state = "error";
      return;
    }
    draw(await resp.json());
    for (const ref of split(url.get("expand"))) {
      const id = byRef.get(ref) || ref;
      if (nodes.get(id)) await expand(id);
    }
    if (state.selected && byRef.has(state.selected)) focusNode(byRef.get(state.selected));
    saveState();
    document.body.dataset.restored = "1";
  }

  start();
})();
