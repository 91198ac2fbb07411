"""The demo site of DESIGN §12: Kota Metro (18.72) and Kab. Tanggamus (18.06).

A korwil for Lampung, an operator and a korkab per kabupaten/kota, a korcam
per kecamatan served, and pendamping with caseloads of real size (≈250 KPM).
Everyone's password is DEMO_PASSWORD. It grows as features land.
"""

import tempfile
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.audit import trail
from harapan.benefits.batch import compute_entitlements
from harapan.benefits.models import Stage
from harapan.benefits.panels import current_stage
from harapan.exports import csv_writer
from harapan.regions.models import Region
from harapan.registry.importing.engine import import_registry
from harapan.registry.models import Family
from harapan.registry.synthetic import FIELDS, Generator

from .complaints import build_complaints
from .fds import build_fds
from .fieldwork import build_fieldwork
from .graduation import build_graduation
from .programs import build_programmes
from .verification import build_verification

DEMO_PASSWORD = "harapan-demo"
DEMO_SEED = 2026


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: Role
    region: str
    caseload: int = 0


PEOPLE = [
    Person("korwil.lampung", "Hendra", "Gunawan", Role.KORWIL, "18"),
    Person("admin.pusat", "Ratna", "Kusumawati", Role.ADMIN_PUSAT, ""),
    Person("auditor", "Bambang", "Sulistyo", Role.AUDITOR, ""),
    # Kota Metro
    Person("operator.metro", "Dian", "Puspitasari", Role.OPERATOR, "1872"),
    Person("korkab.metro", "Yusuf", "Effendi", Role.KORKAB, "1872"),
    Person("korcam.metropusat", "Sri", "Mulyani", Role.KORCAM, "187201"),
    Person("korcam.metroutara", "Agus", "Salim", Role.KORCAM, "187202"),
    Person("siti.rahayu", "Siti", "Rahayu", Role.PENDAMPING, "187201", 260),
    Person("dedi.kurniawan", "Dedi", "Kurniawan", Role.PENDAMPING, "187201", 240),
    Person("wulan.sari", "Wulan", "Sari", Role.PENDAMPING, "187202", 255),
    # Kabupaten Tanggamus
    Person("operator.tanggamus", "Fajar", "Nugroho", Role.OPERATOR, "1806"),
    Person("korkab.tanggamus", "Marzuki", "Hasan", Role.KORKAB, "1806"),
    Person("korcam.kotaagung", "Endang", "Susilawati", Role.KORCAM, "180601"),
    Person("korcam.pulaupanggung", "Rahmat", "Hidayat", Role.KORCAM, "180604"),
    Person("nur.aini", "Nur", "Aini", Role.PENDAMPING, "180601", 280),
    Person("budi.santoso", "Budi", "Santoso", Role.PENDAMPING, "180601", 230),
    Person("ayu.lestari", "Ayu", "Lestari", Role.PENDAMPING, "180604", 210),
]


def _user(person: Person) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "role": person.role,
            "region_id": person.region or None,
            "is_staff": person.role == Role.ADMIN_PUSAT,
            "is_superuser": person.role == Role.ADMIN_PUSAT,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


def _families_for(pendamping: User, count: int, seed: int, today: date) -> int:
    """A pendamping's caseload in the desa of their kecamatan, through the real import."""
    desa = list(
        Region.objects.filter(level=4, parent_code=pendamping.region_id).values_list(
            "code", flat=True
        )
    )
    generator = Generator(desa, seed=seed, today=today)
    ids = set()
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="") as file:
        writer = csv_writer(file)
        writer.writerow(FIELDS)
        for row in generator.rows(count):
            writer.writerow([row.get(field, "") for field in FIELDS])
            ids.add(row["id_keluarga"])
        file.flush()
        result = import_registry(
            file.name, file_name=f"demo-{pendamping.username}.csv", today=today
        )
    if not result.imported:
        raise RuntimeError(f"Data demo gagal diimpor: {result.summary()}")
    return Family.objects.filter(registry_id__in=ids).update(pendamping=pendamping)


@transaction.atomic
def build_demo(today: date | None = None, log=print) -> list[Person]:
    """Create the demo people and caseloads; a second run adds nothing."""
    today = today or date.today()
    for index, person in enumerate(PEOPLE):
        user, created = _user(person)
        if created and person.caseload:
            made = _families_for(user, person.caseload, DEMO_SEED + index, today)
            log(f"  {person.username}: {made} keluarga dampingan")
    # Verification first: the stages below are paid on it (sanctions).
    build_verification(today, log)
    build_fds(today, log)
    build_graduation(today, log)
    build_complaints(today, log)
    build_fieldwork(today, log)  # after fds and complaints: their work is in the log
    build_programmes(today, log)  # on the registry as built: who is a pupil, who is old
    # This stage's and the previous stage's entitlements, so the benefit pages
    # have something to show; computing again fills in only new families.
    stage = current_stage(today)
    if stage is not None:
        previous = Stage.objects.filter(period_end__lt=stage.period_start).order_by("-period_end")
        for target in [previous.select_related("year").first(), stage]:
            if target is not None:
                compute_entitlements(target)
    trail.record(None, "demo.build", details={"people": len(PEOPLE)})
    return PEOPLE
