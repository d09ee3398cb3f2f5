/* dipkg dashboard: timeline, country-pair network, events table and SPARQL editor.
 * Plain JS, no build step; data from the JSON API (/api/...) and /sparql on this server only.
 * Text from the graph is always inserted with textContent / createTextNode, never as HTML. */
(function () {
  "use strict";

  var TYPES = ["Visit", "Award", "Agreement", "TradeTarget"];
  var TYPE_LABELS = { Visit: "Visit", Award: "Award", Agreement: "Agreement", TradeTarget: "Trade target" };
  var COLORS = { Visit: "#2563eb", Award: "#d97706", Agreement: "#059669", TradeTarget: "#9333ea" };
  var STATUSES = {
    Visit: ["Occurred", "Ongoing", "Planned", "Cancelled"],
    Award: ["Conferred", "Announced", "Planned"],
    Agreement: ["Signed", "Agreed", "Reported", "Planned", "Denied"],
    TradeTarget: ["Agreed", "Proposed", "Reaffirmed"]
  };
  var SVGNS = "http://www.w3.org/2000/svg";
  var PAGE = 50;

  var state = { next: null, loading: 0, seq: 0, countryNames: {} };

  // --- helpers -----------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }

  function svg(tag, attrs, children) {
    var e = document.createElementNS(SVGNS, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }

  function setAttrs(e, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "className") e.setAttribute("class", v);
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    });
  }

  function append(e, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new Error(body.error || (r.status + " " + r.statusText));
        return body;
      });
    });
  }

  function qs(params) {
    return Object.keys(params).filter(function (k) {
      return params[k] !== "" && params[k] !== null && params[k] !== undefined;
    }).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function nice(n) { return Number(n).toLocaleString("en"); }

  // --- summary -----------------------------------------------------------------------------
  function renderSummary(stats) {
    var s = $("summary");
    s.textContent = "";
    append(s, [el("b", { text: nice(stats.total) }), " events: "]);
    TYPES.forEach(function (t, i) {
      append(s, [(i ? ", " : ""), el("b", { text: nice(stats.types[t] || 0) }), " " + TYPE_LABELS[t].toLowerCase() + "s"]);
    });
  }

  // --- timeline ----------------------------------------------------------------------------
  function monthIndex(m) {  // "2024-07" -> months since year 0; "2024" -> January
    var y = parseInt(m.slice(0, 4), 10), mo = m.length >= 7 ? parseInt(m.slice(5, 7), 10) : 1;
    return y * 12 + (mo - 1);
  }

  function monthLabel(i) {
    var y = Math.floor(i / 12), m = (i % 12) + 1;
    return y + "-" + (m < 10 ? "0" : "") + m;
  }

  function renderTimeline(perMonth) {
    var box = $("timeline");
    box.textContent = "";
    var W = 1180, H = 230, L = 34, R = 8, T = 10, B = 28;
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Events per month by type" });
    box.appendChild(root);
    if (!perMonth.length) {
      root.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", className: "empty", text: "No events yet: import some articles." }));
      box.setAttribute("data-state", "empty");
      return;
    }
    var byMonth = {}, lo = Infinity, hi = -Infinity;
    perMonth.forEach(function (r) {
      var i = monthIndex(r.month);
      lo = Math.min(lo, i); hi = Math.max(hi, i);
      (byMonth[i] = byMonth[i] || {})[r.type] = (byMonth[i][r.type] || 0) + r.count;
    });
    lo -= lo % 12; hi += 11 - (hi % 12);  // whole years
    var n = hi - lo + 1, max = 0;
    Object.keys(byMonth).forEach(function (i) {
      var s = 0; TYPES.forEach(function (t) { s += byMonth[i][t] || 0; }); max = Math.max(max, s);
    });
    var step = max <= 5 ? 1 : max <= 12 ? 2 : max <= 30 ? 5 : Math.ceil(max / 6 / 10) * 10;
    var top = Math.ceil(max / step) * step;
    var plotW = W - L - R, plotH = H - T - B, bw = plotW / n;
    var y = function (v) { return T + plotH - (v / top) * plotH; };
    var grid = svg("g", { className: "grid" });
    for (var v = 0; v <= top; v += step) {
      grid.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      grid.appendChild(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", text: v }));
    }
    root.appendChild(grid);
    var axis = svg("g", { className: "axis" });
    for (var yr = lo; yr <= hi; yr += 12) {
      var x = L + (yr - lo) * bw;
      axis.appendChild(svg("line", { x1: x, x2: x, y1: T, y2: H - B + 4 }));
      axis.appendChild(svg("text", { x: x + 6 * bw, y: H - B + 16, "text-anchor": "middle", text: Math.floor(yr / 12) }));
    }
    root.appendChild(axis);
    var bars = svg("g", { className: "bars" });
    Object.keys(byMonth).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
      var acc = 0;
      TYPES.forEach(function (t) {
        var c = byMonth[i][t] || 0;
        if (!c) return;
        var label = monthLabel(i);
        var r = svg("rect", {
          className: "bar", x: (L + (i - lo) * bw + Math.max(0.5, bw * 0.12)).toFixed(2), width: Math.max(1, bw * 0.76).toFixed(2),
          y: y(acc + c).toFixed(2), height: (y(acc) - y(acc + c)).toFixed(2), fill: COLORS[t],
          "data-type": t, "data-month": label, "data-count": c,
          onclick: function () { setFilters({ type: t, from: label, to: label }); }
        }, svg("title", { text: label + ": " + c + " " + TYPE_LABELS[t].toLowerCase() + (c > 1 ? "s" : "") }));
        bars.appendChild(r);
        acc += c;
      });
    });
    root.appendChild(bars);
    box.setAttribute("data-state", "ready");
  }

  function renderLegend() {
    var lg = $("legend");
    lg.textContent = "";
    TYPES.forEach(function (t) {
      lg.appendChild(el("button", {
        type: "button", "data-type": t, "aria-pressed": "false",
        onclick: function () { setFilters({ type: $("f-type").value === t ? "" : t }); }
      }, [el("span", { className: "swatch", style: "background:" + COLORS[t] }), TYPE_LABELS[t]]));
    });
  }

  // --- country network -------------------------------------------------------------------------
  function renderNetwork(pairs) {
    var box = $("network");
    box.textContent = "";
    var W = 640, H = 420, cx = W / 2, cy = H / 2 + 4, rad = Math.min(W, H) / 2 - 48;
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "Visits between countries" });
    box.appendChild(root);
    if (!pairs.length) {
      root.appendChild(svg("text", { x: cx, y: cy, "text-anchor": "middle", className: "empty", text: "No visits between countries yet." }));
      box.setAttribute("data-state", "empty");
      return;
    }
    var deg = {}, names = {};
    pairs.forEach(function (p) {
      deg[p.from] = (deg[p.from] || 0) + p.count; deg[p.to] = (deg[p.to] || 0) + p.count;
      names[p.from] = p.fromLabel; names[p.to] = p.toLabel;
    });
    // Order nodes so that linked countries sit near each other: greedy walk by strongest link.
    var nodes = Object.keys(deg).sort(function (a, b) { return deg[b] - deg[a] || (a < b ? -1 : 1); });
    var ordered = [], seen = {};
    var link = function (a, b) {
      var s = 0;
      pairs.forEach(function (p) { if ((p.from === a && p.to === b) || (p.from === b && p.to === a)) s += p.count; });
      return s;
    };
    while (ordered.length < nodes.length) {
      var cur = nodes.filter(function (n) { return !seen[n]; })[0];
      while (cur) {
        ordered.push(cur); seen[cur] = true;
        var best = null, bs = 0;
        nodes.forEach(function (n) { if (!seen[n]) { var s = link(cur, n); if (s > bs) { bs = s; best = n; } } });
        cur = best;
      }
    }
    var pos = {};
    ordered.forEach(function (n, i) {
      var a = -Math.PI / 2 + (2 * Math.PI * i) / ordered.length;
      pos[n] = { x: cx + rad * Math.cos(a), y: cy + rad * Math.sin(a), a: a };
    });
    var maxc = Math.max.apply(null, pairs.map(function (p) { return p.count; }));
    var defs = svg("defs", null, svg("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse"
    }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#64748b" })));
    root.appendChild(defs);
    var edges = svg("g", { className: "edges" });
    pairs.forEach(function (p) {
      var a = pos[p.from], b = pos[p.to];
      if (!a || !b) return;
      var title = p.fromLabel + " → " + p.toLabel + ": " + p.count + " visit" + (p.count > 1 ? "s" : "");
      if (p.from === p.to) {
        var lx = cx + (rad + 22) * Math.cos(a.a), ly = cy + (rad + 22) * Math.sin(a.a);
        edges.appendChild(svg("circle", { className: "net-edge", cx: lx, cy: ly, r: 10, "stroke-width": 1.5 },
                                          svg("title", { text: title })));
        return;
      }
      // shorten to the node circles and bend towards the centre
      var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1, r0 = 15;
      var x1 = a.x + (dx / d) * r0, y1 = a.y + (dy / d) * r0, x2 = b.x - (dx / d) * (r0 + 2), y2 = b.y - (dy / d) * (r0 + 2);
      var mx = (x1 + x2) / 2, my = (y1 + y2) / 2, bend = 0.25;
      var qx = mx + (cx - mx) * bend + (-dy / d) * 18, qy = my + (cy - my) * bend + (dx / d) * 18;
      edges.appendChild(svg("path", {
        className: "net-edge", d: "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " Q" + qx.toFixed(1) + "," + qy.toFixed(1) +
          " " + x2.toFixed(1) + "," + y2.toFixed(1),
        "stroke-width": (1.2 + 4 * (p.count / maxc)).toFixed(2), "marker-end": "url(#arrow)",
        "data-from": p.from, "data-to": p.to, "data-count": p.count
      }, svg("title", { text: title })));
    });
    root.appendChild(edges);
    var g = svg("g", { className: "nodes" });
    ordered.forEach(function (n) {
      var p = pos[n], selected = $("f-country").value.toUpperCase() === n;
      var lx = cx + (rad + 19) * Math.cos(p.a), ly = cy + (rad + 22) * Math.sin(p.a) + (Math.abs(Math.cos(p.a)) > 0.35 ? 0 : (Math.sin(p.a) > 0 ? 4 : -2));
      g.appendChild(svg("g", {
        className: "net-node" + (selected ? " selected" : ""), "data-country": n,
        onclick: function () { setFilters({ country: $("f-country").value.toUpperCase() === n ? "" : n }); }
      }, [
        svg("title", { text: (names[n] || n) + ": " + deg[n] + " visit end(s)" }),
        svg("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 13 }),
        svg("text", { x: p.x.toFixed(1), y: (p.y + 4).toFixed(1), "text-anchor": "middle", text: n }),
        svg("text", { x: lx.toFixed(1), y: (ly + 4).toFixed(1), style: "font-weight:400;fill:#66727f",
                      "text-anchor": Math.cos(p.a) > 0.35 ? "start" : Math.cos(p.a) < -0.35 ? "end" : "middle",
                      text: shorten(names[n] || n, 16) })
      ]));
    });
    root.appendChild(g);
    box.setAttribute("data-state", "ready");
  }

  function shorten(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  function renderTops(id, rows) {
    var ol = $(id);
    ol.textContent = "";
    if (!rows.length) { ol.appendChild(el("li", { className: "note", text: "none yet" })); return; }
    var max = rows[0].count;
    rows.forEach(function (r) {
      var li = el("li", { title: r.iri }, [
        el("span", { className: "fill", style: "width:" + Math.round((100 * r.count) / max) + "%" }),
        el("span", { text: r.label || r.iri }), el("span", { className: "n", text: r.count })
      ]);
      ol.appendChild(li);
    });
  }

  // --- events table --------------------------------------------------------------------------
  function filters() {
    return {
      type: $("f-type").value, status: $("f-status").value, country: $("f-country").value.trim().toUpperCase(),
      q: $("f-q").value.trim(), from: $("f-from").value.trim(), to: $("f-to").value.trim()
    };
  }

  function setFilters(f) {
    Object.keys(f).forEach(function (k) { $("f-" + k).value = f[k]; });
    if ("type" in f) fillStatuses();
    onFiltersChanged();
    $("events-section").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  function fillStatuses() {
    var t = $("f-type").value, sel = $("f-status"), keep = sel.value;
    var list = t ? STATUSES[t] : Array.from(new Set([].concat.apply([], TYPES.map(function (k) { return STATUSES[k]; })))).sort();
    sel.textContent = "";
    sel.appendChild(el("option", { value: "", text: "any status" }));
    list.forEach(function (s) { sel.appendChild(el("option", { value: s, text: s })); });
    sel.value = list.indexOf(keep) >= 0 ? keep : "";
  }

  function who(ev) {
    var td = el("td", { className: "who" });
    var by = {};
    ev.actors.forEach(function (a) { (by[a.role] = by[a.role] || []).push(a); });
    var name = function (a) {
      var span = el("span", { title: a.iri + (a.title ? " (" + a.title + ")" : "") }, a.label || a.id || a.iri);
      var cc = a.country && a.kind !== "Country" ? el("span", { className: "cc", text: " " + a.country }) : null;
      return [span, cc];
    };
    var line = function (label, list) {
      if (!list || !list.length) return;
      var d = el("div", null, el("span", { className: "role", text: label }));
      list.forEach(function (a, i) { if (i) append(d, ", "); append(d, name(a)); });
      td.appendChild(d);
    };
    if (ev.type === "Visit") { line("visitor", by.visitor); line("host", by.host); line("in", by.place); }
    else if (ev.type === "Award") { line("to", by.recipient); line("by", by.conferredBy); }
    else line("parties", by.party);
    return td;
  }

  function what(ev) {
    if (ev.type === "Award") return ev.awardName || ev.awardText;
    if (ev.type === "Agreement") return ev.title;
    if (ev.type === "TradeTarget") {
      var a = ev.amount || {}, s = [];
      if (a.value) s.push((a.currency ? a.currency + " " : "") + Number(a.value).toLocaleString("en"));
      if (ev.targetYear) s.push("by " + ev.targetYear);
      if (ev.metric) s.push("(" + ev.metric + ")");
      return s.join(" ");
    }
    return null;
  }

  function eventRow(ev) {
    var art = ev.article || {};
    var date = ev.startDate || ev.date || "";
    var dateCell = el("td", { className: "date", title: date ? "" : "no date in the text; the article's date" },
                      date || (art.issued ? el("span", { className: "cc", text: art.issued + "*" }) : "–"));
    if (ev.endDate && ev.endDate !== date) append(dateCell, [el("br"), el("span", { className: "cc", text: "to " + ev.endDate })]);
    var w = what(ev);
    var evidence = el("td", { className: "evidence" }, [w ? el("span", { className: "what", text: w }) : null,
                                                       ev.evidence ? el("q", { text: ev.evidence }) : null]);
    var href = art.url || ("/graph?graph=" + encodeURIComponent(art.iri || ""));
    var source = el("td", { className: "source" }, [
      el("a", { href: href, target: art.url ? "_blank" : null, rel: art.url ? "noopener noreferrer" : null,
                title: art.url ? art.url : "the article's named graph", text: art.title || art.id || "article" }),
      art.issued ? el("div", { className: "cc", text: art.issued }) : null
    ]);
    return el("tr", { "data-type": ev.type, "data-id": ev.id }, [
      dateCell, el("td", null, el("span", { className: "badge " + ev.type, text: TYPE_LABELS[ev.type] || ev.type })),
      el("td", { className: "status", text: ev.status || "" }), who(ev), evidence, source
    ]);
  }

  function loadEvents(append_) {
    var f = filters(), seq = ++state.seq;
    var params = Object.assign({ limit: PAGE }, f);
    if (append_ && state.next) params.cursor = state.next; else params.total = "true";
    $("f-csv").href = "/api/events?" + qs(Object.assign({ format: "csv", limit: 500 }, f));
    document.querySelectorAll("#legend button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-type") === f.type));
    });
    document.querySelectorAll("#network .net-node").forEach(function (n) {
      n.classList.toggle("selected", n.getAttribute("data-country") === f.country);
    });
    var table = $("events");
    table.setAttribute("data-state", "loading");
    return getJSON("/api/events?" + qs(params)).then(function (page) {
      if (seq !== state.seq) return;  // a newer request is on its way
      var tbody = table.tBodies[0];
      if (!append_) tbody.textContent = "";
      page.events.forEach(function (ev) { tbody.appendChild(eventRow(ev)); });
      state.next = page.next;
      $("more").hidden = !page.next;
      if (page.total !== undefined) {
        $("events-count").textContent = page.total + " event" + (page.total === 1 ? "" : "s") + " match";
      }
      if (!append_ && !page.events.length) {
        tbody.appendChild(el("tr", { className: "none" }, el("td", { colspan: 6, className: "note", text: "No events match these filters." })));
      }
      $("events-error").hidden = true;
      table.setAttribute("data-state", "ready");
    }).catch(function (e) {
      if (seq !== state.seq) return;
      $("events-error").textContent = e.message;
      $("events-error").hidden = false;
      table.setAttribute("data-state", "error");
    });
  }

  var timer = null;
  function onFiltersChanged(delay) {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var c = $("f-country");
      if (c.value && !/^[A-Za-z]{3}$/.test(c.value.trim())) return;  // wait for a full code
      loadEvents(false);
    }, delay || 0);
  }

  function initFilters() {
    var t = $("f-type");
    TYPES.forEach(function (k) { t.appendChild(el("option", { value: k, text: TYPE_LABELS[k] })); });
    fillStatuses();
    t.addEventListener("change", function () { fillStatuses(); onFiltersChanged(); });
    $("f-status").addEventListener("change", function () { onFiltersChanged(); });
    ["f-country", "f-q", "f-from", "f-to"].forEach(function (id) {
      $(id).addEventListener("input", function () { onFiltersChanged(300); });
    });
    $("f-reset").addEventListener("click", function () {
      setFilters({ type: "", status: "", country: "", q: "", from: "", to: "" });
    });
    $("more").addEventListener("click", function () { loadEvents(true); });
    getJSON("/api/actors?kind=country&limit=500").then(function (page) {
      var dl = $("countries");
      page.actors.forEach(function (a) {
        if (!a.id) return;
        state.countryNames[a.id] = a.label;
        dl.appendChild(el("option", { value: a.id, text: a.label || a.id }));
      });
    }).catch(function () { /* the datalist is a convenience */ });
  }

  // --- SPARQL editor ---------------------------------------------------------------------------
  var editor = null;

  function initEditor(examples) {
    var first = examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10";
    var endpoint = window.location.origin + "/sparql";
    if (window.Yasgui) {
      try {
        var yasgui = new window.Yasgui($("yasgui"), {
          requestConfig: { endpoint: endpoint, method: "POST" },
          copyEndpointOnNewTab: true,
          endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
          persistenceId: null,
          populateFromUrl: false,
          autofocus: false,
          corsProxy: undefined,
          yasqe: { value: first, autocompleters: ["prefixes", "variables"], prefixCcApi: null,
                   editorHeight: "260px", resizeable: true, showQueryButton: true },
          yasr: { persistenceId: null, pluginOrder: ["table", "response"], defaultPlugin: "table" }
        });
        try { yasgui.getTab().getYasr().config.plugins.table.dynamicConfig = { compact: true }; } catch (e) { /* keep the default */ }
        var tab = yasgui.getTab();
        tab.setQuery(first);
        editor = {
          kind: "yasgui",
          run: function (q) { var t = yasgui.getTab(); t.setQuery(q); return t.query(); }
        };
        window.dipkgYasgui = yasgui;
        $("yasgui").setAttribute("data-editor", "yasgui");
      } catch (e) {
        console.warn("YASGUI failed, using the plain editor", e);
        editor = null;
      }
    }
    if (!editor) {
      $("yasgui").hidden = true;
      $("plain-editor").hidden = false;
      $("plain-query").value = first;
      $("plain-run").addEventListener("click", function () { runPlain($("plain-query").value); });
      editor = { kind: "plain", run: function (q) { $("plain-query").value = q; return runPlain(q); } };
    }
    var list = $("examples");
    examples.forEach(function (ex) {
      list.appendChild(el("button", { type: "button", title: ex.description, "data-example": ex.id,
                                      onclick: function () { editor.run(ex.query); }, text: ex.title }));
    });
  }

  function runPlain(q) {
    var status = $("plain-status"), table = $("plain-results");
    status.textContent = "Running…";
    table.textContent = "";
    return fetch("/sparql", {
      method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
      body: "query=" + encodeURIComponent(q)
    }).then(function (r) {
      return r.text().then(function (t) {
        var body; try { body = JSON.parse(t); } catch (e) { body = null; }
        if (!r.ok) throw new Error((body && body.error) || t || r.statusText);
        return body;
      });
    }).then(function (res) {
      if ("boolean" in res) { status.textContent = "ASK: " + res.boolean; return; }
      var vars = res.head.vars, rows = res.results.bindings;
      table.appendChild(el("thead", null, el("tr", null, vars.map(function (v) { return el("th", { text: v }); }))));
      var tb = el("tbody");
      rows.forEach(function (b) {
        tb.appendChild(el("tr", null, vars.map(function (v) { return el("td", { text: b[v] ? b[v].value : "" }); })));
      });
      table.appendChild(tb);
      status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s");
    }).catch(function (e) { status.textContent = "Error: " + e.message; });
  }

  // --- start ------------------------------------------------------------------------------------
  function loadStats() {
    return getJSON("/api/stats?top=12").then(function (stats) {
      renderSummary(stats);
      renderTimeline(stats.perMonth);
      renderNetwork(stats.visitPairs);
      renderTops("top-visitors", stats.topVisitors);
      renderTops("top-hosts", stats.topHosts);
    }).catch(function (e) {
      $("summary").textContent = "Could not load statistics: " + e.message;
      $("timeline").setAttribute("data-state", "error");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderLegend();
    initFilters();
    loadStats();
    loadEvents(false);
    getJSON("/static/examples.json").catch(function () { return []; }).then(initEditor);
  });
})();
