"""Who is knocking and how often: the client's address, the sign-in lock-out's end
(django-axes counts the failures) and the throttle on wrong API tokens."""

import time
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import caches
from django.db.models import Max


def client_ip(request) -> str:
    """The client's address: the peer's, or the one the trusted proxies saw.

    Each of HARAPAN_TRUSTED_PROXIES appends the address it was reached from to
    X-Forwarded-For, so the client's is that many from the right; what lies further left
    was written by the client and could be anything.
    """
    proxies = settings.HARAPAN_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def lockout_ends(username: str, ip_address: str) -> datetime | None:
    """When the lock-out of `username` from `ip_address` is over (the last counted failure
    plus the cool-off), or None when nothing is counted."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return last + get_cool_off() if last else None


def clock() -> int:
    """Unix seconds (a test moves it)."""
    return int(time.time())


def _token_window(ip_address: str) -> tuple[str, int]:
    """The cache key of this address's current window, and the seconds left in it."""
    window = settings.HARAPAN_API_TOKEN_WINDOW_SECONDS
    now = clock()
    return f"api-token-failures:{ip_address}:{now // window}", window - now % window


def token_retry_after(ip_address: str) -> int:
    """Seconds until `ip_address` may try a token again; 0 when it may now."""
    key, left = _token_window(ip_address)
    failures = caches["throttle"].get(key, 0)
    return left if failures >= settings.HARAPAN_API_TOKEN_FAILURE_LIMIT else 0


def count_token_failure(ip_address: str) -> None:
    # Fixed windows: a count is one row, and what is left of its window is the Retry-After.
    # The database cache's incr is a read then a write, so two workers at the same instant
    # may count one failure between them: a few tries more, never a wrong refusal.
    key, left = _token_window(ip_address)
    cache = caches["throttle"]
    cache.add(key, 0, timeout=left + 1)
    cache.incr(key)
