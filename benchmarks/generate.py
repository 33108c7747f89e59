"""Generate a synthetic foreign-policy corpus shaped like the real article graph, for the benchmarks.

Each synthetic article is a plain-text file (byline, paragraphs, author biography, the page furniture of
the seed article) plus what an analyst would write about it: claims quoting sentences that really occur in
the text, the states and persons involved, concerns with their causes, policy actions, dated events,
interests, a priority, relationships, views of groups and recommendations.

Two outputs from the same model (both deterministic for a given seed and article number):

* ``--mode yaml``: ``articles/<doc>.txt`` + ``articles/<doc>.yaml`` in the annotation format of ``seeds/``
  (see ``benchmarks/annotation_format.py``), for the build benchmarks that go through ``kg.pipeline``;
* ``--mode nquads``: one ``dataset.nq`` holding the graph the loader would make (per-document assertions,
  background and provenance graphs plus a small inferred graph, IRIs as in the shared spec), for the query
  and HTTP benchmarks, so they do not depend on the build path.

Article *k* depends only on (seed, k), so a smaller corpus is a prefix of a larger one. The number of
articles for a size (``10k``, ``100k``, ``1M`` triples) is the smallest count whose N-Quads reach the size.

Usage::

    python benchmarks/generate.py --size 100k [--mode both] [--seed 7] [--out benchmarks/data]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "data"
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

BASE = "https://w3id.org/fpkg/"
FP, FPK, FPR, FPG = BASE + "ontology#", BASE + "kinds/", BASE + "resource/", BASE + "graph/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
WD = "http://www.wikidata.org/entity/"

# Shared entities of the spec: (id, class, label, Wikidata item or None, extra facts).
STATES = {
    "China": ("China", "Q148", "CHN", "Beijing"),
    "UnitedStates": ("the United States", "Q30", "USA", "Washington"),
    "Japan": ("Japan", "Q17", "JPN", None),
    "SouthKorea": ("South Korea", "Q884", "KOR", None),
    "NorthKorea": ("North Korea", "Q423", "PRK", "Pyongyang"),
}
PERSONS = {  # id: (name, Wikidata, state led, leadership property)
    "XiJinping": ("Xi Jinping", "Q15031", "China", "headOfStateOf"),
    "KimJongUn": ("Kim Jong-un", "Q56226", "NorthKorea", "leaderOf"),
    "ShinzoAbe": ("Shinzo Abe", "Q132345", "Japan", "headOfGovernmentOf"),
    "DonaldTrump": ("Donald J. Trump", "Q22686", "UnitedStates", "headOfStateOf"),
}
ORGS = {
    "UNSecurityCouncil": ("the UN Security Council", "Q37470"),
    "UnitedNations": ("the United Nations", "Q1065"),
    "AtlanticCouncil": ("the Atlantic Council", None),
}
PLACES = {  # id: (label, class, Wikidata, part of)
    "Beijing": ("Beijing", "City", "Q956", "China"),
    "Washington": ("Washington", "City", None, "UnitedStates"),
    "Pyongyang": ("Pyongyang", "City", None, "NorthKorea"),
    "Singapore": ("Singapore", "City", "Q334", None),
    "Jilin": ("Jilin", "Province", "Q45208", "China"),
    "Liaoning": ("Liaoning", "Province", "Q43934", "China"),
    "KoreanPeninsula": ("the Korean Peninsula", "Region", None, "NortheastAsia"),
    "NortheastAsia": ("Northeast Asia", "Region", None, "EastAsia"),
    "EastAsia": ("East Asia", "Region", None, None),
}
CONCERNS = {  # kind: (phrase, cause class, cause CAMEO, cause phrase, affected place)
    "RefugeeCrisis": ("a refugee crisis across the border", "Sanction", "163", "excessive sanctions", "Jilin"),
    "MilitaryPresence": ("a reinforced military presence in the region", "MilitaryDeployment", "154",
                         "the deployment of missile defence systems", "NortheastAsia"),
    "Blame": ("criticism and punishment for the actions of a neighbour", "PressureCampaign", "1312",
              "a maximum pressure campaign", "Beijing"),
    "EconomicHarm": ("the negative economic impact on the northeastern provinces", "Sanction", "163",
                     "tougher trade sanctions", "Liaoning"),
    "NuclearAccident": ("nuclear accidents near the border", "PressureCampaign", "1042",
                        "demands for quick policy change", "KoreanPeninsula"),
}
INTERESTS = {
    "RegionalStability": "long-term stability",
    "Denuclearization": "the denuclearization of the peninsula",
    "EconomicExchange": "more economic exchange",
    "RegionalInfluence": "influence over the region",
    "NationalSecurity": "its national security",
    "StrategicEnvironment": "an advantageous strategic environment",
}
EVENTS = {  # class: (verb phrase, CAMEO)
    "Summit": ("held a summit with", "044"),
    "Visit": ("received a visit from", "043"),
    "DiplomaticMeeting": ("met", "040"),
}
TESTS = {"MissileTest": "a missile test", "NuclearTest": "a nuclear test"}
TRENDS = {"Deteriorating": "increasingly deteriorating", "Improving": "steadily improving",
          "Strengthening": "strengthening", "Weakening": "weakening"}
RECOMMENDED = {  # class: (phrase, CAMEO)
    "Strategy": ("a thorough, shrewd and consistent strategy", "036"),
    "EngagementPolicy": ("a policy of engagement", "036"),
    "DiplomaticOutreach": ("proactive diplomacy", "022"),
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
FIRST = ["Akira", "Mei", "Daniel", "Soojin", "Elena", "Tomas", "Hiroshi", "Grace", "Minho", "Laura",
         "Kenji", "Sofia", "Arjun", "Yuna", "Peter", "Hana"]
LAST = ["Tanaka", "Chen", "Park", "Miller", "Sato", "Novak", "Ito", "Lee", "Garcia", "Kowalski",
        "Nakamura", "Brown", "Yoon", "Fischer"]
FILLER = [
    "The headlines rarely mention this.",
    "Few observers expected it at the time.",
    "The details remain unclear.",
    "This matters more than it seems.",
]


def name_of(entity: str) -> str:
    """The label a sentence uses for a shared entity."""
    for table in (STATES, PERSONS, ORGS, PLACES):
        if entity in table:
            return table[entity][0]
    raise KeyError(entity)


def possessive(name: str) -> str:
    """``China’s``, ``the United States’``."""
    return name + ("\u2019" if name.endswith("s") else "\u2019s")


def cap(text: str) -> str:
    """Upper-case the first letter only (``str.capitalize`` would lower-case the rest)."""
    return text[0].upper() + text[1:]


def make_article(seed: int, k: int) -> dict:
    """The model of synthetic article number ``k``: text, paragraphs and every annotated fact and claim."""
    rng = random.Random(seed * 1_000_003 + k)
    doc = f"synth-{k:06d}"
    first, last = rng.choice(FIRST), rng.choice(LAST)
    author = {"id": f"{first}{last}", "name": f"{first} {last}",
              "org": rng.choice(["AtlanticCouncil", "UnitedNations"]),
              "role": rng.choice(["visiting senior fellow", "senior analyst", "research fellow"])}
    year = rng.randint(2015, 2024)
    states = list(STATES)
    m = {"doc": doc, "author": author, "year": year, "title": "", "entities": set(),
         "concerns": [], "actions": [], "events": [], "interests": [], "priorities": [],
         "groups": [], "relationships": [], "claims": []}
    sentences: list[tuple[str, dict | None]] = []  # (sentence, claim without position)
    used: set[str] = set()

    def filler() -> None:
        # A sentence no claim quotes, as real articles have; each at most once per article.
        left = [f for f in FILLER if f not in used]
        if left:
            say(rng.choice(left), None)

    def say(text: str, claim: dict | None) -> None:
        # A quote must occur exactly once in the text; a repeated sentence gets an ordinal to stay unique.
        n = 2
        base = text
        while any(text in s or s in text for s in used):
            text = base[:-1] + f", for the {n}. time." if base.endswith(".") else f"{base} ({n})"
            n += 1
        used.add(text)
        sentences.append((text, claim))

    def claim(cls, holder, about, asserts, statement, **extra):
        cid = f"c{len(m['claims']) + 1:02d}"
        c = {"id": cid, "class": cls, "holder": holder, "about": about, "asserts": asserts,
             "statement": statement, **extra}
        m["claims"].append(c)
        return c

    # Dated events, each one claim: "X held a summit with Y in P on October 26."
    persons = list(PERSONS)
    for i in range(rng.randint(2, 4)):
        cls = rng.choice(list(EVENTS))
        a, b = rng.sample(persons, 2)
        place = rng.choice(["Beijing", "Washington", "Pyongyang", "Singapore"])
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        ev = {"id": f"event-{i + 1}", "class": cls, "participants": [a, b], "place": place,
              "date": f"{year}-{month:02d}-{day:02d}", "stated": f"{MONTHS[month - 1]} {day}",
              "cameo": EVENTS[cls][1]}
        m["events"].append(ev)
        m["entities"].update([a, b, place])
        text = f"{name_of(a)} {EVENTS[cls][0]} {name_of(b)} in {name_of(place)} on {ev['stated']}."
        say(text, claim("ReportedFact", author["id"], [ev["id"]],
                        [(ev["id"], "hasParticipant", a), (ev["id"], "atPlace", place)],
                        f"{name_of(a)} and {name_of(b)} met in {name_of(place)}"))
    # A weapons test.
    cls = rng.choice(list(TESTS))
    month = rng.randint(1, 12)
    ev = {"id": f"event-{len(m['events']) + 1}", "class": cls, "participants": ["NorthKorea"],
          "place": "KoreanPeninsula", "date": f"{year}-{month:02d}", "stated": MONTHS[month - 1], "cameo": "152"}
    m["events"].append(ev)
    say(f"North Korea carried out {TESTS[cls]} in {MONTHS[month - 1]}.",
        claim("ReportedFact", author["id"], [ev["id"], "NorthKorea"], [(ev["id"], "hasParticipant", "NorthKorea")],
              "North Korea tested a weapon"))
    if rng.random() < 0.7:
        filler()

    # Concerns of one holder state, each with its cause (a policy action of another state).
    holder = rng.choice(states)
    kinds = rng.sample(list(CONCERNS), rng.randint(3, 5))
    for rank, kind in enumerate(kinds, 1):
        phrase, acls, cameo, aphrase, place = CONCERNS[kind]
        actor = rng.choice([s for s in states if s != holder])
        target = rng.choice([s for s in states if s not in (holder, actor)])
        act = {"id": f"action-{len(m['actions']) + 1}", "class": acls, "actor": actor, "target": target,
               "cameo": cameo, "label": aphrase}
        con = {"id": f"concern-{rank}", "holder": holder, "rank": rank, "kind": kind, "cause": act["id"],
               "affects": place}
        m["actions"].append(act)
        m["concerns"].append(con)
        m["entities"].update([holder, actor, target, place])
        say(f"{cap(possessive(name_of(holder)))} concern number {rank} is {phrase}, caused by {aphrase} by"
            f" {name_of(actor)} against {name_of(target)}.",
            claim("Assessment", author["id"], [con["id"], holder, act["id"]],
                  [(holder, "hasConcern", con["id"]), (con["id"], "causedBy", act["id"])],
                  f"{name_of(holder)} fears {phrase}"))
        if rng.random() < 0.3:
            filler()

    # Interests and the priority between two of them.
    ikinds = rng.sample(list(INTERESTS), rng.randint(2, 3))
    for kind in ikinds:
        it = {"id": f"interest-{len(m['interests']) + 1}", "holder": holder, "kind": kind, "regarding": "KoreanPeninsula"}
        m["interests"].append(it)
        say(f"{cap(name_of(holder))} has a clear interest in {INTERESTS[kind]}"
            f" on {name_of('KoreanPeninsula')}.",
            claim("Belief", holder, [it["id"], holder], [(holder, "hasInterest", it["id"])],
                  f"{name_of(holder)} is interested in {INTERESTS[ikinds[0]]}"))
    hi, lo = m["interests"][0], m["interests"][1]
    pr = {"id": "priority-1", "holder": holder, "higher": hi["id"], "lower": lo["id"]}
    m["priorities"].append(pr)
    say(f"{cap(name_of(holder))} places a higher priority on {INTERESTS[hi['kind']]}"
        f" than on {INTERESTS[lo['kind']]}.",
        claim("Assessment", author["id"], [pr["id"], hi["id"], lo["id"]],
              [(hi["id"], "prioritizedOver", lo["id"])], f"{name_of(holder)} ranks interests"))

    # A group's view ("many experts") and a relationship with its trend.
    grp = {"id": "group-1", "label": "many experts", "members": []}
    m["groups"].append(grp)
    other = rng.choice([s for s in states if s != holder])
    say(f"Many experts believe that {name_of(holder)} and {name_of(other)} will not cooperate on sanctions.",
        claim("Belief", grp["id"], [holder, other], [], "experts doubt cooperation"))
    a, b = rng.sample(states, 2)
    trend = rng.choice(list(TRENDS))
    rel = {"id": "relationship-1", "parties": [a, b], "kind": rng.choice(["Rivalry", "Cooperation", "Engagement"]),
           "trend": trend}
    m["relationships"].append(rel)
    say(f"Relations between {name_of(a)} and {name_of(b)} are {TRENDS[trend]}.",
        claim("Assessment", author["id"], [rel["id"], a, b], [(rel["id"], "hasParty", a), (rel["id"], "hasParty", b)],
              "relations are changing"))

    # Recommendations of the author.
    for cls in rng.sample(list(RECOMMENDED), rng.randint(1, 2)):
        addressee = rng.choice([s for s in states if s != holder])
        act = {"id": f"action-{len(m['actions']) + 1}", "class": cls, "actor": addressee, "target": holder,
               "cameo": RECOMMENDED[cls][1], "label": RECOMMENDED[cls][0]}
        m["actions"].append(act)
        say(f"{cap(name_of(addressee))} should deal with {name_of(holder)}"
            f" through {RECOMMENDED[cls][0]}.",
            claim("Recommendation", author["id"], [act["id"], holder], [(act["id"], "hasActor", addressee)],
                  f"{name_of(addressee)} should engage {name_of(holder)}", addressee=addressee, recommends=act["id"]))

    m["title"] = f"What {name_of(holder)} wants on the Korean Peninsula ({k})"
    # Paragraphs: the sentences in order, 2-3 per paragraph; then the biography, which is a claim too.
    bio = (f"{author['name']} is a {author['role']} with {name_of(author['org'])}."
           f" The views expressed here are the author\u2019s own.")
    bio_claim = claim("ReportedFact", author["id"], [author["id"]], [], f"{author['name']} is a {author['role']}")
    paras: list[list[tuple[str, dict | None]]] = []
    i = 0
    while i < len(sentences):
        n = rng.choice([2, 3])
        paras.append(sentences[i:i + n])
        i += n
    paras.append([(bio, bio_claim)])
    lines = [f"By {author['name']}"] + [" ".join(s for s, _ in p) for p in paras]
    text = "\n".join(lines) + "\nNo comments:\nPost a Comment"
    m["text"] = text
    # Positions: code points over the whole file's text; paragraph index = line number (0 = byline).
    offset = len(lines[0]) + 1
    m["paragraphs"] = [(0, 0, len(lines[0]))]
    for pi, p in enumerate(paras, 1):
        pos = offset
        m["paragraphs"].append((pi, offset, offset + len(lines[pi])))
        for s, c in p:
            if c is not None:
                start = text.index(s, pos)
                assert text.count(s) == 1, s
                c.update(quote=s, start=start, end=start + len(s), paragraph=pi)
            pos = text.index(s, pos) + len(s)
        offset += len(lines[pi]) + 1
    m["entities"].update(states)
    m["entities"].update(["KoreanPeninsula", "NortheastAsia", "EastAsia", author["org"]])
    return m


# ----------------------------------------------------------------------------------------------- N-Quads

def _lit(value, dtype: str | None = None) -> str:
    s = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{s}"^^<{XSD}{dtype}>' if dtype else f'"{s}"'


def _iri(x: str) -> str:
    return f"<{x}>"


def article_quads(m: dict) -> list[str]:
    """The N-Quads lines of one article, in the graphs and with the IRIs of the shared spec."""
    doc = m["doc"]
    d = FPR + doc
    ga, gb, gp = (_iri(f"{FPG}{doc}/{r}") for r in ("assertions", "background", "provenance"))
    gi = _iri(FPG + "inferred")
    out: list[str] = []

    def r(local: str) -> str:  # a per-document or shared resource
        return _iri(f"{d}/{local.split('-')[0]}/{local}") if "-" in local and local.split("-")[0] in (
            "event", "action", "concern", "interest", "priority", "group", "relationship") else _iri(FPR + local)

    def q(s, p, o, g):
        out.append(f"{s} {p} {o} {g} .")

    a = _iri(RDF + "type")
    fp = lambda t: _iri(FP + t)  # noqa: E731
    fpk = lambda t: _iri(FPK + t)  # noqa: E731
    label = _iri(RDFS + "label")
    # Background: shared entities as the encoder knows them.
    for e in sorted(m["entities"]):
        if e in STATES:
            lab, wd, iso, _cap = STATES[e]
            q(r(e), a, fp("State"), gb)
            q(r(e), _iri(FP + "iso3166Alpha3"), _lit(iso), gb)
            q(r(e), _iri(SKOS + "exactMatch"), _iri(WD + wd), gb)
        elif e in PERSONS:
            lab, wd, state, prop = PERSONS[e]
            q(r(e), a, fp("Person"), gb)
            q(r(e), _iri(SKOS + "exactMatch"), _iri(WD + wd), gb)
            q(r(e), fp(prop), r(state), gb)
        elif e in ORGS:
            lab, wd = ORGS[e]
            q(r(e), a, fp("Organization"), gb)
            if wd:
                q(r(e), _iri(SKOS + "exactMatch"), _iri(WD + wd), gb)
        elif e in PLACES:
            lab, cls, wd, part = PLACES[e]
            q(r(e), a, fp(cls), gb)
            if wd:
                q(r(e), _iri(SKOS + "exactMatch"), _iri(WD + wd), gb)
            if part:
                q(r(e), fp("partOf"), r(part), gb)
        else:
            continue
        q(r(e), label, _lit(lab.removeprefix("the "), None), gb)
    for e, (_l, _w, _i, cap) in STATES.items():
        if cap and e in m["entities"] and cap in m["entities"]:
            q(r(cap), fp("standsFor"), r(e), gb)
    # Assertions: the article's plain facts.
    au = m["author"]
    q(r(au["id"]), a, fp("Person"), ga)
    q(r(au["id"]), label, _lit(au["name"]), ga)
    mem = _iri(f"{d}/membership/{au['id']}")
    q(mem, a, _iri(ORG + "Membership"), ga)
    q(mem, _iri(ORG + "member"), r(au["id"]), ga)
    q(mem, _iri(ORG + "organization"), r(au["org"]), ga)
    q(mem, fp("roleLabel"), _lit(au["role"]), ga)
    q(mem, fp("isCurrent"), _lit("true", "boolean"), ga)
    for ev in m["events"]:
        e = r(ev["id"])
        q(e, a, fp(ev["class"]), ga)
        for p in ev["participants"]:
            q(e, fp("hasParticipant"), r(p), ga)
        q(e, fp("atPlace"), r(ev["place"]), ga)
        q(e, fp("dateAsStated"), _lit(ev["stated"]), ga)
        q(e, fp("actionKind"), fpk(f"cameo-{ev['cameo']}"), ga)
        q(e, fp("date"), _lit(ev["date"], "date" if ev["date"].count("-") == 2 else "gYearMonth"), gb)
    for act in m["actions"]:
        e = r(act["id"])
        q(e, a, fp(act["class"]), ga)
        q(e, fp("hasActor"), r(act["actor"]), ga)
        q(e, fp("hasTarget"), r(act["target"]), ga)
        q(e, fp("actionKind"), fpk(f"cameo-{act['cameo']}"), ga)
        q(e, label, _lit(act["label"]), ga)
    for c in m["concerns"]:
        e = r(c["id"])
        q(e, a, fp("Concern"), ga)
        q(r(c["holder"]), fp("hasConcern"), e, ga)
        q(e, fp("concernRank"), _lit(c["rank"], "positiveInteger"), ga)
        q(e, fp("concernKind"), fpk(c["kind"]), ga)
        q(e, fp("causedBy"), r(c["cause"]), ga)
        q(e, fp("affects"), r(c["affects"]), ga)
        actor = next(x["actor"] for x in m["actions"] if x["id"] == c["cause"])
        q(e, fp("linkedToActionsOf"), r(actor), gi)
    for it in m["interests"]:
        e = r(it["id"])
        q(e, a, fp("Interest"), ga)
        q(r(it["holder"]), fp("hasInterest"), e, ga)
        q(e, fp("interestKind"), fpk(it["kind"]), ga)
        q(e, fp("regarding"), r(it["regarding"]), ga)
    for p in m["priorities"]:
        e = r(p["id"])
        q(e, a, fp("Priority"), ga)
        q(e, fp("priorityHolder"), r(p["holder"]), ga)
        q(e, fp("higherPriority"), r(p["higher"]), ga)
        q(e, fp("lowerPriority"), r(p["lower"]), ga)
        q(r(p["higher"]), fp("prioritizedOver"), r(p["lower"]), ga)
    for g in m["groups"]:
        q(r(g["id"]), a, fp("Group"), ga)
        q(r(g["id"]), label, _lit(g["label"]), ga)
    for rel in m["relationships"]:
        e = r(rel["id"])
        q(e, a, fp("Relationship"), ga)
        for p in rel["parties"]:
            q(e, fp("hasParty"), r(p), ga)
        q(e, fp("relationshipKind"), fpk(rel["kind"]), ga)
        q(e, fp("trend"), fpk(rel["trend"]), ga)
    # Provenance: the document, its paragraphs, claims, anchors and reified statements.
    D = _iri(d)
    text = m["text"]
    q(D, a, fp("Article"), gp)
    q(D, _iri(DCT + "title"), _lit(m["title"]), gp)
    q(D, _iri(DCT + "creator"), r(au["id"]), gp)
    q(D, _iri(DCT + "publisher"), r("AtlanticCouncil"), gp)
    q(D, _iri(DCT + "issued"), _lit(m["year"], "gYear"), gp)
    q(D, fp("publicationKind"), fpk("BlogPost"), gp)
    q(D, fp("sourceFile"), _lit(f"articles/{doc}.txt"), gp)
    q(D, fp("sha256"), _lit(hashlib.sha256(text.encode()).hexdigest()), gp)
    q(D, fp("text"), _lit(text), gp)
    for idx, s, e in m["paragraphs"]:
        para = _iri(f"{d}/paragraph/{idx:02d}")
        q(para, a, fp("Paragraph"), gp)
        q(para, fp("inDocument"), D, gp)
        q(para, fp("paragraphIndex"), _lit(idx, "nonNegativeInteger"), gp)
        q(para, fp("text"), _lit(text[s:e]), gp)
    for role, g in (("assertions", ga), ("background", gb), ("provenance", gp)):
        q(g, _iri(PROV + "wasDerivedFrom"), D, gp)
    q(ga, fp("graphRole"), fpk("ArticleContent"), gp)
    q(gb, fp("graphRole"), fpk("EncoderKnowledge"), gp)
    q(gb, _iri(PROV + "wasAttributedTo"), _iri(FPR + "agent/encoder"), gp)
    for c in m["claims"]:
        ci = _iri(f"{d}/claim/{c['id']}")
        q(ci, a, fp(c["class"]), gp)
        q(ci, fp("heldBy"), r(c["holder"]), gp)
        q(ci, fp("statedIn"), D, gp)
        q(ci, fp("statement"), _lit(c["statement"]), gp)
        for x in c["about"]:
            q(ci, fp("about"), r(x), gp)
        for s, p, o in c["asserts"]:
            st = (r(s), fp(p), r(o))
            si = _iri(f"{d}/statement/{hashlib.sha1(' '.join(st).encode()).hexdigest()[:12]}")
            q(ci, fp("asserts"), si, gp)
            q(si, a, _iri(RDF + "Statement"), gp)
            q(si, _iri(RDF + "subject"), st[0], gp)
            q(si, _iri(RDF + "predicate"), st[1], gp)
            q(si, _iri(RDF + "object"), st[2], gp)
        if c.get("addressee"):
            q(ci, fp("addressee"), r(c["addressee"]), gp)
            q(ci, fp("recommends"), r(c["recommends"]), gp)
        an = f"{d}/claim/{c['id']}/anchor"
        q(ci, fp("hasTextAnchor"), _iri(an), gp)
        q(_iri(an), a, _iri(OA + "Annotation"), gp)
        q(_iri(an), _iri(OA + "hasBody"), ci, gp)
        q(_iri(an), _iri(OA + "motivatedBy"), _iri(OA + "identifying"), gp)
        q(_iri(an), _iri(OA + "hasTarget"), _iri(an + "/target"), gp)
        q(_iri(an), fp("inParagraph"), _iri(f"{d}/paragraph/{c['paragraph']:02d}"), gp)
        q(_iri(an + "/target"), a, _iri(OA + "SpecificResource"), gp)
        q(_iri(an + "/target"), _iri(OA + "hasSource"), D, gp)
        q(_iri(an + "/target"), _iri(OA + "hasSelector"), _iri(an + "/quote"), gp)
        q(_iri(an + "/target"), _iri(OA + "hasSelector"), _iri(an + "/position"), gp)
        q(_iri(an + "/quote"), a, _iri(OA + "TextQuoteSelector"), gp)
        q(_iri(an + "/quote"), _iri(OA + "exact"), _lit(c["quote"]), gp)
        q(_iri(an + "/quote"), _iri(OA + "prefix"), _lit(text[max(0, c["start"] - 32):c["start"]]), gp)
        q(_iri(an + "/quote"), _iri(OA + "suffix"), _lit(text[c["end"]:c["end"] + 32]), gp)
        q(_iri(an + "/position"), a, _iri(OA + "TextPositionSelector"), gp)
        q(_iri(an + "/position"), _iri(OA + "start"), _lit(c["start"], "nonNegativeInteger"), gp)
        q(_iri(an + "/position"), _iri(OA + "end"), _lit(c["end"], "nonNegativeInteger"), gp)
    return out


def articles_for(target: int, seed: int) -> int:
    """The smallest number of articles whose N-Quads reach ``target`` quads."""
    total, k = 0, 0
    while total < target:
        total += len(article_quads(make_article(seed, k)))
        k += 1
    return k


def generate(size: str, out: Path = DEFAULT_OUT, seed: int = 7, mode: str = "both",
             articles: int | None = None) -> dict:
    """Write the corpus for ``size`` under ``out/size`` and return its manifest (also saved as manifest.json).

    :raises ValueError: for an unknown size or mode.
    """
    if mode not in ("yaml", "nquads", "both"):
        raise ValueError(f"unknown mode {mode!r}")
    target = SIZES.get(size)
    if target is None and articles is None:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    root = out / size
    (root / "articles").mkdir(parents=True, exist_ok=True)
    n, quads = 0, 0
    nq = open(root / "dataset.nq", "w", encoding="utf-8") if mode in ("nquads", "both") else None
    try:
        while (articles is not None and n < articles) or (articles is None and quads < target):
            m = make_article(seed, n)
            lines = article_quads(m)
            quads += len(lines)
            if nq:
                nq.write("\n".join(lines) + "\n")
            if mode in ("yaml", "both"):
                from annotation_format import write_annotation  # noqa: PLC0415 - only for the YAML mode
                (root / "articles" / f"{m['doc']}.txt").write_text(m["text"], encoding="utf-8")
                write_annotation(m, root / "articles" / f"{m['doc']}.yaml")
            n += 1
    finally:
        if nq:
            nq.close()
    manifest = {"size": size, "seed": seed, "articles": n, "quads": quads, "mode": mode,
                "quads_per_article": round(quads / max(n, 1), 1)}
    (root / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="10k", help="10k, 100k or 1M triples (or a name with --articles)")
    ap.add_argument("--articles", type=int, help="generate exactly this many articles instead")
    ap.add_argument("--mode", default="both", choices=["yaml", "nquads", "both"])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    print(json.dumps(generate(args.size, args.out, args.seed, args.mode, args.articles)))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
