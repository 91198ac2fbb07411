"""The `harapan` console script: the same as `python manage.py`."""

import os
import sys

# A command that waited the whole busy timeout for SQLite's write lock (another
# job writing for longer) stops with this, not a traceback.
DATABASE_BUSY = (
    "CommandError: Basis data sedang dipakai pekerjaan lain yang menulis, lebih lama dari batas "
    "tunggu (HARAPAN_SQLITE_BUSY_TIMEOUT). Perintah dihentikan dan perubahannya yang belum "
    "tersimpan dibatalkan; ulangi setelah pekerjaan itu selesai.\n"
)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harapan.settings")
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        if "database is locked" not in str(error):
            raise
        sys.stderr.write(DATABASE_BUSY)
        sys.exit(1)


if __name__ == "__main__":
    main()
