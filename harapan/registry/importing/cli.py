"""What the all-or-nothing import commands say alike: a file refused, or its errors."""

from contextlib import contextmanager

from django.core.management.base import CommandError

from harapan.lib.tabular import FileProblem
from harapan.outfile import ensure_writable


@contextmanager
def reading(file: str, errors_file: str | None = None):
    """Turn a missing or unreadable file into the command's error message.

    An `--errors` file that could not be written is refused first, before the
    import reads anything.
    """
    ensure_writable(errors_file)
    try:
        yield
    except FileNotFoundError as exc:
        raise CommandError(f"Berkas tidak ditemukan: {file}") from exc
    except FileProblem as exc:
        raise CommandError(f"Berkas ditolak, tidak ada yang diimpor: {exc}") from exc


def refuse_on_errors(write, result, errors_file: str | None) -> None:
    """Show the first errors and stop (non-zero exit) when the file had any."""
    if result.ok:
        return
    where = (
        f" (rincian di {errors_file})" if errors_file else " (pakai --errors FILE untuk rinciannya)"
    )
    for line, column, value, message in result.error_lines[:10]:
        write(f"  baris {line} {column} {value!r}: {message}")
    raise CommandError(
        f"Impor dibatalkan: {result.errors:,} galat pada {result.error_rows:,} baris"
        f"{where}; tidak ada yang diimpor."
    )
