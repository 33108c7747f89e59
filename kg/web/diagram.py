"""The argument as a picture: for each state, its interests in priority order, its concerns (ranked) with what
causes them and whose actions they are linked to, and who holds each view, drawn as one SVG.

The layout is a fixed column layout computed here in Python (state | interests | concerns | causes), not a
general graph layout: the argument has that shape, columns read left to right at a glance, the same data always
gives the same picture, and neither Graphviz nor a browser library is needed (``kg diagram`` works headless).

>>> wrap("China's interest in the denuclearization of the Korean Peninsula", 30)
["China's interest in the", 'denuclearization of the Korean', 'Peninsula']
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from flask import Flask, Response, render_template

#: Column x positions and widths (px) of state, interests, concerns and causes; the picture is WIDTH wide.
COLUMNS = ((16, 170), (216, 330), (586, 330), (956, 290))
WIDTH = 1262
FONT, SMALL, LINE, PAD, GAP = 13, 11, 17, 8, 10
_CHAR = 0.56 * FONT  # average glyph width of a sans-serif font, to wrap text into boxes
COLOURS = {"state": ("#16324f", "#ffffff"), "interest": ("#e8f5e9", "#1b5e20"), "concern": ("#fdecea", "#8e1c1c"),
           "cause": ("#eef1f5", "#2d3748")}


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


@dataclass
class Box:
    """One node of the picture: its text lines, small notes under them, and a link."""

    kind: str
    lines: list
    notes: list = field(default_factory=list)
    href: str = ""
    x: float = 0
    y: float = 0
    width: float = 0

    @property
    def height(self) -> float:
        return 2 * PAD + LINE * len(self.lines) + (SMALL + 4) * len(self.notes)


def _views(lookup, iris) -> dict:
    """IRI -> labels of the actors whose view the claims about it report (fp:viewOf, else
    fp:assertedBy)."""
    if not iris:
        return {}
    rows = lookup.rows(f"""SELECT DISTINCT ?x ?label {{ VALUES ?x {{ {' '.join(f'<{i}>' for i in iris)} }}
        ?claim fp:about ?x . OPTIONAL {{ ?claim fp:viewOf ?v }}
        OPTIONAL {{ ?claim fp:assertedBy ?a }}
        BIND(COALESCE(?v, ?a) AS ?who) ?who rdfs:label ?label }} ORDER BY ?label""")
    views: dict = {}
    for r in rows:
        views.setdefault(r["x"], []).append(r["label"])
    return views


def _priority_order(interests: list, over: list) -> list:
    """``interests`` (dicts with "x") sorted by their depth in the "prioritized over" order, unranked last."""
    below = {}
    for r in over:
        below.setdefault(r["a"], set()).add(r["b"])
    ranked = set(below) | {b for bs in below.values() for b in bs}
    depth = {}

    def level(x, seen=()):
        if x not in depth:
            parents = [a for a, bs in below.items() if x in bs and a not in seen]
            depth[x] = 1 + max((level(a, (*seen, x)) for a in parents), default=0)
        return depth[x]

    for i in interests:
        i["rank"] = level(i["x"]) if i["x"] in ranked else None
    return sorted(interests, key=lambda i: (i["rank"] is None, i["rank"] or 0, i.get("label", "")))


def argument(site) -> list[dict]:
    """Per state with interests or concerns: its label and link, its ordered interests, concerns and causes."""
    lookup = site.lookup
    states = lookup.rows("""SELECT DISTINCT ?s ?label { ?s a fp:State .
        { ?i fp:interestOf ?s } UNION { ?c fp:concernOf ?s } OPTIONAL { ?s rdfs:label ?label } } ORDER BY ?label""")
    out = []
    for state in states:
        interests = lookup.rows("SELECT DISTINCT ?x ?label { ?x fp:interestOf $s OPTIONAL { ?x rdfs:label ?label } }",
                                s=state["s"])
        over = lookup.rows("SELECT DISTINCT ?a ?b { ?a fp:interestOf $s ; fp:prioritizedOver ?b }", s=state["s"])
        concerns = lookup.rows("""SELECT ?x (SAMPLE(?l) AS ?label) (MIN(?r) AS ?rank)
            (GROUP_CONCAT(DISTINCT ?linkLabel; separator=", ") AS ?linked) {
            ?x fp:concernOf $s OPTIONAL { ?x rdfs:label ?l } OPTIONAL { ?x fp:concernRank ?r }
            OPTIONAL { ?x fp:linkedToActionsOf/rdfs:label ?linkLabel } } GROUP BY ?x ORDER BY ?rank ?label""",
                               s=state["s"])
        causes = lookup.rows("""SELECT ?c ?x (SAMPLE(?l) AS ?label) (GROUP_CONCAT(DISTINCT ?al; separator=", ")
            AS ?actors) (SAMPLE(?st) AS ?status) { ?c fp:concernOf $s ; fp:causedBy ?x .
            OPTIONAL { ?x rdfs:label ?l } OPTIONAL { ?x fp:hasActor/rdfs:label ?al }
            OPTIONAL { ?x fp:status ?status_ FILTER(?status_ != fpk:Actual) ?status_ skos:prefLabel ?st } }
            GROUP BY ?c ?x ORDER BY ?label""", s=state["s"])
        views = _views(lookup, [r["x"] for r in interests + concerns])
        out.append({"state": state, "interests": _priority_order(interests, over), "concerns": concerns,
                    "causes": causes, "views": views})
    return out


def _box(kind: str, text: str, column: int, notes=(), href="") -> Box:
    width = COLUMNS[column][1]
    note_lines = [n for note in notes for n in wrap(note, int(width / (0.56 * SMALL)) - 2)]
    return Box(kind, wrap(text, int((width - 2 * PAD) / _CHAR)), note_lines, href, COLUMNS[column][0], 0, width)


def _stack(boxes: list, top: float) -> float:
    y = top
    for b in boxes:
        b.y = y
        y += b.height + GAP
    return y


def layout(site, data: list) -> tuple[list, list, float]:
    """Boxes and edges (pairs of boxes) of the picture, and its height."""
    boxes, edges, top = [], [], 56.0
    for arg in data:
        views = arg["views"]
        state = _box("state", arg["state"].get("label") or site.curie(arg["state"]["s"]), 0,
                     href=site.local(arg["state"]["s"]))
        interests = [_box("interest", f"{i['rank']}. {i.get('label', '')}" if i["rank"] else i.get("label", ""), 1,
                          [f"view: {', '.join(views[i['x']])}"] if i["x"] in views else [], site.local(i["x"]))
                     for i in arg["interests"]]
        concerns, by_iri = [], {}
        for c in arg["concerns"]:
            notes = ([f"linked to actions of {c['linked']}"] if c.get("linked") else []) + (
                [f"view: {', '.join(views[c['x']])}"] if c["x"] in views else [])
            box = _box("concern", f"{c['rank']}. {c.get('label', '')}" if c.get("rank") else c.get("label", ""), 2,
                       notes, site.local(c["x"]))
            concerns.append(box)
            by_iri[c["x"]] = box
        causes, cause_box = [], {}
        for r in arg["causes"]:
            if r["x"] not in cause_box:
                # A feared or hypothetical cause says so: it is not something that happened.
                notes = [f"by {r['actors']}"] if r.get("actors") else []
                notes += [r["status"].removesuffix(" (status)")] if r.get("status") else []
                cause_box[r["x"]] = _box("cause", r.get("label") or site.curie(r["x"]), 3, notes, site.local(r["x"]))
                causes.append(cause_box[r["x"]])
            edges.append((by_iri[r["c"]], cause_box[r["x"]]))
        bottom = max(_stack([state], top + 24), _stack(interests, top + 24), _stack(concerns, top + 24),
                     _stack(causes, top + 24))
        edges += [(state, b) for b in interests]  # concerns sit in the state's band: lines to them would cross
        boxes += [state, *interests, *concerns, *causes]
        top = bottom + 24
    return boxes, edges, top


def svg(site) -> str:
    """The whole argument as an SVG document (presentation attributes only: no style element, CSP-safe)."""
    data = argument(site)
    boxes, edges, height = layout(site, data)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
           f'height="{height:.0f}" font-family="system-ui, sans-serif" role="img">',
           "<title>The argument: states, their interests in priority order, concerns, causes, views</title>"]
    for (x, _), title in zip(COLUMNS, ("State", "Interests (priority order)", "Concerns (ranked) and whose view",
                                       "Causes (actions and events)")):
        out.append(f'<text x="{x}" y="30" font-size="15" font-weight="700" fill="#1d2430">{escape(title)}</text>')
    if not data:
        out.append('<text x="16" y="80" font-size="14">No state with interests or concerns in this graph.</text>')
    for a, b in edges:
        x1, y1, x2, y2 = a.x + a.width, a.y + min(a.height, 40) / 2, b.x, b.y + min(b.height, 40) / 2
        mid = (x1 + x2) / 2
        out.append(f'<path d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}" '
                   'fill="none" stroke="#9aa5b4" stroke-width="1.2"/>')
    for b in boxes:
        fill, ink = COLOURS[b.kind]
        out.append(f"<a href={quoteattr(b.href)}>" if b.href else "<g>")
        out.append(f'<rect x="{b.x}" y="{b.y:.0f}" width="{b.width}" height="{b.height:.0f}" rx="6" fill="{fill}" '
                   f'stroke="{ink}" stroke-opacity="0.35"/>')
        y = b.y + PAD + FONT
        for line in b.lines:
            weight = ' font-weight="700"' if b.kind == "state" else ""
            out.append(f'<text x="{b.x + PAD}" y="{y:.0f}" font-size="{FONT}" fill="{ink}"{weight}>'
                       f"{escape(line)}</text>")
            y += LINE
        for note in b.notes:
            out.append(f'<text x="{b.x + PAD}" y="{y:.0f}" font-size="{SMALL}" font-style="italic" fill="#5b6472">'
                       f"{escape(note)}</text>")
            y += SMALL + 4
        out.append("</a>" if b.href else "</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def register(app: Flask, site) -> None:
    @app.get("/diagram")
    def diagram_page():
        return render_template("diagram.html", svg=svg(site))

    @app.get("/diagram.svg")
    def diagram_svg():
        return Response(svg(site), content_type="image/svg+xml; charset=utf-8")
