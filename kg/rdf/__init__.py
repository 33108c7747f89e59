"""RDF terms and namespaces, the canonical store on disk and the exports: the layer every other one stands on."""
