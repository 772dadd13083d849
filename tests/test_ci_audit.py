"""bin/audit.py, the CI step that audits the lock file: what fails CI and what only warns."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mend_ci_audit", ROOT / "bin" / "audit.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


audit = _load_audit()
TODAY = dt.date(2026, 12, 1)


def _dep(name: str, version: str, *vulns: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "version": version, "vulns": list(vulns)}


def _vuln(vuln_id: str, *fixes: str) -> dict[str, Any]:
    return {"id": vuln_id, "fix_versions": list(fixes), "aliases": ["CVE-2026-0001"]}


def test_a_vulnerability_with_a_fix_fails_and_names_the_fixed_release() -> None:
    report = {"dependencies": [_dep("django", "5.2.1", _vuln("PYSEC-2026-1", "5.2.2"))]}
    verdict = audit.judge(report, require_service=False)
    assert verdict.failed
    assert "FAIL: django 5.2.1: PYSEC-2026-1 (CVE-2026-0001), fixed in 5.2.2" in verdict.lines


def test_a_vulnerability_no_release_fixes_yet_warns_without_failing() -> None:
    report = {"dependencies": [_dep("pillow", "13.0.0", _vuln("GHSA-aaaa-bbbb-cccc"))]}
    verdict = audit.judge(report, require_service=False)
    assert not verdict.failed
    assert any(line.startswith("WARNING: pillow 13.0.0: GHSA-aaaa") for line in verdict.lines)


def test_a_clean_report_passes_and_says_how_much_was_audited() -> None:
    report = {"dependencies": [_dep("django", "5.2.19"), _dep("wagtail", "8.0.1")]}
    verdict = audit.judge(report, require_service=True)
    assert not verdict.failed
    assert verdict.lines == ["audit: 2 packages audited, no fixable known vulnerability"]


def test_a_service_that_answers_for_no_package_warns_unless_the_service_is_required() -> None:
    skipped = {"name": "django", "skip_reason": "Dependency not found on PyPI"}
    report = {"dependencies": [skipped, {**skipped, "name": "wagtail"}]}
    relaxed = audit.judge(report, require_service=False)
    strict = audit.judge(report, require_service=True)
    assert not relaxed.failed
    assert "answered for none of the 2 packages" in relaxed.lines[0]
    assert strict.failed


def test_a_found_vulnerability_fails_even_when_other_packages_were_skipped() -> None:
    report = {
        "dependencies": [
            {"name": "private-thing", "skip_reason": "Dependency not found on PyPI"},
            _dep("django", "5.2.1", _vuln("PYSEC-2026-1", "5.2.2")),
        ]
    }
    verdict = audit.judge(report, require_service=False)
    assert verdict.failed
    assert "  private-thing: Dependency not found on PyPI" in verdict.lines


def test_an_exception_in_force_is_kept_and_an_expired_one_is_dropped_with_a_warning() -> None:
    text = (
        "# comment\n"
        "\n"
        "PYSEC-2026-1  only reachable through SVG uploads, which Mend turns off  2027-01-31\n"
        "GHSA-old-old-old  waited for upstream  2026-11-30\n"
    )
    current, warnings = audit.parse_ignore_file(text, today=TODAY)
    assert [(e.vuln_id, e.expires) for e in current] == [("PYSEC-2026-1", dt.date(2027, 1, 31))]
    assert current[0].reason == "only reachable through SVG uploads, which Mend turns off"
    assert warnings == [
        "WARNING: the exception for GHSA-old-old-old expired on 2026-11-30; "
        "it no longer applies (fix it, or renew it with a reason)"
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("PYSEC-2026-1 2027-01-31", "write the id, a reason and an expiry date"),
        ("PYSEC-2026-1 because reasons soon", "the last word must be the expiry date"),
    ],
)
def test_an_exception_without_a_reason_or_date_is_refused_with_its_line(
    line: str, message: str
) -> None:
    with pytest.raises(audit.AuditError, match=f"line 2: {message}"):
        audit.parse_ignore_file(f"# header\n{line}\n", today=TODAY)


def test_the_shipped_ignore_file_parses() -> None:
    text = (ROOT / "requirements" / "audit-ignore.txt").read_text()
    current, _ = audit.parse_ignore_file(text, today=TODAY)
    assert all(entry.reason for entry in current)


def _main_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, result: tuple[int, str, str], *args: str
) -> tuple[int, list[list[str]]]:
    """Run main() with pip-audit replaced by `result`; return the exit code and the ignores."""
    passed: list[list[str]] = []

    def fake_run(lock: Path, exceptions: list[Any], service: str) -> tuple[int, str, str]:
        passed.append([e.vuln_id for e in exceptions])
        return result

    ignore = tmp_path / "audit-ignore.txt"
    ignore.write_text("PYSEC-2026-9  not reachable from Mend  2999-01-01\n")
    monkeypatch.setattr(audit, "run_pip_audit", fake_run)
    return audit.main(["--ignore-file", str(ignore), *args]), passed


def test_main_passes_the_exceptions_to_pip_audit_and_fails_on_a_fixable_vulnerability(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    report = json.dumps({"dependencies": [_dep("django", "5.2.1", _vuln("PYSEC-1", "5.2.2"))]})
    code, passed = _main_with(monkeypatch, tmp_path, (1, report, ""))
    assert code == 1
    assert passed == [["PYSEC-2026-9"]]


def test_main_warns_and_passes_when_the_service_cannot_be_reached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = "requests.exceptions.ConnectionError: Max retries exceeded with url: /v1/query\n"
    code, _ = _main_with(monkeypatch, tmp_path, (1, "", stderr))
    assert code == 0
    assert "could not be reached; nothing was audited" in capsys.readouterr().out
    strict, _ = _main_with(monkeypatch, tmp_path, (1, "", stderr), "--require-service")
    assert strict == 1


def test_main_fails_when_pip_audit_breaks_for_another_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stderr = "pip-audit: error: requirement django is missing a hash\n"
    code, _ = _main_with(monkeypatch, tmp_path, (1, "", stderr))
    assert code == 1
    assert "missing a hash" in capsys.readouterr().out
