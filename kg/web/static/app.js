/* dipkg dashboard: one filter set (kept in the page's URL) drives the header, the facets, the timeline,
 * the map, the visit network, the top lists and the events table; an event detail panel; a SPARQL editor.
 * Plain JS, no build step; data from the JSON API (/api/...) and /sparql on this server only.
 * Text from the graph is always inserted with textContent / createTextNode, never as HTML.
 *
 * The URL is the state: every filter, the sort, the page cursor, the open event, the pair view, the tab
 * and the SPARQL query are query parameters; a change pushes a history entry, back/forward restore it,
 * and a link reproduces the view. Panels show data-state loading / ready / empty / error; an error
 * is shown inside its panel, with what to do, and the panel's stale content is cleared. */
(function () {
  "use strict";

  var TYPES = ["Visit", "Award", "Agreement", "TradeTarget"];
  var TYPE_LABELS = { Visit: "Visit", Award: "Award", Agreement: "Agreement", TradeTarget: "Trade target" };
  var COLORS = { Visit: "#1d4ed8", Award: "#b45309", Agreement: "#047857", TradeTarget: "#7e22ce" };
  var STATUSES = {
    Visit: ["Occurred", "Ongoing", "Planned", "Cancelled"],
    Award: ["Conferred", "Announced", "Planned"],
    Agreement: ["Signed", "Agreed", "Reported", "Planned", "Denied"],
    TradeTarget: ["Agreed", "Proposed", "Reaffirmed"]
  };
  var FILTERS = ["type", "status", "country", "actor", "person", "q", "from", "to"];
  // canonical=1: count each real-world event once (the canonical events of cross-article resolution); a way
  // of counting, not a filter: Reset keeps it, it has no chip, but like a filter it changes every count
  var STATE_KEYS = FILTERS.concat(["canonical", "sort", "cursor", "event", "pairs", "tab", "query"]);
  var TOP = 12;
  var SVGNS = "http://www.w3.org/2000/svg";
  var PAGE = 50;
  var HINTS = {
    country: "Use an ISO3 code such as IND, or pick a country in the search box.",
    from: "For example 2018, 2018-06 or 2018-06-30.",
    to: "For example 2018, 2018-06 or 2018-06-30.",
    type: "Pick a type from the list.", status: "Pick a status from the list.",
    actor: "Pick a person or organisation in the search box.",
    cursor: "Go back to the first page.", sort: "Pick a sort order from the list."
  };

  var S = {};                 // the state, as read from the URL
  var labels = {};            // actor IRI or country code -> label, for chips
  var loaded = { stats: null, events: null, detail: null };
  var seq = { stats: 0, events: 0, detail: 0 };
  var storeTotals = {};        // "reports" / "canonical" -> the whole store's count, for the header

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
      if (Array.isArray(c)) { append(e, c); return; }
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    });
  }

  function ApiFailure(message, parameter, status) { this.message = message; this.parameter = parameter; this.status = status; }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) throw new ApiFailure(body.error || (r.status + " " + r.statusText), body.parameter, r.status);
        return body;
      });
    }, function () { throw new ApiFailure("the server did not answer; check that kg serve is running, then reload"); });
  }

  function qs(params) {
    return Object.keys(params).filter(function (k) {
      return params[k] !== "" && params[k] !== null && params[k] !== undefined;
    }).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function nice(n) { return Number(n).toLocaleString("en"); }
  function plural(n, word) { return nice(n) + " " + word + (n === 1 ? "" : "s"); }
  function shorten(s, n) { return s.length > n ? s.slice(0, n - 1) + "…" : s; }

  // --- the state in the URL ------------------------------------------------------------------------
  function readURL() {
    var p = new URLSearchParams(window.location.search), s = {};
    STATE_KEYS.forEach(function (k) { s[k] = (p.get(k) || "").trim(); });
    if (s.tab !== "sparql") s.tab = "";
    s.canonical = /^(1|true)$/i.test(s.canonical) ? "1" : "";
    return s;
  }

  function filterParams(s) {
    var f = {};
    FILTERS.forEach(function (k) { if (s[k]) f[k] = s[k]; });
    return f;
  }

  /* What the API is asked: the filters and, in canonical mode, canonical=true. */
  function apiParams(s) {
    var f = filterParams(s);
    if (s.canonical) f.canonical = "true";
    return f;
  }

  function noun(n, canonical) { return canonical ? plural(n, "real-world event") : plural(n, "event"); }

  function urlOf(s) {
    var out = {};
    STATE_KEYS.forEach(function (k) { if (s[k]) out[k] = s[k]; });
    if (out.sort === "date") delete out.sort;
    var q = qs(out);
    return window.location.pathname + (q ? "?" + q : "");
  }

  /* Change the state: ``changes`` maps keys to new values ("" clears); any change of a filter or the
   * sort drops the page cursor. ``replace`` rewrites the current history entry (typing) instead of
   * pushing one (a click). */
  function go(changes, replace) {
    var next = Object.assign({}, S, changes);
    var filtersChanged = FILTERS.concat(["canonical", "sort"]).some(function (k) { return (k in changes) && changes[k] !== S[k]; });
    if (filtersChanged && !("cursor" in changes)) next.cursor = "";
    if (next.type && next.status) {  // a status the type does not have: drop it
      var ok = next.type.split(",").some(function (t) { return (STATUSES[t] || []).indexOf(next.status) >= 0; });
      if (!ok) next.status = "";
    }
    var url = urlOf(next);
    if (url === window.location.pathname + window.location.search) return;
    if (replace) window.history.replaceState(null, "", url); else window.history.pushState(null, "", url);
    apply();
  }

  function apply() {
    S = readURL();
    syncForm();
    renderChips();
    setTab(S.tab || "explore");
    if (S.tab === "sparql") { openSparql(); return; }
    loadStats();
    loadEvents();
    loadDetail();
  }

  // --- panels: loading, ready, empty, error ---------------------------------------------------------
  function panelState(id, st, message, parameter) {
    var p = $(id);
    p.setAttribute("data-state", st);
    p.setAttribute("aria-busy", String(st === "loading"));
    var err = p.querySelector(".panel-error");
    if (!err) return;
    if (st === "error") {
      err.textContent = "";
      append(err, [el("strong", { text: "Could not show this: " }), String(message).replace(/[.\s]+$/, "") + ". ",
                   HINTS[parameter] || "Change or remove a filter, or press Reset.", " ",
                   FILTERS.indexOf(parameter) >= 0
                     ? el("button", { type: "button", className: "linkish", text: "Remove the " + CHIP_NAMES[parameter] + " filter",
                                      onclick: function () { var c = {}; c[parameter] = ""; go(c); } })
                     : el("button", { type: "button", className: "linkish", text: "Reset the filters",
                                      onclick: function () { resetFilters(); } })]);
      err.hidden = false;
    } else err.hidden = true;
  }

  // --- filters: form, chips, actor picker ------------------------------------------------------------
  function fillStatuses() {
    var t = $("f-type").value, sel = $("f-status");
    var list = t && STATUSES[t] ? STATUSES[t]
      : Array.from(new Set([].concat.apply([], TYPES.map(function (k) { return STATUSES[k]; })))).sort();
    sel.textContent = "";
    sel.appendChild(el("option", { value: "", text: "any status" }));
    list.forEach(function (s) { sel.appendChild(el("option", { value: s, text: s })); });
  }

  function setSelect(sel, value) {
    if (value && !Array.from(sel.options).some(function (o) { return o.value === value; })) {
      sel.appendChild(el("option", { value: value, text: value }));  // a value from the URL (the API judges it)
    }
    sel.value = value;
  }

  function syncForm() {
    setSelect($("f-type"), S.type);
    fillStatuses();
    setSelect($("f-status"), S.status);
    ["q", "from", "to"].forEach(function (k) {
      var i = $("f-" + k);
      if (document.activeElement !== i || i.value.trim() !== S[k]) i.value = S[k];
    });
    setSelect($("f-sort"), S.sort || "date");
    $("f-canonical").checked = !!S.canonical;
    var sort = S.sort || "date";
    $("th-date").setAttribute("aria-sort", sort === "date" ? "ascending" : sort === "-date" ? "descending" : "none");
    $("th-type").setAttribute("aria-sort", sort === "type" ? "ascending" : "none");
    var exp = qs(Object.assign({}, apiParams(S), { sort: S.sort }));
    ["csv", "json", "parquet"].forEach(function (fmt) {
      $("x-" + fmt).href = "/api/export?" + qs({ format: fmt }) + (exp ? "&" + exp : "");
    });
    $("permalink").value = window.location.href;
  }

  function chipLabel(key, value) {
    if (key === "country") return value.split(",").map(function (c) { return labels[c.toUpperCase()] || c; }).join(" or ");
    if (key === "actor" || key === "person") return labels[value] || (value.indexOf("/") >= 0 ? value.split("/").pop() : value);
    if (key === "q") return "“" + value + "”";
    if (key === "type") return value.split(",").map(function (t) { return TYPE_LABELS[t] || t; }).join(" or ");
    return value;
  }

  var CHIP_NAMES = { type: "Type", status: "Status", country: "Country", actor: "Actor", person: "Person",
                     q: "Text", from: "From", to: "To" };

  function renderChips() {
    var box = $("chips");
    box.textContent = "";
    FILTERS.forEach(function (k) {
      if (!S[k]) return;
      var change = {}; change[k] = "";
      box.appendChild(el("span", { className: "chip", "data-filter": k }, [
        el("span", { className: "chip-name", text: CHIP_NAMES[k] + ": " }), chipLabel(k, S[k]),
        el("button", { type: "button", "aria-label": "Remove the filter " + CHIP_NAMES[k] + " " + chipLabel(k, S[k]),
                       text: "×", onclick: function () { go(change); } })
      ]));
      if ((k === "actor" || k === "person") && !labels[S[k]]) resolveLabel(S[k]);
    });
    if (S.country) {
      S.country.split(",").forEach(function (c) { if (!labels[c.toUpperCase()] && /^[A-Za-z]{3}$/.test(c)) resolveLabel(c.toUpperCase()); });
    }
  }

  function resolveLabel(v) {
    labels[v] = labels[v] || null;
    var m = /\/resource\/(person|country|place|organization)\/(.+)$/.exec(v);
    var path = m ? "/api/actors/" + m[1] + "/" + m[2] : /^[A-Z]{3}$/.test(v) ? "/api/actors/country/" + v : null;
    if (!path) return;
    getJSON(path + "?limit=1").then(function (a) {
      if (a.actor && a.actor.label) { labels[v] = a.actor.label; renderChips(); }
    }).catch(function () { /* the chip keeps the code */ });
  }

  function resetFilters() {
    var c = {}; FILTERS.forEach(function (k) { c[k] = ""; }); c.event = "";
    go(c);
  }

  /* A filter for an actor as the API names it (``filter`` of /api/actors/search, or a country). */
  function actorFilter(a) {
    if (a.filter) return a.filter;
    if (a.kind === "Country" && a.id) return { country: a.id.toUpperCase() };
    return { actor: a.iri };
  }

  function pickActor(a) {
    var f = actorFilter(a);
    if (f.country) labels[f.country] = a.label || f.country; else labels[f.actor] = a.label || f.actor;
    $("f-actor").value = "";
    closeList();
    go(f);
  }

  var pickerSeq = 0, pickerTimer = null, pickerHits = [], active = -1;
  function closeList() {
    $("actor-list").hidden = true;
    $("f-actor").setAttribute("aria-expanded", "false");
    $("f-actor").removeAttribute("aria-activedescendant");
    active = -1;
  }

  function showHits(hits, q) {
    var ul = $("actor-list");
    ul.textContent = "";
    pickerHits = hits;
    active = hits.length ? 0 : -1;
    if (!hits.length) {
      ul.appendChild(el("li", { className: "note", role: "option", "aria-disabled": "true", id: "actor-none",
                                text: "No person, country or organisation matches “" + q + "”." }));
    }
    hits.forEach(function (a, i) {
      ul.appendChild(el("li", { role: "option", id: "actor-opt-" + i, "aria-selected": String(i === 0),
                                onmousedown: function (e) { e.preventDefault(); pickActor(a); } }, [
        el("span", { text: a.label || a.id || a.iri }),
        el("span", { className: "cc", text: " " + (a.kind || "") + (a.kind === "Country" && a.id ? " " + a.id : "") +
                     " · " + plural(a.events, S.canonical ? "report" : "event") })
      ]));
    });
    ul.hidden = false;
    $("f-actor").setAttribute("aria-expanded", "true");
    moveActive(0);
  }

  function moveActive(to) {
    var opts = $("actor-list").querySelectorAll("li[id^=actor-opt-]");
    if (!opts.length) return;
    active = (to + opts.length) % opts.length;
    opts.forEach(function (o, i) { o.setAttribute("aria-selected", String(i === active)); });
    $("f-actor").setAttribute("aria-activedescendant", opts[active].id);
  }

  function initPicker() {
    var input = $("f-actor");
    input.addEventListener("input", function () {
      clearTimeout(pickerTimer);
      var q = input.value.trim();
      if (!q) { closeList(); return; }
      pickerTimer = setTimeout(function () {
        var mine = ++pickerSeq;
        getJSON("/api/actors/search?" + qs({ q: q, limit: 8 })).then(function (r) {
          if (mine === pickerSeq && input.value.trim() === q) showHits(r.actors, q);
        }).catch(function (e) { if (mine === pickerSeq) { showHits([], q); $("actor-none").textContent = e.message; } });
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      var open = !$("actor-list").hidden;
      if (e.key === "ArrowDown" && open) { moveActive(active + 1); e.preventDefault(); }
      else if (e.key === "ArrowUp" && open) { moveActive(active - 1); e.preventDefault(); }
      else if (e.key === "Escape") closeList();
      else if (e.key === "Enter") {
        e.preventDefault();
        var q = input.value.trim();
        if (open && pickerHits[active]) pickActor(pickerHits[active]);
        else if (/^[A-Za-z]{3}$/.test(q)) { input.value = ""; go({ country: q.toUpperCase() }); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(closeList, 150); });
  }

  var typing = null;
  function initFilters() {
    var t = $("f-type");
    TYPES.forEach(function (k) { t.appendChild(el("option", { value: k, text: TYPE_LABELS[k] })); });
    fillStatuses();
    t.addEventListener("change", function () { go({ type: t.value }); });
    $("f-status").addEventListener("change", function () { go({ status: $("f-status").value }); });
    $("f-sort").addEventListener("change", function () { go({ sort: $("f-sort").value }); });
    $("f-canonical").addEventListener("change", function () { go({ canonical: $("f-canonical").checked ? "1" : "" }); });
    document.querySelectorAll("button.sort").forEach(function (b) {
      b.addEventListener("click", function () {
        var s = b.getAttribute("data-sort"), cur = S.sort || "date";
        go({ sort: s === "date" ? (cur === "date" ? "-date" : "date") : (cur === "type" ? "date" : "type") });
      });
    });
    ["q", "from", "to"].forEach(function (k) {
      var input = $("f-" + k);
      // typing rewrites the current history entry (one entry per pause, not per key), Enter or leaving pushes
      input.addEventListener("input", function () {
        clearTimeout(typing);
        typing = setTimeout(function () { var c = {}; c[k] = input.value.trim(); go(c, true); }, 350);
      });
      input.addEventListener("change", function () { clearTimeout(typing); var c = {}; c[k] = input.value.trim(); go(c); });
    });
    $("f-reset").addEventListener("click", resetFilters);
    $("copy-link").addEventListener("click", copyLink);
    $("sparql-copy").addEventListener("click", copyLink);
    $("more").addEventListener("click", function () { if (nextCursor) go({ cursor: nextCursor }); });
    $("first").addEventListener("click", function () { go({ cursor: "" }); });
    $("pairs-toggle").addEventListener("click", function () { go({ pairs: S.pairs === "all" ? "" : "all" }); });
    initPicker();
  }

  function copyLink() {
    var url = window.location.href;
    $("permalink").value = url;
    $("permalink-box").hidden = false;
    var done = function (msg) { $("copy-status").textContent = msg; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { done("Copied."); },
                                              function () { $("permalink").select(); done("Press Ctrl+C to copy."); });
    } else { $("permalink").select(); done("Press Ctrl+C to copy."); }
  }

  // --- keyboard: one tab stop per chart, arrow keys move between its elements -----------------------
  function roving(container, selector) {
    // in the order of the selector's parts: nodes before edges, countries before arcs
    var items = [].concat.apply([], selector.split(",").map(function (part) {
      return Array.from(container.querySelectorAll(part.trim()));
    }));
    items.forEach(function (it, i) {
      it.setAttribute("tabindex", i === 0 ? "0" : "-1");
      it.setAttribute("role", "button");
      it.addEventListener("focus", function () {
        items.forEach(function (o) { o.setAttribute("tabindex", o === it ? "0" : "-1"); });
      });
    });
    container.addEventListener("keydown", function (e) {
      var i = items.indexOf(document.activeElement);
      if (i < 0) return;
      var to = null;
      if (e.key === "ArrowRight" || e.key === "ArrowDown") to = (i + 1) % items.length;
      else if (e.key === "ArrowLeft" || e.key === "ArrowUp") to = (i - 1 + items.length) % items.length;
      else if (e.key === "Home") to = 0;
      else if (e.key === "End") to = items.length - 1;
      else if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        items[i].dispatchEvent(new MouseEvent("click", { bubbles: true }));
        return;
      }
      if (to !== null) { e.preventDefault(); items[to].focus(); }
    });
  }

  // --- statistics: header, facets, timeline, map, network, tops --------------------------------------
  function loadStats() {
    var params = Object.assign(apiParams(S), { top: TOP, facets: "all", pairs: S.pairs === "all" ? "all" : TOP });
    var url = "/api/stats?" + qs(params);
    if (loaded.stats === url) return;
    loaded.stats = url;
    var mine = ++seq.stats;
    var panels = ["facets-section", "timeline-section", "map-section", "network-section", "tops-section"];
    panels.forEach(function (p) { panelState(p, "loading"); });
    $("timeline").setAttribute("data-state", "loading");
    $("summary").textContent = "Loading…";
    var mode = S.canonical ? "canonical" : "reports";
    if (!(mode in storeTotals)) {
      storeTotals[mode] = null;
      getJSON("/api/events?limit=1&total=true" + (S.canonical ? "&canonical=true" : "")).then(function (s) {
        storeTotals[mode] = s.total;
        if (lastStats) renderSummary(lastStats);
      }).catch(function () { delete storeTotals[mode]; /* the header then gives the view only */ });
    }
    getJSON(url).then(function (stats) {
      if (mine !== seq.stats) return;
      stats.canonical = !!S.canonical;
      lastStats = stats;
      renderSummary(stats);
      renderFacets(stats.facets || {});
      renderTimeline(stats.perMonth);
      renderMap(stats);
      renderNetwork(stats);
      renderTops("top-visitors", stats.topVisitors);
      renderTops("top-hosts", stats.topHosts);
      panels.forEach(function (p) { panelState(p, stats.total ? "ready" : "empty"); });
    }).catch(function (e) {
      if (mine !== seq.stats) return;
      loaded.stats = null;
      lastStats = null;
      ["facets", "timeline", "map", "network", "top-visitors", "top-hosts", "pairs-note", "map-legend"].forEach(function (id) { $(id).textContent = ""; });
      $("pairs-toggle").hidden = true;
      ["timeline", "map", "network"].forEach(function (id) { $(id).setAttribute("data-state", "error"); });
      $("summary").textContent = "No statistics for these filters: " + e.message;
      panels.forEach(function (p) { panelState(p, "error", e.message, e.parameter); });
    });
  }

  var lastStats = null;

  /* "23 events in this view (of 448 in the store)"; counted once: "12 real-world events (23 reports): ..." */
  function renderSummary(stats) {
    var s = $("summary");
    s.textContent = "";
    var filtered = Object.keys(filterParams(S)).length > 0;
    var all = storeTotals[stats.canonical ? "canonical" : "reports"];
    var of = filtered && all !== null && all !== undefined ? "of " + nice(all) + " in the store" : "";
    if (stats.canonical) {
      var reports = stats.reports !== undefined ? plural(stats.reports, "report") : "";
      append(s, [el("b", { text: nice(stats.total) }), " real-world event" + (stats.total === 1 ? "" : "s"),
                 filtered ? " in this view" : "", reports || of ? " (" + [reports, of].filter(Boolean).join("; ") + ")" : "", ": "]);
    } else {
      append(s, [el("b", { text: nice(stats.total) }), filtered ? " events in this view" : " events",
                 of ? " (" + of + ")" : "", ": "]);
    }
    var shown = TYPES.filter(function (t) { return t in stats.types; });
    shown.forEach(function (t, i) {
      append(s, [(i ? ", " : ""), el("b", { text: nice(stats.types[t] || 0) }), " " + TYPE_LABELS[t].toLowerCase() + "s"]);
    });
  }

  var FACET_TITLES = { type: "Type", status: "Status", country: "Country", year: "Year", person: "Person" };

  function facetChange(name, value) {
    if (name === "type") return { type: S.type === value ? "" : value };
    if (name === "status") return { status: S.status === value ? "" : value };
    if (name === "country") return { country: S.country === value ? "" : value };
    if (name === "year") return S.from === value && S.to === value ? { from: "", to: "" } : { from: value, to: value };
    return { actor: S.actor === value ? "" : value };
  }

  function facetActive(name, value) {
    if (name === "year") return S.from === value && S.to === value;
    if (name === "person") return S.actor === value;
    return S[name] === value;
  }

  function renderFacets(facets) {
    var box = $("facets");
    box.textContent = "";
    ["type", "status", "year", "country", "person"].forEach(function (name) {
      var rows = facets[name] || [];
      var ul = el("ul", { className: "facet", "aria-label": FACET_TITLES[name] });
      var limit = name === "year" ? 40 : 8;
      rows.forEach(function (r, i) {
        var label = name === "type" ? TYPE_LABELS[r.value] : (r.label || r.value);
        if (name === "country") labels[r.value] = r.label;
        if (name === "person") labels[r.value] = r.label;
        var on = facetActive(name, r.value);
        ul.appendChild(el("li", { hidden: i >= limit ? "hidden" : null }, el("button", {
          type: "button", className: "facet-value", "aria-pressed": String(on), "data-facet": name, "data-value": r.value,
          title: (on ? "Remove this filter" : "Show only these events"),
          onclick: function () { go(facetChange(name, r.value)); }
        }, [el("span", { className: "facet-label", text: label }), el("span", { className: "n", text: nice(r.count) })])));
      });
      if (!rows.length) ul.appendChild(el("li", { className: "note", text: "none" }));
      var sec = el("div", { className: "facet-group" }, [el("h3", { text: FACET_TITLES[name] }), ul]);
      if (rows.length > limit) {
        sec.appendChild(el("button", { type: "button", className: "linkish", text: "show all " + rows.length,
          onclick: function (e) { ul.querySelectorAll("li[hidden]").forEach(function (li) { li.hidden = false; }); e.target.remove(); } }));
      }
      box.appendChild(sec);
    });
  }

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
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": "Events per month by type" });
    box.appendChild(root);
    if (!perMonth.length) {
      root.appendChild(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", className: "empty", text: "No dated events in this view." }));
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
    var grid = svg("g", { className: "grid", "aria-hidden": "true" });
    for (var v = 0; v <= top; v += step) {
      grid.appendChild(svg("line", { x1: L, x2: W - R, y1: y(v), y2: y(v) }));
      grid.appendChild(svg("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", text: v }));
    }
    root.appendChild(grid);
    var axis = svg("g", { className: "axis", "aria-hidden": "true" });
    var every = Math.max(1, Math.ceil((n / 12) / 16));
    for (var yr = lo; yr <= hi; yr += 12) {
      var x = L + (yr - lo) * bw;
      axis.appendChild(svg("line", { x1: x, x2: x, y1: T, y2: H - B + 4 }));
      if (((yr - lo) / 12) % every === 0) axis.appendChild(svg("text", { x: x + 6 * bw, y: H - B + 16, "text-anchor": "middle", text: Math.floor(yr / 12) }));
    }
    root.appendChild(axis);
    var bars = svg("g", { className: "bars" });
    Object.keys(byMonth).map(Number).sort(function (a, b) { return a - b; }).forEach(function (i) {
      var acc = 0;
      TYPES.forEach(function (t) {
        var c = byMonth[i][t] || 0;
        if (!c) return;
        var label = monthLabel(i), text = label + ": " + c + " " + TYPE_LABELS[t].toLowerCase() + (c > 1 ? "s" : "");
        var r = svg("rect", {
          className: "bar", x: (L + (i - lo) * bw + Math.max(0.5, bw * 0.12)).toFixed(2), width: Math.max(1, bw * 0.76).toFixed(2),
          y: y(acc + c).toFixed(2), height: Math.max(1, y(acc) - y(acc + c)).toFixed(2), fill: COLORS[t],
          "data-type": t, "data-month": label, "data-count": c, "aria-label": text,
          onclick: function () { go({ type: t, from: label, to: label }); }
        }, svg("title", { text: text }));
        bars.appendChild(r);
        acc += c;
      });
    });
    root.appendChild(bars);
    roving(root, "rect.bar");
    box.setAttribute("data-state", "ready");
  }

  function renderLegend() {
    var lg = $("legend");
    lg.textContent = "";
    TYPES.forEach(function (t) {
      lg.appendChild(el("button", {
        type: "button", "data-type": t, "aria-pressed": "false",
        onclick: function () { go({ type: S.type === t ? "" : t }); }
      }, [el("span", { className: "swatch", style: "background:" + COLORS[t] }), TYPE_LABELS[t]]));
    });
  }

  function syncLegend() {
    document.querySelectorAll("#legend button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-type") === S.type));
    });
  }

  // --- the map --------------------------------------------------------------------------------------
  var world = null, worldLoading = null;

  function loadWorld() {
    if (!worldLoading) {
      worldLoading = Promise.all([getJSON("/static/vendor/world_atlas/countries-110m.json"), getJSON("/static/map-codes.json")])
        .then(function (parts) {
          if (!window.topojson) throw new ApiFailure("the map script did not load; reload the page");
          var codes = parts[1].numericToAlpha3;
          var fc = window.topojson.feature(parts[0], parts[0].objects.countries);
          world = fc.features.filter(function (f) { return f.id !== "010"; }).map(function (f) {  // no Antarctica
            return { code: codes[f.id] || null, name: f.properties.name, geometry: f.geometry };
          });
          return world;
        });
    }
    return worldLoading;
  }

  // Natural Earth I projection (Šavrič et al. 2011, as d3-geo's geoNaturalEarth1), in radians
  function natEarth(lon, lat) {
    var l = lon * Math.PI / 180, p = lat * Math.PI / 180, p2 = p * p, p4 = p2 * p2;
    return [l * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4))),
            p * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))];
  }

  var MAP_W = 960, MAP_H = 440;
  var MX = natEarth(180, 0)[0], MY = natEarth(0, 84)[1], MY0 = natEarth(0, -58)[1];
  function project(lon, lat) {
    var q = natEarth(lon, Math.max(-60, Math.min(85, lat)));
    return [(q[0] + MX) / (2 * MX) * MAP_W, (MY - q[1]) / (MY - MY0) * MAP_H];
  }

  function ringPath(ring) {
    // a ring crossing the antimeridian is unwrapped (its far side runs past the edge and is clipped)
    var crosses = false;
    for (var i = 1; i < ring.length; i++) if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) crosses = true;
    var pts = ring.map(function (c) { return project(crosses && c[0] < 0 ? c[0] + 360 : c[0], c[1]); });
    return { d: "M" + pts.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join("L") + "Z", pts: pts };
  }

  function shape(geometry) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    var d = "", best = null, bestA = -1;
    polys.forEach(function (poly) {
      poly.forEach(function (ring, k) {
        var r = ringPath(ring);
        d += r.d;
        if (k === 0) {  // the outer ring of the largest polygon holds the centroid
          var a = 0, cx = 0, cy = 0, pts = r.pts;
          for (var i = 0, j = pts.length - 1; i < pts.length; j = i++) {
            var f = pts[j][0] * pts[i][1] - pts[i][0] * pts[j][1];
            a += f; cx += (pts[j][0] + pts[i][0]) * f; cy += (pts[j][1] + pts[i][1]) * f;
          }
          if (Math.abs(a) > bestA && a !== 0) { bestA = Math.abs(a); best = [cx / (3 * a), cy / (3 * a)]; }
        }
      });
    });
    return { d: d, centroid: best };
  }

  var SHADES = ["#dbeafe", "#93c5fd", "#60a5fa", "#2563eb", "#1e3a8a"];

  function renderMap(stats) {
    var box = $("map");
    var counts = {};
    ((stats.facets || {}).country || []).forEach(function (r) { counts[r.value] = r.count; });
    box.setAttribute("data-state", "loading");
    loadWorld().then(function () {
      if (stats !== lastStats) return;
      box.textContent = "";
      var max = Math.max.apply(null, [1].concat(Object.keys(counts).map(function (k) { return counts[k]; })));
      var bucket = function (c) { return Math.min(SHADES.length - 1, Math.floor(Math.log(c) / Math.log(max + 1) * SHADES.length)); };
      var root = svg("svg", { viewBox: "0 0 " + MAP_W + " " + MAP_H, role: "group", "aria-label": "Map of the events in view by country" });
      root.appendChild(svg("defs", null, [
        svg("clipPath", { id: "map-clip" }, svg("rect", { x: 0, y: 0, width: MAP_W, height: MAP_H })),
        svg("marker", { id: "map-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
                        markerUnits: "userSpaceOnUse", orient: "auto" }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#b91c1c" }))
      ]));
      var g = svg("g", { "clip-path": "url(#map-clip)" });
      root.appendChild(g);
      var centroids = {};
      var selected = (S.country || "").toUpperCase().split(",");
      world.forEach(function (c) {
        var sh = c.shape || (c.shape = shape(c.geometry)), n = c.code ? counts[c.code] || 0 : 0;  // projected once
        if (c.code && sh.centroid) centroids[c.code] = sh.centroid;
        var text = c.name + (c.code ? " (" + c.code + ")" : "") + ": " + plural(n, "event");
        var attrs = { d: sh.d, className: "country" + (n ? " has" : "") + (c.code && selected.indexOf(c.code) >= 0 ? " selected" : ""),
                      fill: n ? SHADES[bucket(n)] : "#eceff3", "data-country": c.code || "", "data-count": n };
        if (n) {
          attrs["aria-label"] = text;
          attrs.onclick = function () { go({ country: S.country === c.code ? "" : c.code }); };
        }
        g.appendChild(svg("path", attrs, svg("title", { text: text })));
      });
      var arcs = svg("g", { className: "arcs" });
      var pairs = stats.visitPairs || [], maxc = Math.max.apply(null, [1].concat(pairs.map(function (p) { return p.count; })));
      pairs.forEach(function (p) {
        var a = centroids[p.from], b = centroids[p.to];
        if (!a || !b || p.from === p.to) return;
        var dx = b[0] - a[0], dy = b[1] - a[1], d = Math.sqrt(dx * dx + dy * dy) || 1;
        var qx = (a[0] + b[0]) / 2 + (dy / d) * d * 0.2, qy = (a[1] + b[1]) / 2 - Math.abs(dx / d) * d * 0.2;
        var text = p.fromLabel + " → " + p.toLabel + ": " + plural(p.count, "visit");
        arcs.appendChild(svg("path", {
          className: "arc", d: "M" + a[0].toFixed(1) + "," + a[1].toFixed(1) + " Q" + qx.toFixed(1) + "," + qy.toFixed(1) + " " +
            b[0].toFixed(1) + "," + b[1].toFixed(1), "stroke-width": (1 + 3 * p.count / maxc).toFixed(2),
          "marker-end": "url(#map-arrow)", "data-from": p.from, "data-to": p.to, "aria-label": text,
          onclick: function () { go({ country: p.to }); }
        }, svg("title", { text: text })));
      });
      g.appendChild(arcs);
      box.appendChild(root);
      roving(root, "path.country.has, path.arc");
      var shown = Object.keys(counts).length;
      $("map-legend").textContent = shown ? (shown === 1 ? "1 country" : nice(shown) + " countries") + " · darkest: " + plural(max, "event") : "";
      box.setAttribute("data-state", shown ? "ready" : "empty");
    }).catch(function (e) {
      box.textContent = "";
      box.setAttribute("data-state", "error");
      panelState("map-section", "error", "the world outline did not load (" + e.message + ")");
    });
  }

  // --- country network -------------------------------------------------------------------------
  function renderNetwork(stats) {
    var pairs = stats.visitPairs || [], total = stats.visitPairsTotal || 0;
    $("pairs-note").textContent = total ? (pairs.length < total ? "top " + pairs.length + " of " + plural(total, "pair")
                                                                : "all " + plural(total, "pair")) : "";
    $("pairs-toggle").hidden = total <= TOP;
    $("pairs-toggle").textContent = S.pairs === "all" ? "show the top " + TOP : "show all " + total;
    var box = $("network");
    box.textContent = "";
    var W = 640, H = 420, cx = W / 2, cy = H / 2 + 4, rad = Math.min(W, H) / 2 - 48;
    if (!pairs.length) {
      box.appendChild(el("p", { className: "empty-note", text: "No visits between countries in this view." }));
      box.setAttribute("data-state", "empty");
      return;
    }
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": "Visits between countries" });
    box.appendChild(root);
    var deg = {}, names = {};
    pairs.forEach(function (p) {
      deg[p.from] = (deg[p.from] || 0) + p.count; deg[p.to] = (deg[p.to] || 0) + p.count;
      names[p.from] = p.fromLabel; names[p.to] = p.toLabel;
    });
    // Order nodes so that linked countries sit near each other: greedy walk by strongest link.
    var nodes = Object.keys(deg).sort(function (a, b) { return deg[b] - deg[a] || (a < b ? -1 : 1); });
    var weight = {};
    pairs.forEach(function (p) {
      var k = p.from < p.to ? p.from + " " + p.to : p.to + " " + p.from;
      weight[k] = (weight[k] || 0) + p.count;
    });
    var link = function (a, b) { return weight[a < b ? a + " " + b : b + " " + a] || 0; };
    var ordered = [], seen = {};
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
    var small = ordered.length > 30;
    var maxc = Math.max.apply(null, pairs.map(function (p) { return p.count; }));
    root.appendChild(svg("defs", null, svg("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: "userSpaceOnUse",
      orient: "auto-start-reverse"
    }, svg("path", { d: "M0,0 L10,5 L0,10 z", fill: "#64748b" }))));
    var edges = svg("g", { className: "edges" });
    pairs.forEach(function (p) {
      var a = pos[p.from], b = pos[p.to];
      if (!a || !b) return;
      var title = p.fromLabel + " → " + p.toLabel + ": " + plural(p.count, "visit");
      if (p.from === p.to) {
        var lx = cx + (rad + 22) * Math.cos(a.a), ly = cy + (rad + 22) * Math.sin(a.a);
        edges.appendChild(svg("circle", { className: "net-edge net-loop", cx: lx, cy: ly, r: 10, "stroke-width": 1.5,
                                          "aria-label": title, onclick: function () { go({ country: p.from }); } },
                              svg("title", { text: title })));
        return;
      }
      var r0 = small ? 8 : 15;
      var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
      var x1 = a.x + (dx / d) * r0, y1 = a.y + (dy / d) * r0, x2 = b.x - (dx / d) * (r0 + 2), y2 = b.y - (dy / d) * (r0 + 2);
      var mx = (x1 + x2) / 2, my = (y1 + y2) / 2, bend = 0.25;
      var qx = mx + (cx - mx) * bend + (-dy / d) * 18, qy = my + (cy - my) * bend + (dx / d) * 18;
      edges.appendChild(svg("path", {
        className: "net-edge", d: "M" + x1.toFixed(1) + "," + y1.toFixed(1) + " Q" + qx.toFixed(1) + "," + qy.toFixed(1) +
          " " + x2.toFixed(1) + "," + y2.toFixed(1),
        "stroke-width": (1.2 + 4 * (p.count / maxc)).toFixed(2), "marker-end": "url(#arrow)",
        "data-from": p.from, "data-to": p.to, "data-count": p.count, "aria-label": title,
        onclick: function () { go({ country: p.from + "," + p.to }); }
      }, svg("title", { text: title })));
    });
    root.appendChild(edges);
    var g = svg("g", { className: "nodes" }), texts = svg("g", { className: "node-labels", "aria-hidden": "true" });
    var selected = (S.country || "").toUpperCase().split(",");
    ordered.forEach(function (n) {
      var p = pos[n], label = n + " " + (names[n] || n) + ": " + plural(deg[n], "visit end");
      var lx = cx + (rad + 19) * Math.cos(p.a), ly = cy + (rad + 22) * Math.sin(p.a) + (Math.abs(Math.cos(p.a)) > 0.35 ? 0 : (Math.sin(p.a) > 0 ? 4 : -2));
      g.appendChild(svg("g", {
        className: "net-node" + (selected.indexOf(n) >= 0 ? " selected" : ""), "data-country": n, "aria-label": label,
        onclick: function () { go({ country: S.country === n ? "" : n }); }
      }, [
        svg("title", { text: label }),
        svg("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: small ? 7 : 13 })
      ]));
      // the labels sit outside the focusable node (its name is its aria-label, nothing else)
      texts.appendChild(svg("g", { className: "net-node-label" + (selected.indexOf(n) >= 0 ? " selected" : "") }, [
        small ? null : svg("text", { x: p.x.toFixed(1), y: (p.y + 4).toFixed(1), "text-anchor": "middle", text: n }),
        svg("text", { x: lx.toFixed(1), y: (ly + 4).toFixed(1), className: "net-label",
                      "text-anchor": Math.cos(p.a) > 0.35 ? "start" : Math.cos(p.a) < -0.35 ? "end" : "middle",
                      text: small ? n : shorten(names[n] || n, 16) })
      ]));
    });
    root.appendChild(g);
    root.appendChild(texts);
    roving(root, "g.net-node, .net-edge");
    box.setAttribute("data-state", "ready");
  }

  function renderTops(id, rows) {
    var ol = $(id);
    ol.textContent = "";
    if (!rows.length) { ol.appendChild(el("li", { className: "note", text: "none in this view" })); return; }
    var max = rows[0].count;
    rows.forEach(function (r) {
      var a = { iri: r.iri, kind: r.kind, label: r.label, id: r.path ? r.path.split("/").pop() : null };
      ol.appendChild(el("li", null, el("button", {
        type: "button", className: "top-row", title: "Show the events of " + (r.label || r.iri), "data-iri": r.iri,
        onclick: function () { pickActor(a); }
      }, [el("span", { className: "fill", style: "width:" + Math.round((100 * r.count) / max) + "%" }),
          el("span", { text: r.label || r.iri }), el("span", { className: "n", text: r.count })])));
    });
  }

  // --- events table --------------------------------------------------------------------------
  function actorButton(a) {
    var label = a.label || a.id || a.iri;
    var b = el("button", { type: "button", className: "name", title: "Show the events of " + label + (a.title ? " (" + a.title + ")" : ""),
                           onclick: function () { pickActor(a); } }, label);
    var cc = a.country && a.kind !== "Country" ? el("span", { className: "cc", text: " " + a.country }) : null;
    return [b, cc];
  }

  function who(ev, tag) {
    var td = el(tag || "td", { className: "who", "data-label": "Who and where" });
    var by = {};
    ev.actors.forEach(function (a) { (by[a.role] = by[a.role] || []).push(a); });
    var line = function (label, list) {
      if (!list || !list.length) return;
      var d = el("div", null, el("span", { className: "role", text: label }));
      list.forEach(function (a, i) { if (i) append(d, ", "); append(d, actorButton(a)); });
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

  function detailLink(ev, text) {
    var href = urlOf(Object.assign({}, S, { event: ev.id }));
    return el("a", { href: href, className: "detail-link", "data-id": ev.id, title: "Details of this event",
                     onclick: function (e) { e.preventDefault(); go({ event: ev.id }); } }, text);
  }

  function isCanonical(ev) { return !!ev.canonical && ev.canonical.iri === ev.iri; }

  /* A real-world event's first report's article (the API lists its sources oldest first), else the event's article. */
  function firstArticle(ev) {
    return isCanonical(ev) && ev.sources && ev.sources.length ? ev.sources[0].article || {} : ev.article || {};
  }

  function eventRow(ev) {
    var art = firstArticle(ev), n = ev.canonical ? ev.canonical.sourceCount : null;
    var date = ev.startDate || ev.date || "";
    var dateCell = el("td", { className: "date", "data-label": "Date" },
                      detailLink(ev, date || (art.issued ? art.issued + "*" : "details")));
    if (!date && art.issued) dateCell.setAttribute("title", "no date in the text; the " + (isCanonical(ev) ? "first report's" : "article's") + " date");
    if (ev.endDate && ev.endDate !== date) append(dateCell, [el("br"), el("span", { className: "cc", text: "to " + ev.endDate })]);
    var w = what(ev);
    var evidence = el("td", { className: "evidence", "data-label": "Evidence" }, [w ? el("span", { className: "what", text: w }) : null,
                                                       ev.evidence ? el("q", { text: ev.evidence }) : null]);
    var source = el("td", { className: "source", "data-label": "Source" }, [
      art.url ? el("a", { href: art.url, target: "_blank", rel: "noopener noreferrer", title: art.url,
                          text: art.title || art.id || "article" })
              : detailLink(ev, art.title || art.id || "article"),
      art.issued ? el("div", { className: "cc", text: art.issued }) : null,
      // a real-world event: how many articles report it (the article above is the first); a report: when others do too
      isCanonical(ev) || n > 1 ? el("div", { className: "cc sources-count", text: n > 1 ? (isCanonical(ev) ? "first of " : "one of ") +
                                              plural(n, "report") : "1 report" }) : null
    ]);
    return el("tr", { "data-type": ev.type, "data-id": ev.id, "data-sources": n === null ? null : String(n),
                      className: S.event === ev.id ? "current" : null }, [
      dateCell, el("td", { "data-label": "Type" }, el("span", { className: "badge " + ev.type, text: TYPE_LABELS[ev.type] || ev.type })),
      el("td", { className: "status", "data-label": "Status", text: ev.status || "" }), who(ev), evidence, source
    ]);
  }

  var nextCursor = null;

  function loadEvents() {
    syncLegend();
    // a row shows a real-world event's first report only (and its count): one source each, not the API's 5
    var params = Object.assign(apiParams(S), { limit: PAGE, sort: S.sort && S.sort !== "date" ? S.sort : "",
                                                  cursor: S.cursor, total: "true", sources: S.canonical ? "1" : "" });
    var url = "/api/events?" + qs(params);
    if (loaded.events === url) { markCurrent(); return; }
    loaded.events = url;
    var mine = ++seq.events, table = $("events");
    table.setAttribute("data-state", "loading");
    panelState("events-section", "loading");
    $("events-count").textContent = "Loading…";
    getJSON(url).then(function (page) {
      if (mine !== seq.events) return;  // a newer request is on its way
      var tbody = table.tBodies[0];
      tbody.textContent = "";
      page.events.forEach(function (ev) { tbody.appendChild(eventRow(ev)); });
      nextCursor = page.next;
      $("more").hidden = !page.next;
      $("first").hidden = !S.cursor;
      var sortName = { date: "oldest first", "-date": "newest first", type: "by type" }[page.sort || "date"];
      $("events-count").textContent = noun(page.total, !!S.canonical) + " match" + (page.total === 1 ? "es" : "") +
        " · " + sortName + (S.cursor ? " · a later page" : "");
      if (!page.events.length) {
        tbody.appendChild(el("tr", { className: "none" }, el("td", { colspan: 6, className: "note",
          text: S.cursor ? "No more events: go back to the first page." : "No events match these filters: remove one (×) or press Reset." })));
      }
      table.setAttribute("data-state", "ready");
      panelState("events-section", page.events.length ? "ready" : "empty");
    }).catch(function (e) {
      if (mine !== seq.events) return;
      loaded.events = null;
      table.tBodies[0].textContent = "";  // no stale rows under an error
      $("more").hidden = true;
      $("first").hidden = !S.cursor;
      $("events-count").textContent = "";
      table.setAttribute("data-state", "error");
      panelState("events-section", "error", e.message, e.parameter);
    });
  }

  function markCurrent() {
    document.querySelectorAll("#events tbody tr[data-id]").forEach(function (tr) {
      tr.classList.toggle("current", tr.getAttribute("data-id") === S.event);
    });
  }

  // --- event detail ---------------------------------------------------------------------------
  var SLOT_LABELS = { startDate: "Start", endDate: "End", date: "Date", status: "Status", title: "Title",
                      awardName: "Award", awardText: "Award (as written)", targetYear: "Target year", metric: "Metric",
                      topics: "Topics", amount: "Amount", extractor: "Extracted by", confidence: "Confidence",
                      firstReported: "First reported", lastReported: "Last reported", sortDate: "Sorted by date" };
  var ROLE_LABELS = { visitor: "Visitor", host: "Host", place: "Place", recipient: "Recipient", conferredBy: "Conferred by",
                      party: "Party" };
  var lastFocus = null;
  var DETAIL_SOURCES = 20;

  function loadDetail() {
    markCurrent();
    var box = $("detail");
    if (!S.event) {
      if (!box.hidden) { box.hidden = true; if (lastFocus && document.contains(lastFocus)) lastFocus.focus(); }
      loaded.detail = null;
      return;
    }
    // the first DETAIL_SOURCES reports; the panel's "Show more" pages through the rest (sourcesNext)
    var url = "/api/events/" + encodeURIComponent(S.event) + "?sources=" + DETAIL_SOURCES;
    if (loaded.detail === url && !box.hidden) return;
    loaded.detail = url;
    if (box.hidden) lastFocus = document.activeElement;
    box.hidden = false;
    var mine = ++seq.detail;
    $("detail-body").textContent = "";
    $("detail-title").textContent = "Event";
    panelState("detail", "loading");
    getJSON(url).then(function (ev) {
      if (mine !== seq.detail) return;
      renderDetail(ev);
      panelState("detail", "ready");
      $("detail-title").focus();
    }).catch(function (e) {
      if (mine !== seq.detail) return;
      loaded.detail = null;
      panelState("detail", "error", e.status === 404 ? "there is no event " + S.event + " (it may have been deleted)" : e.message);
      $("detail-title").focus();
    });
  }

  function slotValue(k, v) {
    if (k === "amount") return (v.currency ? v.currency + " " : "") + (v.value ? Number(v.value).toLocaleString("en") : "");
    if (Array.isArray(v)) return v.join(", ");
    return String(v);
  }

  /* The UTF-16 index (what String.slice counts) of code point ``cp`` of ``text``: the store's offsets count
     Unicode code points (Python's str), so every character beyond the BMP (emoji, flags, some CJK) before
     the evidence would shift a plain slice by one. -1 when the text is shorter. */
  function unitIndex(text, cp) {
    if (!/[\uD800-\uDFFF]/.test(text)) return cp <= text.length ? cp : -1;
    var i = 0, n = 0;
    while (n < cp && i < text.length) {
      var c = text.charCodeAt(i);
      i += c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length ? 2 : 1;
      n++;
    }
    return n === cp ? i : -1;
  }

  function highlighted(ev) {
    // the evidence in the article's text when the API gives the text, else the sentence alone
    var art = ev.article || {}, text = art.text, s = ev.evidenceStart, e = ev.evidenceEnd;
    var hasOffsets = s !== undefined && e !== undefined;
    var box = el("blockquote", { className: "evidence-text" });
    var from = -1, to = -1, found = false;
    if (text && hasOffsets) {
      from = unitIndex(text, s);
      to = from < 0 ? -1 : unitIndex(text, e);
      // offsets that do not index the sentence (a text edited in the store by hand): look for it instead
      if (to < from || text.slice(from, to) !== (ev.evidence || text.slice(from, to))) from = to = -1;
    }
    if (text && from < 0 && ev.evidence) {
      from = text.indexOf(ev.evidence);   // a curated event records no offsets: its sentence, found in the text
      to = from < 0 ? -1 : from + ev.evidence.length;
      found = from >= 0;
    }
    if (from >= 0) {
      var a = Math.max(0, from - 400), b = Math.min(text.length, to + 400);
      if (a > 0 && /[\uDC00-\uDFFF]/.test(text.charAt(a))) a--;        // never cut a character in two
      if (b < text.length && /[\uDC00-\uDFFF]/.test(text.charAt(b))) b++;
      append(box, [a > 0 ? "…" : "", text.slice(a, from), el("mark", { text: text.slice(from, to) }),
                   text.slice(to, b), b < text.length ? "…" : ""]);
    } else if (ev.evidence) {
      box.appendChild(el("mark", { text: ev.evidence }));
    }
    var where = hasOffsets ? "characters " + s + "–" + e + " of the article's text" : null;
    if (found) where = "the sentence as found in the article's text";
    if (isCanonical(ev)) where = "the sentence of the latest report";   // a real-world event's evidence is one report's
    return [el("h3", { text: "Evidence" }), box, where ? el("p", { className: "note", text: where +
            (text || isCanonical(ev) ? "" : " (the store keeps the sentence, not the whole text)") }) : null];
  }

  function renderDetail(ev) {
    var body = $("detail-body"), art = ev.article || {};
    body.textContent = "";
    $("detail-title").textContent = (TYPE_LABELS[ev.type] || ev.type) + (ev.status ? " · " + ev.status : "") +
      (ev.startDate || ev.date ? " · " + (ev.startDate || ev.date) : "");
    var w = what(ev);
    if (w) body.appendChild(el("p", { className: "what", text: w }));
    var dl = el("dl", { className: "slots" });
    var add = function (k, v) { dl.appendChild(el("dt", { text: k })); dl.appendChild(el("dd", null, v)); };
    ev.actors.forEach(function (a) {
      add(ROLE_LABELS[a.role] || a.role, [actorButton(a), a.title ? el("span", { className: "cc", text: " " + a.title }) : null]);
    });
    Object.keys(SLOT_LABELS).forEach(function (k) {
      if (ev[k] !== undefined && ev[k] !== null && ev[k] !== "" && k !== "status") add(SLOT_LABELS[k], slotValue(k, ev[k]));
    });
    if (ev.countries && ev.countries.length) add("Countries", ev.countries.join(", "));
    body.appendChild(dl);
    append(body, highlighted(ev));
    var n = ev.canonical ? ev.canonical.sourceCount || 0 : 0;
    if (isCanonical(ev)) {
      // a real-world event (canonical mode): its reports are its sources, each opens its own event
      body.appendChild(el("h3", { text: "Sources of this event" }));
      body.appendChild(el("p", { className: "note sources-count", text: "Reported by " + plural(n, "article") +
        "; the slots above are merged from their reports (kg resolve)." }));
      body.appendChild(sourceList(ev.sources || []));
      moreSources(body, ev, null);
    } else {
      body.appendChild(el("h3", { text: "Source article" }));
      body.appendChild(el("p", null, [
        art.url ? el("a", { href: art.url, target: "_blank", rel: "noopener noreferrer", text: art.title || art.url })
                : el("span", { text: art.title || art.id || "article" }),
        art.issued ? el("span", { className: "cc", text: " · published " + art.issued }) : null,
        art.url ? el("div", { className: "cc url", text: art.url }) : el("div", { className: "cc", text: "no URL recorded; id " + (art.id || "?") })
      ]));
      body.appendChild(el("h3", { text: "Other sources of this event" }));
      // every report of the same real-world event (the API lists this one too): the others
      var others = (ev.sources || []).filter(function (x) { return x.iri !== ev.iri; });
      if (!others.length) body.appendChild(el("p", { className: "note sources-none", text: "Single source: no other article reports this event." }));
      else {
        if (n > 1) {
          body.appendChild(el("p", { className: "note sources-count" }, [
            "Reported by " + plural(n, "article") + ". ",
            ev.canonical.id ? el("a", { href: urlOf(Object.assign({}, S, { event: ev.canonical.id })), className: "canonical-link",
                                        "data-id": ev.canonical.id, text: "The event as counted once",
                                        onclick: function (e) { e.preventDefault(); go({ event: ev.canonical.id }); } }) : null]));
        }
        body.appendChild(sourceList(others));
        moreSources(body, ev, ev.iri);
      }
    }
    body.appendChild(el("h3", { text: "In the graph" }));
    var describe = function (fmt) { return "/sparql?" + qs({ query: "DESCRIBE <" + ev.iri + ">", format: fmt }); };
    body.appendChild(el("p", null, [el("code", { className: "iri", text: ev.iri }), el("br"),
      el("a", { href: describe("turtle"), text: "Turtle" }), " · ", el("a", { href: describe("jsonld"), text: "JSON-LD" }), " · ",
      el("a", { href: "/api/events/" + encodeURIComponent(ev.id), text: "JSON (API)" }), " · ",
      el("a", { href: "?" + qs({ tab: "sparql", query: "SELECT ?p ?o WHERE { <" + ev.iri + "> ?p ?o }" }), text: "query it",
                onclick: function (e) { e.preventDefault(); go({ tab: "sparql", event: "", query: "SELECT ?p ?o WHERE {\n  <" + ev.iri + "> ?p ?o\n}" }); } })]));
  }

  /* "Show more reports" under the sources of the detail panel while the API holds more than it sent
     (ev.sourcesNext, then each page's links.next of /api/events/<id>/sources); ``skip``: the open event's
     own IRI, which is no other source of itself. */
  function moreSources(body, ev, skip) {
    var next = ev.sourcesNext, shown = (ev.sources || []).length, total = ev.sourcesTotal || 0;
    if (!next) return;
    var ul = body.querySelector("ul.sources"), mine = seq.detail;
    var button = el("button", { type: "button", className: "more-sources" });
    var note = el("span", { className: "cc" });
    var label = function () { button.textContent = "Show more reports (" + nice(total - shown) + " more)"; };
    label();
    button.addEventListener("click", function () {
      button.disabled = true;
      note.textContent = " Loading…";
      var url = next + (next.indexOf("?") < 0 ? "?" : "&") + "limit=50";
      getJSON(url).then(function (page) {
        if (mine !== seq.detail) return;   // another event is open now
        var items = page.sources.filter(function (x) { return x.iri !== skip; });
        sourceList(items, ul);
        shown += page.sources.length;
        next = page.links && page.links.next;
        note.textContent = "";
        if (next) { button.disabled = false; label(); } else { button.remove(); }
      }).catch(function (e) {
        if (mine !== seq.detail) return;
        button.disabled = false;
        note.textContent = " " + e.message;
      });
    });
    body.appendChild(el("p", { className: "sources-more" }, [button, note]));
  }

  /* Reports of one real-world event: each opens its own event in the panel, and links to its article when it has a URL
     (appended to ``into`` when given). */
  function sourceList(sources, into) {
    var ul = into || el("ul", { className: "sources" });
    sources.forEach(function (x) {
      var a = x.article || {}, t = a.title || a.id || x.id;
      ul.appendChild(el("li", { "data-id": x.id }, [
        el("a", { href: urlOf(Object.assign({}, S, { event: x.id })), className: "source-link", "data-id": x.id,
                  title: "Show this report's event", onclick: function (e) { e.preventDefault(); go({ event: x.id }); } }, t),
        a.issued ? el("span", { className: "cc", text: " · " + a.issued }) : null,
        a.url ? [" · ", el("a", { href: a.url, target: "_blank", rel: "noopener noreferrer", className: "article-link", title: a.url },
                           ["article ↗", el("span", { className: "sr-only", text: " " + t + " (opens a new tab)" })])] : null
      ]));
    });
    return ul;
  }

  function initDetail() {
    $("detail-close").addEventListener("click", function () { go({ event: "" }); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && S.event && !$("detail").hidden && document.activeElement !== $("f-actor")) go({ event: "" });
    });
  }

  // --- tabs and the SPARQL editor --------------------------------------------------------------
  function setTab(tab) {
    $("explore").hidden = tab !== "explore";
    $("sparql-section").hidden = tab !== "sparql";
    if (tab !== "explore") $("detail").hidden = true;
    document.querySelectorAll("nav a[data-tab]").forEach(function (a) {
      if (a.getAttribute("data-tab") === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
  }

  function initTabs() {
    $("tab-sparql").addEventListener("click", function (e) { e.preventDefault(); go({ tab: "sparql", event: "" }); });
    $("tab-explore").addEventListener("click", function (e) { e.preventDefault(); go({ tab: "" }); });
  }

  var editor = null, editorLoading = null, examples = [], editorShown = false;

  function loadAsset(tag, attrs) {
    return new Promise(function (resolve, reject) {
      var e = document.createElement(tag);
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      e.onload = resolve; e.onerror = reject;
      document.head.appendChild(e);
    });
  }

  /* YASGUI (1 MB) is loaded only when the SPARQL tab first opens. */
  function openSparql() {
    if (!editorLoading) {
      editorLoading = getJSON("/static/examples.json").catch(function () { return []; }).then(function (ex) {
        examples = ex;
        return Promise.all([loadAsset("link", { rel: "stylesheet", href: "/static/vendor/yasgui.min.css" }).catch(function () {}),
                            loadAsset("script", { src: "/static/vendor/yasgui.min.js" })])
          .then(function () { return true; }, function () { return false; });
      }).then(function (ok) { initEditor(ok); });
    }
    editorLoading.then(function () {
      var q = S.query || (examples.length ? examples[0].query : "SELECT * WHERE { ?s ?p ?o } LIMIT 10");
      // the first example is only shown when the tab first opens with no query; any later change of the
      // URL's query (an example, back/forward) runs it, so the results always belong to the query shown
      if (editor && editor.get() !== q) editor.run(q, !S.query && !editorShown);
      editorShown = true;
    });
  }

  var queryTimer = null;
  function queryChanged(q) {
    clearTimeout(queryTimer);
    queryTimer = setTimeout(function () { if (q !== S.query && S.tab === "sparql") go({ query: q }, true); }, 400);
  }

  function initEditor(haveYasgui) {
    $("yasgui-loading").hidden = true;
    var endpoint = window.location.origin + "/sparql";
    if (haveYasgui && window.Yasgui) {
      try {
        var yasgui = new window.Yasgui($("yasgui"), {
          requestConfig: { endpoint: endpoint, method: "POST" },
          copyEndpointOnNewTab: true,
          endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
          persistenceId: null,
          populateFromUrl: false,
          autofocus: false,
          corsProxy: undefined,
          yasqe: { value: "", autocompleters: ["prefixes", "variables"], prefixCcApi: null,
                   editorHeight: "260px", resizeable: true, showQueryButton: true, createShareableLink: null },
          yasr: { persistenceId: null, pluginOrder: ["table", "response"], defaultPlugin: "table" }
        });
        try { yasgui.getTab().getYasr().config.plugins.table.dynamicConfig = { compact: true }; } catch (e) { /* keep the default */ }
        var yasqe = yasgui.getTab().getYasqe();
        yasqe.on("change", function () { queryChanged(yasqe.getValue()); });
        editor = {
          kind: "yasgui",
          get: function () { return yasgui.getTab().getQuery(); },
          run: function (q, quiet) { var t = yasgui.getTab(); t.setQuery(q); if (!quiet) return t.query(); }
        };
        window.dipkgYasgui = yasgui;
        // YASGUI's own inputs have no labels (axe: critical); the page keeps one query, so its tab bar
        // and endpoint box are hidden (app.css) and their inputs named here
        document.querySelectorAll("#yasgui textarea").forEach(function (t) { t.setAttribute("aria-label", "SPARQL query"); });
        document.querySelectorAll("#yasgui input.autocomplete").forEach(function (t) { t.setAttribute("aria-label", "SPARQL endpoint"); });
        $("yasgui").setAttribute("data-editor", "yasgui");
      } catch (e) {
        console.warn("YASGUI failed, using the plain editor", e);
        editor = null;
      }
    }
    if (!editor) {
      $("yasgui").hidden = true;
      $("plain-editor").hidden = false;
      $("plain-run").addEventListener("click", function () { runPlain($("plain-query").value); });
      $("plain-query").addEventListener("input", function () { queryChanged($("plain-query").value); });
      editor = { kind: "plain", get: function () { return $("plain-query").value; },
                 run: function (q, quiet) { $("plain-query").value = q; if (!quiet) return runPlain(q); } };
    }
    var list = $("examples");
    examples.forEach(function (ex) {
      list.appendChild(el("button", { type: "button", title: ex.description, "data-example": ex.id,
                                      onclick: function () {  // a new query goes into the URL, which runs it
                                        if (S.query === ex.query) editor.run(ex.query); else go({ query: ex.query });
                                      }, text: ex.title }));
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
    }).catch(function (e) { status.textContent = "Error: " + e.message + " (fix the query and run it again)"; });
  }

  // --- start ------------------------------------------------------------------------------------
  function start() {
    renderLegend();
    initFilters();
    initDetail();
    initTabs();
    window.addEventListener("popstate", apply);
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
