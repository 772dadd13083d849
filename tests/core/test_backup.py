"""`mend backup DIR` and `mend restore DIR`: back up, wipe, restore, and find the same data.

Runs on the test database of whichever engine DATABASE_URL names (SQLite by default,
PostgreSQL with pg_dump and pg_restore); the restore goes into that test database only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from mend.__main__ import main
from mend.accounts.models import User
from mend.core import backup

# serialized_rollback: the flush after each test then leaves the migrated rows to be
# reloaded, rather than letting post_migrate make content types with new ids that the
# next test's reload would clash with.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HANDOUT = b"%PDF-1.4 knee exercises, three sets of ten"
ENGINE = "postgresql" if connection.vendor == "postgresql" else "sqlite"


@pytest.fixture
def practice(settings: Any, tmp_path: Path) -> User:
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's media only, none of other tests'
    user = User.objects.create_user(email="pat@mail.example", password="correct horse battery")
    default_storage.save("documents/knee-handout.pdf", ContentFile(HANDOUT))
    default_storage.save("original_images/calf.png", ContentFile(b"\x89PNG calf"))
    return user


def _wipe() -> None:
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    for name in ("documents/knee-handout.pdf", "original_images/calf.png"):
        default_storage.delete(name)


def _manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text())


def test_back_up_wipe_restore_finds_the_same_data(
    practice: User, tmp_path: Path, capsys: Any
) -> None:
    saved = tmp_path / "backup"
    assert main(["backup", str(saved)]) == 0
    assert f"Backed up the {ENGINE} database and 2 media files" in capsys.readouterr().out

    _wipe()
    assert not User.objects.exists() and not default_storage.exists("documents/knee-handout.pdf")

    assert main(["restore", str(saved)]) == 0

    restored = User.objects.get(email="pat@mail.example")
    assert restored.pk == practice.pk and restored.check_password("correct horse battery")
    assert default_storage.open("documents/knee-handout.pdf").read() == HANDOUT
    assert default_storage.open("original_images/calf.png").read() == b"\x89PNG calf"


def test_the_manifest_names_the_engine_migrations_and_every_file(
    practice: User, tmp_path: Path
) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)

    manifest = _manifest(tmp_path / "b")
    assert manifest["format"] == "mend-backup" and manifest["mend_version"] == "0.1.0"
    assert manifest["database"]["engine"] == ENGINE
    assert manifest["migrations"]["core"] == "0001_audit_event"
    assert "accounts" in manifest["migrations"] and "wagtailcore" in manifest["migrations"]
    handout = next(f for f in manifest["files"] if f["path"] == "documents/knee-handout.pdf")
    assert handout == {
        "path": "documents/knee-handout.pdf",
        "size": len(HANDOUT),
        "sha256": hashlib.sha256(HANDOUT).hexdigest(),
    }


def test_a_database_with_data_is_replaced_only_with_force(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    User.objects.create_user(email="new@mail.example", password="correct horse battery")

    with pytest.raises(CommandError, match="already holds Mend's data"):
        call_command("restore", str(tmp_path / "b"), verbosity=0)
    assert User.objects.filter(email="new@mail.example").exists()  # nothing changed

    call_command("restore", str(tmp_path / "b"), "--force", verbosity=0)
    assert not User.objects.filter(email="new@mail.example").exists()
    assert User.objects.filter(email="pat@mail.example").exists()


def test_a_damaged_file_is_refused_before_anything_changes(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    (tmp_path / "b" / "media" / "documents" / "knee-handout.pdf").write_bytes(b"tampered")
    _wipe()

    with pytest.raises(CommandError, match=r"knee-handout\.pdf does not match its checksum"):
        call_command("restore", str(tmp_path / "b"), verbosity=0)
    assert not User.objects.exists()


def test_a_damaged_database_file_is_refused(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    database = tmp_path / "b" / _manifest(tmp_path / "b")["database"]["path"]
    database.write_bytes(database.read_bytes()[:-1])
    _wipe()

    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "b"), verbosity=0)


def test_a_backup_of_another_engine_is_refused(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    manifest = _manifest(tmp_path / "b")
    other = "sqlite" if ENGINE == "postgresql" else "postgresql"
    manifest["database"]["engine"] = other
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    _wipe()

    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(tmp_path / "b"), verbosity=0)


def test_a_backup_from_a_newer_mend_is_refused(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    manifest = _manifest(tmp_path / "b")
    manifest["migrations"]["core"] = "0099_from_the_future"
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    _wipe()

    with pytest.raises(CommandError, match=r"newer Mend .*core\.0099_from_the_future"):
        call_command("restore", str(tmp_path / "b"), verbosity=0)


def test_a_folder_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a Mend backup"):
        call_command("restore", str(tmp_path), verbosity=0)


def test_a_backup_never_writes_into_a_folder_in_use(practice: User, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")

    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path), verbosity=0)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_file_path_outside_the_backup_is_refused(practice: User, tmp_path: Path) -> None:
    call_command("backup", str(tmp_path / "b"), verbosity=0)
    manifest = _manifest(tmp_path / "b")
    manifest["files"].append({"path": "../../etc/passwd", "size": 1, "sha256": "0" * 64})
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(backup.BackupError, match="outside the backup"):
        backup.check(tmp_path / "b")
