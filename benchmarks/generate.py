"""Generate a synthetic foreign-policy corpus shaped like the real article graph, for the benchmarks.

Each synthetic article is a plain-text file (byline, paragraphs, author biography, the page furniture of
the seed article) plus what an analyst would write about it: claims quoting sentences that really occur in
the text, the states and persons involved, concerns with their causes, policy actions, dated events,
interests, a priority, relationships, views of groups and recommendations.

Two outputs from the same model (both deterministic for a given seed and article number):

* ``--mode yaml``: ``articles/<doc>.txt`` + ``articles/<doc>.yaml`` in the annotation format of ``seeds/``
  (``seeds/README.md``), for the build benchmarks that go through ``kg.pipeline.builder``;
* ``--mode nquads``: one ``dataset.nq`` holding the graph the loader would make (per-document assertions,
  background and provenance graphs plus a small inferred graph, IRIs as in the shared spec) and the ontology
  in fpg:ontology, as a build stores it, for the query
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
    "XiJinping": ("Xi Jinping", "Q15031", "China", "HeadOfState"),
    "KimJongUn": ("Kim Jong-un", "Q56226", "NorthKorea", "Leader"),
    "ShinzoAbe": ("Shinzo Abe", "Q132345", "Japan", "HeadOfGovernment"),
    "DonaldTrump": ("Donald J. Trump", "Q22686", "UnitedStates", "HeadOfState"),
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
EVENT_NOUN = {"Summit": "summit", "Visit": "visit", "DiplomaticMeeting": "meeting"}
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


#: IRI path segment of the per-document entity types (shared entities live at fpr:{id}).
SEGMENTS = {"Group": "group", "Interest": "interest", "Priority": "priority", "Concern": "concern",
            "Relationship": "relationship", "Membership": "membership",
            **{c: "action" for c in ("Sanction", "MilitaryDeployment", "PressureCampaign", "EngagementPolicy",
                                     "DiplomaticOutreach", "Strategy")},
            **{c: "event" for c in ("Summit", "Visit", "DiplomaticMeeting", "MissileTest", "NuclearTest")}}
ENCODER = "fpkg benchmark generator"
#: Default modality of each claim kind, as the loader gives it (only certain content is asserted).
MODALITY = {"prediction": "PR-plus", "recommendation": "Uu"}
CLAIM_CLASSES = {"belief": "Belief", "assessment": "Assessment", "prediction": "Prediction",
                 "recommendation": "Recommendation", "reported-fact": "ReportedFact"}
ORG_PROPS = {"org:member", "org:organization"}


def make_article(seed: int, k: int) -> dict:
    """The model of synthetic article number ``k``, in the terms of an annotation file.

    Keys: ``document`` (id, text file, kind, author, publisher, title, issued), ``entities`` (id -> type,
    label, wikidata, iso3), ``claims`` (id, kind, holder, quote, statement, about, facts, addressee,
    recommends, plus the quote's ``start``/``end``/``paragraph`` in the text), ``background`` (fact, note),
    ``text`` and ``paragraphs`` ((index, start, end) per line, 0 = byline).
    """
    rng = random.Random(seed * 1_000_003 + k)
    doc = f"synth-{k:06d}"
    entities: dict[str, dict] = {}
    claims: list[dict] = []
    background: list[dict] = []
    sentences: list[tuple[str, dict | None]] = []
    used: set[str] = set()

    def ent(eid: str, etype: str, label: str, wikidata: str | None = None, iso3: str | None = None,
            status: str | None = None) -> str:
        if eid not in entities:
            entities[eid] = {"type": etype, "label": label, **({"wikidata": wikidata} if wikidata else {}),
                             **({"iso3": iso3} if iso3 else {}), **({"status": status} if status else {})}
        return eid

    def bg(fact: list, note: str) -> None:
        if not any(b["fact"] == fact for b in background):
            background.append({"fact": fact, "note": note})

    def shared(eid: str) -> str:
        """Declare a shared entity with what the encoder knows about it (identifiers, leaders, places)."""
        if eid in entities:
            return eid
        if eid in STATES:
            lab, wd, iso, capital = STATES[eid]
            ent(eid, "State", lab.removeprefix("the "), wd, iso)
        elif eid in PERSONS:
            lab, wd, state, role = PERSONS[eid]
            ent(eid, "Person", lab, wd)
            # The office, dated as of the article's year: encoder knowledge, not stated in the text.
            office = ent(f"{eid}-office", "Membership", f"{lab}, {role} of {STATES[state][0]}")
            for fact in ([office, "org:member", eid], [office, "org:organization", shared(state)],
                         [office, "roleKind", f"fpk:{role}"], [office, "validAsOf", year]):
                bg(fact, "the office is encoder knowledge, not stated in the text")
        elif eid in ORGS:
            lab, wd = ORGS[eid]
            ent(eid, "Organization", lab.removeprefix("the "), wd)
        else:
            lab, cls, wd, part = PLACES[eid]
            ent(eid, cls, lab.removeprefix("the "), wd)
            if part:
                bg([eid, "partOf", shared(part)], "geography is encoder knowledge")
        for state, (_l, _w, _i, capital) in STATES.items():
            if capital == eid and state in entities or (state == eid and capital in entities):
                bg([capital, "standsFor", state], "the capital stands for its state")
        return eid

    def filler() -> None:
        # A sentence no claim quotes, as real articles have; each at most once per article.
        left = [f for f in FILLER if f not in used]
        if left:
            say(rng.choice(left), None)

    def say(text: str, claim: dict | None) -> None:
        # A quote must occur exactly once in the text; a repeated sentence gets an ordinal to stay unique.
        n, base = 2, text
        while any(text in s or s in text for s in used):
            text = f"{base[:-1]}, for the {n}. time."
            n += 1
        used.add(text)
        if claim is not None:
            claim["quote"] = text
        sentences.append((text, claim))

    def claim(kind, holder, about, facts, statement, **extra) -> dict:
        c = {"id": f"c{len(claims) + 1:02d}", "kind": kind, "view": holder, "quote": None,
             "statement": statement, "about": about, "facts": facts, **extra}
        claims.append(c)
        return c

    first, last = rng.choice(FIRST), rng.choice(LAST)
    author = ent(f"{first}{last}", "Person", f"{first} {last}")
    org = shared(rng.choice(["AtlanticCouncil", "UnitedNations"]))
    role = rng.choice(["visiting senior fellow", "senior analyst", "research fellow"])
    year = rng.randint(2015, 2024)
    states = list(STATES)
    for s in states:
        shared(s)

    # Dated meetings, each one claim: "X held a summit with Y in P on October 26."
    for i in range(rng.randint(3, 6)):
        cls = rng.choice(list(EVENTS))
        a, b = (shared(p) for p in rng.sample(list(PERSONS), 2))
        place = shared(rng.choice(["Beijing", "Washington", "Pyongyang", "Singapore"]))
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        stated = f"{MONTHS[month - 1]} {day}"
        ev = ent(f"meeting-{i + 1}", cls, f"{entities[a]['label']}\u2013{entities[b]['label']} {EVENT_NOUN[cls]}")
        bg([ev, "date", f"{year}-{month:02d}-{day:02d}"], "the year is not in the text")
        say(f"{name_of(a)} {EVENTS[cls][0]} {name_of(b)} in {name_of(place)} on {stated}.",
            claim("reported-fact", author, [ev],
                  [[ev, "hasParticipant", a], [ev, "hasParticipant", b], [ev, "atPlace", place],
                   [ev, "dateAsStated", stated], [ev, "actionKind", f"fpk:cameo-{EVENTS[cls][1]}"]],
                  f"{name_of(a)} and {name_of(b)} met in {name_of(place)} on {stated}"))
    # A weapons test.
    cls = rng.choice(list(TESTS))
    month = rng.randint(1, 12)
    ev = ent("weapons-test", cls, f"North Korean {TESTS[cls][2:]}")
    bg([ev, "date", f"{year}-{month:02d}"], "the year is not in the text")
    say(f"North Korea carried out {TESTS[cls]} in {MONTHS[month - 1]}.",
        claim("reported-fact", author, [ev, "NorthKorea"],
              [[ev, "hasParticipant", "NorthKorea"], [ev, "atPlace", shared("KoreanPeninsula")],
               [ev, "dateAsStated", MONTHS[month - 1]], [ev, "actionKind", "fpk:cameo-152"]],
              f"North Korea carried out {TESTS[cls]}"))
    if rng.random() < 0.7:
        filler()

    # Two of the states, each with concerns (with their causes), interests, a priority, views and advice.
    topics = rng.sample(states, 2)
    for t, holder in enumerate(topics, 1):
        kinds = rng.sample(list(CONCERNS), rng.randint(3, 5))
        for rank, kind in enumerate(kinds, 1):
            phrase, acls, cameo, aphrase, place = CONCERNS[kind]
            actor = rng.choice([s for s in states if s != holder])
            target = rng.choice([s for s in states if s not in (holder, actor)])
            act = ent(f"cause-{t}-{rank}", acls, f"{aphrase} by {name_of(actor)}")
            con = ent(f"concern-{t}-{rank}", "Concern", f"{name_of(holder)}: {phrase}")
            say(f"{cap(possessive(name_of(holder)))} concern number {rank} is {phrase}, caused by {aphrase} by"
                f" {name_of(actor)} against {name_of(target)}.",
                claim("assessment", author, [con, holder, act],
                      [[holder, "hasConcern", con], [con, "concernRank", rank], [con, "concernKind", f"fpk:{kind}"],
                       [con, "causedBy", act], [con, "affects", shared(place)], [act, "hasActor", actor],
                       [act, "hasTarget", target], [act, "actionKind", f"fpk:cameo-{cameo}"]],
                      f"{name_of(holder)} fears {phrase}"))
            if rng.random() < 0.3:
                filler()

        # Interests and the priority between two of them.
        ikinds = rng.sample(list(INTERESTS), rng.randint(2, 3))
        for n, kind in enumerate(ikinds, 1):
            it = ent(f"interest-{t}-{n}", "Interest", f"{name_of(holder)}: {INTERESTS[kind]}")
            say(f"{cap(name_of(holder))} has a clear interest in {INTERESTS[kind]} on {name_of('KoreanPeninsula')}.",
                claim("belief", holder, [it, holder],
                      [[holder, "hasInterest", it], [it, "interestKind", f"fpk:{kind}"],
                       [it, "regarding", "KoreanPeninsula"]],
                      f"{name_of(holder)} is interested in {INTERESTS[kind]}"))
        pr = ent(f"priority-{t}", "Priority", f"{name_of(holder)}'s priority")
        hi, lo = f"interest-{t}-1", f"interest-{t}-2"
        say(f"{cap(name_of(holder))} places a higher priority on {INTERESTS[ikinds[0]]}"
            f" than on {INTERESTS[ikinds[1]]}.",
            claim("assessment", author, [pr, hi, lo],
                  [[pr, "priorityHolder", holder], [pr, "higherPriority", hi], [pr, "lowerPriority", lo],
                   [hi, "prioritizedOver", lo]], f"{name_of(holder)} ranks {INTERESTS[ikinds[0]]} first"))

        # A group's view ("many experts") and a relationship with its trend.
        grp = ent("many-experts", "Group", "many experts")
        other = rng.choice([s for s in states if s != holder])
        say(f"Many experts believe that {name_of(holder)} and {name_of(other)} will not cooperate on sanctions.",
            claim("belief", grp, [holder, other], [], "experts doubt cooperation"))
        a, b = rng.sample(states, 2)
        trend = rng.choice(list(TRENDS))
        rel = ent(f"relations-{t}", "Relationship", f"{name_of(a)}\u2013{name_of(b)} relations")
        say(f"Relations between {name_of(a)} and {name_of(b)} are {TRENDS[trend]}.",
            claim("assessment", author, [rel, a, b],
                  [[rel, "hasParty", a], [rel, "hasParty", b],
                   [rel, "relationshipKind", f"fpk:{rng.choice(['Rivalry', 'Cooperation', 'Engagement'])}"],
                   [rel, "trend", f"fpk:{trend}"]], f"relations between {name_of(a)} and {name_of(b)} change"))

        # Recommendations of the author.
        for n, cls in enumerate(rng.sample(list(RECOMMENDED), rng.randint(1, 2)), 1):
            addressee = rng.choice([s for s in states if s != holder])
            act = ent(f"recommended-{t}-{n}", cls, RECOMMENDED[cls][0], status="recommended")
            say(f"{cap(name_of(addressee))} should deal with {name_of(holder)} through {RECOMMENDED[cls][0]}.",
                claim("recommendation", author, [act, holder],
                      [[act, "hasActor", addressee], [act, "hasTarget", holder],
                       [act, "actionKind", f"fpk:cameo-{RECOMMENDED[cls][1]}"]],
                      f"{name_of(addressee)} should engage {name_of(holder)}", addressee=[addressee], recommends=[act]))

    # The biography, the last paragraph, is a claim too: the author's affiliation.
    mem = ent("author-membership", "Membership", f"{first} {last} at {name_of(org)}")
    bio = claim("reported-fact", author, [author],
                [[mem, "org:member", author], [mem, "org:organization", org], [mem, "roleLabel", role],
                 [mem, "validAsOf", year]], f"{first} {last} is a {role} with {name_of(org)}")
    bio_text = f"{first} {last} is a {role} with {name_of(org)}. The views expressed here are the author\u2019s own."
    bio["quote"] = bio_text.split(". ")[0] + "."

    # Paragraphs: the sentences in order, 2-3 per paragraph, then the biography; line 0 is the byline.
    paras: list[list[tuple[str, dict | None]]] = []
    i = 0
    while i < len(sentences):
        n = rng.choice([2, 3])
        paras.append(sentences[i:i + n])
        i += n
    paras.append([(bio_text, bio)])
    lines = [f"By {first} {last}"] + [" ".join(s for s, _ in p) for p in paras]
    text = "\n".join(lines) + "\nNo comments:\nPost a Comment"
    paragraphs, offset = [], 0
    for idx, line in enumerate(lines):
        paragraphs.append((idx, offset, offset + len(line)))
        offset += len(line) + 1
    for idx, p in enumerate(paras, 1):
        for _, c in p:
            if c is not None:
                assert text.count(c["quote"]) == 1, c["quote"]
                c["start"] = text.index(c["quote"])
                c["end"] = c["start"] + len(c["quote"])
                c["paragraph"] = idx
    title = f"What {name_of(topics[0])} and {name_of(topics[1])} want on the Korean Peninsula ({k})"
    document = {"id": doc, "text": f"{doc}.txt", "kind": "fpk:BlogPost", "author": author, "encoder": ENCODER,
                "publisher": org,
                "title": title, "issued": year}
    return {"document": document, "entities": entities, "claims": claims, "background": background,
            "text": text, "paragraphs": paragraphs}


# ----------------------------------------------------------------------------------------------- N-Quads

def _lit(value) -> str:
    if isinstance(value, bool):
        return f'"{str(value).lower()}"^^<{XSD}boolean>'
    if isinstance(value, int):
        return f'"{value}"^^<{XSD}integer>'
    s = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{s}"'


def _typed(value, dtype: str) -> str:
    return f'"{value}"^^<{XSD}{dtype}>'


_DATATYPES = {"concernRank": "positiveInteger"}


def article_quads(m: dict) -> list[str]:
    """The N-Quads lines of one article: what the loader makes of its annotation, with the graphs and IRIs of
    the shared spec (assertions, background, provenance; the reasoner's property-chain result in fpg:inferred)."""
    doc = m["document"]["id"]
    d = FPR + doc
    ga, gb, gp = (f"<{FPG}{doc}/{r}>" for r in ("assertions", "background", "provenance"))
    gi = f"<{FPG}inferred>"
    ents = m["entities"]
    out: list[str] = []

    def r(eid: str) -> str:
        seg = SEGMENTS.get(ents[eid]["type"]) if eid in ents else None
        return f"<{d}/{seg}/{eid}>" if seg else f"<{FPR}{eid}>"

    def obj(p: str, o) -> str:
        if p in ("date", "validAsOf", "endedBy"):
            return _typed(o, {1: "gYear", 2: "gYearMonth", 3: "date"}[str(o).count("-") + 1])
        if isinstance(o, str) and o.startswith("fpk:"):
            return f"<{FPK}{o[4:]}>"
        if p in _DATATYPES:
            return _typed(o, _DATATYPES[p])
        if isinstance(o, str) and o in ents:
            return r(o)
        return _lit(o)

    def pred(p: str) -> str:
        return f"<{ORG}{p[4:]}>" if p.startswith("org:") else f"<{FP}{p}>"

    a, label = f"<{RDF}type>", f"<{RDFS}label>"
    for eid, e in ents.items():
        g = gb if SEGMENTS.get(e["type"]) is None else ga  # shared entities are encoder knowledge
        out.append(f"{r(eid)} {a} <{ORG if e['type'] == 'Membership' else FP}{e['type']}> {g} .")
        out.append(f"{r(eid)} {label} {_lit(e['label'])}@en {gb} .")
        if SEGMENTS.get(e["type"]) in ("action", "event"):
            out.append(f"{r(eid)} <{FP}status> <{FPK}{e.get('status', 'actual').capitalize()}> {ga} .")
        if "wikidata" in e:
            out.append(f"{r(eid)} <{SKOS}exactMatch> <{WD}{e['wikidata']}> {gb} .")
        if "iso3" in e:
            out.append(f"{r(eid)} <{FP}iso3166Alpha3> {_lit(e['iso3'])} {gb} .")
    for b in m["background"]:
        s, p, o = b["fact"]
        out.append(f"{r(s)} {pred(p)} {obj(p, o)} {gb} .")
    text = m["text"]
    D = f"<{d}>"
    meta = m["document"]
    out += [f"{D} {a} <{FP}Article> {gp} .", f"{D} <{DCT}title> {_lit(meta['title'])} {gp} .",
            f"{D} <{DCT}creator> {r(meta['author'])} {gp} .", f"{D} <{DCT}publisher> {r(meta['publisher'])} {gp} .",
            f"{D} <{DCT}issued> {_typed(meta['issued'], 'gYear')} {gp} .",
            f"{D} <{FP}publicationKind> <{FPK}BlogPost> {gp} .",
            f"{D} <{FP}sourceFile> {_lit('benchmarks/data/' + meta['text'])} {gp} .",
            f"{D} <{FP}sha256> {_lit(hashlib.sha256(text.encode()).hexdigest())} {gp} .",
            f"{D} <{FP}text> {_lit(text)} {gp} ."]
    for idx, s, e in m["paragraphs"]:
        para = f"<{d}/paragraph/{idx:02d}>"
        out += [f"{para} {a} <{FP}Paragraph> {gp} .", f"{para} <{FP}inDocument> {D} {gp} .",
                f"{para} <{FP}paragraphIndex> {_typed(idx, 'nonNegativeInteger')} {gp} .",
                f"{para} <{FP}text> {_lit(text[s:e])} {gp} ."]
    for g in (ga, gb, gp):
        out.append(f"{g} <{PROV}wasDerivedFrom> {D} {gp} .")
    out += [f"{ga} <{FP}graphRole> <{FPK}ArticleContent> {gp} .", f"{gb} <{FP}graphRole> <{FPK}EncoderKnowledge> {gp} .",
            f"{gb} <{PROV}wasAttributedTo> <{FPR}agent/{ENCODER.replace(' ', '-')}> {gp} .",
            f"<{FPR}agent/{ENCODER.replace(' ', '-')}> {a} <{PROV}Person> {gp} ."]
    asserted: set[str] = set()
    for c in m["claims"]:
        ci = f"<{d}/claim/{c['id']}>"
        holders = c["view"] if isinstance(c["view"], list) else [c["view"]]
        modality = MODALITY.get(c["kind"], "CT-plus")
        out += [f"{ci} {a} <{FP}{CLAIM_CLASSES[c['kind']]}> {gp} .", f"{ci} <{FP}statedIn> {D} {gp} .",
                f"{ci} <{FP}statement> {_lit(c['statement'])} {gp} .",
                f"{ci} <{FP}assertedBy> {r(meta['author'])} {gp} .", f"{ci} <{FP}modality> <{FPK}{modality}> {gp} ."]
        out += [f"{ci} <{FP}viewOf> {r(h)} {gp} ." for h in holders]
        out += [f"{ci} <{FP}about> {r(x)} {gp} ." for x in c["about"]]
        out += [f"{ci} <{FP}addressee> {r(x)} {gp} ." for x in c.get("addressee", [])]
        out += [f"{ci} <{FP}recommends> {r(x)} {gp} ." for x in c.get("recommends", [])]
        for s, p, o in c["facts"]:
            st = (r(s), pred(p), obj(p, o))
            line = f"{st[0]} {st[1]} {st[2]} {ga} ."
            if modality == "CT-plus" and line not in asserted:
                asserted.add(line)
                out.append(line)
            si = f"<{d}/statement/{hashlib.sha1(' '.join(st).encode()).hexdigest()[:12]}>"
            out += [f"{ci} <{FP}asserts> {si} {gp} .", f"{si} {a} <{RDF}Statement> {gp} .",
                    f"{si} <{RDF}subject> {st[0]} {gp} .", f"{si} <{RDF}predicate> {st[1]} {gp} .",
                    f"{si} <{RDF}object> {st[2]} {gp} ."]
            if p == "causedBy":  # the property chain causedBy o hasActor, as the reasoner derives it
                actor = next(f[2] for f in c["facts"] if f[0] == o and f[1] == "hasActor")
                out.append(f"{r(s)} <{FP}linkedToActionsOf> {r(actor)} {gi} .")
        an = f"{d}/claim/{c['id']}/anchor"
        t, qs, ps = f"<{an}/target>", f"<{an}/quote>", f"<{an}/position>"
        out += [f"{ci} <{FP}hasTextAnchor> <{an}> {gp} .", f"<{an}> {a} <{OA}Annotation> {gp} .",
                f"<{an}> <{OA}hasBody> {ci} {gp} .", f"<{an}> <{OA}motivatedBy> <{OA}identifying> {gp} .",
                f"<{an}> <{OA}hasTarget> {t} {gp} .",
                f"<{an}> <{FP}inParagraph> <{d}/paragraph/{c['paragraph']:02d}> {gp} .",
                f"{t} {a} <{OA}SpecificResource> {gp} .", f"{t} <{OA}hasSource> {D} {gp} .",
                f"{t} <{OA}hasSelector> {qs} {gp} .", f"{t} <{OA}hasSelector> {ps} {gp} .",
                f"{qs} {a} <{OA}TextQuoteSelector> {gp} .", f"{qs} <{OA}exact> {_lit(c['quote'])} {gp} .",
                f"{qs} <{OA}prefix> {_lit(text[max(0, c['start'] - 32):c['start']])} {gp} .",
                f"{qs} <{OA}suffix> {_lit(text[c['end']:c['end'] + 32])} {gp} .",
                f"{ps} {a} <{OA}TextPositionSelector> {gp} .",
                f"{ps} <{OA}start> {_typed(c['start'], 'nonNegativeInteger')} {gp} .",
                f"{ps} <{OA}end> {_typed(c['end'], 'nonNegativeInteger')} {gp} ."]
    return out


def annotation_yaml(m: dict) -> str:
    """The annotation file of an article, in the format of ``seeds/*.yaml`` (see ``seeds/README.md``)."""
    import yaml  # noqa: PLC0415 - the N-Quads mode needs no YAML

    claims = []
    for c in m["claims"]:
        item = {k: c[k] for k in ("id", "kind", "view", "quote", "statement", "about") if c.get(k) is not None}
        for k in ("addressee", "recommends"):
            if c.get(k):
                item[k] = c[k]
        if c["facts"]:
            item["facts"] = c["facts"]
        claims.append(item)
    body = {"document": m["document"], "entities": m["entities"], "claims": claims,
            "background": m["background"]}
    head = f"# Synthetic article for the benchmarks (benchmarks/generate.py); not real analysis.\n"
    return head + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=None, width=110)


def articles_for(target: int, seed: int) -> int:
    """The smallest number of articles whose N-Quads reach ``target`` quads."""
    total, k = 0, 0
    while total < target:
        total += len(article_quads(make_article(seed, k)))
        k += 1
    return k


def _write_ontology(out) -> int:
    """Append the ontology and its SKOS schemes (``ontology/fpkg.ttl``, ``kinds.ttl``) as graph fpg:ontology, as a
    build stores them; the competency questions read concept labels from there. Returns the quads written."""
    import pyoxigraph as ox  # noqa: PLC0415 - only needed for this

    graph = ox.NamedNode(FPG + "ontology")
    labels: dict = {}

    def stable(term):  # the parser's blank node ids are random: number them in order of appearance
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, ox.BlankNode(f"onto{len(labels)}"))
        return term
    n = 0
    for name in ("fpkg.ttl", "kinds.ttl"):
        path = HERE.parent / "ontology" / name
        if path.exists():
            quads = [ox.Quad(stable(t.subject), t.predicate, stable(t.object), graph)
                     for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
            out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode())
            n += len(quads)
    return n


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
                (root / "articles" / f"{m['document']['id']}.txt").write_text(m["text"], encoding="utf-8")
                (root / "articles" / f"{m['document']['id']}.yaml").write_text(annotation_yaml(m), encoding="utf-8")
            n += 1
        if nq:
            quads += _write_ontology(nq)
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
