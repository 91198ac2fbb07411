"""The REST API under /api/v1/ (DESIGN §11): session auth for the browser,
token auth for integrations. Each app adds its router here."""

from csp.decorators import csp_update
from ninja import NinjaAPI, Schema
from ninja.security import APIKeyHeader, django_auth

from harapan.accounts.models import ApiToken
from harapan.api_contract import ErrorOut, send_errors_as_documented
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
        user = ApiToken.user_for(key.removeprefix("Token ").strip())
        if user is not None:
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


@api.get("/me", response={200: MeOut, 401: ErrorOut}, summary="Pengguna yang sedang masuk")
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
