/* kg graph explorer: Cytoscape.js over the /api/graph JSON.
 *
 * Every piece of text from the data goes through textContent (never innerHTML), the page
 * runs under a CSP without inline scripts, and the whole state lives in the URL so a view
 * can be shared. What the explorer says comes in the reader's language in the boot block
 * (`_()` and `_n()` below; the server reads those calls with Babel to fill it), numbers in
 * the language's digits, and names from the data sit in <bdi> elements tagged with their
 * language, so a Latin name in a Persian panel (or the reverse) keeps its own direction. The canvas renderer is kept on purpose: WebGL mode drops dashed edges,
 * and dashes are how contested and alleged relations are told apart.
 */
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("kx-boot").textContent);
  var t = window.kgI18n(boot);
  var _ = t._, _n = t._n, num = t.num, digits = t.digits, isolated = t.isolated;
  var LANG = t.lang;
  var RTL = t.rtl;
  var API = boot.api;
  var MAX_NODES = boot.maxNodes || 2000;
  var PAGE = boot.pageSize || 25;
  var KINDS = ["person", "organisation", "group", "event", "place"];
  var PALETTE = ["#2563eb", "#059669", "#c2410c", "#7c3aed", "#0891b2", "#be185d",
                 "#4d7c0f", "#b45309", "#4338ca", "#0f766e", "#9f1239", "#475569"];
  var LABEL_LIMIT = 24;   // more edges than this: labels on hover, selection and paths only
  var SHAPES = {person: "ellipse", organisation: "round-rectangle", group: "hexagon",
                event: "diamond", place: "round-triangle"};

  var state = {
    expanded: [],          // IRIs expanded, in order (for the permalink)
    relations: {},         // IRI -> relations list from its neighbourhood answer
    kinds: KINDS.slice(),
    from: null, to: null, source: "",
    pathA: null, pathB: null,
    selected: null
  };
  var predicateLabels = {};
  var sourcesByIri = {};

  // ---------------------------------------------------------------------------------
  // Words and numbers in the reader's language
  // ---------------------------------------------------------------------------------
  var DECIMALS = new Intl.NumberFormat(LANG, {minimumFractionDigits: 2, maximumFractionDigits: 2});
  var KIND_WORDS = {person: _("person"), organisation: _("organisation"), group: _("group"),
                    event: _("event"), place: _("place"), more: ""};
  var STATUS_WORDS = {asserted: _("asserted"), contested: _("contested"), superseded: _("superseded"),
                      "court-finding": _("court finding"),
                      "official-acknowledgement": _("official acknowledgement"),
                      "official-denial": _("official denial")};
  var EDGE_KIND_WORDS = {participation: _("participation"), membership: _("membership"),
                         allegation: _("allegation"), identity: _("identity"), claim: _("claim"),
                         link: _("link")};
  function word(table, key) { return table[key] || String(key || "").replace(/-/g, " "); }
  // Canvas text takes the page's direction as a whole: a name running the other way is set
  // off with Unicode isolates (`isolated`), the canvas's <bdi>.
  // Arrows point the way the page reads.
  var FORWARD = RTL ? "←" : "→", BACKWARD = RTL ? "→" : "←";

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  // A name from the data: isolated, in its language when the server knows it.
  function bdi(text, lang) {
    var node = el("bdi", null, text);
    if (lang) { node.lang = lang; }
    if (lang && lang.split("-")[0] !== LANG) { node.className = "fallback"; }
    return node;
  }
  function setStatus(text) { $("kx-status").textContent = text; }

  // ---------------------------------------------------------------------------------
  // The API, with retries while the server is still building the projection
  // ---------------------------------------------------------------------------------
  function api(path, params, options) {
    var url = API + path;
    var q = new URLSearchParams();
    Object.keys(params || {}).forEach(function (k) {
      if (params[k] !== null && params[k] !== undefined && params[k] !== "") { q.set(k, params[k]); }
    });
    q.set("lang", LANG);  // names and relations come back in the reader's language
    url += "?" + q.toString();
    var attempt = 0;
    function go() {
      return fetch(url, options || {headers: {Accept: "application/json"}}).then(function (r) {
        if (r.status === 202 && attempt < 120) {
          attempt += 1;
          setStatus(_("The server is preparing the graph projection…"));
          return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(go);
        }
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error(body.error || _("HTTP {status}", {status: r.status})); }
          return body;
        });
      });
    }
    return go();
  }

  // ---------------------------------------------------------------------------------
  // Cytoscape
  // ---------------------------------------------------------------------------------
  if (window.cytoscapeFcose) { cytoscape.use(window.cytoscapeFcose); }

  function nodeSize(c) {
    var v = 18 + 9 * Math.log2(1 + (c || 1));
    return Math.max(16, Math.min(64, v));
  }

  var cy = cytoscape({
    container: $("kx-canvas"),
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      {selector: "node", style: {
        "shape": function (n) { return SHAPES[n.data("kind")] || "ellipse"; },
        "width": "data(size)", "height": "data(size)",
        "background-color": "data(color)",
        "border-width": 1.5, "border-color": "#ffffff",
        "label": "data(canvasLabel)", "font-size": 10, "color": "#1f2937",
        "text-valign": "bottom", "text-margin-y": 3,
        "text-wrap": "ellipsis", "text-max-width": 130,
        "text-background-color": "#ffffff", "text-background-opacity": 0.75,
        "text-background-padding": 1, "min-zoomed-font-size": 7
      }},
      {selector: "node.plain", style: {"text-background-opacity": 0, "text-wrap": "none",
                                        "border-width": 0}},
      {selector: "node.expanded", style: {"border-color": "#111827", "border-width": 2.5}},
      {selector: "node.more", style: {
        "shape": "round-rectangle", "background-color": "#f3f4f6", "border-color": "#9ca3af",
        "border-width": 1, "border-style": "dashed", "width": 74, "height": 22,
        "label": "data(label)", "text-valign": "center", "text-margin-y": 0,
        "color": "#374151", "font-size": 10, "text-background-opacity": 0
      }},
      {selector: "node:selected", style: {"border-color": "#f59e0b", "border-width": 4}},
      {selector: "edge", style: {
        "width": "data(width)", "line-color": "#64748b", "target-arrow-color": "#64748b",
        "target-arrow-shape": "triangle", "arrow-scale": 0.7, "curve-style": "bezier",
        "opacity": 0.85, "font-size": 8, "color": "#374151",
        "text-rotation": "autorotate", "text-background-color": "#ffffff",
        "text-background-opacity": 0.8, "min-zoomed-font-size": 8
      }},
      {selector: "edge.more-edge", style: {"line-style": "dotted", "target-arrow-shape": "none",
                                            "line-color": "#cbd5e1", "width": 1}},
      {selector: "edge.established", style: {"line-color": "#111827", "target-arrow-color": "#111827"}},
      {selector: "edge.alleged", style: {"line-style": "dashed", "line-dash-pattern": [7, 4],
                                          "line-color": "#6d28d9", "target-arrow-color": "#6d28d9"}},
      {selector: "edge.contested", style: {"line-style": "dashed", "line-dash-pattern": [6, 3],
                                            "line-color": "#d97706", "target-arrow-color": "#d97706"}},
      {selector: "edge.superseded", style: {"line-style": "dotted", "line-color": "#9ca3af",
                                             "target-arrow-color": "#9ca3af", "opacity": 0.6}},
      {selector: "edge.labelled, edge:selected, edge.on-path", style: {"label": "data(label)"}},
      {selector: "edge:selected", style: {"line-color": "#f59e0b", "target-arrow-color": "#f59e0b"}},
      {selector: ".on-path", style: {"z-index": 10}},
      {selector: "node.on-path", style: {"border-color": "#f59e0b", "border-width": 4}},
      {selector: "edge.on-path", style: {"line-color": "#f59e0b", "target-arrow-color": "#f59e0b", "opacity": 1}},
      {selector: ".faded", style: {"opacity": 0.28}},
      {selector: ".dimmed", style: {"opacity": 0.12, "text-opacity": 0.1}}
    ]
  });

  function kindOf(n) { return n.kind; }

  function nodeData(n) {
    return {
      id: n.id, label: n.label, labelLang: n.labelLang, kind: kindOf(n), start: n.start, end: n.end,
      degree: n.degree, centrality: n.centrality, community: n.community,
      size: nodeSize(n.centrality), canvasLabel: isolated(n.label),
      color: n.community === null || n.community === undefined ? "#6b7280" : PALETTE[n.community % PALETTE.length]
    };
  }

  function edgeClasses(e) {
    var cls = [];
    if (e.status === "contested" || e.status === "official-denial") { cls.push("contested"); }
    else if (e.status === "superseded") { cls.push("superseded"); }
    else if (e.alleged) { cls.push("alleged"); }
    else if (e.status === "court-finding" || e.status === "official-acknowledgement") { cls.push("established"); }
    return cls.join(" ");
  }

  function edgeLabel(e) {
    return isolated(e.label) + " · " + _n("{n} source", "{n} sources", e.sources);
  }

  function addEdge(e) {
    if (cy.getElementById(e.id).nonempty()) { return; }
    if (cy.getElementById(e.source).empty() || cy.getElementById(e.target).empty()) { return; }
    var d = {id: e.id, source: e.source, target: e.target, label: edgeLabel(e),
             relation: e.label, relationLang: e.labelLang, kind: e.kind, status: e.status, alleged: e.alleged,
             sources: e.sources, claims: e.claims, sourceIris: e.sourceIris,
             start: e.start, end: e.end, width: Math.min(9, 1.2 + 1.6 * Math.log2(1 + e.sources))};
    cy.add({group: "edges", data: d, classes: edgeClasses(e)});
  }

  function place(anchor, count, i) {
    var p = anchor ? anchor.position() : {x: 0, y: 0};
    var r = 90 + 14 * Math.sqrt(anchor ? anchor.degree() : count);  // later pages ring further out
    var a = (2 * Math.PI * i) / Math.max(1, count);
    return {x: p.x + r * Math.cos(a), y: p.y + r * Math.sin(a)};
  }

  function addNeighbourhood(data) {
    var focus = data.focus;
    var anchor = cy.getElementById(focus.id);
    if (anchor.empty()) {
      anchor = cy.add({group: "nodes", data: nodeData(focus), position: {x: 0, y: 0}});
    }
    var room = MAX_NODES - cy.nodes().length;
    var fresh = data.nodes.filter(function (n) { return cy.getElementById(n.id).empty(); });
    var cut = 0;
    if (fresh.length > room) { cut = fresh.length - Math.max(0, room); fresh = fresh.slice(0, Math.max(0, room)); }
    fresh.forEach(function (n, i) {
      cy.add({group: "nodes", data: nodeData(n), position: place(anchor, fresh.length, i)});
    });
    data.edges.forEach(addEdge);
    var moreId = "more|" + focus.id + "|" + (data.predicate || "") + "|" + (data.direction || "");
    cy.remove(cy.getElementById(moreId));
    var more = data.more + cut;
    if (more > 0) {
      cy.add({group: "nodes", classes: "more", data: {
        id: moreId, label: _("+{n} more", {n: num(more)}), more: true, parent_: focus.id,
        predicate: data.predicate || "", direction: data.direction || "",
        offset: data.offset + data.nodes.length - cut, kind: "more", size: 22, color: "#f3f4f6"
      }, position: place(anchor, 1, 0.5)});
      cy.add({group: "edges", classes: "more-edge", data: {
        id: moreId + "|e", source: focus.id, target: moreId, label: "", width: 1}});
    }
    if (cut > 0) {
      setStatus(_("Showing at most {max} nodes: {cut} more were left out. Clear or dim to focus.",
                  {max: num(MAX_NODES), cut: num(cut)}));
    }
    return fresh.length;
  }

  // Large views: while panning and zooming, move a cached bitmap and leave out edges
  // (Cytoscape's own options for big graphs), so 2,000 nodes stay fluid.
  var BIG = 300;
  function tuneRenderer() {
    var r = cy.renderer && cy.renderer();
    if (!r) { return; }
    var big = cy.nodes().length > BIG;
    r.textureOnViewport = big;
    r.hideEdgesOnViewport = big;
    cy.nodes().toggleClass("plain", big);
  }

  var layoutRunning = null;
  function relayout(randomize) {
    if (layoutRunning) { layoutRunning.stop(); }
    var n = cy.nodes().length;
    if (n === 0) { return; }
    // fcose's "draft" quality is its spectral phase alone, which stacks structurally
    // identical nodes (the victims around one event) on one point: always refine with
    // the force-directed phase, with fewer iterations on big views.
    layoutRunning = cy.layout({
      name: window.cytoscapeFcose ? "fcose" : "cose",
      quality: "default",
      randomize: !!randomize, animate: false, fit: true, padding: 30,
      nodeDimensionsIncludeLabels: false, nodeRepulsion: 12000, idealEdgeLength: 110,
      nodeSeparation: 90, edgeElasticity: 0.3,
      numIter: n > 600 ? 300 : 2500, tile: true
    });
    layoutRunning.run();
    layoutRunning = null;
    if (cy.zoom() > 1.4) { cy.zoom(1.4); cy.center(); }
    tuneRenderer();
  }

  // ---------------------------------------------------------------------------------
  // Expanding, selecting, details
  // ---------------------------------------------------------------------------------
  function expand(iri, opts) {
    opts = opts || {};
    setStatus(_("Loading the neighbourhood…"));
    return api("/neighbourhood", {iri: iri, limit: PAGE, offset: opts.offset || 0,
                                   predicate: opts.predicate, direction: opts.direction})
      .then(function (data) {
        cy.elements().removeClass("faded");
        var added = addNeighbourhood(data);
        state.relations[iri] = data.relations;
        cy.getElementById(iri).addClass("expanded");
        if (!opts.predicate && !opts.offset && state.expanded.indexOf(iri) < 0) { state.expanded.push(iri); }
        if (!opts.quiet) {
          // Small views re-run the force layout; big ones keep every node where the reader
          // left it and ring the newcomers round their anchor (a full fcose run on 2,000
          // nodes takes seconds: "Re-arrange" does it on request).
          if (cy.nodes().length <= BIG) { relayout(cy.nodes().length <= 1 + added); }
          else { tuneRenderer(); }
          applyFilters(); renderList(); writeUrl();
          setStatus(describe(data, added));
          if (added) { connectShown(); }
        }
        return data;
      })
      .catch(function (err) { setStatus(_("Could not load: {error}", {error: err.message})); });
  }

  // Edges between nodes that arrived through different expansions (A's page and B's page).
  function connectShown() {
    var ids = cy.nodes().not(".more").map(function (n) { return n.id(); });
    if (ids.length < 2) { return Promise.resolve(); }
    return api("/between", null, {method: "POST", headers: {"Content-Type": "application/json",
      Accept: "application/json"}, body: JSON.stringify({nodes: ids})})
      .then(function (body) {
        var before = cy.edges().length;
        cy.batch(function () { body.edges.forEach(addEdge); });
        if (cy.edges().length !== before) { applyFilters(); renderList(); }
      })
      .catch(function () { /* the view stays usable without the extra edges */ });
  }

  function describe(data, added) {
    var values = {name: data.focus.label, total: num(data.total), added: num(added),
                  more: num(data.more)};
    return (data.more ? _("{name}: {total} neighbours, {added} added, {more} more available.", values)
                      : _("{name}: {total} neighbours, {added} added.", values)) + " " +
      _n("{n} node on the canvas.", "{n} nodes on the canvas.", cy.nodes().not(".more").length);
  }

  function pageUrl(iri) {
    if (iri.indexOf(boot.idBase) === 0) { return boot.pageBase + iri.slice(boot.idBase.length); }
    return null;
  }

  function select(iri) {
    var node = cy.getElementById(iri);
    if (node.empty()) { return; }
    cy.elements().unselect();
    node.select();
    state.selected = iri;
    showNode(iri);
    syncList(iri);
  }

  function showNode(iri) {
    var node = cy.getElementById(iri);
    var box = $("kx-details");
    box.replaceChildren();
    var d = node.data();
    var kind = el("p", "kx-kind", word(KIND_WORDS, d.kind));
    box.appendChild(kind);
    var title = el("h2", "kx-title");
    title.appendChild(bdi(d.label, d.labelLang));
    box.appendChild(title);
    var links = el("p", "kx-links");
    var href = pageUrl(iri);
    if (href) {
      var a = el("a", null, _("Open the entity page")); a.href = href; links.appendChild(a);
      links.appendChild(document.createTextNode(" · "));
    }
    var focus = el("a", null, _("Explore from here"));
    focus.href = "/explore?focus=" + encodeURIComponent(iri);
    links.appendChild(focus);
    box.appendChild(links);
    var parts = [_n("{n} relation", "{n} relations", d.degree || 0),
                 _("centrality {value}", {value: DECIMALS.format(d.centrality || 0)})];
    if (d.community !== null && d.community !== undefined) {
      parts.push(_("community {n}", {n: num(d.community + 1)}));
    }
    if (d.start) {
      parts.push(d.end && d.end !== d.start ? _("{start} to {end}", {start: digits(d.start), end: digits(d.end)})
                                            : digits(d.start));
    }
    box.appendChild(el("p", "kx-facts", parts.join(" · ")));
    var ends = el("div", "kx-row");
    var setA = el("button", "kx-btn", _("Set as From")); setA.type = "button";
    setA.addEventListener("click", function () { setEnd("a", iri); });
    var setB = el("button", "kx-btn", _("Set as To")); setB.type = "button";
    setB.addEventListener("click", function () { setEnd("b", iri); });
    ends.appendChild(setA); ends.appendChild(setB);
    box.appendChild(ends);
    box.appendChild(el("h3", null, _("Relations")));
    var rels = state.relations[iri];
    if (!rels) {
      var load = el("button", "kx-btn kx-primary", _("Show relations and add neighbours"));
      load.type = "button";
      load.addEventListener("click", function () { expand(iri).then(function () { showNode(iri); }); });
      box.appendChild(load);
      return;
    }
    if (!rels.length) { box.appendChild(el("p", "kx-hint", _("No relations in the graph."))); return; }
    var list = el("ul", "kx-rels");
    rels.forEach(function (r) {
      var li = el("li");
      var b = el("button", "kx-rel");
      b.type = "button";
      b.appendChild(el("span", "kx-dir", r.direction === "out" ? FORWARD : BACKWARD));
      var rl = el("span", "kx-rel-label");
      rl.appendChild(bdi(r.label, r.labelLang));
      b.appendChild(rl);
      b.appendChild(el("span", "kx-count", num(r.count)));
      b.title = _("Add up to {n} of these neighbours", {n: num(PAGE)});
      var values = {relation: isolated(r.label), count: num(r.count), n: num(PAGE)};
      b.setAttribute("aria-label", r.direction === "out"
        ? _("outgoing {relation}: {count} — add up to {n}", values)
        : _("incoming {relation}: {count} — add up to {n}", values));
      b.addEventListener("click", function () {
        expand(iri, {predicate: r.predicate, direction: r.direction});
      });
      li.appendChild(b);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function refLink(ref, text) {
    // Pages are paths the server made from IRIs under its own base ("/page/..."); anything
    // else is shown as text.
    if (ref.page && ref.page.charAt(0) === "/") {
      var a = el("a", null, text === undefined ? ref.label : text);
      a.href = ref.page;
      return a;
    }
    return document.createTextNode(text === undefined ? ref.label : text);
  }

  // Where a claim comes from: its chain back to its origins, and the origins counted
  // (repetition is not corroboration). The words come from the server, in the reader's
  // language: each step is a sentence whose {claim}, {claimants} and {publication} become
  // links here.
  function lineageBox(c) {
    var box = el("div", "kx-lineage");
    (c.lineageSteps || []).forEach(function (s) {
      var p = el("p", "kx-step");
      s.template.split(/(\{claim\}|\{claimants\}|\{publication\})/).forEach(function (part) {
        if (part === "{claim}") { p.appendChild(refLink(s.source, _("the claim"))); }
        else if (part === "{claimants}") {
          s.claimants.forEach(function (w, i) {
            if (i) { p.appendChild(document.createTextNode(i === s.claimants.length - 1 ? " " + _("and") + " " : _(", "))); }
            var name = bdi("", w.labelLang); name.appendChild(refLink(w)); p.appendChild(name);
          });
        } else if (part === "{publication}") {
          var pub = bdi("", s.publication.labelLang); pub.appendChild(refLink(s.publication));
          p.appendChild(pub);
        } else if (part) { p.appendChild(document.createTextNode(part)); }
      });
      box.appendChild(p);
    });
    box.appendChild(el("p", "kx-origins", c.originsText));
    return box;
  }

  function showEdge(id) {
    var box = $("kx-details");
    box.replaceChildren(el("p", "kx-hint", _("Loading the claims…")));
    api("/edge/" + encodeURIComponent(id)).then(function (e) {
      box.replaceChildren();
      box.appendChild(el("p", "kx-kind", word(EDGE_KIND_WORDS, e.kind) + " · " + word(STATUS_WORDS, e.status) +
        (e.alleged ? " · " + _("alleged") : "")));
      var h = el("h2", "kx-title");
      h.appendChild(bdi(e.sourceLabel, e.sourceLabelLang));
      var rel = el("span", "kx-rel-inline");
      rel.appendChild(document.createTextNode(" "));
      rel.appendChild(bdi(e.label, e.labelLang));
      rel.appendChild(document.createTextNode(" "));
      h.appendChild(rel);
      h.appendChild(bdi(e.targetLabel, e.targetLabelLang));
      box.appendChild(h);
      box.appendChild(el("p", "kx-facts", _n("{n} source", "{n} sources", e.sources) +
        (e.claims.length ? " · " + _n("{n} claim", "{n} claims", e.claims.length) : "")));
      if (e.graphs) {
        box.appendChild(el("h3", null, _("Stated in")));
        var gl = el("ul", "kx-claims");
        e.graphs.forEach(function (g) { var li = el("li"); li.appendChild(bdi(g.title)); gl.appendChild(li); });
        box.appendChild(gl);
        return;
      }
      box.appendChild(el("h3", null, _("Who says so")));
      var list = el("ol", "kx-claims");
      e.claims.forEach(function (c) {
        var li = el("li", "kx-claim kx-st-" + c.status);
        var head = el("p", "kx-claim-head");
        head.appendChild(el("span", "kx-badge kx-b-" + c.status, word(STATUS_WORDS, c.status)));
        if (c.grading) {
          var grade = el("span", "kx-badge", _("grading") + " ");
          grade.appendChild(bdi(c.grading, "en"));
          head.appendChild(grade);
        }
        li.appendChild(head);
        if (c.statement) {
          var st = el("p", "kx-statement");
          st.appendChild(bdi(c.statement));
          li.appendChild(st);
        }
        c.quotes.forEach(function (q) {
          var bq = el("blockquote", "kx-quote", "“" + q + "”");
          bq.dir = "auto";
          li.appendChild(bq);
        });
        (c.cells || []).forEach(function (cell) {  // an imported table's cell
          var row = _("row {row}", {row: digits(cell.row)});
          var column = cell.column ? isolated(cell.column)
            : cell.col ? _("column {number}", {number: digits(cell.col)}) : null;
          var place = column ? _("{row}, {column}", {row: row, column: column}) : row;
          var bq = el("blockquote", "kx-quote kx-cell", place + (cell.text !== null ? ": " : ""));
          if (cell.text !== null) { bq.appendChild(bdi(cell.text)); }
          li.appendChild(bq);
        });
        var meta = el("p", "kx-meta");
        if (c.claimantLabel || c.claimant) {
          var who = el("span", null, _("Claimant:") + " ");
          who.appendChild(bdi(c.claimantLabel || c.claimant, c.claimantLabelLang));
          meta.appendChild(who);
        }
        var src = el("span");
        src.appendChild(document.createTextNode(" " + _("Source:") + " "));
        var href = c.source && pageUrl(c.source);
        var title = c.sourceTitle || c.source ? bdi(c.sourceTitle || c.source) : el("span", null, _("unknown"));
        if (href) { var a = el("a"); a.href = href; a.appendChild(title); src.appendChild(a); }
        else { src.appendChild(title); }
        if (c.published) {
          src.appendChild(document.createTextNode(" ("));
          src.appendChild(bdi(digits(c.published)));
          src.appendChild(document.createTextNode(")"));
        }
        meta.appendChild(src);
        li.appendChild(meta);
        if (c.originsText) { li.appendChild(lineageBox(c)); }
        if (c.reason) {
          var why = el("p", "kx-hint", _("Superseded because:") + " ");
          why.appendChild(bdi(c.reason));
          li.appendChild(why);
        }
        list.appendChild(li);
      });
      if (!e.claims.length) { list.appendChild(el("li", "kx-hint", _("No claim found."))); }
      box.appendChild(list);
    }).catch(function (err) {
      box.replaceChildren(el("p", "kx-hint", _("Could not load: {error}", {error: err.message})));
    });
  }

  cy.on("tap", "node", function (evt) {
    var n = evt.target;
    if (n.data("more")) {
      var parent = n.data("parent_");
      expand(parent, {offset: n.data("offset"), predicate: n.data("predicate") || null,
                      direction: n.data("direction") || null});
      return;
    }
    var iri = n.id();
    select(iri);
    if (!n.hasClass("expanded")) {
      expand(iri).then(function () { if (state.selected === iri) { showNode(iri); } });
    }
  });
  cy.on("tap", "edge", function (evt) {
    var e = evt.target;
    if (e.hasClass("more-edge")) { return; }
    cy.elements().unselect(); e.select();
    showEdge(e.id());
  });
  cy.on("tap", function (evt) { if (evt.target === cy) { cy.elements().removeClass("faded"); } });
  cy.on("mouseover", "edge", function (evt) { evt.target.addClass("labelled"); });
  cy.on("mouseout", "edge", function (evt) {
    if (cy.edges().length > LABEL_LIMIT) { evt.target.removeClass("labelled"); }
  });

  // ---------------------------------------------------------------------------------
  // Filters: dim rather than hide, and count what is dimmed
  // ---------------------------------------------------------------------------------
  function year(text) { return text ? parseInt(String(text).slice(0, 4), 10) : null; }
  function outside(start, end) {
    if (!start && !end) { return false; }   // undated elements stay visible
    var s = year(start || end), e = year(end || start);
    if (state.from && e < state.from) { return true; }
    if (state.to && s > state.to) { return true; }
    return false;
  }

  function applyFilters() {
    cy.batch(function () {
      var dimmedNodes = 0, dimmedEdges = 0;
      cy.nodes().forEach(function (n) {
        if (n.data("more")) { return; }
        var dim = state.kinds.indexOf(n.data("kind")) < 0 || outside(n.data("start"), n.data("end"));
        n.toggleClass("dimmed", dim);
        if (dim) { dimmedNodes += 1; }
      });
      cy.edges().forEach(function (e) {
        if (e.hasClass("more-edge")) { return; }
        var dim = e.source().hasClass("dimmed") || e.target().hasClass("dimmed") ||
          outside(e.data("start"), e.data("end")) ||
          (state.source && (e.data("sourceIris") || []).indexOf(state.source) < 0);
        e.toggleClass("dimmed", dim);
        if (dim) { dimmedEdges += 1; }
      });
      var total = dimmedNodes + dimmedEdges;
      $("kx-hidden").textContent = total
        ? _("{total} hidden ({nodes} nodes, {edges} edges dimmed)",
            {total: num(total), nodes: num(dimmedNodes), edges: num(dimmedEdges)})
        : _("Nothing dimmed");
    });
    if (cy.edges().length <= LABEL_LIMIT) { cy.edges().not(".more-edge").addClass("labelled"); }
    else { cy.edges().removeClass("labelled"); }
  }

  function readFilters() {
    state.kinds = Array.prototype.slice.call(document.querySelectorAll("input[name=kind]:checked"))
      .map(function (i) { return i.value; });
    state.from = parseInt($("kx-from").value, 10) || null;
    state.to = parseInt($("kx-to").value, 10) || null;
    state.source = $("kx-source").value;
    applyFilters(); renderList(); writeUrl();
  }
  document.querySelectorAll("input[name=kind]").forEach(function (i) { i.addEventListener("change", readFilters); });
  ["kx-from", "kx-to", "kx-source"].forEach(function (id) { $(id).addEventListener("change", readFilters); });

  // ---------------------------------------------------------------------------------
  // The list view: the same nodes and edges, for keyboards and screen readers
  // ---------------------------------------------------------------------------------
  var listTimer = null;
  function renderList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(renderListNow, 30);
  }
  function renderListNow() {
    var box = $("kx-list");
    box.replaceChildren();
    var nodes = cy.nodes().not(".more").sort(function (a, b) {
      return (b.data("centrality") || 0) - (a.data("centrality") || 0);
    });
    box.appendChild(el("p", "kx-hint", _("{nodes} nodes and {edges} edges, most central first. Dimmed items are marked.",
      {nodes: num(nodes.length), edges: num(cy.edges().not(".more-edge").length)})));
    var ul = el("ul", "kx-list-nodes");
    nodes.forEach(function (n) {
      var li = el("li", n.hasClass("dimmed") ? "dimmed" : "");
      li.id = "kx-li-" + cssId(n.id());
      var b = el("button", "kx-list-node");
      b.type = "button";
      b.dataset.iri = n.id();
      b.appendChild(el("span", "kx-swatch kx-" + n.data("kind")));
      b.appendChild(bdi(n.data("label"), n.data("labelLang")));
      b.appendChild(el("span", "kx-kind-inline", " " + word(KIND_WORDS, n.data("kind")) +
        (n.hasClass("dimmed") ? " " + _("(dimmed)") : "")));
      if (n.id() === state.selected) { b.setAttribute("aria-current", "true"); }
      b.addEventListener("click", function () {
        select(n.id());
        if (!n.hasClass("expanded")) { expand(n.id()).then(function () { showNode(n.id()); }); }
      });
      li.appendChild(b);
      var edges = n.connectedEdges().not(".more-edge").filter(function (e) { return e.source().id() === n.id(); });
      if (edges.length) {
        var sub = el("ul", "kx-list-edges");
        edges.forEach(function (e) {
          var eli = el("li");
          var eb = el("button", "kx-list-edge " + (e.classes() || []).join(" "));
          eb.type = "button";
          eb.appendChild(document.createTextNode(FORWARD + " "));
          eb.appendChild(bdi(e.data("relation"), e.data("relationLang")));
          eb.appendChild(document.createTextNode(" " + FORWARD + " "));
          eb.appendChild(bdi(e.target().data("label"), e.target().data("labelLang")));
          eb.appendChild(document.createTextNode(" (" + [_n("{n} source", "{n} sources", e.data("sources")),
            word(STATUS_WORDS, e.data("status"))].concat(e.data("alleged") ? [_("alleged")] : []).join(_(", ")) + ")"));
          eb.addEventListener("click", function () { cy.elements().unselect(); e.select(); showEdge(e.id()); });
          eli.appendChild(eb);
          sub.appendChild(eli);
        });
        li.appendChild(sub);
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
  }
  function cssId(iri) { return iri.replace(/[^A-Za-z0-9_-]/g, "_"); }
  function syncList(iri) {
    document.querySelectorAll(".kx-list-node[aria-current]").forEach(function (b) { b.removeAttribute("aria-current"); });
    var li = document.getElementById("kx-li-" + cssId(iri));
    if (li) { li.querySelector(".kx-list-node").setAttribute("aria-current", "true"); }
  }

  function showTab(which) {
    var graph = which === "graph";
    $("kx-tab-graph").setAttribute("aria-selected", String(graph));
    $("kx-tab-list").setAttribute("aria-selected", String(!graph));
    $("kx-tab-graph").tabIndex = graph ? 0 : -1;
    $("kx-tab-list").tabIndex = graph ? -1 : 0;
    $("kx-canvas").hidden = !graph;
    $("kx-list").hidden = graph;
    if (graph) { cy.resize(); } else { renderListNow(); }
  }
  $("kx-tab-graph").addEventListener("click", function () { showTab("graph"); });
  $("kx-tab-list").addEventListener("click", function () { showTab("list"); });
  document.querySelector(".kx-tabs").addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowRight" || ev.key === "ArrowLeft") {
      var toList = $("kx-tab-graph").getAttribute("aria-selected") === "true";
      showTab(toList ? "list" : "graph");
      $(toList ? "kx-tab-list" : "kx-tab-graph").focus();
      ev.preventDefault();
    }
  });

  // ---------------------------------------------------------------------------------
  // Search
  // ---------------------------------------------------------------------------------
  var searchTimer = null;
  var results = $("kx-results");
  function closeResults() { results.hidden = true; $("kx-search").setAttribute("aria-expanded", "false"); }
  $("kx-search").addEventListener("input", function () {
    clearTimeout(searchTimer);
    var q = this.value.trim();
    if (q.length < 2) { closeResults(); return; }
    searchTimer = setTimeout(function () {
      api("/search", {q: q, limit: 12}).then(function (body) {
        results.replaceChildren();
        body.results.forEach(function (n, i) {
          var li = el("li", "kx-result");
          li.setAttribute("role", "option");
          li.id = "kx-opt-" + i;
          li.tabIndex = -1;
          li.appendChild(el("span", "kx-swatch kx-" + n.kind));
          li.appendChild(bdi(n.label, n.labelLang));
          li.appendChild(el("span", "kx-kind-inline", " " + word(KIND_WORDS, n.kind)));
          li.addEventListener("click", function () { start(n.id); closeResults(); });
          li.addEventListener("keydown", function (ev) {
            if (ev.key === "Enter") { start(n.id); closeResults(); }
            if (ev.key === "ArrowDown" && li.nextSibling) { li.nextSibling.focus(); ev.preventDefault(); }
            if (ev.key === "ArrowUp") { (li.previousSibling || $("kx-search")).focus(); ev.preventDefault(); }
            if (ev.key === "Escape") { closeResults(); $("kx-search").focus(); }
          });
          results.appendChild(li);
        });
        if (!body.results.length) { results.appendChild(el("li", "kx-hint", _("No match"))); }
        results.hidden = false;
        $("kx-search").setAttribute("aria-expanded", "true");
      });
    }, 180);
  });
  $("kx-search").addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" && !results.hidden && results.firstChild && results.firstChild.focus) {
      results.firstChild.focus(); ev.preventDefault();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      var first = results.querySelector(".kx-result");
      if (first) { first.click(); }
    } else if (ev.key === "Escape") { closeResults(); }
  });

  function start(iri) {
    if (cy.getElementById(iri).empty() || !cy.getElementById(iri).hasClass("expanded")) {
      return expand(iri).then(function () { select(iri); centreOn(iri); });
    }
    select(iri); centreOn(iri);
    return Promise.resolve();
  }
  function centreOn(iri) {
    var n = cy.getElementById(iri);
    if (n.nonempty()) { cy.animate({center: {eles: n}, duration: 0}); }
  }

  // ---------------------------------------------------------------------------------
  // Paths
  // ---------------------------------------------------------------------------------
  function labelOf(iri) {
    var n = cy.getElementById(iri);
    return n.nonempty() ? bdi(n.data("label"), n.data("labelLang")) : bdi(iri);
  }
  function setEnd(which, iri) {
    if (which === "a") { state.pathA = iri; } else { state.pathB = iri; }
    $(which === "a" ? "kx-path-a" : "kx-path-b").replaceChildren(iri ? labelOf(iri) : _("not set"));
    $("kx-path-run").disabled = !(state.pathA && state.pathB && state.pathA !== state.pathB);
    writeUrl();
  }
  $("kx-path-run").addEventListener("click", function () { findPaths(); });

  function findPaths() {
    var out = $("kx-paths");
    out.replaceChildren(el("li", "kx-hint", _("Searching…")));
    return api("/paths", {from: state.pathA, to: state.pathB, k: 3}).then(function (body) {
      out.replaceChildren();
      cy.elements().removeClass("on-path");
      if (!body.paths.length) { out.appendChild(el("li", "kx-hint", _("No connection in the graph."))); return; }
      body.paths.forEach(function (p, i) {
        var li = el("li", "kx-path");
        var head = el("button", "kx-path-head", num(i + 1) + ". " + _n("{n} hop", "{n} hops", p.length) +
          " · " + _("weakest hop:") + " " + _n("{n} source", "{n} sources", p.weakest));
        head.type = "button";
        head.addEventListener("click", function () { drawPath(p); });
        li.appendChild(head);
        var hops = el("ul", "kx-hops");
        p.nodes.forEach(function (n, i) {
          var hopNode = el("li", "kx-hop-node");
          hopNode.appendChild(bdi(n.label, n.labelLang));
          hops.appendChild(hopNode);
          var h = p.hops[i];
          if (!h) { return; }
          var rel = el("li", "kx-hop-rel");
          h.edges.forEach(function (e) {
            var forward = e.source === h.from;
            var eb = el("button", "kx-hop-edge " + edgeClasses(e), forward ? "↓ " : "↑ ");
            eb.appendChild(bdi(e.label, e.labelLang));
            eb.appendChild(document.createTextNode(" · " + _n("{n} source", "{n} sources", e.sources) +
              (e.status !== "asserted" ? " · " + word(STATUS_WORDS, e.status) : "") +
              (e.alleged ? " · " + _("alleged") : "")));
            eb.type = "button";
            eb.title = _("Show who says so");
            eb.addEventListener("click", function () { drawPath(p); showEdge(e.id); });
            rel.appendChild(eb);
          });
          hops.appendChild(rel);
        });
        li.appendChild(hops);
        out.appendChild(li);
      });
      drawPath(body.paths[0]);
    }).catch(function (err) {
      out.replaceChildren(el("li", "kx-hint", _("Could not search: {error}", {error: err.message})));
    });
  }

  function drawPath(p) {
    var anchor = null;
    p.nodes.forEach(function (n, i) {
      if (cy.getElementById(n.id).empty()) {
        var near = anchor || cy.nodes().first();
        var pos = near && near.nonempty() ? {x: near.position().x + 60, y: near.position().y + 40 * (i + 1)} : {x: 0, y: 0};
        cy.add({group: "nodes", data: nodeData(n), position: pos});
      }
      anchor = cy.getElementById(n.id);
    });
    p.hops.forEach(function (h) { h.edges.forEach(addEdge); });
    cy.elements().removeClass("on-path").addClass("faded");
    var ids = {};
    p.nodes.forEach(function (n) { ids[n.id] = true; cy.getElementById(n.id).addClass("on-path").removeClass("faded"); });
    p.hops.forEach(function (h) { h.edges.forEach(function (e) { cy.getElementById(e.id).addClass("on-path").removeClass("faded"); }); });
    relayout(false);
    applyFilters(); renderList();
    cy.fit(cy.elements(".on-path"), 60);
    setStatus(_n("Path of {n} hop shown in amber.", "Path of {n} hops shown in amber.", p.length));
  }

  // ---------------------------------------------------------------------------------
  // Toolbar, permalinks, start
  // ---------------------------------------------------------------------------------
  $("kx-fit").addEventListener("click", function () { cy.fit(undefined, 30); });
  $("kx-relayout").addEventListener("click", function () { relayout(true); });
  $("kx-clear").addEventListener("click", function () {
    cy.elements().remove(); state.expanded = []; state.relations = {}; state.selected = null;
    $("kx-paths").replaceChildren(); renderList(); writeUrl();
    setStatus(_("Cleared. Search for an entity to start again."));
  });
  $("kx-png").addEventListener("click", function () {
    download(cy.png({output: "blob", bg: "#ffffff", full: true, scale: 2, maxWidth: 6000, maxHeight: 6000}),
             "kg-graph.png");
  });

  // SVG export, drawn from Cytoscape's computed geometry (the cytoscape-svg extension is
  // GPL-3.0, which this Apache-2.0 project does not vendor). Text goes in through
  // textContent and XMLSerializer escapes it.
  var SVGNS = "http://www.w3.org/2000/svg";
  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function polygon(cx, cy0, w, h, pts) {
    return pts.map(function (p) { return (cx + p[0] * w / 2).toFixed(1) + "," + (cy0 + p[1] * h / 2).toFixed(1); }).join(" ");
  }
  var POLYS = {
    diamond: [[0, -1], [1, 0], [0, 1], [-1, 0]],
    hexagon: [[-0.5, -1], [0.5, -1], [1, 0], [0.5, 1], [-0.5, 1], [-1, 0]],
    "round-triangle": [[0, -1], [1, 1], [-1, 1]]
  };
  function exportSvg() {
    var eles = cy.elements().not(".more, .more-edge");
    var bb = eles.boundingBox({includeLabels: true});
    var px = 90, py = 20;  // SVG labels are not ellipsised as on the canvas: leave room
    var x0 = bb.x1 - px, y0 = bb.y1 - py, w = bb.w + 2 * px, h = bb.h + 2 * py + 24;
    var root = svgEl("svg", {xmlns: SVGNS, width: Math.ceil(w), height: Math.ceil(h),
      viewBox: [x0, y0, w, h].join(" "), "font-family": "sans-serif", "xml:lang": LANG});
    root.appendChild(svgEl("rect", {x: x0, y: y0, width: w, height: h, fill: "#ffffff"}));
    eles.edges().forEach(function (e) {
      var s = e.sourceEndpoint(), t = e.targetEndpoint(), cps = e.controlPoints();
      var d = "M" + s.x.toFixed(1) + " " + s.y.toFixed(1);
      var last = s;
      if (cps && cps.length) { d += " Q" + cps[0].x.toFixed(1) + " " + cps[0].y.toFixed(1); last = cps[0]; }
      else { d += " L"; }
      d += " " + t.x.toFixed(1) + " " + t.y.toFixed(1);
      var colour = e.style("line-color"), style = e.style("line-style");
      var g = svgEl("g", {opacity: e.hasClass("dimmed") ? 0.15 : e.style("opacity")});
      var path = svgEl("path", {d: d, fill: "none", stroke: colour, "stroke-width": parseFloat(e.style("width"))});
      if (style === "dashed") { path.setAttribute("stroke-dasharray", "7 4"); }
      if (style === "dotted") { path.setAttribute("stroke-dasharray", "2 3"); }
      path.appendChild(svgEl("title", {}, e.data("label")));
      g.appendChild(path);
      var ang = Math.atan2(t.y - last.y, t.x - last.x), size = 9;
      var a1 = ang + Math.PI - 0.4, a2 = ang + Math.PI + 0.4;
      g.appendChild(svgEl("polygon", {fill: colour, points: [t.x + "," + t.y,
        (t.x + size * Math.cos(a1)) + "," + (t.y + size * Math.sin(a1)),
        (t.x + size * Math.cos(a2)) + "," + (t.y + size * Math.sin(a2))].join(" ")}));
      root.appendChild(g);
    });
    eles.nodes().forEach(function (n) {
      var p = n.position(), w = n.width(), h = n.height();
      var g = svgEl("g", {opacity: n.hasClass("dimmed") ? 0.15 : 1});
      var attrs = {fill: n.style("background-color"), stroke: n.style("border-color"),
                   "stroke-width": parseFloat(n.style("border-width"))};
      var shape = n.style("shape"), node;
      if (POLYS[shape]) { attrs.points = polygon(p.x, p.y, w, h, POLYS[shape]); node = svgEl("polygon", attrs); }
      else if (shape === "round-rectangle") {
        attrs.x = p.x - w / 2; attrs.y = p.y - h / 2; attrs.width = w; attrs.height = h; attrs.rx = 4;
        node = svgEl("rect", attrs);
      } else { attrs.cx = p.x; attrs.cy = p.y; attrs.rx = w / 2; attrs.ry = h / 2; node = svgEl("ellipse", attrs); }
      node.appendChild(svgEl("title", {}, n.data("label") + " (" + word(KIND_WORDS, n.data("kind")) + ")"));
      g.appendChild(node);
      g.appendChild(svgEl("text", {x: p.x, y: p.y + h / 2 + 11, "font-size": 10, "text-anchor": "middle",
        fill: "#1f2937"}, n.data("label")));
      root.appendChild(g);
    });
    root.appendChild(svgEl("text", {x: x0 + 6, y: y0 + h - 8, "font-size": 10, fill: "#5a6272"},
      _("kg graph export, {date}: {url}", {date: digits(new Date().toISOString().slice(0, 10)), url: location.href})));
    var blob = new Blob(['<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(root)],
                        {type: "image/svg+xml"});
    download(blob, "kg-graph.svg");
  }
  function download(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 5000);
  }
  $("kx-svg").addEventListener("click", exportSvg);

  // Evidence pack: the claims behind the visible (undimmed) relations, as Turtle with a
  // citation list, built by the server from the same store.
  function exportEvidence() {
    var ids = cy.edges().not(".more-edge, .dimmed").map(function (e) { return e.id(); });
    if (!ids.length) { setStatus(_("No relation on the canvas to export.")); return Promise.resolve(); }
    setStatus(_("Preparing the evidence pack…"));
    return fetch(API + "/evidence", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({edges: ids, permalink: location.href})})
      .then(function (r) {
        if (!r.ok) { throw new Error(_("HTTP {status}", {status: r.status})); }
        return r.blob();
      })
      .then(function (blob) {
        download(blob, "kg-evidence.ttl");
        setStatus(_n("Evidence pack for {n} relation downloaded.", "Evidence pack for {n} relations downloaded.",
                     ids.length));
      })
      .catch(function (err) { setStatus(_("Could not export: {error}", {error: err.message})); });
  }
  $("kx-evidence").addEventListener("click", exportEvidence);

  function writeUrl() {
    var q = new URLSearchParams();
    if (state.expanded.length) { q.set("focus", state.expanded[0]); }
    state.expanded.slice(1).forEach(function (x) { q.append("expand", x); });
    if (state.kinds.length !== KINDS.length) { q.set("kinds", state.kinds.join(",")); }
    if (state.from) { q.set("from", state.from); }
    if (state.to) { q.set("to", state.to); }
    if (state.source) { q.set("source", state.source); }
    if (state.pathA) { q.set("a", state.pathA); }
    if (state.pathB) { q.set("b", state.pathB); }
    var url = "/explore" + (q.toString() ? "?" + q.toString() : "");
    history.replaceState(null, "", url);
    $("kx-permalink").href = url;
  }

  function readUrl() {
    var q = new URLSearchParams(location.search);
    if (q.get("kinds")) {
      state.kinds = q.get("kinds").split(",").filter(function (k) { return KINDS.indexOf(k) >= 0; });
      document.querySelectorAll("input[name=kind]").forEach(function (i) { i.checked = state.kinds.indexOf(i.value) >= 0; });
    }
    state.from = parseInt(q.get("from"), 10) || null;
    state.to = parseInt(q.get("to"), 10) || null;
    if (state.from) { $("kx-from").value = state.from; }
    if (state.to) { $("kx-to").value = state.to; }
    state.source = q.get("source") || "";
    return {focus: q.get("focus"), expand: q.getAll("expand"), a: q.get("a"), b: q.get("b")};
  }

  function init() {
    var wanted = readUrl();
    api("/status").then(function (s) {
      predicateLabels = s.predicates || {};
      var starts = $("kx-starts");
      starts.replaceChildren(el("p", "kx-label", _("Or begin with a central entity:")));
      s.top.slice(0, 8).forEach(function (n) {
        var b = el("button", "kx-chip");
        b.type = "button";
        b.appendChild(el("span", "kx-swatch kx-" + n.kind));
        b.appendChild(bdi(n.label, n.labelLang));
        b.addEventListener("click", function () { start(n.id); });
        starts.appendChild(b);
      });
      if (s.dates && s.dates.start) {
        $("kx-from").placeholder = digits(s.dates.start.slice(0, 4));
        $("kx-to").placeholder = digits(s.dates.end.slice(0, 4));
      }
      setStatus(_("{nodes} entities and {edges} sourced relations in the graph.", {nodes: num(s.nodes), edges: num(s.edges)}) +
        (wanted.focus ? "" : " " + _("Search or pick a start.")));
      return api("/sources");
    }).then(function (body) {
      var sel = $("kx-source");
      body.sources.forEach(function (src) {
        sourcesByIri[src.iri] = src;
        var o = el("option", null, src.title + (src.date ? " (" + digits(String(src.date).slice(0, 4)) + ")" : ""));
        o.value = src.iri;
        o.dir = "auto";  // a title, in whatever language the source has it
        sel.appendChild(o);
      });
      if (state.source) { sel.value = state.source; }
      var chain = Promise.resolve();
      var all = (wanted.focus ? [wanted.focus] : []).concat(wanted.expand);
      all.forEach(function (iri) { chain = chain.then(function () { return expand(iri, {quiet: true}); }); });
      return chain.then(function () {
        if (all.length) {
          relayout(true); applyFilters(); renderList(); writeUrl(); connectShown();
          select(all[0]);
          setStatus(_n("{n} node on the canvas.", "{n} nodes on the canvas.", cy.nodes().not(".more").length));
        }
        if (wanted.a) { setEnd("a", wanted.a); }
        if (wanted.b) { setEnd("b", wanted.b); }
        if (wanted.a && wanted.b) { return findPaths(); }
      });
    }).catch(function (err) { setStatus(_("Could not load the graph: {error}", {error: err.message})); });
  }

  window.kgExplorer = {exportSvg: exportSvg, exportEvidence: exportEvidence, relayout: relayout,
                       applyFilters: applyFilters, renderList: renderListNow, cy: cy, state: state, expand: expand, select: select, setEnd: setEnd, findPaths: findPaths};
  init();
}());
