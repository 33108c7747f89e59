"""The cache is verified before it is trusted, what the JVM executes comes only from a folder this user governs,
and a killed build leaves no reasoner behind."""

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from rdflib import Graph

from kg import cache
from kg.check.ontology import load_ontology
from kg.reason.hermit import _jvm_options, _owlready_hermit, cache_dir, run_hermit
from kg.reason.reasoning import prune, reasoner_input
from kg.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _ontology_nt() -> bytes:
    merged, _ = reasoner_input(Graph(), load_ontology())
    return prune(merged, load_ontology()).serialize(format="nt", encoding="utf-8")


def test_one_changed_byte_in_a_hermit_entry_is_not_used(tmp_path, use_settings):
    """A kept HermiT answer altered on disk (one byte) is detected, removed and computed again, never stored."""
    use_settings(cache=True, cache_dir=tmp_path, hermit_cds=False)
    nt = _ontology_nt()
    honest = run_hermit(nt)
    [entry] = (tmp_path / "hermit").iterdir()
    data = bytearray(entry.read_bytes())
    checksum_end = data.index(b"\n")
    data[checksum_end + 10] ^= 0x01  # one bit of the answer, the checksum left as it was
    entry.write_bytes(bytes(data))
    assert cache.get("hermit", entry.name) is None
    assert not entry.exists()
    assert run_hermit(nt) == honest


def test_no_cache_means_no_class_archive_from_the_cache_folder(tmp_path):
    """With KG_CACHE=0 (and so --no-cache) nothing planted under $XDG_CACHE_HOME reaches the JVM's classpath."""
    xdg = tmp_path / "xdg"
    planted = xdg / "fpkg" / "hermit-cds"
    planted.mkdir(parents=True)
    settings = Settings.from_env({"XDG_CACHE_HOME": str(xdg), "KG_CACHE": "0", "HOME": str(tmp_path)})
    assert not settings.hermit_cds
    from kg.settings import using

    with using(settings):
        java, hermit, _ = _owlready_hermit()
        options, classpath, _ = _jvm_options(java, hermit)
    assert options == [] and str(xdg) not in classpath
    r = subprocess.run([sys.executable, "-c", "from kg.cli import make_parser, options_over; from kg.settings import "
                        "Settings; a = make_parser().parse_args(['build', '--no-cache']); "
                        "s = options_over(Settings(), a); print(s.cache, s.hermit_cds)"],
                       capture_output=True, text=True, cwd=REPO)
    assert r.stdout.split() == ["False", "False"], r.stderr


def test_a_planted_patch_jar_is_replaced_before_it_runs(tmp_path, use_settings):
    """A patch.jar with a class owlready2 does not ship is rebuilt from owlready2's own classes before use."""
    use_settings(cache=True, cache_dir=tmp_path, hermit_cds=True)
    java, hermit, _ = _owlready_hermit()
    directory = cache_dir(java, hermit)
    with zipfile.ZipFile(directory / "patch.jar", "w") as z:
        z.writestr("org/semanticweb/HermiT/Evil.class", b"\xca\xfe\xba\xbe planted")
    _jvm_options(java, hermit)
    with zipfile.ZipFile(directory / "patch.jar") as z:
        names = set(z.namelist())
    assert "org/semanticweb/HermiT/Evil.class" not in names
    assert names == {c.relative_to(hermit).as_posix() for c in hermit.rglob("*.class")}


def test_a_class_archive_folder_others_can_write_is_refused(tmp_path, use_settings):
    """A class-archive folder writable by group or others is not used: the JVM would execute what is in it."""
    use_settings(cache=True, cache_dir=tmp_path, hermit_cds=True, hermit_cds_dir=tmp_path / "cds")
    java, hermit, _ = _owlready_hermit()
    assert cache_dir(java, hermit) is not None
    (tmp_path / "cds").chmod(0o777)
    assert cache_dir(java, hermit) is None


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid``, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_a_killed_build_leaves_no_reasoner_child(tmp_path):
    """kill -9 of `kg build` while HermiT runs ends the forked reasoner and its JVM too, within seconds (a
    reasoner whose answer is larger than a pipe's buffer would otherwise block for ever writing it)."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), "--articles", "15", "--mode", "yaml",
                    "--out", str(corpus)], check=True, capture_output=True)
    env = dict(os.environ, KG_CACHE="0", KG_STORE_DIR=str(tmp_path / "store"))
    articles = sorted(str(p) for p in corpus.rglob("*.yaml"))
    build = subprocess.Popen([sys.executable, "-m", "kg.cli", "build", *articles, "--reasoner", "hermit",
                              "--no-cache", "-q"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline, below = time.time() + 60, set()
        while time.time() < deadline and build.poll() is None:
            below = _descendants(build.pid)
            if any(b"java" in Path(f"/proc/{p}/cmdline").read_bytes() for p in below if _alive(p)):
                break
            time.sleep(0.02)
        assert below, "the build started no child process before it ended"
        build.send_signal(signal.SIGKILL)
        build.wait()
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in below):
            time.sleep(0.1)
        assert not [p for p in below if _alive(p)]
    finally:
        if build.poll() is None:
            build.kill()
