"""The main menu: pages grouped by task, each shown only to the roles that do it (DESIGN §11).

A new page in the menu is one `Item` line; a new group (Pengaduan, Kinerja, Laporan …) is one
`Group`. Who sees an item is the same rule the page's view applies, or narrower: a pendamping
is not shown office work (imports, reconciliation) even where the view would let them in.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from harapan.accounts.roles import (
    Role,
    follows_data_checks,
    may_assign_pendamping,
    may_change_family_data,
    may_compute_benefits,
    reads_audit_trail,
    sees_ethics_cases,
    works_in_office,
)
from harapan.fieldwork.views_activities import reads_activities
from harapan.fieldwork.views_coaching import takes_part_in_coaching
from harapan.fieldwork.views_meetings import sees_meetings
from harapan.fieldwork.views_plans import reviews_work_plans
from harapan.registry.views.imports import may_import
from harapan.reports.scope import sees_dashboards
from harapan.reports.views_annual import makes_annual_reports


def has_role(user) -> bool:
    """Staff with a role: the pages of family data answer them, scoped (reporting.require_role)."""
    return bool(user.is_superuser or user.role)


def roles_in(*roles: Role) -> Callable:
    """Exactly these roles (no superuser shortcut): work one role does, e.g. in the field."""
    return lambda user: user.role in roles


def starts_office_runs(user) -> bool:
    """Office staff who upload files or start computations: they follow their runs."""
    return works_in_office(user) and may_change_family_data(user)


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    shown_to: Callable = has_role
    args: tuple = ()


@dataclass(frozen=True)
class Group:
    label: str
    namespace: str  # the URL namespace whose other pages (a family, a proposal) sit in it
    items: tuple[Item, ...]


MENU = (
    Group(_("Keluarga"), "registry", (
        Item(_("Daftar KPM"), "registry:family_list"),
        Item(_("Pemutakhiran data"), "registry:change_list"),
        Item(_("Penugasan pendamping"), "registry:assignments", may_assign_pendamping),
        Item(_("Temuan data"), "registry:data_findings", follows_data_checks),
        Item(_("Impor registri"), "registry:import_upload", may_import),
        Item(_("Impor kepesertaan program"), "programs:import_upload", starts_office_runs),
    )),
    Group(_("Bantuan"), "benefits", (
        Item(_("Penetapan"), "benefits:entitlement_list"),
        Item(_("Kartu KKS"), "benefits:kks_not_held"),
        Item(_("Rekonsiliasi"), "benefits:reconciliation", works_in_office),
        Item(_("Impor penyaluran"), "benefits:disbursement_upload", may_import),
        Item(_("Hitung penetapan"), "benefits:compute", may_compute_benefits),
        Item(_("Celah program komplementer"), "programs:gaps"),
        Item(_("Usulan program"), "programs:proposal_list"),  # complementary programmes
    )),
    Group(_("Verifikasi"), "compliance", (
        Item(_("Kehadiran sekolah"), "compliance:school_choice", roles_in(Role.PENDAMPING)),
        Item(_("Pemantauan verifikasi"), "compliance:monitoring"),
        Item(_("Impor verifikasi"), "compliance:verification_upload", starts_office_runs),
        Item(_("Sekolah & faskes"), "compliance:reference_list", works_in_office, ("sekolah",)),
    )),
    Group(_("P2K2"), "fds", (
        Item(_("Kelompok P2K2"), "fds:group_list"),
        Item(_("Pertemuan P2K2"), "fds:meeting_list"),
        Item(_("KPM perlu perhatian"), "fds:flagged"),
        Item(_("Laporan P2K2"), "fds:report_meetings"),
    )),
    Group(_("Graduasi"), "graduation", (
        Item(_("Usulan graduasi"), "graduation:proposal_list"),
        Item(_("Kesiapan graduasi"), "graduation:readiness"),
        Item(_("Calon graduasi alamiah"), "graduation:candidates"),
        Item(_("Target GSM"), "graduation:targets"),
    )),
    Group(_("Pengaduan"), "complaints", (
        Item(_("Kelola pengaduan"), "complaints:list"),
        Item(_("Catat pengaduan"), "complaints:intake", may_change_family_data),
        Item(_("Statistik pengaduan"), "complaints:statistics"),
    )),
    Group(_("Kinerja"), "fieldwork", (
        Item(_("Rencana kerja"), "fieldwork:plan", roles_in(Role.PENDAMPING)),
        Item(_("Tinjau rencana kerja"), "fieldwork:plan_review_list", reviews_work_plans),
        Item(_("Kegiatan"), "fieldwork:activity_list", reads_activities),
        Item(_("Catat kegiatan"), "fieldwork:activity_new", roles_in(Role.PENDAMPING)),
        Item(_("Rapat koordinasi"), "fieldwork:meeting_list", sees_meetings),
        Item(_("Tindak lanjut rapat"), "fieldwork:action_items", sees_meetings),
        Item(_("Pembinaan"), "fieldwork:coaching_list", takes_part_in_coaching),
        Item(_("Kode etik"), "fieldwork:ethics_list", sees_ethics_cases),
    )),
    Group(_("Laporan"), "reports", (
        Item(_("Kinerja pendamping"), "reports:scorecard"),
        Item(_("Dasbor"), "reports:dashboard", sees_dashboards),
        Item(_("Riwayat wilayah"), "reports:history", sees_dashboards),
        Item(_("Laporan tahunan"), "reports:annual", makes_annual_reports),
    )),
    Group(_("Audit"), "audit", (
        Item(_("Jejak audit"), "audit:trail", reads_audit_trail),
    )),
)  # fmt: skip

# The user's own menu, at the end of the bar (Keluar is a form: the template adds it).
ACCOUNT = Group(_("Akun"), "jobs", (
    Item(_("Pekerjaan"), "jobs:run_list", starts_office_runs),
    Item(_("Profil"), "profile", lambda user: True),
))  # fmt: skip


@dataclass
class Link:
    label: str
    url: str
    current: bool


@dataclass
class Shown:
    label: str
    namespace: str
    links: list[Link]
    current: bool = False


def _shown(group: Group, user, path: str) -> Shown:
    links = []
    for item in group.items:
        if item.shown_to(user):
            url = reverse(item.url_name, args=item.args)
            links.append(Link(item.label, url, url == path))
    return Shown(group.label, group.namespace, links)


def _mark_current(shown: list[Shown], request) -> None:
    """The group of the page: the one with the longest link the path starts with (a family
    under Daftar KPM's /kpm/), else the one of the page's URL namespace."""
    path = request.path
    prefixes = [(len(link.url), group) for group in shown for link in group.links
                if path.startswith(link.url)]  # fmt: skip
    if prefixes:
        max(prefixes, key=lambda found: found[0])[1].current = True
        return
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    for group in shown:
        group.current = bool(namespace) and group.namespace == namespace


def menu_for(request) -> dict:
    """The groups and account links `request.user` sees, the current page's group marked."""
    user = request.user
    groups = [_shown(group, user, request.path) for group in MENU]
    groups = [group for group in groups if group.links]
    account = _shown(ACCOUNT, user, request.path)
    _mark_current([*groups, account], request)
    return {"groups": groups, "account": account}


def main_menu(request) -> dict:
    """Context processor: `main_menu`, built only when a page draws it (signed-in users)."""
    user = getattr(request, "user", None)  # absent when a middleware before auth failed
    if user is None or not user.is_authenticated:
        return {}
    return {"main_menu": SimpleLazyObject(lambda: menu_for(request))}
