"""The self-reliance (sejahtera mandiri) instrument of DESIGN §7: scoring, recording, ranking.

Each indicator met earns its weight from `AssessmentRules`; the sum is scaled to
0–100 by the sum of the weights, so the weights are relative and an admin may
change them without touching the threshold's meaning.
"""

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.registry import worklog
from harapan.registry.models import Family, FamilyStatus, head_name

from .models import Assessment, AssessmentRules

# Yes/no indicators and the weight each earns.
FLAGS = {
    "steady_work": "w_work",
    "business": "w_business",
    "assets": "w_assets",
    "housing": "w_housing",
    "schooling": "w_schooling",
    "insurance": "w_insurance",
    "savings": "w_savings",
}
WEIGHTS = ("w_income", *FLAGS.values(), "w_desil")
# PKH serves DTSEN desil 1–4; a family above it has left the target group.
PKH_TOP_DESIL = 4


def not_yours() -> str:
    return _("Penilaian dicatat oleh pendamping KPM ini atau korcam wilayahnya.")


def _answer(answers, key: str):
    if isinstance(answers, Mapping):
        return answers.get(key)
    return getattr(answers, key, None)


def score(answers, rules: AssessmentRules | None = None) -> int:
    """The 0–100 score of `answers` (a mapping or an Assessment) under `rules`."""
    rules = rules or AssessmentRules.current()
    total = sum(getattr(rules, weight) for weight in WEIGHTS)
    if not total:
        return 0
    income, line = _answer(answers, "monthly_income"), _answer(answers, "poverty_line")
    earned = rules.w_income if income is not None and line is not None and income > line else 0
    earned += sum(getattr(rules, w) for flag, w in FLAGS.items() if _answer(answers, flag))
    desil = _answer(answers, "desil")
    if desil is not None and desil > PKH_TOP_DESIL:
        earned += rules.w_desil
    return (200 * earned + total) // (2 * total)  # rounded half up, in integers


def may_record(user, family: Family) -> bool:
    """The family's pendamping, or the korcam of its region, records its assessment."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.PENDAMPING:
        return family.pendamping_id == user.pk
    if user.role == Role.KORCAM:
        return Family.objects.visible_to(user).filter(pk=family.pk).exists()
    return False


def _positive(value, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError(message)
    return value


def _clean(data: Mapping) -> dict:
    errors = []
    cleaned = {flag: bool(data.get(flag)) for flag in FLAGS}
    for key, message in (
        ("monthly_income", _("Penghasilan per bulan harus bilangan bulat rupiah lebih dari 0.")),
        ("poverty_line", _("Garis kemiskinan harus bilangan bulat rupiah lebih dari 0.")),
    ):
        try:
            cleaned[key] = _positive(data.get(key), message)
        except ValidationError as error:
            errors.extend(error.messages)
    desil = data.get("desil")
    if desil in ("", None):
        cleaned["desil"] = None
    elif isinstance(desil, int) and not isinstance(desil, bool) and 1 <= desil <= 10:
        cleaned["desil"] = desil
    else:
        errors.append(_("Desil DTSEN harus 1 sampai 10, atau dikosongkan."))
    assessed_on = data.get("assessed_on")
    if not isinstance(assessed_on, date):
        errors.append(_("Tanggal penilaian wajib diisi."))
    elif assessed_on > timezone.localdate():
        errors.append(_("Tanggal penilaian belum tiba."))
    cleaned["assessed_on"] = assessed_on
    cleaned["notes"] = (data.get("notes") or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def record_assessment(family: Family, data: Mapping, acting_user) -> Assessment:
    """Score and store one assessment of an active family; audited."""
    if not may_record(acting_user, family):
        raise PermissionDenied(not_yours())
    if family.status != FamilyStatus.ACTIVE:
        raise ValidationError(_("Penilaian hanya untuk KPM yang masih aktif."))
    cleaned = _clean(data)
    rules = AssessmentRules.current()
    assessment = Assessment.objects.create(
        family=family, region_code=family.region_code, assessed_by=acting_user,
        score=score(cleaned, rules), **cleaned,
    )  # fmt: skip
    trail.record(acting_user, "graduation.assess", assessment, details={
        "keluarga": family.registry_id, "skor": assessment.score,
        "siap": assessment.score >= rules.threshold,
    })  # fmt: skip
    worklog.record_one(acting_user, worklog.GRADUATION_ASSESSMENT, on=timezone.localdate(),
                       source=f"graduation.assessment:{assessment.pk}", family=family)  # fmt: skip
    return assessment


def _latest(field: str) -> Subquery:
    latest = Assessment.objects.filter(family=OuterRef("pk")).order_by("-assessed_on", "-id")
    return Subquery(latest.values(field)[:1])


def ranking(
    families: QuerySet, rules: AssessmentRules | None = None, per_pendamping: int | None = None
) -> list[Family]:
    """`families` with an assessment, best latest score first, in one query.

    Each family carries `latest_score`, `latest_on`, `latest_pk`, `head_name` and
    `ready` (the latest score reaches the threshold); only the latest assessment counts.
    With `per_pendamping`, only that many of each pendamping's best families are kept.
    """
    threshold = (rules or AssessmentRules.current()).threshold
    order = ("-latest_score", "-latest_on", "registry_id")
    ranked = (
        families.annotate(latest_score=_latest("score"), latest_on=_latest("assessed_on"),
                          latest_pk=_latest("pk"), head_name=head_name())
        .filter(latest_score__isnull=False)
        .select_related("pendamping")
        .order_by(*order)
    )  # fmt: skip
    if per_pendamping:
        order_by = [F("latest_score").desc(), F("latest_on").desc(), "registry_id"]
        place = Window(RowNumber(), partition_by=[F("pendamping_id")], order_by=order_by)
        ranked = ranked.annotate(place=place).filter(place__lte=per_pendamping)
    rows = list(ranked)
    for family in rows:
        family.ready = family.latest_score >= threshold
    return rows
