"""A family that moves to another kecamatan leaves its P2K2 group there (issue 11, item 9).

The group belongs to a pendamping of the old kecamatan and meets there; the
move is approved in the registry, which tells the apps above it by a signal.
"""

from datetime import date

from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.fds import actions
from harapan.fds.models import Group, Membership
from harapan.registry import changes
from harapan.registry.models import ChangeKind
from harapan.testing import DESA_A, DESA_B, PersonaTestCase, make_region

START = date(2025, 1, 10)
OTHER_DESA_IN_KEC_A = "1806012002"


class MovedFamilies(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_region(OTHER_DESA_IN_KEC_A, "Kuripan Baru")
        cls.group = actions.save_group(
            Group(name="Melati", region_code=DESA_A, pendamping=cls.pendamping_a),
            acting_user=cls.pendamping_a,
        )
        actions.assign_family(cls.group, cls.family_a, on=START, acting_user=cls.pendamping_a)
        cls.group.leader = cls.family_a
        actions.save_group(cls.group, acting_user=cls.pendamping_a)

    def move_to(self, desa: str, pendamping=None):
        request = changes.request_change(
            self.family_a, ChangeKind.MOVE, {"region_code": desa, "address": "Jl. Baru 7"},
            acting_user=self.pendamping_a,
        )  # fmt: skip
        changes.approve_change(request, acting_user=self.korkab, pendamping=pendamping)

    def test_a_move_to_another_kecamatan_ends_the_membership_today_and_the_leadership(self):
        self.move_to(DESA_B, pendamping=self.pendamping_b)
        membership = Membership.objects.get(family=self.family_a)
        assert membership.left_on == timezone.localdate()
        self.group.refresh_from_db()
        assert self.group.leader is None
        left = AuditEntry.objects.get(action="fds.membership.leave")
        assert left.details["sebab"] == "KPM pindah ke kecamatan lain"
        assert AuditEntry.objects.filter(action="fds.group.update", object_id=str(self.group.pk)
                                         ).count() == 2  # fmt: skip

    def test_a_move_within_the_kecamatan_keeps_the_group(self):
        self.move_to(OTHER_DESA_IN_KEC_A)
        membership = Membership.objects.get(family=self.family_a)
        assert membership.left_on is None
        self.group.refresh_from_db()
        assert self.group.leader_id == self.family_a.pk
        assert not AuditEntry.objects.filter(action="fds.membership.leave").exists()
