// A YASR plugin drawing CONSTRUCT and DESCRIBE answers as a node-link graph in SVG, laid out by a small
// deterministic force simulation (same answer, same picture). Nodes under the site's public base link to their pages.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var LABEL = ["http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"];
  var MAX_NODES = 150;

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;   // text, never markup: data cannot inject elements
    return node;
  }

  function shorten(iri, prefixes) {
    var best = null;
    Object.keys(prefixes).forEach(function (p) {
      if (iri.indexOf(prefixes[p]) === 0 && (!best || prefixes[p].length > prefixes[best].length)) best = p;
    });
    return best ? best + ":" + iri.slice(prefixes[best].length) : iri;
  }

  function layout(nodes, edges, width, height) {
    var n = nodes.length, k = Math.sqrt(width * height / Math.max(n, 1)) * 0.8;
    nodes.forEach(function (node, i) {      // start on a circle: deterministic
      var a = 2 * Math.PI * i / Math.max(n, 1);
      node.x = width / 2 + width / 3 * Math.cos(a);
      node.y = height / 2 + height / 3 * Math.sin(a);
    });
    for (var step = 0, t = width / 10; step < 300; step++, t *= 0.985) {
      nodes.forEach(function (v) { v.dx = 0; v.dy = 0; });
      for (var i = 0; i < n; i++) for (var j = i + 1; j < n; j++) {
        var a = nodes[i], b = nodes[j], dx = a.x - b.x, dy = a.y - b.y, d = Math.max(Math.hypot(dx, dy), 0.01);
        var f = k * k / d; a.dx += dx / d * f; a.dy += dy / d * f; b.dx -= dx / d * f; b.dy -= dy / d * f;
      }
      edges.forEach(function (e) {
        var dx = e.source.x - e.target.x, dy = e.source.y - e.target.y, d = Math.max(Math.hypot(dx, dy), 0.01);
        var f = d * d / k; e.source.dx -= dx / d * f; e.source.dy -= dy / d * f; e.target.dx += dx / d * f; e.target.dy += dy / d * f;
      });
      nodes.forEach(function (v) {
        var d = Math.max(Math.hypot(v.dx, v.dy), 0.01), m = Math.min(d, t);
        v.x = Math.min(width - 60, Math.max(60, v.x + v.dx / d * m));
        v.y = Math.min(height - 20, Math.max(20, v.y + v.dy / d * m));
      });
    }
  }

  function GraphPlugin(yasr) { this.yasr = yasr; }
  GraphPlugin.prototype.priority = 20;
  GraphPlugin.prototype.label = "Graph";
  GraphPlugin.prototype.canHandleResults = function () {
    var results = this.yasr.results;
    var statements = results && results.getStatements && results.getStatements();
    return !!(statements && statements.length);
  };
  GraphPlugin.prototype.getIcon = function () {
    var icon = el("svg", { viewBox: "0 0 24 24", width: "16", height: "16" });
    icon.appendChild(el("circle", { cx: "5", cy: "12", r: "3" }));
    icon.appendChild(el("circle", { cx: "19", cy: "5", r: "3" }));
    icon.appendChild(el("circle", { cx: "19", cy: "19", r: "3" }));
    icon.appendChild(el("path", { d: "M5 12L19 5M5 12L19 19", stroke: "currentColor" }));
    var wrap = document.createElement("div"); wrap.appendChild(icon); return wrap;
  };
  GraphPlugin.prototype.draw = function () {
    var prefixes = GraphPlugin.config.prefixes, base = GraphPlugin.config.base;
    var statements = this.yasr.results.getStatements();
    var nodes = {}, list = [], edges = [], labels = {};
    statements.forEach(function (s) {
      if (LABEL.indexOf(s.predicate.value) >= 0 && s.object.termType === "Literal") labels[s.subject.value] = s.object.value;
    });
    function node(term) {
      var key = term.termType + " " + term.value;
      if (!nodes[key]) {
        if (list.length >= MAX_NODES) return null;
        nodes[key] = { term: term, index: list.length };
        list.push(nodes[key]);
      }
      return nodes[key];
    }
    statements.forEach(function (s) {
      if (LABEL.indexOf(s.predicate.value) >= 0) return;
      var a = node(s.subject), b = node(s.object);
      if (a && b) edges.push({ source: a, target: b, label: shorten(s.predicate.value, prefixes) });
    });
    var width = Math.max(this.yasr.resultsEl.clientWidth || 900, 600), height = Math.max(420, Math.min(900, 40 * list.length));
    layout(list, edges, width, height);
    var svg = el("svg", { "class": "kg-graph", width: String(width), height: String(height), viewBox: "0 0 " + width + " " + height, role: "img" });
    svg.appendChild(el("title", {}, "The answer's " + statements.length + " triples as a graph"));
    edges.forEach(function (e) {
      svg.appendChild(el("line", { x1: e.source.x, y1: e.source.y, x2: e.target.x, y2: e.target.y, "class": "edge" }));
      svg.appendChild(el("text", { x: (e.source.x + e.target.x) / 2, y: (e.source.y + e.target.y) / 2 - 3, "class": "edge-label" }, e.label));
    });
    list.forEach(function (v) {
      var term = v.term, literal = term.termType === "Literal";
      var text = literal ? term.value : (labels[term.value] || shorten(term.value, prefixes));
      if (!literal && !labels[term.value] && text.length > 32) text = "…/" + text.split("/").slice(-2).join("/");
      if (text.length > 40) text = text.slice(0, 39) + "…";
      var group = el("g", { "class": literal ? "node literal" : "node" });
      group.appendChild(el("circle", { cx: v.x, cy: v.y, r: literal ? 4 : 7 }));
      group.appendChild(el("text", { x: v.x + 10, y: v.y + 4 }, text));
      if (term.termType === "NamedNode") {
        var href = term.value.indexOf(base) === 0 ? "/" + term.value.slice(base.length) : term.value;
        var link = el("a", { href: href });
        link.appendChild(group);
        group = link;
      }
      group.appendChild(el("title", {}, term.value));
      svg.appendChild(group);
    });
    this.yasr.resultsEl.appendChild(svg);
  };

  window.KgGraph = {
    register: function (Yasr, config) {
      GraphPlugin.config = config;
      Yasr.registerPlugin("graph", GraphPlugin);
    }
  };
})();
