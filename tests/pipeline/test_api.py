"""The Python API: cheap to import, lazy re-exports, and the serving path free of the validators."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO, sample_quads


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_kg_is_cheap():
    """`import kg` loads neither rdflib nor the validators."""
    assert not {"rdflib", "pyshacl", "owlready2", "kg.pipeline.builder"} & _modules_after("import kg")


def test_store_and_cli_import_no_validators():
    """The modules the server and `kg query` use import neither pyshacl nor owlready2; the store not even rdflib."""
    assert not {"pyshacl", "owlready2", "rdflib"} & _modules_after("import kg.rdf.store")
    assert not {"pyshacl", "owlready2"} & _modules_after("import kg.rdf.store, kg.rdf.export, kg.cli")


def test_api_reexports():
    """kg.build, kg.validate, kg.open_store and kg.export are the pipeline's, store's and export's functions."""
    import kg
    import kg.pipeline.builder
    import kg.rdf.store
    from kg.rdf.export import export

    assert kg.build is kg.pipeline.builder.build and kg.validate is kg.pipeline.builder.validate
    assert kg.open_store is kg.rdf.store.open_store
    assert kg.export is export
    assert kg.export(sample_quads(), "nt", canonical=False) == export(sample_quads(), "nt")
