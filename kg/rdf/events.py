"""Event data: one CSV row per coded event (an action with a CAMEO code), in GDELT's column order, so the
articles' events can be merged with GDELT, ICEWS or POLECAT data.

Columns: GDELT 2.0 event-table names, in GDELT's order, for what we have (``GLOBALEVENTID``, ``SQLDATE``,
``Actor1Code``, ``Actor1Name``, ``Actor1CountryCode``, ``Actor2Code``, ``Actor2Name``, ``Actor2CountryCode``,
``EventCode``, ``EventBaseCode``, ``EventRootCode``, ``QuadClass``, ``ActionGeo_FullName``, ``SOURCEURL``); the
GDELT columns we cannot fill (tone, Goldstein scale, mention counts, geo coordinates) are left out rather than
faked. Then ours: the Wikidata items of both actors, the PLOVER category, the event's status and whether it is
``Actual``, the date as the article states it, the claim, its quote and the article.

Actors are ``fp:sourceActor``/``fp:targetActor`` where the data has them, else ``fp:hasActor``/``fp:hasTarget``;
an event with two or more actors and no target is read as the first actor acting towards each other one.

What is not so in the article (a recommended or feared action) has its code and actors only in the reified
content of its claims (``fp:asserts``); they are read from there too, so ``include_non_actual`` lists them.

Status: ``fp:status`` where the data has it; else the strongest claim stating the event decides (a reported fact:
``actual``; a prediction: ``predicted``; a recommendation: ``recommended``; an assessment or belief that only
speaks of it: ``unstated``). Only ``actual`` events happened: the others are left out unless asked for, and are
always marked ``Actual`` = 0.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from kg.rdf.namespaces import FP, FPK, PREFIXES

COLUMNS = ("GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor2Code",
           "Actor2Name", "Actor2CountryCode", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
           "ActionGeo_FullName", "SOURCEURL",
           "Actor1Wikidata", "Actor2Wikidata", "PLOVER", "Status", "Actual", "DateAsStated", "Claim", "Quote",
           "Article", "Event")
ACTUAL = str(FPK.Actual)
#: Claim kinds, strongest first, and the status each gives an event it states when fp:status is missing.
CLAIM_STATUS = (("ReportedFact", "actual"), ("Prediction", "predicted"), ("Recommendation", "recommended"),
                ("Assessment", "unstated"), ("Belief", "unstated"))

_PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_EVENTS = _PREFIXES + """
SELECT ?event ?kind ?code ?date ?stated ?place ?status WHERE {
  { ?event fp:actionKind ?kind } UNION { ?st rdf:subject ?event ; rdf:predicate fp:actionKind ; rdf:object ?kind }
  OPTIONAL { ?kind skos:notation ?notation }
  BIND(COALESCE(STR(?notation), IF(STRSTARTS(STR(?kind), STR(fpk:cameo-)), STRAFTER(STR(?kind), "cameo-"), ""))
       AS ?code)
  FILTER(?code != "")
  OPTIONAL { ?event fp:date ?date }
  OPTIONAL { ?event fp:dateAsStated ?stated }
  OPTIONAL { ?event fp:atPlace/rdfs:label ?place }
  OPTIONAL { ?event fp:status ?status }
}"""
_ACTORS = _PREFIXES + """
SELECT ?event ?role ?actor ?label ?iso ?item WHERE {
  VALUES (?p ?role) { (fp:sourceActor "source") (fp:targetActor "target") (fp:hasActor "actor")
                      (fp:hasTarget "object") }
  { ?event ?p ?actor } UNION { ?st rdf:subject ?event ; rdf:predicate ?p ; rdf:object ?actor }
  OPTIONAL { ?actor rdfs:label ?label }
  OPTIONAL { ?actor fp:iso3166Alpha3 ?iso }
  OPTIONAL { ?actor skos:exactMatch ?item FILTER(STRSTARTS(STR(?item), STR(wd:))) }
}"""
_CLAIMS = _PREFIXES + """
SELECT DISTINCT ?event ?claim ?kind ?quote ?article ?url WHERE {
  ?claim fp:asserts ?st ; a ?kind .
  ?st rdf:subject ?event ; rdf:predicate fp:actionKind .
  OPTIONAL { ?claim fp:hasTextAnchor/oa:hasTarget ?target .
             ?target oa:hasSelector ?sel ; oa:hasSource ?article .
             ?sel a oa:TextQuoteSelector ; oa:exact ?quote .
             OPTIONAL { ?article <https://schema.org/url> ?url } }
}"""
_PLOVER = _PREFIXES + """
SELECT DISTINCT ?kind ?up ?plover (COUNT(?mid) AS ?steps) WHERE {
  { ?event fp:actionKind ?kind } UNION { ?st rdf:predicate fp:actionKind ; rdf:object ?kind }
  ?kind skos:broader* ?mid . ?mid skos:broader* ?up .
  ?up skos:broadMatch|skos:exactMatch|skos:closeMatch ?plover .
  FILTER(CONTAINS(LCASE(STR(?plover)), "plover"))
} GROUP BY ?kind ?up ?plover ORDER BY ?kind ?steps ?plover"""


@dataclass
class Actor:
    iri: str
    name: str
    iso: str
    item: str


def _v(row, name: str) -> str:
    term = row[name]
    return "" if term is None else term.value


def quad_class(code: str) -> str:
    """GDELT's QuadClass of a CAMEO code: 1 verbal cooperation (roots 01-05), 2 material cooperation (06-08),
    3 verbal conflict (09-13), 4 material conflict (14-20).

    >>> quad_class("042"), quad_class("163"), quad_class("0254")
    ('1', '4', '1')
    """
    root = int(code[:2]) if code[:2].isdigit() else 0
    return "" if not 1 <= root <= 20 else "1" if root <= 5 else "2" if root <= 8 else "3" if root <= 13 else "4"


def event_rows(store, *, include_non_actual: bool = False) -> list[dict]:
    """The rows of the event-data export (see the module docstring), sorted by event and actor pair."""
    union = {"use_default_graph_as_union": True}
    actors: dict[str, dict[str, list[Actor]]] = {}
    for r in store.query(_ACTORS, **union):
        entry = Actor(_v(r, "actor"), _v(r, "label"), _v(r, "iso"), _v(r, "item"))
        listed = actors.setdefault(_v(r, "event"), {}).setdefault(_v(r, "role"), [])
        if entry.iri not in [a.iri for a in listed]:
            listed.append(entry)
    claims: dict[str, list] = {}
    for r in store.query(_CLAIMS, **union):
        claims.setdefault(_v(r, "event"), []).append(r)
    plover = {}  # the mapping of the code itself, else of its nearest broader code
    for r in store.query(_PLOVER, **union):
        plover.setdefault(_v(r, "kind"), _v(r, "plover").rsplit("plover-", 1)[-1].upper())
    rows, seen = [], set()
    for r in store.query(_EVENTS, **union):
        event = _v(r, "event")
        if event in seen:
            continue
        seen.add(event)
        claim = _best_claim(claims.get(event, []))
        status = _v(r, "status").rsplit("/", 1)[-1].lower() if r["status"] is not None else _claim_status(claim)
        actual = r["status"] is not None and _v(r, "status") == ACTUAL or (r["status"] is None and status == "actual")
        if not actual and not include_non_actual:
            continue
        code = _v(r, "code")
        date = _v(r, "date").replace("-", "")
        base = {"GLOBALEVENTID": event.rsplit("/", 1)[-1], "SQLDATE": date if len(date) == 8 else "",
                "EventCode": code, "EventBaseCode": code[:3], "EventRootCode": code[:2],
                "QuadClass": quad_class(code), "ActionGeo_FullName": _v(r, "place"),
                "PLOVER": plover.get(_v(r, "kind"), ""), "Status": status, "Actual": "1" if actual else "0",
                "DateAsStated": _v(r, "stated"), "Event": event}
        if claim is not None:
            base.update({"Claim": _v(claim, "claim"), "Quote": _v(claim, "quote"), "Article": _v(claim, "article"),
                         "SOURCEURL": _v(claim, "url") or _v(claim, "article")})
        for source, target in _pairs(actors.get(event, {})):
            row = dict.fromkeys(COLUMNS, "")
            row.update(base)
            for n, actor in (("1", source), ("2", target)):
                if actor is not None:
                    row.update({f"Actor{n}Code": actor.iso, f"Actor{n}Name": actor.name,
                                f"Actor{n}CountryCode": actor.iso, f"Actor{n}Wikidata": actor.item})
            rows.append(row)
    rows.sort(key=lambda row: (row["Event"], row["Actor1Name"], row["Actor2Name"]))
    return rows


def _pairs(roles: dict[str, list[Actor]]) -> list[tuple]:
    sources = roles.get("source") or roles.get("actor") or []
    targets = roles.get("target") or roles.get("object") or []
    if not targets and len(sources) > 1:
        sources = sorted(sources, key=lambda a: a.name)
        return [(sources[0], t) for t in sources[1:]]
    return [(s, t) for s in sources or [None] for t in targets or [None]]


def _best_claim(claims: list):
    order = {str(FP[kind]): i for i, (kind, _) in enumerate(CLAIM_STATUS)}
    ranked = sorted((order[_v(c, "kind")], _v(c, "claim"), c) for c in claims if _v(c, "kind") in order)
    return ranked[0][2] if ranked else None


def _claim_status(claim) -> str:
    if claim is None:
        return "unstated"
    return dict((str(FP[k]), s) for k, s in CLAIM_STATUS)[_v(claim, "kind")]


def events_csv(store, *, include_non_actual: bool = False) -> bytes:
    """The event-data export as CSV bytes (UTF-8, a header line, CRLF line ends as RFC 4180 says)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(event_rows(store, include_non_actual=include_non_actual))
    return out.getvalue().encode("utf-8")
