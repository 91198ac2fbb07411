"""The activity log pages: a pendamping types what Harapan cannot see, from the phone form,
reads the month's log, and deletes a typed entry; those above read their region's logs."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.fieldwork.models import Activity
from harapan.registry import worklog
from harapan.testing import PersonaTestCase, list_total

NEW = reverse("fieldwork:activity_new")
LIST = reverse("fieldwork:activity_list")


class ActivityPages(PersonaTestCase):
    def post(self, user, **fields):
        self.client.force_login(user)
        data = {"on": timezone.localdate().isoformat(), "kind": "kunjungan_rumah", "family": "",
                "subject": "", "note": "", "location": ""}  # fmt: skip
        data.update(fields)
        return self.client.post(NEW, data)

    def typed(self, user, on, kind="kunjungan_rumah", **fields):
        return Activity.objects.create(pendamping=user, on=on, kind=kind, created_by=user,
                                       **fields)  # fmt: skip


class LoggingAnActivity(ActivityPages):
    def test_a_pendamping_logs_a_home_visit_to_a_family_of_their_caseload(self):
        today = timezone.localdate()
        response = self.post(self.pendamping_a, family=self.family_a.registry_id,
                             note="Ibu hamil periksa ke posyandu", location="-5.4,105.27")  # fmt: skip
        assert response.status_code == 302
        assert response["Location"] == f"{LIST}?bulan={today:%Y-%m}"
        [activity] = Activity.objects.all()
        assert (activity.pendamping, activity.on, activity.kind, activity.family) == (
            self.pendamping_a,
            today,
            "kunjungan_rumah",
            self.family_a,
        )
        assert (activity.location, activity.place_code, activity.source) == (
            "-5.400000,105.270000",
            self.family_a.region_code,
            "",
        )
        assert AuditEntry.objects.filter(action="fieldwork.activity.log",
                                         object_id=str(activity.pk)).count() == 1  # fmt: skip

    def test_the_form_starts_at_today_and_offers_the_caseload(self):
        self.client.force_login(self.pendamping_a)
        page = self.client.get(NEW)
        assert page.context["form"]["on"].value() == timezone.localdate()
        assert [rid for rid, _label in page.context["caseload"]] == [self.family_a.registry_id]
        self.assertContains(page, 'id="use-location"')

    def test_it_refuses_a_day_to_come_and_one_past_sixty_days(self):
        today = timezone.localdate()
        tomorrow = self.post(self.pendamping_a, on=(today + timedelta(days=1)).isoformat())
        self.assertContains(tomorrow, "Tanggal kegiatan belum tiba.")
        old = self.post(self.pendamping_a, on=(today - timedelta(days=61)).isoformat())
        self.assertContains(old, "lebih dari 60 hari yang lalu")
        sixty = self.post(self.pendamping_a, on=(today - timedelta(days=60)).isoformat())
        assert sixty.status_code == 302
        assert Activity.objects.count() == 1

    def test_trusted_code_keeps_the_log_as_of_a_day_with_the_same_sixty_day_window(self):
        from django.core.exceptions import ValidationError

        from harapan.fieldwork.actions_activities import log_activity

        as_of = date(2026, 3, 31)  # a day the demo types a visit on, long before the clock
        day = as_of - timedelta(days=60)
        with self.assertRaises(ValidationError):  # as of the clock's day: too old
            log_activity(on=day, kind="kunjungan_rumah", acting_user=self.pendamping_a)
        typed = log_activity(on=day, kind="kunjungan_rumah", acting_user=self.pendamping_a,
                             today=as_of)  # fmt: skip
        assert (typed.on, typed.source) == (day, "")
        for refused in (as_of - timedelta(days=61), as_of + timedelta(days=1)):
            with self.assertRaises(ValidationError):
                log_activity(on=refused, kind="kunjungan_rumah", acting_user=self.pendamping_a,
                             today=as_of)  # fmt: skip
        assert Activity.objects.count() == 1

    def test_it_refuses_a_family_of_another_caseload_and_coordinates_off_the_globe(self):
        other = self.post(self.pendamping_a, family=self.family_a2.registry_id)
        self.assertContains(other, "bukan dampingan Anda")
        off = self.post(self.pendamping_a, location="91.5,105")
        self.assertContains(off, "Koordinat lokasi tidak valid.")
        assert Activity.objects.count() == 0

    def test_only_a_pendamping_logs_activities(self):
        self.client.force_login(self.korcam_a)
        assert self.client.get(NEW).status_code == 403
        assert self.post(self.korcam_a).status_code == 403


class TheMonthsLog(ActivityPages):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.month = today.replace(day=1)
        cls.visit = Activity.objects.create(pendamping=cls.pendamping_a, on=cls.month,
                                            kind="kunjungan_rumah", family=cls.family_a)  # fmt: skip
        cls.talk = Activity.objects.create(pendamping=cls.pendamping_a, on=cls.month,
                                           kind="sosialisasi", subject="Balai desa")  # fmt: skip
        worklog.record([worklog.Work("pertemuan_p2k2", cls.pendamping_a.pk, cls.month,
                                     "fds.meeting:9", subject="Melati")])  # fmt: skip
        cls.last_month = Activity.objects.create(
            pendamping=cls.pendamping_a, on=cls.month - timedelta(days=1), kind="sosialisasi"
        )
        cls.colleague = Activity.objects.create(pendamping=cls.pendamping_a2, on=cls.month,
                                                kind="kunjungan_rumah")  # fmt: skip
        cls.other_kecamatan = Activity.objects.create(pendamping=cls.pendamping_b, on=cls.month,
                                                      kind="kunjungan_rumah")  # fmt: skip

    def shown(self, user, **params):
        self.client.force_login(user)
        response = self.client.get(LIST, params)
        assert response.status_code == 200
        return response, {a.pk for a in response.context["activities"]}

    def test_a_pendamping_reads_their_own_month(self):
        response, shown = self.shown(self.pendamping_a)
        # This month: the visit, the talk and the P2K2 meeting; not last month's, not others'.
        meeting = Activity.objects.get(source="fds.meeting:9")
        assert shown == {self.visit.pk, self.talk.pk, meeting.pk}
        assert list_total(response) == 3
        self.assertContains(response, "otomatis", count=1)
        self.assertContains(response, "Pertemuan P2K2")
        self.assertNotContains(response, ">pertemuan_p2k2<")  # a label, not the code

    def test_the_month_and_the_type_filter_the_log(self):
        _r, shown = self.shown(self.pendamping_a, bulan=f"{self.last_month.on:%Y-%m}")
        assert shown == {self.last_month.pk}
        _r, shown = self.shown(self.pendamping_a, jenis="sosialisasi")
        assert shown == {self.talk.pk}

    def test_a_korcam_reads_their_kecamatans_pendamping_and_filters_by_one(self):
        _r, shown = self.shown(self.korcam_a)
        assert self.colleague.pk in shown and self.other_kecamatan.pk not in shown
        assert len(shown) == 4  # three of pendamping_a, one of pendamping_a2
        _r, shown = self.shown(self.korcam_a, pendamping=self.pendamping_a2.pk)
        assert shown == {self.colleague.pk}

    def test_the_korkab_reads_the_kabupaten_and_the_operator_nothing(self):
        _r, shown = self.shown(self.korkab)
        assert len(shown) == 5  # pendamping_a 3, pendamping_a2 1, pendamping_b 1
        self.client.force_login(self.operator)
        assert self.client.get(LIST).status_code == 403


class DeletingAnActivity(ActivityPages):
    def delete(self, user, activity):
        self.client.force_login(user)
        return self.client.post(reverse("fieldwork:activity_delete", args=[activity.pk]))

    def test_a_pendamping_deletes_what_they_typed_audited(self):
        visit = self.typed(self.pendamping_a, timezone.localdate())
        assert self.delete(self.pendamping_a, visit).status_code == 302
        assert not Activity.objects.exists()
        assert AuditEntry.objects.filter(action="fieldwork.activity.delete",
                                         object_id=str(visit.pk)).count() == 1  # fmt: skip

    def test_what_harapan_recorded_stays(self):
        day = timezone.localdate()
        worklog.record([worklog.Work("pemeriksaan_kks", self.pendamping_a.pk, day, "benefits.kks:4",
                                     family_id=self.family_a.pk)])  # fmt: skip
        self.delete(self.pendamping_a, Activity.objects.get())
        assert Activity.objects.count() == 1

    def test_nobody_deletes_another_pendamping_activity(self):
        visit = self.typed(self.pendamping_a, date.today())
        assert self.delete(self.pendamping_a2, visit).status_code == 404
        assert self.delete(self.korcam_a, visit).status_code == 403  # reads it, never edits
        assert Activity.objects.count() == 1
