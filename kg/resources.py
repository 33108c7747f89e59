"""Where the package's own data lives: the ontology, its SHACL shapes, competency queries and quality checks.

The top-level ``ontology/`` folder of the source tree is installed as the package ``kg.ontology`` (see
``pyproject.toml``), so a wheel carries it and an editable install maps it to the source folder; both are found
with :mod:`importlib.resources`. This is the only module that knows that place. pip unpacks wheels, so the
package data is a directory on disk and is handed out as :class:`pathlib.Path` (rdflib and the cache read paths).

>>> shapes_file().name, shapes_file() in ontology_files()
('shapes.ttl', False)
>>> display_name(shapes_file())
'ontology/shapes.ttl'
>>> states_file() in ontology_files(), states_file().is_file()
(False, True)
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

ONTOLOGY_PACKAGE = "kg.ontology"
SHAPES = "shapes.ttl"


def ontology_dir() -> Path:
    """The folder holding ``fpkg.ttl``, ``kinds.ttl``, ``shapes.ttl``, ``queries/`` and ``checks/``.

    :raises RuntimeError: if the package was installed without unpacking (a zip), which pip never does.
    """
    root = files(ONTOLOGY_PACKAGE)
    path = Path(os.fspath(root)) if isinstance(root, os.PathLike) else None
    if path is None or not path.is_dir():
        raise RuntimeError(f"the package data {ONTOLOGY_PACKAGE} is not a folder on disk ({root})")
    return path


def ontology_files() -> list[Path]:
    """The ontology's Turtle files: every ``*.ttl`` of :func:`ontology_dir` except the shapes, sorted."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != SHAPES)


def shapes_file() -> Path:
    """The SHACL shapes, ``shapes.ttl``: not part of the ontology."""
    return ontology_dir() / SHAPES


def states_file() -> Path:
    """The verified states, ``reference/states.ttl`` (Wikidata item, ISO 3166-1 alpha-3 code, English name):
    reference data the checks of meaning compare entities with, not part of the ontology."""
    return ontology_dir() / "reference" / "states.ttl"


def competency_queries() -> list[Path]:
    """The competency questions as SPARQL, ``queries/cqNN-*.rq``, sorted."""
    return sorted((ontology_dir() / "queries").glob("*.rq"))


def quality_checks() -> list[Path]:
    """The ontology's quality checks, ``checks/*-violation.rq`` (each must find nothing), sorted."""
    return sorted((ontology_dir() / "checks").glob("*-violation.rq"))


def display_name(path: Path) -> str:
    """A package data file as ``ontology/<name>`` wherever the package is installed, so build metadata and
    messages do not depend on the installation's place; any other path unchanged."""
    try:
        return "ontology/" + Path(path).resolve().relative_to(ontology_dir().resolve()).as_posix()
    except ValueError:
        return str(path)
