from datetime import date

from django.test import TestCase

from harapan.accounts.models import User
from harapan.accounts.roles import Role
from harapan.demo.build import DEMO_PASSWORD, PEOPLE, build_demo
from harapan.registry.models import Family, Member
from harapan.testing import make_region


class DemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        for kecamatan in {p.region for p in PEOPLE if len(p.region) == 6}:
            for desa in ("2001", "2002", "2003"):
                make_region(f"{kecamatan}{desa}")
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)

    def test_every_demo_person_can_sign_in_with_the_printed_password(self):
        for person in PEOPLE:
            user = User.objects.get(username=person.username)
            assert user.check_password(DEMO_PASSWORD)
            assert user.role == person.role

    def test_pendamping_have_caseloads_of_real_size_in_their_kecamatan(self):
        for person in PEOPLE:
            if person.role != Role.PENDAMPING:
                continue
            caseload = Family.objects.filter(pendamping__username=person.username)
            assert caseload.count() == person.caseload
            assert 200 <= person.caseload <= 300
            assert not caseload.exclude(region_code__startswith=person.region).exists()
        assert Member.objects.count() > 4 * Family.objects.count() * 0.8

    def test_both_demo_kabupaten_have_a_korkab_and_korcams(self):
        for kabupaten in ("1872", "1806"):
            assert User.objects.filter(role=Role.KORKAB, region_id=kabupaten).exists()
            assert User.objects.filter(
                role=Role.KORCAM, region__code__startswith=kabupaten
            ).exists()

    def test_the_current_and_previous_stage_are_computed(self):
        from harapan.benefits.models import Entitlement

        stages = set(Entitlement.objects.values_list("stage__year_id", "stage__number"))
        assert stages == {(2026, 3), (2026, 4)}
        assert Entitlement.objects.filter(total__gt=0).count() > Family.objects.count() * 0.7

    def test_running_it_again_adds_nothing(self):
        families, users = Family.objects.count(), User.objects.count()
        build_demo(today=date(2026, 11, 1), log=lambda *_: None)
        assert (Family.objects.count(), User.objects.count()) == (families, users)

    def test_complaints_wait_at_every_step_and_the_conduct_one_is_hidden_from_the_accused(self):
        from harapan.complaints.models import Complaint, Level, Status

        # Four per pendamping (6, each with a korcam) plus the conduct one.
        assert Complaint.objects.count() == 6 * 4 + 1
        statuses = set(Complaint.objects.values_list("status", flat=True))
        assert statuses == {Status.RECEIVED, Status.RESPONDED, Status.RESOLVED}
        # The walk-ins of 9 days ago were never triaged: the run moved them up to the korcam.
        walk_ins = Complaint.objects.filter(kategori="kepesertaan")
        assert set(walk_ins.values_list("tingkat", flat=True)) == {Level.KORCAM}
        accused = User.objects.get(username="budi.santoso")
        conduct = Complaint.objects.get(kategori="pungli")
        assert conduct.accused == accused
        assert not Complaint.objects.visible_to(accused).filter(pk=conduct.pk).exists()
        korcam = User.objects.get(username="korcam.kotaagung")
        assert Complaint.objects.visible_to(korcam).filter(pk=conduct.pk).exists()
