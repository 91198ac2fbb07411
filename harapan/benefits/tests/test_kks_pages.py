from datetime import timedelta

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.benefits import kks
from harapan.benefits.models import KksCustody, KksHolder, KksStatus
from harapan.benefits.views_kks import kks_panel
from harapan.testing import DESA_A, PersonaTestCase, make_family

TODAY = timezone.localdate()
# benefits/urls.py, where the project will mount these pages, is written elsewhere.


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def page(family) -> str:
    return reverse("benefits:kks_family", args=[family.pk])


def record_url(family) -> str:
    return reverse("benefits:kks_record", args=[family.pk])


NOT_HELD = "benefits:kks_not_held"


class FamilyPageTest(PersonaTestCase):
    def test_every_page_needs_a_login(self):
        for url in (page(self.family_a), record_url(self.family_a), reverse(NOT_HELD)):
            response = self.client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login"))

    def test_a_family_with_no_entry_is_taken_to_hold_its_card(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(page(self.family_a))
        assert response.status_code == 200
        self.assertContains(response, "kartu dianggap dipegang KPM")
        self.assertContains(response, record_url(self.family_a))

    def test_a_pendamping_records_a_status_and_sees_it_on_top_of_the_history(self):
        self.client.force_login(self.pendamping_a)
        self.client.post(
            record_url(self.family_a),
            {"status": "hilang", "since": days_ago(10), "note": "Hilang saat banjir"},
        )
        response = self.client.post(
            record_url(self.family_a),
            {
                "status": "dipegang_lain",
                "holder": "kerabat",
                "holder_name": "Pak Darto",
                "since": days_ago(2),
            },
            follow=True,
        )
        self.assertRedirects(response, page(self.family_a))
        self.assertContains(response, "Status kartu dicatat.")
        history = response.context["history"]
        assert [e.status for e in history] == ["dipegang_lain", "hilang"]
        assert response.context["current"] == history[0]
        self.assertContains(response, "Pak Darto")
        self.assertContains(response, "Hilang saat banjir")
        self.assertContains(response, "Pendamping A")  # who recorded

    def test_a_violation_is_flagged_on_the_page(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            record_url(self.family_a),
            {"status": "dipegang_lain", "holder": "pendamping", "since": days_ago(1)},
            follow=True,
        )
        self.assertContains(response, "dicatat sebagai pelanggaran")
        self.assertContains(response, "Pelanggaran: kartu KPM tidak boleh dipegang pendamping")
        assert AuditEntry.objects.filter(action="benefits.kks.violation").count() == 1

    def test_errors_are_shown_in_indonesian_beside_their_field(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(
            record_url(self.family_a),
            {"status": "dipegang_lain", "holder": "aparat_desa", "since": days_ago(1)},
        )
        assert response.status_code == 200
        assert response.context["form"].errors == {"holder_name": ["Tuliskan nama pemegang kartu."]}
        self.assertContains(response, "Status belum dicatat.")
        response = self.client.post(record_url(self.family_a), {"status": "", "since": "kemarin"})
        assert response.context["form"].errors == {
            "status": ["Pilih status kartu."],
            "since": ["Tanggal harus berupa tanggal (TTTT-BB-HH)."],
        }
        future = (TODAY + timedelta(days=3)).isoformat()
        response = self.client.post(
            record_url(self.family_a), {"status": "hilang", "since": future}
        )
        assert response.context["form"].errors == {"since": ["Tanggal tidak boleh di masa depan."]}
        assert not KksCustody.objects.exists()

    def test_a_replacement_shows_the_new_card_number_waiting_for_approval(self):
        self.client.force_login(self.pendamping_a)
        before = self.family_a.kks_number
        response = self.client.post(
            record_url(self.family_a),
            {"status": "diganti", "since": days_ago(0), "kks_number": "6013-0100-0000-0009"},
            follow=True,
        )
        self.assertContains(response, "6013010000000009")
        self.assertContains(response, "berlaku setelah disetujui koordinator")
        self.family_a.refresh_from_db()
        assert self.family_a.kks_number == before

    def test_a_pendamping_of_another_kecamatan_gets_404(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(page(self.family_a)).status_code == 404
        response = self.client.post(
            record_url(self.family_a), {"status": "hilang", "since": days_ago(1)}
        )
        assert response.status_code == 404
        assert not KksCustody.objects.exists()

    def test_another_pendamping_of_the_same_kecamatan_gets_404_too(self):
        self.client.force_login(self.pendamping_a2)
        assert self.client.get(page(self.family_a)).status_code == 404

    def test_read_only_roles_see_the_history_but_no_form_and_get_403_on_record(self):
        kks.record_kks_status(
            self.family_a, status=KksStatus.LOST, since=TODAY, acting_user=self.pendamping_a
        )
        for user in (self.auditor, self.korwil):
            self.client.force_login(user)
            response = self.client.get(page(self.family_a))
            assert response.status_code == 200
            assert response.context["form"] is None
            self.assertNotContains(response, record_url(self.family_a))
            assert self.client.get(record_url(self.family_a)).status_code == 403
            response = self.client.post(
                record_url(self.family_a), {"status": "dipegang_kpm", "since": days_ago(0)}
            )
            assert response.status_code == 403
        assert KksCustody.objects.count() == 1

    def test_the_family_page_query_count_is_fixed(self):
        for n in range(5):
            kks.record_kks_status(
                self.family_a,
                status=KksStatus.LOST if n % 2 else KksStatus.HELD_BY_KPM,
                since=TODAY - timedelta(days=10 - n),
                acting_user=self.pendamping_a if n % 2 else self.korcam_a,
            )
        self.client.force_login(self.pendamping_a)
        # session, user, family, history with who recorded it, head of family, desa name
        with self.assertNumQueries(6):
            self.client.get(page(self.family_a))


class NotHeldListTest(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()

        def add(family, status, days, user, **kwargs):
            KksCustody.objects.create(
                family=family,
                region_code=family.region_code,
                status=status,
                since=TODAY - timedelta(days=days),
                recorded_by=user,
                **kwargs,
            )

        p, p2 = cls.pendamping_a, cls.pendamping_a2
        add(cls.family_a, KksStatus.HELD_BY_OTHER, 3, p, holder=KksHolder.PENDAMPING)
        cls.lost = make_family(region_code=DESA_A, pendamping=p, registry_id="KPM-HILANG")
        add(cls.lost, KksStatus.LOST, 9, p)
        cls.returned = make_family(region_code=DESA_A, pendamping=p, registry_id="KPM-KEMBALI")
        add(cls.returned, KksStatus.LOST, 20, p)
        add(cls.returned, KksStatus.HELD_BY_KPM, 4, p)
        add(cls.family_a2, KksStatus.HELD_BY_OTHER, 2, p2, holder="kerabat", holder_name="Bu Ani")
        add(cls.family_b, KksStatus.BLOCKED, 1, cls.pendamping_b)

    def listed(self, response) -> list[str]:
        return [f.registry_id for g in response.context["groups"] for f in g["families"]]

    def test_a_korcam_sees_their_kecamatan_grouped_by_pendamping(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse(NOT_HELD))
        assert response.status_code == 200
        groups = response.context["groups"]
        assert [g["pendamping"] for g in groups] == [self.pendamping_a, self.pendamping_a2]
        assert [f.registry_id for f in groups[0]["families"]] == [
            self.family_a.registry_id,  # the violation first
            "KPM-HILANG",
        ]
        assert groups[0]["violations"] == 1
        assert [f.registry_id for f in groups[1]["families"]] == [self.family_a2.registry_id]
        assert response.context["total"] == 3
        assert response.context["violations"] == 1
        self.assertNotContains(response, "KPM-KEMBALI")
        self.assertNotContains(response, self.family_b.registry_id)
        self.assertContains(response, "Bu Ani")
        self.assertContains(response, "dianggap memegang kartunya sendiri")

    def test_a_pendamping_sees_their_own_caseload(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.get(reverse(NOT_HELD))
        assert self.listed(response) == [self.family_a.registry_id, "KPM-HILANG"]
        self.assertContains(response, "Kartu KKS tidak di tangan KPM dampingan saya")

    def test_a_pendamping_of_another_kecamatan_does_not_see_family_a(self):
        self.client.force_login(self.pendamping_b)
        response = self.client.get(reverse(NOT_HELD))
        assert self.listed(response) == [self.family_b.registry_id]
        self.assertNotContains(response, self.family_a.registry_id)

    def test_the_list_is_empty_when_every_card_is_home(self):
        self.client.force_login(self.operator)
        KksCustody.objects.all().delete()
        response = self.client.get(reverse(NOT_HELD))
        self.assertContains(response, "Semua kartu KKS tercatat di tangan KPM.")

    def test_the_csv_lists_the_same_families(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(reverse(NOT_HELD), {"unduh": "csv"})
        assert response["Content-Type"].startswith("text/csv")
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == (
            "pendamping,id_keluarga,no_kk,kode_desa,no_kks,status,pemegang,nama_pemegang,"
            "sejak,pelanggaran"
        )
        rows = [line.split(",") for line in lines[1:]]
        assert [r[1] for r in rows] == [
            self.family_a.registry_id,
            "KPM-HILANG",
            self.family_a2.registry_id,
        ]
        assert rows[0][5:7] == ["Dipegang orang lain", "Pendamping"]  # labels, not codes
        assert rows[0][9] == "ya"
        assert rows[1][9] == "tidak"

    def test_the_list_query_count_does_not_grow_with_families(self):
        for n in range(6):
            family = make_family(
                region_code=DESA_A, pendamping=self.pendamping_a2 if n % 2 else self.pendamping_a
            )
            kks.record_kks_status(
                family, status=KksStatus.LOST, since=TODAY, acting_user=self.korcam_a
            )
        self.client.force_login(self.korcam_a)
        # session, user, the korcam's kecamatan for the heading, counts, families
        # with their pendamping and card status, heads of family, desa names
        with self.assertNumQueries(7):
            response = self.client.get(reverse(NOT_HELD))
        assert response.context["total"] == 9


class PanelTest(PersonaTestCase):
    def test_the_family_page_panel_shows_the_status_and_flags_a_violation(self):
        request = RequestFactory().get("/")
        request.user = self.pendamping_a
        html = kks_panel(request, self.family_a)
        assert "belum ada catatan" in html
        assert page(self.family_a) in html
        kks.record_kks_status(
            self.family_a,
            status=KksStatus.HELD_BY_OTHER,
            holder=KksHolder.GROUP_LEADER,
            holder_name="Bu Rini",
            since=TODAY,
            acting_user=self.pendamping_a,
        )
        html = kks_panel(request, self.family_a)
        assert "Dipegang orang lain" in html
        assert "Bu Rini" in html
        assert "Pelanggaran" in html
