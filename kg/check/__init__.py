"""Checks that a graph is well formed: SHACL shapes and the ontology's own quality checks."""
