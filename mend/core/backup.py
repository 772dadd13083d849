"""A consistent copy of the database and the media, and putting one back.

``backup`` writes into an empty folder: the database (SQLite's online backup
API, or ``pg_dump`` in its custom format: both a snapshot of one moment, taken
while Mend runs), then every media file through the storage API (the disk or
the S3 bucket alike), then ``manifest.json``: Mend's version, the time, the
database engine, the last migration applied per app, and each file with its
size and SHA-256.

``restore`` checks everything before it changes anything: the manifest's
format, that the engine is this one, that every migration it names is known
to this code, and every file's size and checksum. It refuses a database that
already holds Mend's data unless ``force`` is given. Then it replaces the
database (SQLite: page by page into the live file; PostgreSQL: the schema is
dropped and ``pg_restore`` rebuilds it) and writes the media back. Media
files that are not in the backup are left where they are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.loader import MigrationLoader

FORMAT = "mend-backup"
VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


class BackupError(Exception):
    """Why a backup or a restore cannot go ahead; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Result:
    manifest: dict[str, Any]
    files: int
    bytes: int


def _engine() -> str:
    engine = ENGINES.get(connection.settings_dict["ENGINE"])
    if engine is None:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return engine


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def _entry(path: Path, name: str) -> dict[str, Any]:
    return {"path": name, "size": path.stat().st_size, "sha256": _digest(path)}


def _migrations() -> dict[str, str]:
    """The last migration applied of each app (the heads of the applied graph)."""
    loader = MigrationLoader(connection)
    applied = set(loader.applied_migrations or {})
    heads: dict[str, str] = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        if node is None:
            continue
        if not any(child.key in applied and child.key[0] == app for child in node.children):
            heads[app] = name
    return heads


def _postgres_env() -> dict[str, str]:
    """libpq's variables for this database: no password on any command line."""
    settings = connection.settings_dict
    env = dict(os.environ)
    values = {
        "PGHOST": settings.get("HOST") or "",
        "PGPORT": str(settings.get("PORT") or ""),
        "PGUSER": settings.get("USER") or "",
        "PGPASSWORD": settings.get("PASSWORD") or "",
        "PGDATABASE": settings["NAME"],
    }
    env.update({key: value for key, value in values.items() if value})
    return env


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    done = subprocess.run(
        [tool, *command[1:]], env=_postgres_env(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _dump_database(engine: str, target: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    else:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def _media_names(folder: str = "") -> list[str]:
    directories, files = default_storage.listdir(folder)
    names = [f"{folder}/{name}" if folder else name for name in files]
    for directory in directories:
        names += _media_names(f"{folder}/{directory}" if folder else directory)
    return sorted(names)


def _copy_media(target: Path) -> list[dict[str, Any]]:
    entries = []
    for name in _media_names():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with default_storage.open(name, "rb") as source, path.open("wb") as copy:
                shutil.copyfileobj(source, copy)
        except FileNotFoundError:  # deleted since it was listed
            path.unlink(missing_ok=True)
            continue
        entries.append(_entry(path, name))
    return entries


def backup(directory: Path, *, now: dt.datetime) -> Result:
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new folder.")
    engine = _engine()
    directory.mkdir(parents=True, exist_ok=True)
    database_file = directory / DATABASE_FILES[engine]
    _dump_database(engine, database_file)
    files = _copy_media(directory / MEDIA)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "mend_version": importlib.metadata.version("mend"),
        "created_at": now.astimezone(dt.UTC).isoformat(),
        "database": {"engine": engine, **_entry(database_file, database_file.name)},
        "migrations": _migrations(),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Result(manifest, len(files), sum(entry["size"] for entry in files))


def _read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{directory} holds no {MANIFEST}: it is not a Mend backup.") from None
    except json.JSONDecodeError as error:
        raise BackupError(f"{MANIFEST} is not readable JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a Mend backup's manifest.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"This Mend reads backups of version {VERSION}, not {manifest.get('version')}."
        )
    return manifest


def _check_file(directory: Path, entry: dict[str, Any]) -> None:
    path = directory / entry["path"]
    if directory.resolve() not in path.resolve().parents:
        raise BackupError(f"{entry['path']} points outside the backup.")
    if not path.is_file():
        raise BackupError(f"{entry['path']} is missing from the backup.")
    if path.stat().st_size != entry["size"] or _digest(path) != entry["sha256"]:
        raise BackupError(f"{entry['path']} does not match its checksum: the backup is damaged.")


def check(directory: Path) -> dict[str, Any]:
    """The manifest, once the backup has been found whole and fit for this database."""
    manifest = _read_manifest(directory)
    engine = _engine()
    if manifest["database"]["engine"] != engine:
        raise BackupError(
            f"This backup is of a {manifest['database']['engine']} database; this Mend runs on "
            f"{engine}. Restore it on {manifest['database']['engine']}."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    unknown = [
        f"{app}.{name}" for app, name in manifest["migrations"].items() if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This backup was made by a newer Mend (migrations unknown here: "
            + ", ".join(sorted(unknown))
            + "). Restore it with that version."
        )
    _check_file(directory, manifest["database"])
    for entry in manifest["files"]:
        _check_file(directory / MEDIA, entry)
    return manifest


def holds_data() -> bool:
    """Whether any of Mend's own tables has a row."""
    tables = set(connection.introspection.table_names())
    mine = [
        model
        for model in apps.get_models()
        if model.__module__.startswith("mend.")
        and not model._meta.proxy
        and model._meta.db_table in tables
    ]
    return any(model._default_manager.exists() for model in mine)


def _load_database(engine: str, source: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(source),
            ]
        )


def _write_media(directory: Path, files: list[dict[str, Any]]) -> None:
    for entry in files:
        name = entry["path"]
        if default_storage.exists(name):
            default_storage.delete(name)
        with (directory / name).open("rb") as stream:
            saved = default_storage.save(name, File(stream, name=name))
        if saved != name:
            raise BackupError(f"The storage kept {name} as {saved}.")


def restore(directory: Path, *, force: bool = False) -> Result:
    manifest = check(directory)
    if not force and holds_data():
        raise BackupError(
            "This database already holds Mend's data; restoring replaces all of it. "
            "Restore into an empty database, or give --force."
        )
    _load_database(manifest["database"]["engine"], directory / manifest["database"]["path"])
    _write_media(directory / MEDIA, manifest["files"])
    connection.close()
    files = manifest["files"]
    return Result(manifest, len(files), sum(entry["size"] for entry in files))
