"""`harapan backup` and `harapan restore` (DESIGN §12): a consistent copy of the whole
database in one file, and its restore into an empty database.

SQLite copies through its online backup API (one read snapshot, while the site keeps
running); PostgreSQL through `pg_dump`'s custom format (one snapshot) and `pg_restore`.
A copy holds every NIK of the installation (UU 27/2022): it is readable by its owner only.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

from harapan.audit import trail

# The first bytes of each kind of copy, to refuse the wrong file before touching the database.
SIGNATURES = {"sqlite": b"SQLite format 3\x00", "postgresql": b"PGDMP"}
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL (pg_dump)"}


def _vendor() -> str:
    if connection.vendor not in SIGNATURES:
        raise CommandError(
            f"Basis data {connection.vendor} tidak didukung: hanya SQLite dan PostgreSQL."
        )
    return connection.vendor


def _executable(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise CommandError(
            f"{tool} tidak ditemukan: pasang klien PostgreSQL (Debian: paket postgresql-client) "
            "dengan versi yang sama atau lebih baru dari servernya."
        )
    return found


def _run_postgres_tool(executable: str, *args: str) -> None:
    """Run pg_dump or pg_restore against the site's database (DATABASES["default"])."""
    database = connection.settings_dict
    # Django's own libpq environment (password, SSL, service file), plus where to connect:
    # nothing secret on the command line, where `ps` would show it.
    _, env = connection.client.settings_to_cmd_args_env(database, [])
    where = {"PGHOST": database["HOST"], "PGPORT": database["PORT"], "PGUSER": database["USER"]}
    env = {**os.environ, **(env or {}), **{k: str(v) for k, v in where.items() if v}}
    result = subprocess.run([executable, *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{Path(executable).name} gagal: {result.stderr.strip()}")


def back_up(path: Path, *, name: str) -> None:
    """Write a consistent copy of the whole database to `path` (an existing, empty file),
    recorded in the trail as the backup `name`."""
    pg_dump = _executable("pg_dump") if _vendor() == "postgresql" else None
    # Before the copy, so that the copy itself says when it was made.
    trail.record(None, "database.backup", details={"file": name})
    if pg_dump is None:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
            # One self-contained file, whatever the journal mode of the live database.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    else:
        _run_postgres_tool(
            pg_dump, "--format=custom", f"--file={path}", connection.settings_dict["NAME"]
        )


def restore(path: Path) -> None:
    """Load the copy at `path` into the site's database, which must have no table at all."""
    vendor = _vendor()
    if not path.is_file():
        raise CommandError(f"Berkas cadangan {path} tidak ada.")
    with path.open("rb") as handle:
        if not handle.read(len(SIGNATURES[vendor])) == SIGNATURES[vendor]:
            raise CommandError(
                f"{path} bukan cadangan {KINDS[vendor]} dari `harapan backup`, jenis basis "
                "data situs ini."
            )
    tables = connection.introspection.table_names()
    if tables:
        raise CommandError(
            f"Basis data tujuan tidak kosong: sudah ada {len(tables)} tabel. Pemulihan hanya ke "
            "basis data baru yang kosong (jangan jalankan `harapan migrate` sebelumnya): buat "
            "basis data baru (PostgreSQL: createdb) atau pindahkan berkas SQLite yang lama."
        )
    pg_restore = _executable("pg_restore") if vendor == "postgresql" else None
    if pg_restore is None:
        connection.ensure_connection()
        source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        _run_postgres_tool(
            pg_restore,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(path),
        )
