"""Test helpers: named personas (STYLE.md) and plain `make_*` factories."""

import signal
from datetime import date, datetime, time
from functools import cache
from itertools import count
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import TestCase

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.lib import nik, regioncode
from harapan.regions.models import Region
from harapan.registry.models import Family, Member

_serial = count(1)
PASSWORD = "rahasia-uji-123"
WORKER_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)

REGION_NAMES = {
    "18": "LAMPUNG",
    "1806": "KAB. TANGGAMUS",
    "180601": "Kota Agung",
    "180602": "Talang Padang",
    "1806012001": "Kuripan",
    "1806022001": "Sinar Semendo",
    "1872": "KOTA METRO",
    "187201": "Metro Pusat",
    "1872011001": "Metro",
}
KEC_A, KEC_B, DESA_A, DESA_B = "180601", "180602", "1806012001", "1806022001"
METRO_DESA = "1872011001"


def make_region(code: str, name: str | None = None) -> Region:
    """The region and all its ancestors, created when missing."""
    region = None
    for part in regioncode.ancestors(code):
        region, _ = Region.objects.get_or_create(
            code=part,
            defaults={
                "name": name
                if part == code and name
                else REGION_NAMES.get(part, f"Wilayah {part}"),
                "level": regioncode.level(part),
                "parent_code": regioncode.parent(part) or "",
            },
        )
    return region


@cache
def password_hash() -> str:
    """PASSWORD hashed once per test process by the project's real hasher: a hash costs
    half a second of CPU (PBKDF2, a million rounds) and a PersonaTestCase makes nine users.
    Signing in still checks the password against it the production way."""
    return make_password(PASSWORD)


def make_user(username: str, role: Role | str = "", region: str | None = None, **kwargs) -> User:
    if region:
        make_region(region)
    kwargs.setdefault("first_name", username.replace("_", " ").title())
    return User.objects.create(
        username=username, password=password_hash(), role=role, region_id=region, **kwargs
    )


def make_nik(kecamatan: str = KEC_A, birth: date = date(1985, 5, 17), sex: str = "L") -> str:
    return nik.make_nik(kecamatan, birth, sex, next(_serial) % 9999 + 1)


def make_family(members: list[dict] | None = None, **kwargs) -> Family:
    """A family with a head of household (or the members given, as Member kwargs)."""
    n = next(_serial)
    kwargs.setdefault("registry_id", f"KPM{n:07d}")
    kwargs.setdefault("region_code", DESA_A)
    kwargs.setdefault("kk_number", f"{kwargs['region_code'][:6]}0101{n % 1000000:06d}")
    make_region(kwargs["region_code"])
    family = Family.objects.create(**kwargs)
    if members is None:
        members = [{"relation": "kepala_keluarga"}]
    for spec in members:
        make_member(family, **spec)
    return family


def make_member(family: Family, **kwargs) -> Member:
    kwargs.setdefault("sex", "L")
    kwargs.setdefault("birth_date", date(1985, 5, 17))
    kwargs.setdefault("relation", "anak")
    kwargs.setdefault("nik", make_nik(family.region_code[:6], kwargs["birth_date"], kwargs["sex"]))
    kwargs.setdefault("name", f"Warga {next(_serial)}")
    return Member.objects.create(family=family, region_code=family.region_code, **kwargs)


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form, in a browser test (Playwright page)."""
    page.goto(f"{base_url}/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_selector("text=Keluar")


class PersonaTestCase(TestCase):
    """Kabupaten Tanggamus with Kecamatan A and B, and Kota Metro next door.

    pendamping_a and pendamping_a2 work in Kecamatan A, pendamping_b in B;
    each has one family. korcam_a coordinates A, korkab the kabupaten, korwil
    the province; operator is the Dinas Sosial of Tanggamus; admin_pusat and
    auditor are national. metro_family sits in another kabupaten.
    """

    @classmethod
    def setUpTestData(cls):
        cls.pendamping_a = make_user("pendamping_a", Role.PENDAMPING, KEC_A)
        cls.pendamping_a2 = make_user("pendamping_a2", Role.PENDAMPING, KEC_A)
        cls.pendamping_b = make_user("pendamping_b", Role.PENDAMPING, KEC_B)
        cls.korcam_a = make_user("korcam_a", Role.KORCAM, KEC_A)
        cls.korkab = make_user("korkab", Role.KORKAB, "1806")
        cls.korwil = make_user("korwil", Role.KORWIL, "18")
        cls.operator = make_user("operator", Role.OPERATOR, "1806")
        cls.admin_pusat = make_user(
            "admin_pusat", Role.ADMIN_PUSAT, is_staff=True, is_superuser=True
        )
        cls.auditor = make_user("auditor", Role.AUDITOR)
        cls.family_a = make_family(region_code=DESA_A, pendamping=cls.pendamping_a)
        cls.family_a2 = make_family(region_code=DESA_A, pendamping=cls.pendamping_a2)
        cls.family_b = make_family(region_code=DESA_B, pendamping=cls.pendamping_b)
        cls.metro_family = make_family(region_code=METRO_DESA)


def make_approved_exit(exit_date: date, *, approved_on: date | None = None) -> Family:
    """A family of Kecamatan A whose exit dated `exit_date` is proposed, verified and
    approved (on `approved_on`, default today: an exit already due takes effect then)."""
    from django.utils import timezone

    from harapan.graduation import actions

    pendamping = make_user(f"pendamping_{next(_serial)}", Role.PENDAMPING, KEC_A)
    korcam = make_user(f"korcam_{next(_serial)}", Role.KORCAM, KEC_A)
    korkab = make_user(f"korkab_{next(_serial)}", Role.KORKAB, KEC_A[:4])
    family = make_family(region_code=DESA_A, pendamping=pendamping)
    clock = (
        timezone.now()
        if approved_on is None
        else datetime.combine(approved_on, time(12), tzinfo=timezone.get_current_timezone())
    )
    with mock.patch("django.utils.timezone.now", return_value=clock):
        proposal = actions.propose_exit(
            family, kind="sejahtera_mandiri", reason="Usaha warung berjalan",
            exit_date=exit_date, letter_number="07/PKH/XII", letter_date=exit_date,
            acting_user=pendamping,
        )  # fmt: skip
        actions.verify_exit(proposal, acting_user=korcam)
        actions.approve_exit(proposal, acting_user=korkab)
    family.refresh_from_db()
    return family


def run_due_tasks() -> None:
    """Run every task that is due, in this process, through the real database worker.

    `harapan db_worker --batch` claims and runs due tasks until none is left, then
    returns. It closes connections the way a worker does, so call it from a
    transactional test (`django_db(transaction=True)`), not inside a TestCase.
    """
    handlers = {sig: signal.getsignal(sig) for sig in WORKER_SIGNALS}
    try:
        call_command(
            "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        for sig, handler in handlers.items():  # the worker installs its own
            signal.signal(sig, handler)
