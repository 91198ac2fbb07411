"""What every operation of the REST API promises, so that its OpenAPI schema is true.

Parameters carry their ranges in the schema (a year PKH can have, a key either database can
store), so an out-of-range value is refused with 422 before it reaches a query. Every error
body has one shape, `ErrorOut`: `{"detail": "<pesan>"}` — ninja's own validation errors too
(`invalid_parameters`), whose list of problems is joined into that one message.
"""

from datetime import date
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from harapan.lib.months import parse_month

# PKH began in 2007; the stage forms of the pages accept the same years.
FIRST_YEAR, LAST_YEAR = 2007, 2100
# The largest key a bigint column holds on PostgreSQL and SQLite alike.
MAX_KEY = 2**63 - 1

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="Tahun (2007–2100)")]
StageNumber = Annotated[int, Field(ge=1, le=4, description="Tahap (1–4)")]
Key = Annotated[int, Field(ge=1, le=MAX_KEY)]
After = Annotated[
    int, Field(ge=0, le=MAX_KEY, description="Kursor halaman: `next` dari halaman sebelumnya")
]
Offset = Annotated[int, Field(ge=0, le=MAX_KEY)]
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$", description="Bulan, TTTT-BB")]


def limit(maximum: int) -> Any:
    """A page size from 1 to `maximum`."""
    return Annotated[int, Field(ge=1, le=maximum, description=f"Jumlah per halaman (1–{maximum})")]


class ErrorOut(Schema):
    detail: str


def documented(ok: Any, *errors: int, status: int = 200) -> dict[int, Any]:
    """The responses of an operation: `ok` for 200 (or `status`: 201 for one that creates);
    401 (not signed in), 422 (a parameter refused) and 429 (too many wrong tokens from the
    address: accounts/throttling.py) for every one, plus the error codes given (404 where an
    object is looked up)."""
    always = {401: ErrorOut, 422: ErrorOut, 429: ErrorOut}
    return {status: ok, **always} | {code: ErrorOut for code in errors}


def api_month(text: str) -> date:
    """`YYYY-MM` of a year PKH can have → the month's first day; 422 otherwise."""
    try:
        month = parse_month(text)
    except ValueError:
        month = None  # also year 0, which `date` itself refuses
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
        raise HttpError(
            422,
            f"Bulan '{text}' tidak valid: tulis sebagai TTTT-BB antara {FIRST_YEAR}-01 "
            f"dan {LAST_YEAR}-12, mis. 2026-03.",
        )
    return month


def send_errors_as_documented(api: NinjaAPI) -> None:
    api.add_exception_handler(
        ValidationError, lambda request, exc: invalid_parameters(api, request, exc)
    )


def invalid_parameters(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """ninja's 422 in the documented shape: one message naming each refused parameter."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc'][1:]) or error['loc'][0]}: {error['msg']}"
        for error in exc.errors
    )
    return api.create_response(request, {"detail": f"Parameter tidak sah: {problems}"}, status=422)
