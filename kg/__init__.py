"""fpkg: a foreign-policy knowledge-graph builder.

The Python API, for scripts and notebooks (imported on first use, so ``import kg`` stays cheap)::

    import kg
    report = kg.build()                        # ./seeds/*.yaml -> store ./.kg/ and exports (current directory)
    kg.validate(["seeds/my-article.yaml"])     # -> ValidationReport(conforms, violations)
    store = kg.open_store()                    # a pyoxigraph.Store with the built dataset
    kg.export(store, "turtle", "graph.ttl")    # turtle | trig | jsonld | nt
"""

__version__ = "0.1.0"
__all__ = ["build", "validate", "export", "open_store"]


def __getattr__(name: str):
    if name in ("build", "validate"):
        from kg.pipeline import builder

        return getattr(builder, name)
    if name == "export":
        from kg.rdf.export import export

        return export
    if name == "open_store":
        from kg.rdf.store import open_store

        return open_store
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
