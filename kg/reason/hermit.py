"""Run HermiT's command line (owlready2's build of it) on an N-Triples input, with a JVM class-data archive.

owlready2 provides HermiT's files; this module finds them without importing it. HermiT is run as
``sync_reasoner_hermit`` runs it (owlready2's ``JAVA_EXE``, ``JAVA_MEMORY`` and classpath: its patched classes
before ``HermiT.jar``), but with ``-c -I -Y`` only; see :mod:`kg.reason.reasoning` for why.

Most of a short HermiT run is the JVM loading and verifying ~2,500 OWLAPI and HermiT classes. A class-data
sharing (AppCDS) archive of them, JDK 12+, made once per machine, saves about a third of it with the same output
(measurements: docs/architecture.md). How it is kept simple and safe:

- the archive lives in ``<hermit_cds_dir>/<key>`` (:mod:`kg.settings`: ``<cache_dir>/hermit-cds``, a folder
  only this user may write; ``KG_HERMIT_CDS=0``, ``KG_CACHE=0`` and ``--no-cache`` turn it off), ``<key>`` a
  hash of the Java executable and the HermiT files, so an upgrade starts afresh;
- AppCDS takes jars only, so owlready2's patched classes (a directory) are copied into ``patch.jar`` there;
- the first run records the classes it loads (``-XX:DumpLoadedClassList``) and then starts ``java -Xshare:dump``
  in the background, detached, written to a temporary name and renamed: no build waits for it;
- the JVM falls back to loading classes normally when an archive is missing or does not match
  (``-Xshare:auto``, the default), and ``-Xlog:disable`` keeps its warnings out of HermiT's output.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pyoxigraph as ox

from kg import cache
from kg.errors import KgError
from kg.lifetime import die_with_parent
from kg.settings import current

MAIN_CLASS = "org.semanticweb.HermiT.cli.CommandLine"
#: JVM options for HermiT's short runs: the C1 compiler only and the serial collector (half the JVM time on the
#: seed, same inferences: docs/architecture.md). Given as ``JDK_JAVA_OPTIONS``; a user's own value wins.
HERMIT_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"
#: A dump that started this long ago and left no archive is taken to have failed; another may start.
DUMP_LOCK_SECONDS = 120


def _owlready_hermit() -> tuple[str, Path, int]:
    """owlready2's Java executable, its HermiT directory and its Java heap size in MB: its settings if it has
    been imported (a caller may have set ``owlready2.JAVA_EXE``), else its defaults, found without importing it
    (0.2-0.3 s on the reasoner's critical path under load).

    :raises KgError: if owlready2 is not installed.
    """
    owlready2 = sys.modules.get("owlready2")
    if owlready2 is not None:
        from owlready2.reasoning import JAVA_MEMORY

        return owlready2.JAVA_EXE, Path(owlready2.__file__).resolve().parent / "hermit", JAVA_MEMORY
    spec = importlib.util.find_spec("owlready2")
    if spec is None or spec.origin is None:
        raise KgError("owlready2 is not installed: it provides HermiT", rule="owl-reasoning")
    return "java", Path(spec.origin).resolve().parent / "hermit", 2000  # owlready2's JAVA_EXE, JAVA_MEMORY


def _installation_key(java: str, hermit: Path) -> str | None:
    """A hash of the Java executable and HermiT's files (paths, sizes, times): changes when either is upgraded.
    None if Java is not found."""
    java_path = shutil.which(java)
    if java_path is None:
        return None
    parts = []
    for path in [Path(os.path.realpath(java_path)), *sorted(hermit.rglob("*.class")), hermit / "HermiT.jar"]:
        stat = path.stat()
        parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def cache_dir(java: str, hermit: Path) -> Path | None:
    """Where this Java and HermiT keep their class archive; None if turned off or Java is not found."""
    settings = current()
    if not settings.hermit_cds or not settings.cache:  # executed by the JVM: governed like the cache
        return None
    key = _installation_key(java, hermit)
    if key is None:
        return None
    directory = (settings.hermit_cds_dir or settings.cache_dir / "hermit-cds") / key
    return directory if _private(directory) else None


def _private(directory: Path) -> bool:
    """Make ``directory`` (mode 0700) and check it and the folder holding it are owned by this user and writable
    by nobody else: files in it are executed by the JVM. False, with a one-line warning, if not."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (directory, directory.parent):
            st = path.stat()
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                print(f"fpkg: {path} is writable by another user; HermiT runs without its class archive",
                      file=sys.stderr)
                return False
    except OSError:
        return False
    return True


def _patch_jar(hermit: Path, directory: Path) -> Path:
    """owlready2's patched HermiT classes as a jar in ``directory`` (made once, atomically)."""
    jar = directory / "patch.jar"
    if not _jar_matches(jar, hermit):
        tmp = directory / f"patch.jar.{os.getpid()}"
        with zipfile.ZipFile(tmp, "w") as z:
            for cls in sorted(hermit.rglob("*.class")):
                z.write(cls, cls.relative_to(hermit).as_posix())
        os.replace(tmp, jar)
    return jar


def _jar_matches(jar: Path, hermit: Path) -> bool:
    """Whether ``jar`` holds exactly owlready2's patched HermiT classes, byte for byte (a planted or damaged jar
    is made again, never run)."""
    try:
        with zipfile.ZipFile(jar) as z:
            entries = {name: z.read(name) for name in z.namelist()}
    except (OSError, zipfile.BadZipFile):
        return False
    classes = {cls.relative_to(hermit).as_posix(): cls for cls in hermit.rglob("*.class")}
    return entries.keys() == classes.keys() and all(entries[n] == p.read_bytes() for n, p in classes.items())


def _jvm_options(java: str, hermit: Path) -> tuple[list[str], str, Path | None]:
    """Extra JVM options, the classpath, and the class list to record on this run (None: nothing to record)."""
    default = os.pathsep.join([str(hermit), str(hermit / "HermiT.jar")])
    directory = cache_dir(java, hermit)
    if directory is None:
        return [], default, None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        classpath = os.pathsep.join([str(_patch_jar(hermit, directory)), str(hermit / "HermiT.jar")])
    except OSError:  # a read-only or full cache: run without the archive
        return [], default, None
    archive = directory / "hermit.jsa"
    if archive.exists():
        return [f"-XX:SharedArchiveFile={archive}", "-Xlog:disable"], classpath, None
    lock = directory / "dump.lock"
    try:
        if time.time() - lock.stat().st_mtime < DUMP_LOCK_SECONDS:
            return [], classpath, None
        lock.unlink()
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:  # another build is recording the classes
        return [], classpath, None
    class_list = directory / f"classes.{os.getpid()}.lst"
    return [f"-XX:DumpLoadedClassList={class_list}"], classpath, class_list


def _start_dump(java: str, classpath: str, class_list: Path) -> None:
    """Build the archive from ``class_list`` in a detached background process (renamed into place when done)."""
    directory = class_list.parent
    tmp = directory / f"hermit.jsa.{os.getpid()}"
    script = ('"$0" -Xshare:dump -XX:SharedClassListFile="$1" -XX:SharedArchiveFile="$2" -cp "$3" '
              '>/dev/null 2>&1 && mv -f "$2" "$4"; rm -f "$1" "$5"')
    subprocess.Popen(["sh", "-c", script, java, str(class_list), str(tmp), classpath, str(directory / "hermit.jsa"),
                      str(directory / "dump.lock")],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                     start_new_session=True, env=_java_environment())


def _java_environment() -> dict[str, str]:
    """The environment Java is started with: this process's, with :data:`HERMIT_JVM_OPTIONS` unless the user set
    ``JDK_JAVA_OPTIONS``."""
    return {"JDK_JAVA_OPTIONS": HERMIT_JVM_OPTIONS, **os.environ}


def run_hermit(ntriples: bytes) -> str | None:
    """HermiT's output (``-c -I -Y``) for an N-Triples ontology, or None if HermiT finds it inconsistent.

    The answer for the same input, Java and HermiT is taken from :mod:`kg.cache` when there: HermiT is
    deterministic, and an unchanged article then costs no JVM at all.

    :raises KgError: if Java cannot be run or HermiT fails otherwise (with Java's message).
    """
    java, hermit, memory = _owlready_hermit()
    ntriples = canonical_ntriples(ntriples)
    installation = _installation_key(java, hermit)
    key = cache.digest(b"hermit -c -I -Y", installation.encode(), ntriples) if installation else None
    cached = cache.get("hermit", key) if key else None
    if cached is not None:
        return cached[1:].decode("utf-8") if cached[:1] == b"C" else None
    output = _run(java, hermit, memory, ntriples)
    if key:
        cache.put("hermit", key, b"I" if output is None else b"C" + output.encode("utf-8"))
    return output


def canonical_ntriples(ntriples: bytes) -> bytes:
    r"""``ntriples`` with blank nodes relabelled by RDFC-1.0 and lines sorted: the same graph gives the same bytes
    in every process (rdflib labels the ontology's blank nodes at random on each parse), so the cache finds it.

    >>> canonical_ntriples(b'_:a <http://ex/p> "1" .\n<http://ex/s> <http://ex/p> _:b .\n').decode().splitlines()
    ['<http://ex/s> <http://ex/p> _:c14n1 .', '_:c14n0 <http://ex/p> "1" .']
    """
    dataset = ox.Dataset(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return b"".join(sorted(set(ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True))))


def _run(java: str, hermit: Path, memory: int, ntriples: bytes) -> str | None:
    """Run HermiT's command line on ``ntriples``: its output, or None if it finds the input inconsistent."""
    options, classpath, class_list = _jvm_options(java, hermit)
    with tempfile.NamedTemporaryFile("wb", suffix=".nt", delete=False) as tmp:
        tmp.write(ntriples)
    command = [java, f"-Xmx{memory}M", *options, "-cp", classpath, MAIN_CLASS, "-c", "-I", "-Y", f"file://{tmp.name}"]
    try:
        parent = os.getpid()
        run = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False,
                             env=_java_environment(), preexec_fn=lambda: die_with_parent(parent))
    except OSError as exc:
        raise KgError(f"HermiT failed: cannot run {java}: {exc}", rule="owl-reasoning") from exc
    finally:
        os.unlink(tmp.name)
    output = run.stdout.decode("utf-8", errors="replace")
    if class_list is not None:
        if class_list.exists():
            _start_dump(java, classpath, class_list)
        else:
            (class_list.parent / "dump.lock").unlink(missing_ok=True)
    if run.returncode == 1 and "Inconsistent ontology" in output:
        return None
    if run.returncode:
        raise KgError(f"HermiT failed: Java error message is:\n{output}", rule="owl-reasoning")
    return output
