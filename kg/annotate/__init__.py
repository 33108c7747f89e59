"""Reading an article and its YAML annotation, and turning them into RDF with text-level provenance."""
