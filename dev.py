#!/usr/bin/env python3
"""Set up and run the project on a fresh machine with nothing but Python 3.10+.

    python3 dev.py run     # install into .venv if needed, then open the dashboard
    python3 dev.py test    # install test tools, Chromium, axe-core if needed; run every test

Both install the vector PMTiles renderer (protomaps-leaflet, from npm) into .node/renderer/;
`run` goes on without it when npm is missing (raster offline maps are drawn all the same).

Each command does its own set-up and repeats it only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# The accessibility checker the browser tests inject into the page (axe-core, from npm),
# installed into a git-ignored folder: never committed. harness/browser.py reads the same path.
NODE_DIR = ROOT / ".node"
AXE_PACKAGE = "axe-core@4.10"
AXE_SCRIPT = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# The renderer of vector PMTiles offline maps (dashboard/assets.py reads the same path). A
# folder of its own: npm removes from a folder what an install there did not name.
RENDERER_PACKAGE = "protomaps-leaflet@5.1.0"
RENDERER_DIR = NODE_DIR / "renderer"
RENDERER_SCRIPT = RENDERER_DIR / "node_modules" / "protomaps-leaflet" / "dist" / \
    "protomaps-leaflet.js"


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def ensure_venv(extras: str = "") -> None:
    if not PY.exists():
        say(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed{extras.replace(',', '-')}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    say(f"installing {target} into {VENV.relative_to(ROOT)}")
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-e", target], cwd=ROOT, check=True)
    stamp.write_text(digest)


def find_chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).exists():
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def ensure_chromium() -> str:
    found = find_chromium()
    if found:
        return found
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        say("Chromium not found: installing Debian's chromium package")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                        "chromium", "fonts-dejavu-core"], check=True, env=env)
        found = find_chromium()
        if found:
            return found
    sys.exit("[dev] Chromium is required for the browser tests: install Debian's `chromium` "
             "package (as root: apt-get install chromium) or set CHROMIUM_PATH")


def ensure_axe() -> Path:
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("[dev] npm is required to install axe-core for the accessibility tests: "
                 "install Node.js (Debian: apt-get install npm)")
    say(f"installing {AXE_PACKAGE} into {NODE_DIR.relative_to(ROOT)} (npm)")
    NODE_DIR.mkdir(exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
                    "--no-save", "--silent", AXE_PACKAGE], cwd=ROOT, check=True)
    return AXE_SCRIPT


def ensure_renderer(required: bool) -> Path | None:
    """protomaps-leaflet, which draws vector PMTiles offline maps. Required by the tests; for
    `run`, a missing npm or a failed install is said and the app starts without it."""
    if RENDERER_SCRIPT.exists():
        return RENDERER_SCRIPT
    npm = shutil.which("npm")
    if npm is None:
        if required:
            sys.exit("[dev] npm is required to install protomaps-leaflet for the vector map "
                     "tests: install Node.js (Debian: apt-get install npm)")
        say("npm not found: vector PMTiles offline maps will not be drawn (raster ones are); "
            "install Node.js (Debian: apt-get install npm) to draw them")
        return None
    say(f"installing {RENDERER_PACKAGE} into {RENDERER_DIR.relative_to(ROOT)} (npm)")
    RENDERER_DIR.mkdir(parents=True, exist_ok=True)
    # Bounded waits: `run` must start soon even where the registry cannot be reached.
    done = subprocess.call([npm, "install", "--prefix", str(RENDERER_DIR), "--no-audit",
                            "--no-fund", "--no-save", "--silent", "--fetch-retries=1",
                            "--fetch-timeout=30000", RENDERER_PACKAGE], cwd=ROOT)
    if done != 0 or not RENDERER_SCRIPT.exists():
        if required:
            sys.exit(f"[dev] npm could not install {RENDERER_PACKAGE}")
        say(f"npm could not install {RENDERER_PACKAGE}: vector PMTiles offline maps will not "
            "be drawn (raster ones are)")
        return None
    return RENDERER_SCRIPT


def run(args: list[str]) -> int:
    ensure_venv()
    ensure_renderer(required=False)
    cmd = [str(BIN / "streamlit"), "run", str(ROOT / "dashboard" / "app.py"), *args]
    say(" ".join(cmd))
    return subprocess.call(cmd, cwd=ROOT)


def test(args: list[str]) -> int:
    ensure_venv("test")
    chromium = ensure_chromium()
    say(f"using Chromium at {chromium}")
    say(f"using axe-core at {ensure_axe().relative_to(ROOT)}")
    say(f"using protomaps-leaflet at {ensure_renderer(required=True).relative_to(ROOT)}")
    env = {**os.environ, "CHROMIUM_PATH": chromium}
    lint = subprocess.call([str(BIN / "ruff"), "check", "."], cwd=ROOT)
    code = subprocess.call([str(PY), "-m", "pytest", *args], cwd=ROOT, env=env)
    return code or lint


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if rest[:1] == ["--"]:
        rest = rest[1:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
