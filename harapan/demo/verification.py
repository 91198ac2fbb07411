"""The demo's verification: schools and facilities, members' links, seven months of records.

Everything goes through the real imports (`import_reference`,
`import_verification`), so the demo exercises the same paths a Dinas Sosial
office uses. The newest month is left a third unverified, so the monitoring
page has missing verifications to show.
"""

import tempfile
from datetime import date

from django.db.models import Count, Q

from harapan.audit import trail
from harapan.compliance import calendar, commitments
from harapan.compliance.importing import import_verification
from harapan.compliance.models import HealthFacility, MemberService, School, Verification
from harapan.compliance.reference import FACILITIES, SCHOOLS, import_reference
from harapan.compliance.synthetic import (
    FACILITY_FIELDS,
    SCHOOL_FIELDS,
    VERIFICATION_FIELDS,
    VerificationGenerator,
    reference_rows,
)
from harapan.exports import csv_writer
from harapan.regions.models import Region
from harapan.registry import eligibility
from harapan.registry.models import Member

SEED = 2026
MONTHS = 7


def _import_file(fields: list[str], rows, load) -> object:
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="") as file:
        writer = csv_writer(file)
        writer.writerow(fields)
        writer.writerows([row.get(field, "") for field in fields] for row in rows)
        file.flush()
        result = load(file.name)
    if not result.ok:
        first = getattr(result, "error_lines", None) or getattr(result, "errors", [])
        raise RuntimeError(f"Data demo verifikasi gagal diimpor: {list(first)[:5]}")
    return result


def _reference(desa_codes: list[str]) -> None:
    names = dict(Region.objects.filter(code__in=desa_codes).values_list("code", "name"))
    schools, facilities = reference_rows(desa_codes, names)
    for fields, rows, kind in ((SCHOOL_FIELDS, schools, SCHOOLS),
                               (FACILITY_FIELDS, facilities, FACILITIES)):  # fmt: skip
        _import_file(fields, rows, lambda path, kind=kind: import_reference(
            path, kind, file_name=f"demo-{kind.slug}.csv"))  # fmt: skip


def _link_members(month: date) -> int:
    """Pupils to the school of their level nearby, everyone else owing a check to the
    posyandu of their desa (mothers, toddlers) or the kecamatan's puskesmas."""
    sd = dict(School.objects.filter(level="sd").values_list("region_code", "pk"))
    upper = {(s.region_code[:6], s.level): s.pk for s in School.objects.exclude(level="sd")}
    posyandu = dict(HealthFacility.objects.filter(kind="posyandu").values_list("region_code", "pk"))
    puskesmas = {f.region_code[:6]: f.pk for f in HealthFacility.objects.filter(kind="puskesmas")}
    links = []
    for member_id, desa, commitment in commitments.owed(month).values_list(
        "id", "region_code", "commitment"
    ):
        link = MemberService(member_id=member_id, region_code=desa)
        if commitment == eligibility.SD:
            link.school_id = sd.get(desa)
        elif commitment in eligibility.SCHOOL_LEVELS:
            link.school_id = upper.get((desa[:6], commitment))
        elif commitment in (eligibility.IBU_HAMIL, eligibility.ANAK_USIA_DINI):
            link.facility_id = posyandu.get(desa)
        else:
            link.facility_id = puskesmas.get(desa[:6])
        links.append(link)
    MemberService.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    return len(links)


def _records(today: date) -> int:
    this_month = calendar.month_start(today)
    months = [calendar.add_months(this_month, -n) for n in range(MONTHS, 0, -1)]
    generator = VerificationGenerator(seed=SEED)
    generator.pick_truants(
        Member.objects.filter(school_level__in=eligibility.SCHOOL_LEVELS).values_list(
            "nik", flat=True
        )
    )
    # A NIK found in two families is a registry error (check_data: NIK_DUPLIKAT)
    # that the import rightly refuses; the synthetic registry has a few.
    duplicated = (
        Member.objects.values("nik").annotate(n=Count("family_id", distinct=True)).filter(n__gt=1)
    )
    rows = []
    for month in months:
        owed = (
            commitments.owed(month)
            .exclude(nik__in=duplicated.values("nik"))
            .order_by("id")
            .values_list("nik", "commitment")
        )
        if month == months[-1]:
            # The month just ended: the pendamping are still collecting it.
            generator.unverified = 0.35
        rows.extend(generator.rows(month, owed))
    result = _import_file(
        VERIFICATION_FIELDS, rows,
        lambda path: import_verification(path, file_name="demo-verifikasi.csv", today=today),
    )  # fmt: skip
    return result.rows


def build_verification(today: date, log=print) -> None:
    """Reference data, links and records, once: a second demo run adds nothing."""
    if Verification.objects.exists():
        return
    desa_codes = sorted(
        set(Member.objects.filter(~Q(region_code="")).values_list("region_code", flat=True))
    )
    _reference(desa_codes)
    linked = _link_members(calendar.month_start(today))
    rows = _records(today)
    trail.record(None, "demo.verification", details={"links": linked, "records": rows})
    log(f"  verifikasi: {len(desa_codes)} desa, {linked} anggota terhubung, {rows} catatan")
