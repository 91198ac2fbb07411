"""Who calls the REST API (DESIGN §11): a browser's session or an integration's token, and,
for an operation that writes, a role that writes.

An operation that writes takes `auth=WRITERS`: a read-only role (korwil, auditor) is refused
with 403 as it signs in, before its request body is read, so that it gets the same answer
whatever it sends.
"""

from django.utils.translation import gettext as _
from ninja.errors import HttpError, Throttled
from ninja.security import APIKeyHeader
from ninja.security.session import SessionAuth

from harapan.accounts import throttling
from harapan.accounts.models import ApiToken
from harapan.accounts.roles import may_change_family_data


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>` for integrations."""

    param_name = "Authorization"

    def authenticate(self, request, key):
        if not key or not key.startswith("Token "):
            return None
        # An address that sent too many wrong tokens waits, whatever it sends now: a right
        # guess in the flood must not get through (accounts/throttling.py).
        address = throttling.client_ip(request)
        wait = throttling.token_retry_after(address)
        if wait:
            raise Throttled(wait)
        user = ApiToken.user_for(key.removeprefix("Token ").strip())
        if user is None:
            throttling.count_token_failure(address)
        else:
            request.user = user
        return user


class _Writes:
    """Signed in, then a role that writes; 403 otherwise."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and not may_change_family_data(user):
            raise HttpError(403, _("Peran Anda hanya membaca: tidak dapat mencatat lewat API."))
        return user


class WriterSessionAuth(_Writes, SessionAuth):
    """The browser's session, for an operation that writes."""


class WriterTokenAuth(_Writes, TokenAuth):
    """An integration's token, for an operation that writes."""


SIGN_IN = [SessionAuth(), TokenAuth()]
WRITERS = [WriterSessionAuth(), WriterTokenAuth()]
