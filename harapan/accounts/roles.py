"""Roles (DESIGN §1) and what each may do. Access control is data, kept here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from harapan.lib import regioncode


class Role(models.TextChoices):
    PENDAMPING = "pendamping", _("Pendamping")
    KORCAM = "korcam", _("Koordinator kecamatan")
    KORKAB = "korkab", _("Koordinator kabupaten/kota")
    KORWIL = "korwil", _("Koordinator wilayah/provinsi")
    OPERATOR = "operator", _("Operator Dinas Sosial")
    ADMIN_PUSAT = "admin_pusat", _("Admin pusat")
    AUDITOR = "auditor", _("Auditor")


# The level of region each role is scoped to; None means national (or, for an
# auditor, any region the admin chooses, including none).
REGION_LEVEL = {
    Role.PENDAMPING: regioncode.KECAMATAN,
    Role.KORCAM: regioncode.KECAMATAN,
    Role.KORKAB: regioncode.KABUPATEN,
    Role.OPERATOR: regioncode.KABUPATEN,
    Role.KORWIL: regioncode.PROVINCE,
    Role.ADMIN_PUSAT: None,
    Role.AUDITOR: None,
}

# Roles that work with families by name and NIK. The others see masked NIKs;
# a full NIK shown to anyone is logged in the audit trail.
FULL_NIK_ROLES = {Role.PENDAMPING, Role.KORCAM, Role.KORKAB, Role.OPERATOR, Role.ADMIN_PUSAT}

# Roles offered a second factor (TOTP) at sign-in: those who approve, import, administer
# or read the whole trail (issue 14).
SECOND_FACTOR_ROLES = {Role.KORKAB, Role.OPERATOR, Role.ADMIN_PUSAT, Role.AUDITOR}

# Roles that only read: monitoring and audit.
READ_ONLY_ROLES = {Role.KORWIL, Role.AUDITOR}

# Roles that supervise the pendamping of their region (pembinaan berjenjang).
SUPERVISOR_ROLES = {Role.KORCAM, Role.KORKAB, Role.KORWIL}

# Fieldwork (issue 16): the tiers of pembinaan berjenjang, lowest first. A supervisor
# coaches whoever is on a lower tier in their region.
SUPERVISION_TIERS = [Role.PENDAMPING, Role.KORCAM, Role.KORKAB, Role.KORWIL]


def tiers_below(user) -> list[Role]:
    """The roles `user` supervises (coaches): none unless they are a supervisor."""
    if getattr(user, "role", "") not in SUPERVISOR_ROLES:
        return []
    return SUPERVISION_TIERS[: SUPERVISION_TIERS.index(Role(user.role))]


def supervises(user, person) -> bool:
    """Whether `user` is a supervisor above `person` in `person`'s region."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.region_id
        and person.role in tiers_below(user)
        and (person.region_id or "").startswith(user.region_id)
    )


# Code-of-ethics cases (DESIGN §9): the korkab and above act on them; the auditor reads.
ETHICS_ACTING_ROLES = {Role.KORKAB, Role.KORWIL, Role.ADMIN_PUSAT}


def acts_on_ethics_cases(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in ETHICS_ACTING_ROLES)
    )


def sees_ethics_cases(user) -> bool:
    return acts_on_ethics_cases(user) or bool(
        user.is_authenticated and user.is_active and user.role == Role.AUDITOR
    )


# Roles that assign families to the pendamping of their region (DESIGN §12).
ASSIGNING_ROLES = {Role.KORCAM, Role.KORKAB, Role.ADMIN_PUSAT}


def may_assign_pendamping(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in ASSIGNING_ROLES)
    )


# Roles whose home to-do lists the data-check findings of their region: those who
# get the data corrected (DESIGN §11, §12 check_data).
DATA_CHECK_ROLES = {Role.KORCAM, Role.KORKAB, Role.OPERATOR, Role.ADMIN_PUSAT}


def follows_data_checks(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in DATA_CHECK_ROLES)
    )


# Roles that start a stage's computation (entitlements, sanctions): an operator
# for their kabupaten, admin pusat for any region or the whole country.
COMPUTING_ROLES = {Role.OPERATOR, Role.ADMIN_PUSAT}


def may_compute_benefits(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in COMPUTING_ROLES))


def sees_full_nik(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in FULL_NIK_ROLES))


def may_change_family_data(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.role and user.role not in READ_ONLY_ROLES))
    )


# Roles that read the audit trail (DESIGN §1): the auditor, admin pusat, and the
# korkab for their kabupaten. What each sees is `scoping.audit_filter`.
AUDIT_TRAIL_ROLES = {Role.AUDITOR, Role.ADMIN_PUSAT, Role.KORKAB}


def reads_audit_trail(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in AUDIT_TRAIL_ROLES)
    )


# The pendamping work in the field, with families; every other role works in an office
# (coordination, imports, reconciliation, monitoring). Menus show office work to the office.
FIELD_ROLES = {Role.PENDAMPING}


def works_in_office(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or (user.role and user.role not in FIELD_ROLES))
    )
