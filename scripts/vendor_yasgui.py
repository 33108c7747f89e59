"""Refresh the vendored YASGUI build under kg/web/static/vendor/yasgui/ from the npm registry (``make vendor``).

``npm pack`` fetches the pinned release of @triply/yasgui; its built script, stylesheet and licences are copied
as they are, so the editor works offline and loads nothing from a CDN.
Usage: ``python scripts/vendor_yasgui.py [DESTINATION]`` (default: the package's vendor folder).
"""

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@triply/yasgui"
VERSION = "4.2.28"
DESTINATION = Path(__file__).resolve().parent.parent / "kg" / "web" / "static" / "vendor" / "yasgui"
#: Files taken from the npm package: path inside it -> name in the vendor folder.
FILES = {"package/build/yasgui.min.js": "yasgui.min.js", "package/build/yasgui.min.css": "yasgui.min.css",
         "package/build/yasgui.min.js.LICENSE.txt": "THIRD-PARTY-LICENSES.txt", "package/LICENSE.txt": "LICENSE.txt"}


def vendor(destination: Path = DESTINATION) -> list[Path]:
    """Fetch ``PACKAGE@VERSION`` with npm and copy :data:`FILES` into ``destination``; the paths written."""
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        name = subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--silent", "--pack-destination", work],
                              check=True, capture_output=True, text=True, cwd=work).stdout.strip().splitlines()[-1]
        written = []
        with tarfile.open(Path(work) / name) as archive:
            for inner, target in FILES.items():
                source = archive.extractfile(inner)
                with open(destination / target, "wb") as out:
                    shutil.copyfileobj(source, out)
                written.append(destination / target)
    (destination / "VERSION").write_text(f"{PACKAGE}@{VERSION}\n", encoding="utf-8")
    return [*written, destination / "VERSION"]


if __name__ == "__main__":
    for path in vendor(Path(sys.argv[1]) if len(sys.argv) > 1 else DESTINATION):
        print(path)
