#!/usr/bin/env python3
"""Write requirements/production.lock and requirements/test.lock from pyproject.toml.

Each lock pins every package pip would install, with the sha256 of the very file pip
chose, so `pip install --require-hashes -r requirements/<name>.lock` installs exactly
that set and refuses a file whose hash differs. production.lock is what `pip install .`
needs, setuptools included (Mend is built with --no-build-isolation, so its build backend
comes from a hashed file too); test.lock is production.lock's pins plus the `test` extra
(the test tools are resolved around the production pins, so both files agree on every
shared package).

It asks pip itself (`pip install --dry-run --ignore-installed --report`, pip >= 23),
through the index this machine's pip is configured with; nothing is installed.
Each package gets the hash of the one file pip picked for this interpreter and platform
(CPython 3.11 on Linux x86_64 wheels here), so run it with the interpreter Mend runs on:

    .venv/bin/python bin/lock.py       # or: make lock
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "requirements"

HEADERS = {
    "production": (
        "# What `pip install .` needs (pyproject.toml `dependencies` and the build backend),\n"
        "# every package pinned with the hash of its file. Written by bin/lock.py (`make lock`);\n"
        "# do not edit by hand.\n"
        "# Install: pip install --require-hashes -r requirements/production.lock"
        " && pip install --no-deps .\n"
    ),
    "test": (
        "# production.lock plus the test tools (pyproject.toml `test` extra), every package\n"
        "# pinned with the hash of its file. Written by bin/lock.py (`make lock`); do not\n"
        "# edit by hand. `make install` installs it with --require-hashes.\n"
    ),
}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def resolve(requirements: list[str]) -> dict[str, dict[str, str]]:
    """Ask pip which files it would install for `requirements`; return name → pin and hash."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        cmd += ["--quiet", "--disable-pip-version-check", "--report", str(report)]
        subprocess.run([*cmd, *requirements], check=True)
        data = json.loads(report.read_text())
    pins: dict[str, dict[str, str]] = {}
    for item in data["install"]:
        name = item["metadata"]["name"]
        archive = item["download_info"].get("archive_info")
        hashes = (archive or {}).get("hashes", {})
        if "sha256" not in hashes:
            sys.exit(
                f"bin/lock.py: pip reported no sha256 for {name} ({item['download_info']['url']})"
            )
        pins[canonical(name)] = {
            "name": name,
            "version": item["metadata"]["version"],
            "sha256": hashes["sha256"],
        }
    return pins


def production_requirements(pins: dict[str, dict[str, str]]) -> list[str]:
    return [f"{p['name']}=={p['version']}" for p in pins.values()]


def render(header: str, pins: dict[str, dict[str, str]]) -> str:
    lines = [header]
    for key in sorted(pins):
        pin = pins[key]
        lines.append(f"{pin['name']}=={pin['version']} \\\n    --hash=sha256:{pin['sha256']}\n")
    return "".join(lines)


def main() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    production = resolve(project["dependencies"] + pyproject["build-system"]["requires"])
    # The production pins go in as requirements, so the test tools resolve around them.
    test = resolve(
        [*production_requirements(production), *project["optional-dependencies"]["test"]]
    )
    missing = sorted(set(production) - set(test))
    if missing:
        sys.exit(f"bin/lock.py: the test resolution dropped production packages: {missing}")
    OUT.mkdir(exist_ok=True)
    (OUT / "production.lock").write_text(render(HEADERS["production"], production))
    (OUT / "test.lock").write_text(render(HEADERS["test"], test))
    print(f"bin/lock.py: {len(production)} production packages, {len(test)} with the test tools")


if __name__ == "__main__":
    main()
