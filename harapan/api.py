"""The REST API under /api/v1/ (DESIGN §11): session auth for the browser,
token auth for integrations. Each app adds its router here."""

from csp.decorators import csp_update
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import Throttled
from ninja.security import APIKeyHeader, django_auth

from harapan.accounts import throttling
from harapan.accounts.models import ApiToken
from harapan.api_contract import documented, send_errors_as_documented
from harapan.benefits.api import router as benefits_router
from harapan.compliance.api import router as compliance_router
from harapan.fds.api import router as fds_router
from harapan.registry.api import router as registry_router


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


api = NinjaAPI(
    title="Harapan API",
    version="1",
    description=(
        "API sistem informasi PKH. Semua data keluarga dibatasi wilayah dan peran pengguna."
    ),
    auth=[django_auth, TokenAuth()],
    urls_namespace="api",
    # Swagger UI's stylesheet draws its icons as data: images; only the docs may load them
    # (the policy of every other page stays as in settings.py).
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


send_errors_as_documented(api)


class MeOut(Schema):
    username: str
    name: str
    role: str
    region: str


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    response = api.create_response(
        request,
        {"detail": _("Terlalu banyak token API yang salah dari alamat ini. Coba lagi nanti.")},
        status=429,
    )
    response["Retry-After"] = str(exc.wait)
    return response


@api.get("/me", response=documented(MeOut), summary="Pengguna yang sedang masuk")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "region": user.region_id or "",
    }


api.add_router("/", registry_router)
api.add_router("/", benefits_router)
api.add_router("/", compliance_router)
api.add_router("/", fds_router)
