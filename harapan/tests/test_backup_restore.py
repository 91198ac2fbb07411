"""`harapan backup` and `harapan restore` (DESIGN §12) on the suite's database, SQLite or
PostgreSQL: every family, member, entitlement and audit row comes back, field for field.

The copy is restored by the command in a process of its own, as an operator runs it,
into a second, empty database: a file on SQLite, a new database on PostgreSQL's server.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from datetime import date
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase

from harapan.audit import trail
from harapan.testing import DESA_B, METRO_DESA, make_family

# What must come back, in dumpdata's words (every field of every row, by primary key).
TABLES = [
    "registry.Family",
    "registry.Member",
    "benefits.Entitlement",
    "benefits.EntitlementLine",
    "audit.AuditEntry",
]


def harapan(*args: str, database_url: str) -> subprocess.CompletedProcess:
    """Run the console script against another database, as an operator would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "harapan", *args], env=env, capture_output=True, text=True
    )


def dump(database_url: str | None = None) -> dict[str, list[dict]]:
    """The rows of TABLES by model, from the suite's database or from `database_url`."""
    if database_url is None:
        out = StringIO()
        call_command("dumpdata", *TABLES, stdout=out)
        text = out.getvalue()
    else:
        result = harapan("dumpdata", *TABLES, database_url=database_url)
        assert result.returncode == 0, result.stderr
        text = result.stdout
    rows: dict[str, list[dict]] = {label.lower(): [] for label in TABLES}
    for row in json.loads(text):
        rows[row["model"]].append(row)
    return rows


class BackupRestoreTest(TransactionTestCase):
    def setUp(self):
        if connection.vendor == "postgresql" and not (
            shutil.which("pg_dump") and shutil.which("pg_restore")
        ):
            if os.environ.get("CI") == "true":
                pytest.fail("pg_dump/pg_restore not found; `make test` installs postgresql")
            pytest.skip("pg_dump/pg_restore not found")
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder)
        self.copy = self.folder / "harapan.cadangan"

    def make_data(self) -> None:
        # Three families, six members: a toddler (anak usia dini, Rp 750.000 a stage) in
        # the first, an SD pupil (Rp 225.000) in the second, the third earns nothing.
        self.family_a = make_family(
            members=[
                {"relation": "kepala_keluarga", "name": "Budi Santoso"},
                {"relation": "istri", "sex": "P", "name": "Siti Aminah"},
                {"birth_date": date(2023, 1, 5), "school_level": "belum_sekolah"},
            ],
            address="Jl. Melati 7, RT 02",
        )
        make_family(
            region_code=DESA_B,
            members=[
                {"relation": "kepala_keluarga", "sex": "P", "name": "Wati"},
                {"birth_date": date(2016, 3, 1), "school_level": "sd"},
            ],
        )
        make_family(region_code=METRO_DESA)
        call_command("compute_entitlements", "--year", "2025", "--stage", "3", stdout=StringIO())
        trail.record(
            None,
            "registry.family.update",
            self.family_a,
            changes={"address": ["Jl. Mawar 1", "Jl. Melati 7, RT 02"]},
        )
        trail.record(None, "registry.member.view_nik", self.family_a, details={"alasan": "uji"})

    def empty_database(self) -> str:
        """The DATABASE_URL of a new database with no table, removed after the test."""
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.folder / 'pulih.sqlite3'}"
        name = f"{connection.settings_dict['NAME']}_pulih"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        self.addCleanup(self.drop_database, name)
        return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()

    def drop_database(self, name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def test_every_family_member_entitlement_and_audit_row_comes_back(self):
        self.make_data()
        call_command("backup", "--out", str(self.copy), stdout=StringIO())
        before = dump()
        restored_url = self.empty_database()

        result = harapan("restore", str(self.copy), database_url=restored_url)
        assert result.returncode == 0, result.stderr
        after = dump(restored_url)

        # Counted by hand: 3 families, 3 + 2 + 1 members, one entitlement per family, and
        # the two paid components.
        assert len(after["registry.family"]) == 3
        assert len(after["registry.member"]) == 6
        assert len(after["benefits.entitlement"]) == 3
        lines = after["benefits.entitlementline"]
        assert sorted(
            (line["fields"]["component"], line["fields"]["amount"]) for line in lines
        ) == [
            ("anak_usia_dini", 750_000),
            ("sd", 225_000),
        ]
        actions = [row["fields"]["action"] for row in after["audit.auditentry"]]
        assert actions[-3:] == [
            "registry.family.update",
            "registry.member.view_nik",
            "database.backup",
        ]
        assert after["audit.auditentry"][-3]["fields"]["changes"] == {
            "address": ["Jl. Mawar 1", "Jl. Melati 7, RT 02"]
        }
        names = {row["fields"]["name"] for row in after["registry.member"]}
        assert {"Budi Santoso", "Siti Aminah", "Wati"} <= names
        # And every field of every row is the one backed up.
        assert after == before

        # The restored database has tables now: a second restore into it is refused.
        again = harapan("restore", str(self.copy), database_url=restored_url)
        assert again.returncode == 1
        assert "Basis data tujuan tidak kosong" in again.stderr
        assert dump(restored_url) == before

    def test_the_copy_is_readable_by_its_owner_only(self):
        call_command("backup", "--out", str(self.copy), stdout=StringIO())
        assert stat.S_IMODE(self.copy.stat().st_mode) == 0o600
        assert [p.name for p in self.folder.iterdir()] == [self.copy.name]

    def test_restore_refuses_a_database_that_has_tables_and_changes_nothing(self):
        self.make_data()
        call_command("backup", "--out", str(self.copy), stdout=StringIO())
        before = dump()
        with self.assertRaisesMessage(CommandError, "Basis data tujuan tidak kosong"):
            call_command("restore", str(self.copy), stdout=StringIO())
        assert dump() == before

    def test_restore_refuses_a_file_that_is_not_a_copy_of_this_kind_of_database(self):
        not_a_copy = self.folder / "keluarga.csv"
        not_a_copy.write_text("id_keluarga,no_kk\n", encoding="utf-8")
        with self.assertRaisesMessage(CommandError, "bukan cadangan"):
            call_command("restore", str(not_a_copy), stdout=StringIO())

    def test_backup_refuses_a_folder_that_does_not_exist(self):
        with self.assertRaisesMessage(CommandError, "folder /nonexistent/dir tidak ada"):
            call_command("backup", "--out", "/nonexistent/dir/x.cadangan", stdout=StringIO())
