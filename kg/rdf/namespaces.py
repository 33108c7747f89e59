"""The IRIs the project mints and the vocabularies it reuses, in one place.

>>> str(FP.Concern)
'https://w3id.org/fpkg/ontology#Concern'
>>> str(resource("China"))
'https://w3id.org/fpkg/resource/China'
>>> str(doc_resource("mibae-2018", "claim", "c01"))
'https://w3id.org/fpkg/resource/mibae-2018/claim/c01'
>>> str(graph_iri("mibae-2018", "assertions"))
'https://w3id.org/fpkg/graph/mibae-2018/assertions'
"""

import hashlib

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.rdf.prefixes import BASE, PREFIX_IRIS

#: Classes and properties of the foreign-policy ontology.
FP = Namespace(PREFIX_IRIS["fp"])
#: SKOS concepts: kinds of interest, concern, action, claim, trend, relationship; CAMEO codes.
FPK = Namespace(PREFIX_IRIS["fpk"])
#: Everything the data talks about: actors, places, claims, events, documents.
FPR = Namespace(PREFIX_IRIS["fpr"])
#: Named graphs of the dataset.
FPG = Namespace(PREFIX_IRIS["fpg"])

ONTOLOGY_IRI = URIRef(BASE + "ontology")
ONTOLOGY_GRAPH = FPG["ontology"]
INFERRED_GRAPH = FPG["inferred"]

#: Roles of the per-document named graphs.
GRAPH_ROLES = ("assertions", "background", "provenance")

OA = Namespace(PREFIX_IRIS["oa"])
ORG = Namespace(PREFIX_IRIS["org"])
VANN = Namespace(PREFIX_IRIS["vann"])
WD = Namespace(PREFIX_IRIS["wd"])
WDT = Namespace(PREFIX_IRIS["wdt"])
SH = Namespace("http://www.w3.org/ns/shacl#")
#: schema.org, for the one term no W3C vocabulary here offers: an article's web address (``schema:url``).
SCHEMA = Namespace("https://schema.org/")

#: Prefixes bound in every export and offered to queries (:data:`kg.rdf.prefixes.PREFIX_IRIS` as namespaces).
PREFIXES = {prefix: Namespace(iri) for prefix, iri in PREFIX_IRIS.items()}


def resource(local_name: str) -> URIRef:
    """IRI of a resource shared by every document (a state, a person, a place)."""
    return FPR[local_name]


def doc_resource(doc_id: str, kind: str, local_name: str) -> URIRef:
    """IRI of a resource that belongs to one document (a claim, a concern, an event)."""
    return FPR[f"{doc_id}/{kind}/{local_name}"]


def statement_digest(triple) -> str:
    """The local name of the ``rdf:Statement`` reifying ``triple`` (rdflib terms): the first 12 hex digits of the
    SHA-1 of its N-Triples form, so a triple always has the same statement and a checker can find it again.

    >>> statement_digest((FPR.China, FP.hasConcern, FPR.x))
    '648d3273722b'
    """
    return hashlib.sha1(" ".join(t.n3() for t in triple).encode("utf-8")).hexdigest()[:12]


def graph_iri(doc_id: str, role: str) -> URIRef:
    """IRI of one of a document's named graphs; ``role`` is one of :data:`GRAPH_ROLES`.

    :raises ValueError: if ``role`` is not a known graph role.
    """
    if role not in GRAPH_ROLES:
        raise ValueError(f"unknown graph role {role!r}; expected one of {', '.join(GRAPH_ROLES)}")
    return FPG[f"{doc_id}/{role}"]


def sparql_prefixes() -> str:
    """The PREFIX lines for every namespace in :data:`PREFIXES`, for queries kept in the repo."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
