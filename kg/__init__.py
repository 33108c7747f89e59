"""fpkg: a foreign-policy knowledge-graph builder.

The Python API, for scripts and notebooks (imported on first use, so ``import kg`` stays cheap)::

    import kg
    report = kg.build()                        # seeds/*.yaml -> store (.kg/) and exports
    kg.validate(["seeds/my-article.yaml"])     # -> ValidationReport(conforms, violations)
    store = kg.open_store()                    # a pyoxigraph.Store with the built dataset
    kg.export(store, "turtle", "graph.ttl")    # turtle | trig | jsonld | nt
"""

__all__ = ["build", "validate", "export", "open_store"]


def __getattr__(name: str):
    if name in ("build", "validate"):
        from kg import pipeline

        return getattr(pipeline, name)
    if name == "export":
        import kg.export  # a callable module: kg.export(data, fmt, out=None)

        return kg.export
    if name == "open_store":
        from kg.store import open_store

        return open_store
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
