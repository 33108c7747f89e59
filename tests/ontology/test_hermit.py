"""HermiT's command line with a class-data-sharing archive: made in the background, used, and safely ignored."""

import shutil
import time
from pathlib import Path

import pytest
from rdflib import Graph

import kg.reason.hermit as hermit_module
from kg.reason.hermit import _jvm_options, _owlready_hermit, cache_dir, run_hermit
from kg.reason.reasoning import _entailed, prune, reasoner_input
from kg.check.ontology import load_ontology

INCONSISTENT = b"""<https://w3id.org/fpkg/resource/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
<https://w3id.org/fpkg/ontology#State> .
<https://w3id.org/fpkg/resource/x> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> \
<https://w3id.org/fpkg/ontology#Person> .
"""


@pytest.fixture
def ontology_nt() -> bytes:
    merged, _ = reasoner_input(Graph(), load_ontology())
    return prune(merged, load_ontology()).serialize(format="nt", encoding="utf-8") + INCONSISTENT.replace(
        b"#Person", b"#State")


@pytest.fixture
def cache(tmp_path, use_settings):
    # the archive needs the cache on; its answers are removed before each run, so every call starts a JVM
    use_settings(cache_dir=tmp_path / "cache", hermit_cds_dir=tmp_path / "cds", hermit_cds=True, cache=True)
    java, hermit, _ = _owlready_hermit()
    return java, hermit, cache_dir(java, hermit)


def fresh_run(ntriples: bytes, cache_root: Path):
    """run_hermit with no kept answer, so the JVM really runs."""
    shutil.rmtree(cache_root / "hermit", ignore_errors=True)
    return run_hermit(ntriples)


def test_archive_is_made_in_the_background_then_used_with_the_same_answers(cache, ontology_nt, tmp_path):
    """The first run records its classes and a background dump leaves hermit.jsa; later runs use it, same output."""
    java, hermit, directory = cache
    first = fresh_run(ontology_nt, tmp_path / "cache")
    deadline = time.time() + 120
    while not (directory / "hermit.jsa").exists() and time.time() < deadline:
        time.sleep(0.5)
    assert (directory / "hermit.jsa").exists()
    options, classpath, record = _jvm_options(java, hermit)
    assert f"-XX:SharedArchiveFile={directory / 'hermit.jsa'}" in options and record is None
    assert set(_entailed(fresh_run(ontology_nt, tmp_path / "cache"))) == set(_entailed(first))
    assert not list(directory.glob("classes.*.lst")) and not (directory / "dump.lock").exists()


def test_a_corrupt_archive_is_ignored(cache, ontology_nt, use_settings, tmp_path):
    """A damaged hermit.jsa does not break reasoning: the JVM loads the classes itself, same answers."""
    _, _, directory = cache
    (directory / "hermit.jsa").write_bytes(b"not an archive" * 100)
    with_archive = set(_entailed(fresh_run(ontology_nt, tmp_path / "cache")))
    use_settings(hermit_cds=False)
    assert with_archive == set(_entailed(fresh_run(ontology_nt, tmp_path / "cache")))
    assert len(with_archive) > 0


def test_archive_can_be_turned_off(cache, use_settings):
    """The setting hermit_cds off (KG_HERMIT_CDS=0) runs HermiT on owlready2's own classpath, with no cache."""
    java, hermit, _ = cache
    use_settings(hermit_cds=False)
    assert cache_dir(java, hermit) is None
    options, classpath, record = _jvm_options(java, hermit)
    assert options == [] and record is None and classpath.startswith(str(hermit))


def test_inconsistent_input_gives_none():
    """HermiT's 'Inconsistent ontology' exit is reported as None, not as an error."""
    merged, _ = reasoner_input(Graph(), load_ontology())
    assert run_hermit(merged.serialize(format="nt", encoding="utf-8") + INCONSISTENT) is None


def test_owlready2_settings_are_read_without_importing_it_and_honoured_once_imported():
    """Without owlready2 imported its defaults are used; once imported, its JAVA_EXE and JAVA_MEMORY are."""
    import subprocess
    import sys

    code = ("import sys; from kg.reason.hermit import _owlready_hermit; d = _owlready_hermit(); "
            "print('owlready2' in sys.modules, d[0], d[2], (d[1] / 'HermiT.jar').exists())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "java", "2000", "True"]
    import owlready2

    assert _owlready_hermit()[0] == owlready2.JAVA_EXE
    from owlready2.reasoning import JAVA_MEMORY

    assert _owlready_hermit()[2] == JAVA_MEMORY


def test_an_answer_is_reused_for_the_same_input_and_recomputed_for_another(ontology_nt, tmp_path, use_settings,
                                                                             monkeypatch):
    """HermiT's answer is kept under the hash of its input: the same input is answered without a JVM, and an input
    differing by one triple is reasoned afresh."""
    use_settings(cache_dir=tmp_path, cache=True)
    inconsistent = ontology_nt + INCONSISTENT
    first = run_hermit(ontology_nt)
    assert first is not None and len(list((tmp_path / "hermit").iterdir())) == 1
    assert run_hermit(inconsistent) is None  # a different input: computed, found inconsistent, kept too
    assert len(list((tmp_path / "hermit").iterdir())) == 2

    def no_jvm(*args):
        raise AssertionError("HermiT was started for an input it had already answered")

    monkeypatch.setattr(hermit_module, "_run", no_jvm)
    assert run_hermit(ontology_nt) == first
    assert run_hermit(inconsistent) is None
