"""The Complaints API of DESIGN §12: POST then GET, scoping, filters, paging and refusals.

Dates counted by hand on the 2026 calendar (holidays.Indonesia: Mon 17 Aug Kemerdekaan,
Tue 25 Aug Maulid Nabi); triage 3, first response 5 working days (settings defaults). The
day a step starts never counts; a deadline is the end (23:59:59 WIB) of its last day.
"""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harapan.accounts.models import ApiToken
from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A

from ..models import Complaint, Status
from .base import ComplaintTestCase, file_complaint

WIB = ZoneInfo("Asia/Jakarta")
URL = "/api/v1/complaints"


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def at(moment: datetime):
    """The API's clock set to `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


class ComplaintApiTestCase(ComplaintTestCase):
    def post(self, user, **body):
        self.client.force_login(user)
        return self.client.post(URL, body, content_type="application/json")

    def get(self, user, url=URL, **params):
        self.client.force_login(user)
        return self.client.get(url, params)

    def valid(self, **body) -> dict:
        body.setdefault("kategori", "pembayaran")
        body.setdefault("uraian", "Bantuan tahap III belum masuk ke rekening.")
        body.setdefault("kode_desa", DESA_A)
        body.setdefault("saluran", "telepon")
        return body


class RoundTripTest(ComplaintApiTestCase):
    def test_post_then_get_gives_the_section_12_fields_with_the_hand_counted_deadline(self):
        # Received Fri 14 Aug 2026 10:00 WIB: Sat 15, Sun 16 and Mon 17 (Kemerdekaan) are
        # off, so triage is due at the end of Thu 20 Aug (Tue 18, Wed 19, Thu 20).
        response = self.post(self.korcam_a, **self.valid(
            kode_desa="18.06.01.2001", id_keluarga=self.family_a.registry_id,
            diterima="2026-08-14T10:00:00+07:00", nama="Siti Aminah", telepon="0812 3456 7890",
        ))  # fmt: skip
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertEqual(set(created), {"kode", "pin"})
        self.assertRegex(created["kode"], r"^ADU-[2-9A-HJKMNP-Z]{8}$")
        self.assertRegex(created["pin"], r"^[0-9]{6}$")
        complaint = Complaint.objects.get(kode=created["kode"])
        self.assertTrue(complaint.check_pin(created["pin"]))
        self.assertEqual(complaint.family, self.family_a)
        self.assertEqual(complaint.handler, self.pendamping_a)  # the family's pendamping
        self.assertEqual(complaint.complainant_name, "Siti Aminah")

        expected = {
            "kode": created["kode"], "kategori": "pembayaran", "status": "diterima",
            "tingkat": "pendamping", "sla": "tepat", "tenggat": "2026-08-20T23:59:59+07:00",
            "diterima": "2026-08-14T10:00:00+07:00",
        }  # fmt: skip
        with at(wib(2026, 8, 17, 12, 0)):
            got = self.get(self.pendamping_a, f"{URL}/{created['kode']}")
        self.assertEqual(got.status_code, 200)
        self.assertEqual(got.json(), expected)
        # 3 × 24 working hours from Tue 18 00:00: less than a quarter left after Thu 06:00.
        with at(wib(2026, 8, 20, 6, 1)):
            got = self.get(self.korcam_a, f"{URL}/{created['kode'].lower()[4:]}")
        self.assertEqual(got.json(), {**expected, "sla": "berisiko"})
        with at(wib(2026, 8, 21, 0, 0)):
            got = self.get(self.korkab, f"{URL}/{created['kode']}")
        self.assertEqual(got.json(), {**expected, "sla": "terlambat"})

    def test_a_resolved_complaint_has_no_sla_nor_deadline(self):
        complaint, _pin = file_complaint()
        Complaint.objects.filter(pk=complaint.pk).update(status=Status.RESOLVED)
        got = self.get(self.korcam_a, f"{URL}/{complaint.kode}").json()
        self.assertEqual((got["status"], got["sla"], got["tenggat"]), ("selesai", None, None))

    def test_an_integration_records_a_complaint_with_its_token(self):
        _token, key = ApiToken.issue(self.korkab, "lapor")
        response = self.client.post(URL, self.valid(saluran="lapor"),
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(Complaint.objects.get().saluran, "lapor")


class ScopeTest(ComplaintApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.about_a, _pin = file_complaint(family=cls.family_a)

    def test_a_user_out_of_scope_gets_the_404_of_a_code_that_does_not_exist(self):
        missing = self.get(self.korcam_a, f"{URL}/ADU-22222222")
        self.assertEqual(missing.status_code, 404)
        for user in (self.pendamping_b, self.korcam_b, self.pendamping_a2):
            with self.subTest(user=user.username):
                got = self.get(user, f"{URL}/{self.about_a.kode}")
                self.assertEqual((got.status_code, got.json()), (404, missing.json()))
                self.assertEqual(self.get(user).json(), {"items": [], "next": None})
        self.assertEqual(self.get(self.pendamping_a, f"{URL}/{self.about_a.kode}").status_code,
                         200)  # fmt: skip

    def test_the_accused_pendamping_gets_404_and_the_list_leaves_it_out(self):
        response = self.post(self.korcam_a, **self.valid(
            kategori="perilaku_pendamping", pendamping="pendamping_a",
            uraian="Meminta uang saat pencairan.",
        ))  # fmt: skip
        self.assertEqual(response.status_code, 201, response.content)
        kode = response.json()["kode"]
        self.assertEqual(self.get(self.pendamping_a, f"{URL}/{kode}").status_code, 404)
        listed = [item["kode"] for item in self.get(self.pendamping_a).json()["items"]]
        self.assertEqual(listed, [self.about_a.kode])
        got = self.get(self.korcam_a, f"{URL}/{kode}").json()
        self.assertEqual((got["kategori"], got["tingkat"]), ("perilaku_pendamping", "korcam"))

    def test_a_family_the_user_may_not_see_is_refused_like_one_that_does_not_exist(self):
        before = Complaint.objects.count()
        for registry_id in (self.family_b.registry_id, "KPM-TIDAK-ADA"):
            response = self.post(self.pendamping_a, **self.valid(id_keluarga=registry_id))
            self.assertEqual(response.status_code, 422)
            self.assertEqual(response.json(), {"detail": "id_keluarga: KPM dengan ID keluarga "
                                               "ini tidak ditemukan di wilayah Anda."})  # fmt: skip
        self.assertEqual(Complaint.objects.count(), before)


class FilterTest(ComplaintApiTestCase):
    """Four complaints of Kecamatan A, read by its korcam at Thu 20 Aug 2026 06:01 WIB."""

    NOW = wib(2026, 8, 20, 6, 1)

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        staff = {"saluran": "datang", "acting_user": cls.korcam_a}
        # Triage from Fri 14 Aug 10:00, due Thu 20 Aug: berisiko (above).
        cls.at_risk, _ = file_complaint(received_at=wib(2026, 8, 14, 10, 0), **staff)
        # First response from Wed 19 Aug 09:00, 5 days: Thu 20, Fri 21, Mon 24, Wed 26,
        # Thu 27 Aug: 6 of its 120 working hours gone, tepat.
        cls.on_time, _ = file_complaint(kategori="kks", received_at=wib(2026, 8, 18, 9, 0),
                                        **staff)  # fmt: skip
        Complaint.objects.filter(pk=cls.on_time.pk).update(
            status=Status.TRIAGED, triaged_at=wib(2026, 8, 19, 9, 0),
            step_started_at=wib(2026, 8, 19, 9, 0),
        )  # fmt: skip
        cls.resolved, _ = file_complaint(received_at=wib(2026, 8, 3, 9, 0), **staff)
        Complaint.objects.filter(pk=cls.resolved.pk).update(status=Status.RESOLVED)
        # Triage from Mon 10 Aug: Tue 11, Wed 12, Thu 13 Aug: past it, terlambat.
        cls.breached, _ = file_complaint(received_at=wib(2026, 8, 10, 9, 0), **staff)

    def listed(self, **params) -> list[str]:
        with at(self.NOW):
            response = self.get(self.korcam_a, **params)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["kode"] for item in response.json()["items"]]

    def test_the_sla_filter_is_computed_from_the_clock(self):
        self.assertEqual(self.listed(sla="berisiko"), [self.at_risk.kode])
        self.assertEqual(self.listed(sla="tepat"), [self.on_time.kode])
        self.assertEqual(self.listed(sla="terlambat"), [self.breached.kode])

    def test_the_status_and_category_filters(self):
        self.assertEqual(self.listed(status="selesai"), [self.resolved.kode])
        self.assertEqual(self.listed(status="diterima"), [self.at_risk.kode, self.breached.kode])
        self.assertEqual(self.listed(kategori="kks"), [self.on_time.kode])
        self.assertEqual(self.listed(kategori="kks", status="diterima"), [])

    def test_the_list_carries_each_complaints_sla_and_pages_by_cursor(self):
        with at(self.NOW):
            first = self.get(self.korcam_a, limit=2).json()
            rest = self.get(self.korcam_a, limit=2, after=first["next"]).json()
        self.assertEqual(first["next"], self.on_time.pk)
        self.assertEqual([(i["kode"], i["sla"]) for i in first["items"] + rest["items"]], [
            (self.at_risk.kode, "berisiko"), (self.on_time.kode, "tepat"),
            (self.resolved.kode, None), (self.breached.kode, "terlambat"),
        ])  # fmt: skip
        self.assertEqual(first["items"][1]["tenggat"], "2026-08-27T23:59:59+07:00")
        self.assertIsNone(rest["next"])
        self.assertEqual(self.listed(sla="terlambat", limit=1, after=self.breached.pk), [])

    def test_the_sla_filter_asks_the_same_queries_for_more_complaints(self):
        def queries() -> int:
            with at(self.NOW), CaptureQueriesContext(connection) as captured:
                self.client.get(URL, {"sla": "terlambat"})
            return len(captured)

        self.client.force_login(self.korcam_a)
        few = queries()
        for _ in range(3):
            file_complaint(received_at=wib(2026, 8, 10, 9, 0), saluran="datang",
                           acting_user=self.korcam_a)  # fmt: skip
        self.assertEqual(queries(), few)
        self.assertEqual(len(self.listed(sla="terlambat")), 4)


class RefusalTest(ComplaintApiTestCase):
    def refused(self, user, status: int, **body) -> str:
        self.client.force_login(user)  # signing in is audited: count after it
        audit_before, before = AuditEntry.objects.count(), Complaint.objects.count()
        response = self.client.post(URL, body, content_type="application/json")
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(Complaint.objects.count(), before)
        self.assertEqual(AuditEntry.objects.count(), audit_before)
        return response.json()["detail"]

    def test_an_unknown_category_channel_or_desa_is_refused_in_indonesian(self):
        cases = [
            ({"kategori": "banjir"}, "kategori: Pilih kategori pengaduan yang tersedia."),
            ({"saluran": "surat"}, "saluran: Pilih saluran pengaduan yang tersedia."),
            ({"kode_desa": "1806019999"}, "kode_desa: Pilih desa/kelurahan di wilayah Anda."),
            ({"kode_desa": "18060"}, "kode_desa: Pilih desa/kelurahan di wilayah Anda."),
            ({"uraian": "  "}, "uraian: Uraian pengaduan wajib diisi."),
            ({"kategori": ""}, "kategori: Pilih kategori pengaduan."),
        ]
        for change, detail in cases:
            with self.subTest(change=change):
                self.assertEqual(self.refused(self.korcam_a, 422, **self.valid(**change)), detail)

    def test_a_desa_outside_the_users_region_is_refused(self):
        detail = self.refused(self.pendamping_a, 422, **self.valid(kode_desa="1806022001"))
        self.assertEqual(detail, "kode_desa: Pilih desa/kelurahan di wilayah Anda.")

    def test_a_time_of_receipt_in_the_future_is_refused(self):
        later = (timezone.now() + timedelta(minutes=5)).isoformat()
        detail = self.refused(self.korcam_a, 422, **self.valid(diterima=later))
        self.assertEqual(detail, "diterima: Waktu diterima tidak boleh setelah sekarang.")

    def test_a_conduct_complaint_names_the_accused_and_only_a_conduct_complaint(self):
        detail = self.refused(self.korcam_a, 422, **self.valid(kategori="pungli"))
        self.assertEqual(detail, "pendamping: Pengaduan perilaku pendamping atau pungli harus "
                                 "menyebut pendamping yang diadukan.")  # fmt: skip
        detail = self.refused(self.korcam_a, 422, **self.valid(pendamping="pendamping_a"))
        self.assertIn("pendamping: Pendamping diadukan hanya pada pengaduan perilaku", detail)
        # pendamping_b works in Kecamatan B, outside korcam_a's region.
        detail = self.refused(
            self.korcam_a, 422, **self.valid(kategori="pungli", pendamping="pendamping_b")
        )
        self.assertEqual(detail, "pendamping: Pilih pendamping PKH yang aktif di wilayah Anda.")

    def test_a_read_only_role_cannot_record_even_a_valid_complaint(self):
        for user in (self.auditor, self.korwil):
            with self.subTest(user=user.username):
                detail = self.refused(user, 403, **self.valid(kode_desa=DESA_A))
                self.assertIn("Peran Anda hanya membaca", detail)
                self.refused(user, 403)  # an empty body: the same answer

    def test_a_read_only_roles_token_is_refused_too(self):
        _token, key = ApiToken.issue(self.auditor, "baca")
        response = self.client.post(URL, self.valid(), content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Token {key}")  # fmt: skip
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Complaint.objects.exists())

    def test_anonymous_gets_401(self):
        response = self.client.post(URL, self.valid(), content_type="application/json")
        self.assertEqual(response.status_code, 401)
        self.assertFalse(Complaint.objects.exists())
