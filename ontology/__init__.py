"""The ontology files, shipped inside the package as ``kg.ontology`` (data only; see kg.resources)."""
