#!/usr/bin/env python3
"""Audit a lock file for known vulnerabilities with pip-audit; CI runs it (`.ci/run`).

    .venv/bin/python bin/audit.py [--lock requirements/test.lock] [--require-service]

It fails (exit 1) when a locked package has a known vulnerability that a newer release
fixes, unless requirements/audit-ignore.txt records an exception for it that has not
expired. A vulnerability no release fixes yet is printed as a warning. pip-audit reads
the lock as it is (`--require-hashes --disable-pip`): nothing is installed or resolved.

The vulnerability database is a network service (PyPI's JSON API, or OSV with
`--service osv`). When it cannot be reached, or answers for none of the packages, the
audit did not happen: that prints a warning and passes, so a network hiccup does not
fail CI, unless `--require-service` is given (`MEND_AUDIT_REQUIRED=true .ci/run`).

An exception is one line of the ignore file: the vulnerability's id (PYSEC-, GHSA- or
CVE-, as pip-audit prints it), why it does not apply or cannot be fixed yet, and the date
it expires (YYYY-MM-DD), after which the vulnerability fails CI again:

    GHSA-xxxx-xxxx-xxxx  reachable only through a feature Mend turns off  2027-03-31
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# What pip-audit prints when the vulnerability service could not be asked.
UNREACHABLE_SIGNS = (
    "network may be blocking",
    "Could not connect",
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "timed out",
    "ReadTimeout",
    "ServiceError",
    "SSLError",
)


class AuditError(Exception):
    """Something the person running CI has to fix; the message says what."""


@dataclass(frozen=True)
class IgnoreEntry:
    vuln_id: str
    reason: str
    expires: dt.date


@dataclass(frozen=True)
class Verdict:
    failed: bool
    lines: list[str]


def parse_ignore_file(text: str, *, today: dt.date) -> tuple[list[IgnoreEntry], list[str]]:
    """The exceptions still in force, and a warning for each expired one."""
    current: list[IgnoreEntry] = []
    warnings: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 3:
            raise AuditError(
                f"audit-ignore line {number}: write the id, a reason and an expiry date "
                f"(YYYY-MM-DD), got {raw.strip()!r}"
            )
        try:
            expires = dt.date.fromisoformat(parts[-1])
        except ValueError:
            raise AuditError(
                f"audit-ignore line {number}: the last word must be the expiry date "
                f"(YYYY-MM-DD), got {parts[-1]!r}"
            ) from None
        entry = IgnoreEntry(vuln_id=parts[0], reason=" ".join(parts[1:-1]), expires=expires)
        if expires < today:
            warnings.append(
                f"WARNING: the exception for {entry.vuln_id} expired on {expires}; "
                "it no longer applies (fix it, or renew it with a reason)"
            )
        else:
            current.append(entry)
    return current, warnings


def judge(report: dict[str, Any], *, require_service: bool) -> Verdict:
    """Read pip-audit's JSON report: fail on a fixable vulnerability, warn on the rest."""
    lines: list[str] = []
    failed = False
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    for dep in audited:
        for vuln in dep.get("vulns", []):
            aliases = ", ".join(vuln.get("aliases", []))
            also = f" ({aliases})" if aliases else ""
            fixes = vuln.get("fix_versions", [])
            if fixes:
                failed = True
                lines.append(
                    f"FAIL: {dep['name']} {dep['version']}: {vuln['id']}{also}, "
                    f"fixed in {', '.join(fixes)}"
                )
            else:
                lines.append(
                    f"WARNING: {dep['name']} {dep['version']}: {vuln['id']}{also}, "
                    "no release fixes it yet"
                )
    if dependencies and not audited:
        lines.append(
            f"WARNING: the vulnerability service answered for none of the {len(skipped)} "
            f"packages ({skipped[0]['skip_reason']}); nothing was audited"
        )
        failed = failed or require_service
    elif skipped:
        lines.append(f"WARNING: {len(skipped)} of {len(dependencies)} packages were not audited:")
        lines.extend(f"  {d['name']}: {d['skip_reason']}" for d in skipped)
        failed = failed or require_service
    if audited and not failed:
        lines.append(f"audit: {len(audited)} packages audited, no fixable known vulnerability")
    return Verdict(failed=failed, lines=lines)


def unreachable(stderr: str, *, require_service: bool) -> Verdict:
    last = stderr.strip().splitlines()[-2:] if stderr.strip() else ["(no message)"]
    return Verdict(
        failed=require_service,
        lines=[
            "WARNING: the vulnerability service could not be reached; nothing was audited",
            *(f"  {line}" for line in last),
        ],
    )


def run_pip_audit(lock: Path, exceptions: list[IgnoreEntry], service: str) -> tuple[int, str, str]:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "audit.json"
        cmd = [sys.executable, "-m", "pip_audit", "--requirement", str(lock)]
        cmd += ["--require-hashes", "--disable-pip", "--progress-spinner=off"]
        cmd += ["--vulnerability-service", service, "--timeout", "30", "--aliases=on"]
        cmd += ["--format", "json", "--output", str(output)]
        for entry in exceptions:
            cmd += ["--ignore-vuln", entry.vuln_id]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        report = output.read_text() if output.exists() else ""
    return done.returncode, report, done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements" / "test.lock")
    parser.add_argument(
        "--ignore-file", type=Path, default=ROOT / "requirements" / "audit-ignore.txt"
    )
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument(
        "--require-service",
        action="store_true",
        help="fail when the vulnerability service cannot be reached",
    )
    args = parser.parse_args(argv)
    try:
        text = args.ignore_file.read_text() if args.ignore_file.exists() else ""
        exceptions, warnings = parse_ignore_file(text, today=dt.date.today())
    except AuditError as error:
        print(f"FAIL: {error}")
        return 1
    for line in warnings:
        print(line)
    for entry in exceptions:
        print(f"audit: ignoring {entry.vuln_id} until {entry.expires}: {entry.reason}")

    returncode, report, stderr = run_pip_audit(args.lock, exceptions, args.service)
    if report.strip():
        verdict = judge(json.loads(report), require_service=args.require_service)
    elif any(sign in stderr for sign in UNREACHABLE_SIGNS):
        verdict = unreachable(stderr, require_service=args.require_service)
    else:
        verdict = Verdict(
            failed=True, lines=[f"FAIL: pip-audit exited {returncode}:", stderr.strip()]
        )
    for line in verdict.lines:
        print(line)
    if verdict.failed:
        print("audit: FAILED")
    return 1 if verdict.failed else 0


if __name__ == "__main__":
    sys.exit(main())
