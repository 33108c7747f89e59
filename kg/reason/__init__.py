"""OWL reasoning: HermiT, the classification of the ontology, and the rule reasoner for corpora."""
