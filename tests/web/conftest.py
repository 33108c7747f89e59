"""A real server over the seed article's real build (plus one hostile label), and a real headless Chromium.

The browser is Debian's Chromium driven through its ChromeDriver by Selenium; ``make test`` installs both when
missing. Screenshots go to tests/artifacts/ (not versioned) for people to look at.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
DOC = "mibae-2018-china-north-korea"
FPR = "https://w3id.org/fpkg/resource/"
#: An entity whose label is markup: every page must show it as text.
HOSTILE = FPR + "ScriptTest"
HOSTILE_LABEL = "<script>document.title='pwned'</script><b>bold</b>"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def web_store(tmp_path_factory) -> Path:
    """A store directory holding the seed article's build and one entity with a hostile label."""
    from kg.rdf.store import dataset_path

    built = tmp_path_factory.mktemp("web-build")
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(REPO / "seeds" / f"{DOC}.yaml"), "--store-dir",
                    str(built), "-q"], cwd=REPO, check=True, capture_output=True)
    store = tmp_path_factory.mktemp("web-store")
    label = HOSTILE_LABEL.replace("\\", "\\\\").replace('"', '\\"')
    extra = (f'<{HOSTILE}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" '
             f'<https://w3id.org/fpkg/graph/test> .\n'
             f'<{HOSTILE}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/fpkg/ontology#Person> '
             f'<https://w3id.org/fpkg/graph/test> .\n')
    (store / "dataset.nq").write_text(dataset_path(built).read_text(encoding="utf-8") + extra, encoding="utf-8")
    return store


@pytest.fixture(scope="session")
def site(web_store, tmp_path_factory):
    """Base URL of ``python server.py`` serving :func:`web_store`, stopped at the end of the session."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("web-log") / "server.log"
    log = open(log_path, "w+")
    proc = subprocess.Popen([sys.executable, str(REPO / "server.py"), "--port", str(port), "--workers", "2",
                             "--store-dir", str(web_store)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        while True:
            try:
                if requests.get(base + "/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if proc.poll() is not None or time.monotonic() - started > 30:
                raise RuntimeError(f"server did not start: {log_path.read_text()}")
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Headless Chromium (Debian's) under Selenium, with a fresh profile and a laptop-sized window."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium fetch a browser or driver of its own
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,860",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def screenshot(driver, name: str) -> Path:
    """Save what the browser shows as tests/artifacts/<name>.png."""
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def console_errors(driver) -> list[str]:
    """Console messages of level SEVERE since the last call (CSP violations and script errors among them)."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
