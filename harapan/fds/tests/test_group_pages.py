"""The P2K2 group pages: list, detail, create and edit, families joining, moving and leaving."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.fds import actions
from harapan.fds.actions import Mark
from harapan.fds.models import Group, Membership, Session
from harapan.testing import (
    DESA_A,
    DESA_B,
    KEC_A,
    PersonaTestCase,
    make_family,
    make_region,
    make_user,
    sign_in,
)

START = date(2025, 1, 10)
LIST = reverse("fds:group_list")
CREATE = reverse("fds:group_create")


def detail(group) -> str:
    return reverse("fds:group_detail", args=[group.pk])


def edit(group) -> str:
    return reverse("fds:group_edit", args=[group.pk])


def add(group) -> str:
    return reverse("fds:group_add_family", args=[group.pk])


def remove(group) -> str:
    return reverse("fds:group_remove_family", args=[group.pk])


def make_group(name, pendamping, families=(), region_code=DESA_A, on=START) -> Group:
    group = actions.save_group(
        Group(name=name, region_code=region_code, pendamping=pendamping), acting_user=pendamping
    )
    for family in families:
        actions.assign_family(group, family, on=on, acting_user=pendamping)
    return group


def hold(group, day, session_number, presence=None, by=None):
    """A held meeting with everyone present except those in `presence` ({family id: mark})."""
    by = by or group.pendamping
    [meeting] = actions.plan_meetings(group, [day], acting_user=by)
    presence = presence or {}
    marks = [Mark(f.pk, presence.get(f.pk, "hadir")) for f in actions.members_on(group, day)]
    return actions.record_meeting(
        meeting, held_on=day, place="Balai desa", session=Session.objects.get(number=session_number),
        facilitator=by, notes="", marks=marks, acting_user=by,
    )  # fmt: skip


class GroupPages(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.family_a.members.filter(relation="kepala_keluarga").update(name="Siti Aminah")
        cls.families = [cls.family_a] + [
            make_family(region_code=DESA_A, pendamping=cls.pendamping_a) for _ in range(3)
        ]
        cls.melati = make_group("Melati", cls.pendamping_a, cls.families)
        cls.mawar = make_group("Mawar", cls.pendamping_b, [cls.family_b], region_code=DESA_B)


class GroupListTest(GroupPages):
    def names(self, user, **query) -> list[str]:
        self.client.force_login(user)
        return [g.name for g in self.client.get(LIST, query).context["groups"]]

    def test_each_role_sees_the_groups_of_its_scope(self):
        assert self.names(self.pendamping_a) == ["Melati"]
        assert self.names(self.pendamping_b) == ["Mawar"]
        assert self.names(self.pendamping_a2) == []
        assert self.names(self.korcam_a) == ["Melati"]
        assert sorted(self.names(self.korkab)) == ["Mawar", "Melati"]
        assert sorted(self.names(self.auditor)) == ["Mawar", "Melati"]

    def test_anonymous_visitors_are_sent_to_log_in(self):
        assert self.client.get(LIST).status_code == 302

    def test_it_shows_size_position_and_last_meeting(self):
        hold(self.melati, START + timedelta(days=5), 1)
        self.client.force_login(self.pendamping_a)
        response = self.client.get(LIST)
        [group] = response.context["groups"]
        assert group.member_count == 4 and group.last_held == START + timedelta(days=5)
        self.assertContains(response, "Anggota kurang dari 15 KPM")
        self.assertContains(response, "1 dari 14 sesi")
        self.assertContains(response, "Berikutnya: S2 Memahami perilaku anak")
        self.assertContains(response, 'class="table-wrap"')

    def test_a_group_within_the_usual_size_has_no_warning(self):
        for _ in range(11):
            family = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
            actions.assign_family(self.melati, family, on=START, acting_user=self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        response = self.client.get(LIST)
        assert response.context["groups"][0].member_count == 15
        self.assertNotContains(response, "Anggota kurang dari")

    def test_it_filters_by_desa_and_pendamping(self):
        assert self.names(self.korkab, desa=DESA_B) == ["Mawar"]
        assert self.names(self.korkab, pendamping="pendamping_a") == ["Melati"]
        assert self.names(self.korkab, desa=DESA_B, pendamping="pendamping_a") == []
        assert self.names(self.korkab, desa="bukan-kode") == []

    def test_it_counts_flagged_families(self):
        truant = self.families[1]
        for n in range(3):
            hold(self.melati, START + timedelta(days=30 * n + 1), n + 1, {truant.pk: "absen"})
        self.client.force_login(self.pendamping_a)
        assert self.client.get(LIST).context["flagged_count"] == 1
        self.client.force_login(self.pendamping_b)
        assert self.client.get(LIST).context["flagged_count"] == 0

    def test_read_only_roles_get_no_create_button(self):
        self.client.force_login(self.korwil)
        self.assertNotContains(self.client.get(LIST), CREATE)
        self.client.force_login(self.pendamping_a)
        self.assertContains(self.client.get(LIST), CREATE)

    def test_the_number_of_queries_does_not_grow_with_groups(self):
        self.client.force_login(self.korkab)
        # session, user, desa options, pendamping options, count, page,
        # rules, taught sessions, curriculum, flagged count
        with self.assertNumQueries(10):
            self.client.get(LIST)
        for n in range(10):
            group = make_group(f"Kelompok {n}", self.pendamping_a,
                               [make_family(region_code=DESA_A, pendamping=self.pendamping_a)])  # fmt: skip
            hold(group, START + timedelta(days=n + 1), 1)
        with self.assertNumQueries(10):
            response = self.client.get(LIST)
        assert len(response.context["groups"]) == 12


class GroupDetailTest(GroupPages):
    def test_it_shows_members_progress_flags_meetings_and_curriculum(self):
        truant = self.families[1]
        for n in range(3):
            hold(self.melati, START + timedelta(days=30 * n + 1), n + 1, {truant.pk: "absen"})
        self.client.force_login(self.pendamping_a)
        response = self.client.get(detail(self.melati))
        members = {m.family_id: m for m in response.context["members"]}
        assert members[self.family_a.pk].completed == 3
        assert members[truant.pk].completed == 0 and members[truant.pk].absences == 3
        assert response.context["flagged_count"] == 1
        assert response.context["taught_count"] == 3
        assert response.context["next_session"].number == 4
        self.assertContains(response, "Siti Aminah")
        self.assertContains(response, "3 kali berturut-turut tidak hadir tanpa izin")
        self.assertContains(response, "Anggota kurang dari 15 KPM")
        assert [m.present for m in response.context["meetings"]] == [3, 3, 3]
        self.assertContains(response, "S1 Menjadi orang tua yang lebih baik")
        self.assertContains(response, reverse("registry:family_detail", args=[truant.pk]))

    def test_a_pendamping_cannot_open_another_pendampings_group(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(detail(self.melati)).status_code == 404
        self.client.force_login(self.pendamping_a2)
        assert self.client.get(detail(self.melati)).status_code == 404

    def test_read_only_roles_see_the_group_without_forms(self):
        for user in (self.korwil, self.auditor):
            self.client.force_login(user)
            response = self.client.get(detail(self.melati))
            assert response.status_code == 200
            self.assertNotContains(response, '<form method="post" action="/p2k2')
            self.assertNotContains(response, edit(self.melati))

    def test_the_number_of_queries_does_not_grow_with_members(self):
        self.client.force_login(self.pendamping_a)
        hold(self.melati, START + timedelta(days=1), 1)
        make_family(region_code=DESA_A, pendamping=self.pendamping_a)  # a candidate to add
        # session, user, group, rules, memberships, their heads and desa names,
        # completed, flagged, meetings, attendance counts, curriculum, taught, region,
        # and the add form: candidates, their memberships, their heads and desa names
        with self.assertNumQueries(18):
            self.client.get(detail(self.melati))
        for _ in range(10):
            family = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
            actions.assign_family(self.melati, family, on=START, acting_user=self.pendamping_a)
            make_family(region_code=DESA_A, pendamping=self.pendamping_a)  # a candidate
        hold(self.melati, START + timedelta(days=2), 2)
        with self.assertNumQueries(18):
            response = self.client.get(detail(self.melati))
        assert len(response.context["members"]) == 14


class GroupFormTest(GroupPages):
    def test_a_pendamping_creates_a_group_for_themself(self):
        self.client.force_login(self.pendamping_a)
        form = self.client.get(CREATE).context["form"]
        assert "pendamping" not in form.fields and "leader" not in form.fields
        assert [c[0] for c in form.fields["desa"].widget.choices] == ["", DESA_A]
        response = self.client.post(CREATE, {"name": "Anggrek", "desa": DESA_A, "active": "on"})
        group = Group.objects.get(name="Anggrek")
        self.assertRedirects(response, detail(group))
        assert group.pendamping == self.pendamping_a and group.region_code == DESA_A
        assert AuditEntry.objects.filter(
            action="fds.group.create", object_id=str(group.pk)
        ).exists()

    def test_a_desa_outside_the_pendampings_kecamatan_is_refused(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(CREATE, {"name": "Anggrek", "desa": DESA_B, "active": "on"})
        assert response.status_code == 400
        self.assertContains(response, "Desa ini di luar wilayah Anda.", status_code=400)
        self.client.force_login(self.korkab)
        response = self.client.post(
            CREATE,
            {"name": "Anggrek", "desa": DESA_B, "pendamping": "pendamping_a", "active": "on"},
        )
        self.assertContains(response, "Desa ini di luar kecamatan pendamping kelompok.",
                            status_code=400)  # fmt: skip
        assert not Group.objects.filter(name="Anggrek").exists()

    def test_a_korcam_chooses_a_pendamping_of_their_kecamatan(self):
        self.client.force_login(self.korcam_a)
        form = self.client.get(CREATE).context["form"]
        offered = {c[0] for c in form.fields["pendamping"].widget.choices}
        assert offered == {"", "pendamping_a", "pendamping_a2"}
        response = self.client.post(
            CREATE,
            {"name": "Anggrek", "desa": DESA_A, "pendamping": "pendamping_b", "active": "on"},
        )
        self.assertContains(response, "Pilih pendamping di wilayah Anda.", status_code=400)
        self.client.post(
            CREATE,
            {"name": "Anggrek", "desa": DESA_A, "pendamping": "pendamping_a2", "active": "on"},
        )
        assert Group.objects.get(name="Anggrek").pendamping == self.pendamping_a2

    def test_read_only_roles_may_not_create_or_edit(self):
        for user in (self.korwil, self.auditor):
            self.client.force_login(user)
            assert self.client.get(CREATE).status_code == 403
            assert self.client.post(CREATE, {"name": "X", "desa": DESA_A}).status_code == 403
            assert (
                self.client.post(edit(self.melati), {"name": "X", "desa": DESA_A}).status_code
                == 403
            )
        assert not Group.objects.filter(name="X").exists()

    def test_the_leader_must_be_a_current_member(self):
        self.client.force_login(self.pendamping_a)
        data = {"name": "Melati Baru", "desa": DESA_A, "active": "on", "leader": self.family_b.pk}
        response = self.client.post(edit(self.melati), data)
        self.assertContains(response, "Pilih ketua di antara KPM anggota kelompok ini.",
                            status_code=400)  # fmt: skip
        self.melati.refresh_from_db()
        assert self.melati.name == "Melati" and self.melati.leader is None
        data["leader"] = self.family_a.pk
        self.assertRedirects(self.client.post(edit(self.melati), data), detail(self.melati))
        self.melati.refresh_from_db()
        assert self.melati.name == "Melati Baru" and self.melati.leader == self.family_a
        entry = AuditEntry.objects.get(action="fds.group.update", object_id=str(self.melati.pk))
        assert entry.changes["leader_id"] == [None, self.family_a.pk]

    def test_another_pendamping_cannot_edit_the_group(self):
        self.client.force_login(self.pendamping_b)
        assert self.client.get(edit(self.melati)).status_code == 404


class MembershipPagesTest(GroupPages):
    def test_a_family_joins_the_group(self):
        newcomer = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        form = self.client.get(detail(self.melati)).context["add_form"]
        offered = {c[0] for c in form.fields["family"].widget.choices}
        assert newcomer.registry_id in offered and self.family_a.registry_id not in offered
        assert self.family_b.registry_id not in offered
        response = self.client.post(add(self.melati), {"family": newcomer.registry_id,
                                                       "joined_on": "2025-02-01"})  # fmt: skip
        self.assertRedirects(response, detail(self.melati))
        membership = Membership.objects.get(family=newcomer)
        assert (membership.group, membership.joined_on) == (self.melati, date(2025, 2, 1))

    def test_a_family_in_another_group_is_told_it_will_move_and_moves(self):
        other = make_group("Kenanga", self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        form = self.client.get(detail(other)).context["add_form"]
        labels = dict(form.fields["family"].widget.choices)
        assert labels[self.family_a.registry_id] == (
            f"Siti Aminah · Kuripan ({self.family_a.registry_id}) — pindah dari Melati"
        )
        response = self.client.post(add(other), {"family": self.family_a.registry_id,
                                                 "joined_on": "2025-03-01"}, follow=True)  # fmt: skip
        self.assertContains(response, "pindah dari Melati ke Kenanga")
        history = Membership.objects.filter(family=self.family_a).order_by("joined_on")
        assert [(m.group.name, m.joined_on, m.left_on) for m in history] == [
            ("Melati", START, date(2025, 3, 1)), ("Kenanga", date(2025, 3, 1), None)]  # fmt: skip
        response = self.client.get(detail(self.melati))
        assert self.family_a.pk not in {m.family_id for m in response.context["members"]}
        assert self.family_a.pk in {m.family_id for m in response.context["history"]}

    def test_bad_input_changes_nothing(self):
        other = make_group("Kenanga", self.pendamping_a)
        self.client.force_login(self.pendamping_a)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        cases = [
            ({"family": self.family_b.registry_id, "joined_on": "2025-03-01"},
             "KPM ini tidak dapat masuk"),
            ({"family": self.family_a.registry_id, "joined_on": tomorrow},
             "Tanggal tidak boleh setelah hari ini."),
            ({"family": self.family_a.registry_id, "joined_on": "1-3-2025x"},
             "Tulis tanggal sebagai tahun-bulan-hari"),
            # Before the family joined its present group: the action refuses.
            ({"family": self.family_a.registry_id, "joined_on": "2024-12-01"},
             "Tanggal pindah tidak boleh sebelum tanggal masuk kelompok lama."),
        ]  # fmt: skip
        for data, message in cases:
            response = self.client.post(add(other), data)
            self.assertContains(response, message, status_code=400)
            self.assertContains(response, "Belum ada yang berubah.", status_code=400)
        assert not Membership.objects.filter(group=other).exists()
        assert Membership.objects.get(family=self.family_a, left_on=None).group == self.melati

    def test_a_family_leaves_the_group(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(remove(self.melati), {"family": self.family_a.pk,
                                                          "left_on": "2025-04-01"}, follow=True)  # fmt: skip
        self.assertContains(response, "keluar dari Melati")
        membership = Membership.objects.get(family=self.family_a)
        assert membership.left_on == date(2025, 4, 1)
        assert AuditEntry.objects.filter(action="fds.membership.leave").count() == 1

    def test_removing_refuses_non_members_and_early_dates(self):
        self.client.force_login(self.pendamping_a)
        response = self.client.post(remove(self.melati), {"family": self.family_b.pk,
                                                          "left_on": "2025-04-01"})  # fmt: skip
        self.assertContains(response, "KPM ini bukan anggota kelompok sekarang.", status_code=400)
        response = self.client.post(remove(self.melati), {"family": self.family_a.pk,
                                                          "left_on": "2024-04-01"})  # fmt: skip
        self.assertContains(response, "Tanggal keluar tidak boleh sebelum tanggal masuk.",
                            status_code=400)  # fmt: skip
        assert Membership.objects.filter(group=self.melati, left_on=None).count() == 4

    def test_only_the_groups_people_may_change_its_members(self):
        newcomer = make_family(region_code=DESA_A, pendamping=self.pendamping_a)
        data = {"family": newcomer.registry_id, "joined_on": "2025-02-01"}
        self.client.force_login(self.pendamping_b)
        assert self.client.post(add(self.melati), data).status_code == 404
        for user in (self.korwil, self.auditor):
            self.client.force_login(user)
            assert self.client.post(add(self.melati), data).status_code == 403
            assert self.client.post(remove(self.melati), {"family": self.family_a.pk,
                                                          "left_on": "2025-04-01"}).status_code == 403  # fmt: skip
        self.client.force_login(self.pendamping_a)
        assert self.client.get(add(self.melati)).status_code == 405
        assert not Membership.objects.filter(family=newcomer).exists()
        # The kecamatan's coordinator may.
        self.client.force_login(self.korcam_a)
        self.assertRedirects(self.client.post(add(self.melati), data), detail(self.melati))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pendamping_builds_a_group_on_a_360px_phone(live_server, phone_page, screenshot_dir):
    pendamping = make_user("siti", "pendamping", KEC_A)
    make_region(DESA_A)
    family = make_family(pendamping=pendamping)
    family.members.update(name="Ibu Sulastri Wulandari")
    page = phone_page
    sign_in(page, live_server.url, "siti")

    page.goto(live_server.url + CREATE)
    page.fill("#id_name", "Kelompok Melati Kuripan")
    page.select_option("#id_desa", DESA_A)
    page.click("button.primary")
    page.wait_for_selector(".messages li.success")
    page.select_option("#id_family", family.registry_id)
    page.click("text=Masukkan ke kelompok")
    page.wait_for_selector(".messages li.success")
    assert "Ibu Sulastri Wulandari" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshot_dir / "fds_group_360.png"), full_page=True)

    page.goto(live_server.url + LIST)
    assert "Kelompok Melati Kuripan" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert Membership.objects.get(family=family).group.name == "Kelompok Melati Kuripan"
