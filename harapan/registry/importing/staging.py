"""Staging tables for one import run, and the set-based SQL over them.

The rows of a file go into a temporary table with the database's bulk path
(COPY on PostgreSQL, one-transaction executemany on SQLite); every rule that
spans rows, and the upsert itself, is then one SQL statement over the whole
file. Temporary tables belong to this connection alone and vanish with it.
"""

from harapan.accounts.roles import Role
from harapan.bulk import analyze, distinct_op, execute, scalar

ROWS = "harapan_import_rows"
ERRORS = "harapan_import_errors"
FIRST = "harapan_import_first"
GOOD = "harapan_import_good"
TOUCHED = "harapan_import_touched"
TABLES = (ROWS, ERRORS, FIRST, GOOD, TOUCHED)

ROW_COLUMNS = ("line", "registry_id", "kk", "desa", "address", "nik", "name", "sex", "birth",
               "relation", "pregnant", "school", "disability", "alive", "bank", "kks", "desil",
               "pendamping", "ok")  # fmt: skip
EMPTY = "''"
ERROR_COLUMNS = ("line", "kolom", "nilai", "pesan", "registry_id")


def create() -> None:
    drop()
    execute(f"""
        CREATE TEMPORARY TABLE {ROWS} (
            line integer, registry_id varchar(32), kk varchar(16), desa varchar(10),
            address varchar(255), nik varchar(16), name varchar(150), sex varchar(1),
            birth date, relation varchar(20), pregnant boolean, school varchar(20),
            disability boolean, alive boolean, bank varchar(10), kks varchar(32),
            desil smallint, pendamping varchar(150), ok boolean,
            pendamping_id bigint)""")  # fmt: skip
    execute(f"""
        CREATE TEMPORARY TABLE {ERRORS} (
            line integer, kolom varchar(40), nilai text, pesan text, registry_id varchar(32))""")


def drop() -> None:
    for table in TABLES:
        execute(f"DROP TABLE IF EXISTS {table}")


def index_rows() -> None:
    execute(f"CREATE INDEX {ROWS}_family ON {ROWS} (registry_id, nik)")
    execute(f"CREATE INDEX {ROWS}_line ON {ROWS} (line)")
    analyze(ROWS, ERRORS)


FAMILY_COLUMNS = (
    # staging column, import header, how it reads in a message
    ("kk", "no_kk", "No KK"),
    ("desa", "kode_desa", "Kode desa"),
    ("address", "alamat", "Alamat"),
    ("bank", "bank", "Bank"),
    ("kks", "no_kks", "No KKS"),
    ("desil", "desil", "Desil"),
    ("pendamping", "pendamping", "Pendamping"),
)


def check_families(scope_prefix: str = "") -> None:
    """The rules that span a family's rows (DESIGN §12), as errors on the rows that break them.

    One GROUP BY pass finds the families worth a closer look; the detailed
    queries that name each broken row then run over those few families only,
    so a clean file of 400,000 rows costs a couple of scans.
    """
    family_columns = [column for column, _, _ in FAMILY_COLUMNS]
    # MIN <> MAX finds a disagreement as surely as COUNT(DISTINCT) > 1, without a
    # hash set per family.
    blank = {"desil": "0"}
    disagree = " OR ".join(
        f"MIN(COALESCE({c}, {blank.get(c, EMPTY)})) <> MAX(COALESCE({c}, {blank.get(c, EMPTY)}))"
        for c in family_columns
    )
    execute(f"""
        CREATE TEMPORARY TABLE {FIRST} AS
        SELECT registry_id,
               MIN(CASE WHEN ok THEN line END) AS line,
               SUM(CASE WHEN relation = 'kepala_keluarga' THEN 1 ELSE 0 END) AS heads,
               CASE WHEN {disagree} THEN 1 ELSE 0 END AS disagree
        FROM {ROWS} GROUP BY registry_id""")
    execute(f"CREATE UNIQUE INDEX {FIRST}_family ON {FIRST} (registry_id)")
    if scalar(f"SELECT COUNT(*) FROM {FIRST} WHERE disagree = 1"):
        _name_disagreeing_rows()
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT f.line, 'hubungan_keluarga', '',
               'Keluarga ' || f.registry_id || ' tidak punya kepala_keluarga', f.registry_id
        FROM {FIRST} f WHERE f.heads = 0 AND f.line IS NOT NULL""")
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'hubungan_keluarga', r.relation,
               'Keluarga ' || r.registry_id || ' punya ' || CAST(f.heads AS varchar(12)) ||
               ' kepala_keluarga; harus tepat satu', r.registry_id
        FROM {FIRST} f JOIN {ROWS} r ON r.registry_id = f.registry_id
        WHERE f.heads > 1 AND r.relation = 'kepala_keluarga'""")
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'nik', r.nik,
               'NIK sudah tercantum di baris ' || CAST(d.first_line AS varchar(12)) ||
               ' untuk keluarga yang sama', r.registry_id
        FROM {ROWS} r
        JOIN (SELECT registry_id, nik, MIN(line) AS first_line FROM {ROWS}
              GROUP BY registry_id, nik HAVING COUNT(*) > 1) d
          ON d.registry_id = r.registry_id AND d.nik = r.nik
        WHERE r.line <> d.first_line""")
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'kode_desa', r.desa,
               'Kode desa ' || r.desa || ' tidak ada di daftar wilayah (desa/kelurahan)',
               r.registry_id
        FROM {ROWS} r
        JOIN (SELECT DISTINCT desa FROM {ROWS} s
              WHERE s.desa <> '' AND NOT EXISTS (SELECT 1 FROM regions_region g
                                                 WHERE g.code = s.desa AND g.level = 4)) unknown
          ON unknown.desa = r.desa""")
    _check_pendamping()
    if scope_prefix:
        check_scope(scope_prefix)
    execute(f"CREATE INDEX {ERRORS}_family ON {ERRORS} (registry_id)")
    execute(f"""
        CREATE TEMPORARY TABLE {GOOD} AS
        SELECT f.registry_id, f.line FROM {FIRST} f
        WHERE f.line IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM {ERRORS} e WHERE e.registry_id = f.registry_id)""")
    execute(f"CREATE UNIQUE INDEX {GOOD}_family ON {GOOD} (registry_id)")
    analyze(FIRST, GOOD)


def _name_disagreeing_rows() -> None:
    """An error on each row whose family column differs from the family's first good row."""
    neq = distinct_op()
    for column, header, label in FAMILY_COLUMNS:
        execute(f"""
            INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
            SELECT r.line, %s, COALESCE(CAST(r.{column} AS varchar(255)), ''),
                   %s || CAST(f.line AS varchar(12)) || ' (' ||
                   COALESCE(CAST(r0.{column} AS varchar(255)), '') || ')',
                   r.registry_id
            FROM {FIRST} f
            JOIN {ROWS} r ON r.registry_id = f.registry_id
            JOIN {ROWS} r0 ON r0.line = f.line
            WHERE f.disagree = 1 AND r.ok AND r.line <> f.line AND r.{column} {neq} r0.{column}""",
            [header, f"{label} berbeda dengan baris pertama keluarga ini, baris "],
        )  # fmt: skip


def _check_pendamping() -> None:
    """The optional `pendamping` column names a pendamping of the family's kecamatan (§12).

    An empty cell assigns no one: a re-import keeps the family's current
    pendamping, and a new family waits for a coordinator to assign one.
    """
    if not scalar(f"SELECT COUNT(*) FROM {ROWS} WHERE pendamping <> ''"):
        return
    execute(f"""
        UPDATE {ROWS} SET pendamping_id = (
            SELECT u.id FROM accounts_user u WHERE u.username = {ROWS}.pendamping)
        WHERE pendamping <> ''""")
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'pendamping', r.pendamping,
               'Pengguna ' || r.pendamping || ' tidak dikenal', r.registry_id
        FROM {ROWS} r WHERE r.pendamping <> '' AND r.pendamping_id IS NULL""")
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'pendamping', r.pendamping,
               'Pengguna ' || r.pendamping || ' bukan pendamping aktif di kecamatan keluarga ini ('
               || SUBSTR(r.desa, 1, 6) || ')', r.registry_id
        FROM {ROWS} r JOIN accounts_user u ON u.id = r.pendamping_id
        WHERE r.desa <> '' AND (u.role <> %s OR NOT u.is_active OR u.region_id IS NULL
                                OR u.region_id <> SUBSTR(r.desa, 1, 6))""",
        [Role.PENDAMPING],
    )  # fmt: skip


def check_scope(prefix: str) -> None:
    """Rows outside the importer's region, and families registered elsewhere, are errors.

    An operator of one kabupaten must not be able to write another's families
    by uploading them; the command line (a server administrator) has no prefix.
    """
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'kode_desa', r.desa,
               'Kode desa ' || r.desa || ' di luar wilayah Anda (' || %s || ')', r.registry_id
        FROM {ROWS} r WHERE r.desa <> '' AND r.desa NOT LIKE %s""",
        [prefix, f"{prefix}%"],
    )  # fmt: skip
    execute(f"""
        INSERT INTO {ERRORS} (line, kolom, nilai, pesan, registry_id)
        SELECT r.line, 'id_keluarga', r.registry_id,
               'Keluarga ini tidak ditemukan di wilayah Anda', r.registry_id
        FROM {ROWS} r JOIN registry_family f ON f.registry_id = r.registry_id
        WHERE f.region_code NOT LIKE %s""",
        [f"{prefix}%"],
    )  # fmt: skip


def family_changed_condition(family: str, source: str) -> str:
    """SQL true when `source` (staged column names) differs from the family row."""
    neq = distinct_op()
    pairs = [("kk_number", "kk"), ("region_code", "desa"), ("address", "address"),
             ("bank", "bank"), ("kks_number", "kks"), ("desil", "desil")]  # fmt: skip
    # An empty `pendamping` keeps the family's pendamping: only a named one changes it.
    named = f"{source}.pendamping_id"
    assigned = f"({named} IS NOT NULL AND {family}.pendamping_id {neq} {named})"
    return " OR ".join([*(f"{family}.{a} {neq} {source}.{b}" for a, b in pairs), assigned])


def member_changed_condition(member: str, source: str) -> str:
    """SQL true when `source` (staged column names) differs from the member row."""
    neq = distinct_op()
    pairs = [("region_code", "desa"), ("name", "name"), ("sex", "sex"), ("birth_date", "birth"),
             ("relation", "relation"), ("pregnant", "pregnant"), ("school_level", "school"),
             ("severe_disability", "disability"), ("alive", "alive")]  # fmt: skip
    return " OR ".join(f"{member}.{a} {neq} {source}.{b}" for a, b in pairs)
