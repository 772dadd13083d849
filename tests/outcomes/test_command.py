"""`mend outcomes score CODE`: JSON in on stdin, JSON out, exit 2 on bad input."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[2]
ODI_ONE_MISSING = {f"s{n}": 2 for n in range(1, 8)} | {"s8": 1, "s9": 1, "s10": None}


def mend(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """Run the real `mend` entry point (python -m mend) in a fresh interpreter."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    return subprocess.run(
        [sys.executable, "-m", "mend", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def scored(code: str, stdin: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("outcomes", "score", code, stdout=out)
    printed: dict[str, object] = json.loads(out.getvalue())
    return printed


def refused(code: str, stdin: str, monkeypatch: pytest.MonkeyPatch) -> CommandError:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    with pytest.raises(CommandError) as error:
        call_command("outcomes", "score", code, stdout=io.StringIO())
    assert error.value.returncode == 2
    return error.value


def test_subprocess_scores_odi_and_exits_0() -> None:
    result = mend("outcomes", "score", "odi", stdin=json.dumps(ODI_ONE_MISSING))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "instrument": "odi",
        "version": "2.1a",
        "scores": {"total": 35.56},
        "unscorable": {},
    }


def test_subprocess_exits_2_naming_the_bad_item() -> None:
    result = mend("outcomes", "score", "odi", stdin='{"s1": 6}')
    assert result.returncode == 2
    assert result.stdout == ""
    assert "s1: 6 is out of range" in result.stderr


def test_subprocess_unscorable_answers_still_exit_0() -> None:
    result = mend("outcomes", "score", "lefs", stdin='{"i1": 4}')
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "instrument": "lefs",
        "version": "1999",
        "scores": {"total": None},
        "unscorable": {"total": "cannot be scored: 1 of 20 answered; needs all 20"},
    }


def test_scores_are_rounded_half_up_to_two_places(monkeypatch: pytest.MonkeyPatch) -> None:
    pain = json.dumps({f"p{n}": 0 for n in range(1, 6)} | {"p6": 1, "p7": 1, "p8": 1})
    printed = scored("koos", pain, monkeypatch)  # 100 − 3/8 × 25 = 90.625
    assert printed["scores"] == {
        "pain": 90.63,
        "symptoms": None,
        "adl": None,
        "sport_rec": None,
        "qol": None,
    }


def test_quickdash_module_not_taken_is_null_without_a_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers = {f"i{n}": 3 for n in range(1, 12)} | {"w1": 1, "w2": 2, "w3": 3}
    printed = scored("quickdash", json.dumps(answers), monkeypatch)
    assert printed["scores"] == {"disability": 50.0, "work": None, "sport": None}
    assert printed["unscorable"] == {"work": "cannot be scored: 3 of 4 answered; needs all 4"}


def test_nulls_are_unanswered_and_na_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {f"adl{n}": 4 for n in range(1, 20)} | {"adl20": "na", "adl21": None}
    printed = scored("faam", json.dumps(answers), monkeypatch)
    assert printed["scores"] == {"adl": 100.0, "sports": None}


@pytest.mark.parametrize(
    ("code", "stdin", "says"),
    [
        ("odi", "not json", "standard input is not JSON"),
        ("odi", "", "standard input is not JSON"),
        ("odi", "[1, 2]", "one JSON object of item ids and answers, not an array"),
        ("odi", "3", "not a number"),
        ("odi", '{"s11": 1}', "bad answers for odi: s11: odi has no such item"),
        ("nprs", '{"pain": true}', "pain: True is not a whole number"),
        ("nprs", '{"pain": 2.5}', "pain: 2.5 is not a whole number"),
        ("visa-a", '{"q8a": 7, "q8b": 4}', "q8b: answer only one of q8a, q8b, q8c"),
        ("womac", "{}", "unknown instrument 'womac'"),
        ("womac", "not json", "unknown instrument 'womac'"),
    ],
)
def test_bad_input_exits_2_with_the_reason(
    code: str, stdin: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert says in str(refused(code, stdin, monkeypatch))
