"""The namespace IRIs the project mints and reuses, as plain strings: the web server reads them without rdflib.

>>> PREFIX_IRIS["fpr"]
'https://w3id.org/fpkg/resource/'
"""

BASE = "https://w3id.org/fpkg/"

#: Prefixes bound in every export and predeclared for every query (the CLI's and the endpoint's).
PREFIX_IRIS = {
    "fp": BASE + "ontology#",
    "fpk": BASE + "kinds/",
    "fpr": BASE + "resource/",
    "fpg": BASE + "graph/",
    "oa": "http://www.w3.org/ns/oa#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "vann": "http://purl.org/vocab/vann/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
}
