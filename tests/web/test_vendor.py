"""The vendored YASGUI is exactly what the documented refresh step (`make vendor`) fetches from the npm registry."""

import subprocess
import sys

from .conftest import REPO

VENDOR = REPO / "kg" / "web" / "static" / "vendor" / "yasgui"


def test_vendor_step_reproduces_the_committed_files(tmp_path):
    """scripts/vendor_yasgui.py writes the same bytes as those committed, licences included."""
    subprocess.run([sys.executable, str(REPO / "scripts" / "vendor_yasgui.py"), str(tmp_path)], check=True,
                   capture_output=True, timeout=300)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in VENDOR.iterdir())
    assert {"LICENSE.txt", "yasgui.min.js", "yasgui.min.css"} <= set(written)
    for name in written:
        assert (tmp_path / name).read_bytes() == (VENDOR / name).read_bytes(), name
