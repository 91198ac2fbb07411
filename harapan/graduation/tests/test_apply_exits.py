"""An approved exit takes effect on its exit date, through `apply_exits` (DESIGN §7).

End to end through the commands: a registry file is imported, a GSM exit
dated next January is proposed, verified and approved today, and the
family stays in PKH until `apply_exits` runs on that date.
"""

import tempfile
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.compliance.models import Sanction, SanctionKind
from harapan.fds import actions as fds_actions
from harapan.fds.models import Group, Membership
from harapan.graduation import actions, targets
from harapan.graduation.models import ExitProposal
from harapan.registry import changes
from harapan.registry.models import ChangeRequest, Family
from harapan.testing import DESA_A, PersonaTestCase

REGISTRY = """id_keluarga,no_kk,kode_desa,nik,nama,jenis_kelamin,tanggal_lahir,hubungan_keluarga,hamil,jenjang_pendidikan,disabilitas_berat,status_hidup
G-001,1806010101300001,1806012001,1806011010850001,Suparno,L,1985-10-10,kepala_keluarga,,,,
G-001,1806010101300001,1806012001,1806014404150006,Ayu,P,2015-04-04,anak,,sd,,
G-002,1806010101300002,1806012001,1806011111800011,Paimin,L,1980-11-11,kepala_keluarga,,,,
"""


class ApplyExits(PersonaTestCase):
    def setUp(self):
        self.today = timezone.localdate()
        registry = self.tmp_file("registri.csv", REGISTRY)
        call_command("import_registry", registry, verbosity=0, stdout=StringIO())
        Family.objects.filter(registry_id__in=["G-001", "G-002"]).update(
            pendamping=self.pendamping_a
        )
        self.leaving = Family.objects.get(registry_id="G-001")
        self.staying = Family.objects.get(registry_id="G-002")
        self.group = fds_actions.save_group(
            Group(name="Melati", region_code=DESA_A, pendamping=self.pendamping_a),
            acting_user=self.pendamping_a,
        )
        for family in (self.leaving, self.staying):
            fds_actions.assign_family(self.group, family, on=self.today,
                                      acting_user=self.pendamping_a)  # fmt: skip
        self.group.leader = self.leaving
        fds_actions.save_group(self.group, acting_user=self.pendamping_a)
        ayu = self.leaving.members.get(name="Ayu")
        # A data update waiting for the korcam.
        self.change = changes.request_change(self.leaving, "pendidikan", {"school_level": "smp"},
                                             member=ayu, acting_user=self.pendamping_a)  # fmt: skip
        # Ayu's school component terminated since this year's first stage.
        self.sanction = Sanction.objects.create(
            member=ayu, region_code=ayu.region_code, component="sd",
            kind=SanctionKind.TERMINATION, year=self.today.year, stage=1,
        )  # fmt: skip

    def tmp_file(self, name: str, text: str) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    def approve(self, family: Family, exit_date: date) -> ExitProposal:
        proposal = actions.propose_exit(
            family, kind="sejahtera_mandiri", reason="Usaha warung berjalan, mengundurkan diri",
            exit_date=exit_date, letter_number="07/PKH/XII", letter_date=self.today,
            acting_user=self.pendamping_a,
        )  # fmt: skip
        actions.verify_exit(proposal, acting_user=self.korcam_a)
        return actions.approve_exit(proposal, acting_user=self.korkab)

    def apply(self, day: date) -> str:
        out = StringIO()
        call_command("apply_exits", date=day.isoformat(), stdout=out)
        return out.getvalue()

    def gsm(self, year: int) -> int:
        [row] = targets.progress(year, targets.pendamping_in_scope(self.pendamping_a))
        return row.achieved

    def in_force(self, year: int, stage: int) -> bool:
        return Sanction.objects.in_force(year, stage).filter(pk=self.sanction.pk).exists()

    def sanction_list_shows(self, year: int, stage: int) -> bool:
        self.client.force_login(self.korkab)
        page = self.client.get(reverse("compliance:sanction_list"),
                               {"tahun": year, "tahap": stage})  # fmt: skip
        return self.sanction in page.context["rows"]

    def exit_rows(self):
        return AuditEntry.objects.filter(action="registry.family.exit")

    def test_an_approved_exit_waits_for_its_date_then_takes_the_family_out_once(self):
        exit_date = date(self.today.year + 1, 1, 15)  # always after today
        next_year = exit_date.year
        self.approve(self.leaving, exit_date)

        # Approved, not yet out: active, in its group, sanctioned, not yet a GSM graduation.
        self.leaving.refresh_from_db()
        assert (self.leaving.status, self.leaving.exit_reason, self.leaving.exit_date) == (
            "aktif", "", None)  # fmt: skip
        assert Family.objects.active().filter(pk=self.leaving.pk).exists()
        assert set(fds_actions.members_on(self.group, self.today)) == {self.leaving, self.staying}
        assert self.in_force(next_year, 1) and self.sanction_list_shows(next_year, 1)
        assert (self.gsm(self.today.year), self.gsm(next_year)) == (0, 0)
        assert not self.exit_rows().exists()
        assert ChangeRequest.objects.pending().filter(pk=self.change.pk).exists()
        # The exit under way blocks a second proposal.
        assert ExitProposal.objects.open().filter(family=self.leaving).count() == 1

        # The day before: nothing happens.
        output = self.apply(exit_date - timedelta(days=1))
        assert "Tidak ada graduasi yang jatuh tempo" in output
        self.leaving.refresh_from_db()
        assert self.leaving.status == "aktif"
        assert not self.exit_rows().exists()

        # On the date: out, with one audit row, out of its group, sanctions stopped.
        output = self.apply(exit_date)
        assert (
            f"per {exit_date.isoformat()}: 1 KPM keluar; 1 keanggotaan kelompok P2K2 "
            "diakhiri; 1 permohonan pemutakhiran ditolak."
        ) in output
        self.leaving.refresh_from_db()
        assert (self.leaving.status, self.leaving.exit_reason, self.leaving.exit_date) == (
            "keluar", "sejahtera_mandiri", exit_date)  # fmt: skip
        [row] = self.exit_rows()
        assert (row.object_type, row.object_id, row.object_repr) == (
            "registry.family", str(self.leaving.pk), "G-001")  # fmt: skip
        assert row.details["tanggal_keluar"] == exit_date.isoformat()
        membership = Membership.objects.get(family=self.leaving)
        assert membership.left_on == exit_date
        assert AuditEntry.objects.filter(action="fds.membership.leave",
                                         object_id=str(membership.pk)).count() == 1  # fmt: skip
        self.group.refresh_from_db()
        assert self.group.leader_id is None
        # It leaves the approver's list: its pending data update is turned down, audited.
        self.change.refresh_from_db()
        assert (self.change.status, self.change.rejection_reason) == (
            "ditolak",
            "KPM keluar dari PKH.",
        )
        assert AuditEntry.objects.filter(action="registry.change.reject",
                                         object_id=str(self.change.pk)).count() == 1  # fmt: skip
        assert list(fds_actions.members_on(self.group, exit_date)) == [self.staying]
        # History stays: before its date the family was in the group and sanctioned.
        assert self.leaving in fds_actions.members_on(self.group, exit_date - timedelta(days=1))
        assert self.in_force(self.today.year, 4)
        assert not self.in_force(next_year, 1) and not self.sanction_list_shows(next_year, 1)
        # GSM counts it in the year of its exit date, not the year of approval.
        assert (self.gsm(self.today.year), self.gsm(next_year)) == (0, 1)
        assert not ExitProposal.objects.open().filter(family=self.leaving).exists()
        self.staying.refresh_from_db()
        assert self.staying.status == "aktif"

        # Again: nothing changes.
        updated_at = self.leaving.updated_at
        audit_count = AuditEntry.objects.count()
        output = self.apply(exit_date)
        assert "Tidak ada graduasi yang jatuh tempo" in output
        self.leaving.refresh_from_db()
        assert self.leaving.updated_at == updated_at
        assert AuditEntry.objects.count() == audit_count
        assert Membership.objects.get(family=self.leaving).left_on == exit_date

    def test_an_exit_dated_today_or_before_takes_effect_on_approval(self):
        self.approve(self.leaving, self.today)
        self.leaving.refresh_from_db()
        assert (self.leaving.status, self.leaving.exit_date) == ("keluar", self.today)
        assert self.exit_rows().filter(object_id=str(self.leaving.pk)).count() == 1
        assert Membership.objects.get(family=self.leaving).left_on == self.today
        assert self.gsm(self.today.year) == 1
        assert "Tidak ada graduasi yang jatuh tempo" in self.apply(self.today)

    def test_a_family_that_left_before_keeps_no_open_membership_after_a_run(self):
        # Left before exits waited for their date: exited, still in its group.
        Family.objects.filter(pk=self.leaving.pk).update(
            status="keluar", exit_reason="pindah", exit_date=self.today - timedelta(days=3)
        )
        assert "1 keanggotaan kelompok P2K2 diakhiri" in self.apply(self.today)
        membership = Membership.objects.get(family=self.leaving)
        assert membership.left_on == self.today  # joined today: it cannot end earlier
        assert "Tidak ada graduasi yang jatuh tempo" in self.apply(self.today)


class ReopenEarlyExits(PersonaTestCase):
    def test_a_family_taken_out_at_approval_before_its_date_is_active_until_then(self):
        from importlib import import_module

        from django.apps import apps

        migration = import_module(
            "harapan.graduation.migrations.0002_reopen_exits_dated_after_today"
        )
        today = timezone.localdate()
        later, earlier = today + timedelta(days=30), today - timedelta(days=30)
        for family, exit_date in ((self.family_a, later), (self.family_a2, earlier)):
            ExitProposal.objects.create(
                family=family, region_code=family.region_code, kind="sejahtera_mandiri",
                reason="GSM", exit_date=exit_date, status="disetujui",
                proposed_by=self.pendamping_a, proposed_at=timezone.now(),
            )  # fmt: skip
            Family.objects.filter(pk=family.pk).update(
                status="keluar", exit_reason="sejahtera_mandiri", exit_date=exit_date
            )
        migration.reopen(apps, None)
        self.family_a.refresh_from_db()
        self.family_a2.refresh_from_db()
        assert (self.family_a.status, self.family_a.exit_date) == ("aktif", None)
        assert (self.family_a2.status, self.family_a2.exit_date) == ("keluar", earlier)
        [row] = AuditEntry.objects.filter(action="registry.family.reopen_until_exit_date")
        assert row.object_id == str(self.family_a.pk)
        assert ExitProposal.objects.open().filter(family=self.family_a).exists()
