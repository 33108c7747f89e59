"""The package as users get it: the wheel, installed into a fresh virtual environment outside the checkout,
builds the seed corpus in a folder of its own and serves it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]


def _source_files() -> list[str]:
    """The checkout's files as a clone would have them (tracked, or new and not ignored)."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    return [name for name in out.splitlines() if (REPO / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `python -m build` makes from a copy of the checkout (the build writes into its source)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in _source_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    # No isolation: the test environment has the build backend; CI also builds with isolation (.ci/run).
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(root / "dist"),
                    str(source)], check=True, capture_output=True)
    [built] = (root / "dist").glob("fpkg-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel; its dependencies are the test environment's, reached through
    a .pth file (installing them anew is .ci/run's job: it would take most of this suite's time)."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(root / "bin" / "python"), "install", "--quiet",
                    "--no-deps", "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    site = subprocess.run([str(root / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return root


def test_wheel_carries_the_ontology_and_the_web_files(wheel):
    """Every file of ontology/ and of kg/web/templates and static is in the wheel, under kg/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {("kg/" + f) for f in _source_files() if f.startswith("ontology/")}
    expected |= {f for f in _source_files() if f.startswith(("kg/web/templates/", "kg/web/static/"))}
    expected |= {f for f in _source_files() if f.startswith("kg/") and f.endswith(".py")}
    assert expected - names == set()


def test_installed_kg_builds_and_serves_outside_the_checkout(venv, tmp_path):
    """`kg build` in a folder holding a copy of seeds/ writes .kg there, and `kg serve` answers a query from it,
    with the package imported from the virtual environment, not the checkout."""
    work = tmp_path / "work"
    shutil.copytree(REPO / "seeds", work / "seeds")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_STORE", "KG_SEEDS", "PYTHON"))}
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import kg.resources as r; print(r.ontology_dir())"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv) and not Path(where).is_relative_to(REPO)
    build = subprocess.run([str(venv / "bin" / "kg"), "build", "-q"], cwd=work, env=env, capture_output=True,
                           text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    assert (work / ".kg" / "dataset.nq").is_file() and (work / ".kg" / "exports").is_dir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(venv / "bin" / "kg"), "serve", "--port", str(port), "--workers", "1"], cwd=work,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read()
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/sparql", timeout=5, headers={"Accept": "application/json"},
                                      params={"query": "ASK { <https://w3id.org/fpkg/resource/China> a "
                                                       "<https://w3id.org/fpkg/ontology#State> }"})
            except requests.ConnectionError:
                time.sleep(0.2)
        assert answer is not None and answer.json()["boolean"] is True
        page = requests.get(f"http://127.0.0.1:{port}/", headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    finally:
        server.terminate()
        server.wait(timeout=30)
