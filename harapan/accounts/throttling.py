"""Who is knocking and how often: the client's address, the sign-in lock-out's end
(django-axes counts the failures), and fixed-window counts in the shared "throttle" cache:
wrong API tokens, the public complaint form's submissions and wrong complaint PINs."""

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


def _window(key: str, seconds: int) -> tuple[str, int]:
    """The cache key of `key`'s current fixed window of `seconds`, and the seconds left in it."""
    now = clock()
    return f"{key}:{now // seconds}", seconds - now % seconds


def retry_after(key: str, *, limit: int, seconds: int) -> int:
    """Seconds until `key` (an address, a code…) may try again; 0 when it may now."""
    window, left = _window(key, seconds)
    return left if caches["throttle"].get(window, 0) >= limit else 0


def count(key: str, *, seconds: int) -> None:
    """One more try of `key` in its current window."""
    # Fixed windows: a count is one row, and what is left of its window is the Retry-After.
    # The database cache's incr is a read then a write, so two workers at the same instant
    # may count one try between them: a few tries more, never a wrong refusal.
    window, left = _window(key, seconds)
    cache = caches["throttle"]
    cache.add(window, 0, timeout=left + 1)
    cache.incr(window)


def token_retry_after(ip_address: str) -> int:
    """Seconds until `ip_address` may try a token again; 0 when it may now."""
    return retry_after(f"api-token-failures:{ip_address}",
                       limit=settings.HARAPAN_API_TOKEN_FAILURE_LIMIT,
                       seconds=settings.HARAPAN_API_TOKEN_WINDOW_SECONDS)  # fmt: skip


def count_token_failure(ip_address: str) -> None:
    count(f"api-token-failures:{ip_address}", seconds=settings.HARAPAN_API_TOKEN_WINDOW_SECONDS)
