"""The `--out FILE` (and `--errors FILE`) of the commands: written whole, or a clear refusal.

A path that cannot be written is the command's error (exit 1, an Indonesian
message), found before any work is done, never a traceback at the end.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from django.core.management.base import CommandError


def ensure_writable(out: str | None) -> None:
    """Refuse a path the command could not write, before it starts its work."""
    if not out:
        return
    path = Path(out)
    folder = path.parent
    if path.is_dir():
        raise CommandError(f"Tidak dapat menulis {out}: itu sebuah folder, bukan berkas.")
    if not folder.is_dir():
        raise CommandError(f"Tidak dapat menulis {out}: folder {folder} tidak ada.")
    if not os.access(path if path.exists() else folder, os.W_OK):
        raise CommandError(f"Tidak dapat menulis {out}: tidak ada izin menulis.")


@contextmanager
def out_path(out: str, *, private: bool = False) -> Iterator[Path]:
    """The path to write `out` through: it becomes `out` only when the block succeeds.

    It is written beside the target and moved in at the end, so a run that
    fails (a refusal, an error, Ctrl+C) never leaves a missing, empty or
    half-written file that looks like a result. A `private` file (a copy of
    the database) is readable by its owner only, from its first byte.
    """
    ensure_writable(out)
    path = Path(out)
    partial = path.with_name(path.name + ".part")
    try:
        if private:
            partial.unlink(missing_ok=True)
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        yield partial
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise CommandError(f"Tidak dapat menulis {out}: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


@contextmanager
def out_file(out: str) -> Iterator[TextIO]:
    """A UTF-8 text handle whose content becomes `out` only when the block succeeds."""
    with out_path(out) as partial, partial.open("w", encoding="utf-8", newline="") as handle:
        yield handle
