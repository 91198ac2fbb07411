"""Claims: two runs of the same work on overlapping regions never both write (STYLE.md).

A claim is a row, committed before the work starts and deleted when it ends,
so that a second run anywhere sees it: a national run and a kabupaten run of
the same stage overlap, two different kabupaten do not. The check and the
insert happen under one lock (`locking.serialized`), so two runs starting in
the same instant cannot both pass the check.

A claim left behind by a process that died (a worker killed midway) does not
block for ever: on the same host a dead pid frees it at once, from another
host a claim older than `HARAPAN_CLAIM_STALE_HOURS` is taken as abandoned.
"""

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.management.base import CommandError
from django.db import OperationalError, connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from harapan.lib import regioncode

from .locking import serialized
from .models import Claim


class ClaimRefused(CommandError):
    """The work is being done by another run; the message says so in Indonesian.

    A CommandError, so that a command meeting it stops with that message and
    exit code 1, never a traceback; a run's page shows it (runs.py).
    """


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_alive(holder: str, since) -> bool:
    host, _sep, pid = holder.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    stale = timedelta(hours=getattr(settings, "HARAPAN_CLAIM_STALE_HOURS", 12))
    return timezone.now() - since < stale


def where(region_code: str) -> str:
    """How a message names a claim's region: its dotted code, or the whole country."""
    if not region_code:
        return _("seluruh Indonesia")
    return _("wilayah %s") % regioncode.dotted(region_code)


def _overlaps(a: str, b: str) -> bool:
    return a.startswith(b) or b.startswith(a)


def take(scope: str, region_code: str, *, what: str, user=None, run=None) -> Claim:
    """Claim `scope` for `region_code`, or raise ClaimRefused naming the run that holds it."""
    # A plain read first: it refuses at once, even on SQLite while the run
    # holding the claim keeps the database's write lock (which the lock below
    # would wait for).
    _refuse_if_held(scope, region_code, what)
    try:
        with serialized(f"claim:{scope}"):
            _refuse_if_held(scope, region_code, what, free_dead=True)
            by = user.get_username() if user is not None and user.is_authenticated else ""
            return Claim.objects.create(
                scope=scope, region_code=region_code, run=run, holder=holder_id(), started_by=by
            )
    except OperationalError as error:
        if connection.vendor != "sqlite" or "locked" not in str(error):
            raise
        # SQLite: another job kept the write lock past the timeout.
        raise ClaimRefused(
            _("%(what)s tidak dapat dimulai: basis data sedang dipakai pekerjaan lain yang "
              "menulis. Tidak ada yang diubah; ulangi sebentar lagi.") % {"what": what}
        ) from error  # fmt: skip


def _refuse_if_held(scope: str, region_code: str, what: str, *, free_dead=False) -> None:
    for claim in Claim.objects.filter(scope=scope):
        if not _overlaps(claim.region_code, region_code):
            continue
        if not holder_alive(claim.holder, claim.claimed_at):
            if free_dead:
                claim.delete()
            continue
        since = formats.date_format(timezone.localtime(claim.claimed_at), "j M Y H:i")
        by = claim.started_by or _("sistem")
        if claim.region_code != region_code:  # say which part of it is taken
            what = _("%(what)s tidak dapat dimulai: %(held)s") % {
                "what": what, "held": where(claim.region_code)
            }  # fmt: skip
        raise ClaimRefused(
            _("%(what)s sedang dikerjakan oleh %(by)s sejak %(since)s. Tidak ada yang "
              "diubah: tunggu sampai pekerjaan itu selesai, lalu ulangi bila perlu.")
            % {"what": what, "by": by, "since": since}
        )  # fmt: skip


@contextmanager
def claimed(scope: str, region_code: str, *, what: str, user=None, run=None) -> Iterator[Claim]:
    """Hold the claim while the block runs; release it however the block ends."""
    claim = take(scope, region_code, what=what, user=user, run=run)
    try:
        yield claim
    finally:
        Claim.objects.filter(pk=claim.pk).delete()
