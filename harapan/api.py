"""The REST API under /api/v1/ (DESIGN §11): session auth for the browser,
token auth for integrations. Each app adds its router here."""

from csp.decorators import csp_update
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import Throttled

from harapan.api_auth import SIGN_IN
from harapan.api_contract import documented, send_errors_as_documented
from harapan.benefits.api import router as benefits_router
from harapan.complaints.api import router as complaints_router
from harapan.compliance.api import router as compliance_router
from harapan.fds.api import router as fds_router
from harapan.fieldwork.api import router as fieldwork_router
from harapan.fieldwork.api_activities import router as activities_router
from harapan.programs.api import router as programs_router
from harapan.registry.api import router as registry_router

api = NinjaAPI(
    title="Harapan API",
    version="1",
    description=(
        "API sistem informasi PKH. Semua data keluarga dibatasi wilayah dan peran pengguna."
    ),
    auth=SIGN_IN,
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
api.add_router("/", complaints_router)
api.add_router("/", activities_router)
api.add_router("/", fieldwork_router)
api.add_router("/", programs_router)
