"""A group's whole curriculum, absences and the flag, a family moving groups (DESIGN §6)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from harapan.audit.models import AuditEntry
from harapan.fds import actions, progress
from harapan.fds.actions import Mark
from harapan.fds.models import FdsRules, Group, Membership, Session
from harapan.registry.models import Family
from harapan.testing import DESA_A, PersonaTestCase, make_family

START = date(2025, 1, 10)


class P2K2(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.families = [cls.family_a] + [
            make_family(region_code=DESA_A, pendamping=cls.pendamping_a) for _ in range(3)
        ]
        cls.group = actions.save_group(
            Group(name="Melati", region_code=DESA_A, pendamping=cls.pendamping_a),
            acting_user=cls.pendamping_a,
        )
        for family in cls.families:
            actions.assign_family(cls.group, family, on=START, acting_user=cls.pendamping_a)

    def hold(self, day, session_number, presence_by_family=None, group=None):
        group = group or self.group
        [meeting] = actions.plan_meetings(group, [day], acting_user=self.pendamping_a)
        presence_by_family = presence_by_family or {}
        marks = [Mark(f.pk, presence_by_family.get(f.pk, "hadir"), "Ibu")
                 for f in actions.members_on(group, day)]  # fmt: skip
        return actions.record_meeting(
            meeting, held_on=day, place="Balai desa",
            session=Session.objects.get(number=session_number), facilitator=self.pendamping_a,
            notes="", marks=marks, acting_user=self.pendamping_a,
        )  # fmt: skip

    def test_a_group_runs_the_whole_curriculum(self):
        sessions = progress.curriculum()
        assert [s.code for s in sessions] == [f"S{n}" for n in range(1, 15)]
        absent = self.families[3]
        for n, session in enumerate(sessions):
            skip = {absent.pk: "izin"} if session.number == 5 else {}
            self.hold(START + timedelta(days=30 * n + 1), session.number, skip)
            taught = progress.taught_sessions(Group.objects.filter(pk=self.group.pk))
            following = progress.next_session(taught[self.group.pk], sessions)
            assert following == (sessions[n + 1] if n + 1 < len(sessions) else None)
        done = progress.completed_sessions(
            Family.objects.filter(pk__in=[f.pk for f in self.families])
        )
        assert done[self.family_a.pk] == set(range(1, 15))
        assert done[absent.pk] == set(range(1, 15)) - {5}  # excused: not completed
        assert AuditEntry.objects.filter(action="fds.meeting.record").count() == 14

    def test_unexcused_absences_flag_a_family_and_excused_ones_do_not(self):
        truant, excused = self.families[2], self.families[3]
        for n in range(3):
            self.hold(START + timedelta(days=30 * n + 1), n + 1,
                      {truant.pk: "absen", excused.pk: "izin"})  # fmt: skip
        families = Family.objects.filter(pk__in=[f.pk for f in self.families])
        flagged = list(progress.flagged(families))
        assert [(f.pk, f.absences) for f in flagged] == [(truant.pk, 3)]
        # The parameter: with 4 the family is not flagged yet.
        FdsRules.objects.create(absence_flag=4)
        assert not progress.flagged(families).exists()
        # Coming again resets the count.
        FdsRules.objects.update(absence_flag=3)
        self.hold(START + timedelta(days=100), 4)
        assert not progress.flagged(families).exists()

    def test_a_family_moves_between_groups_and_keeps_its_history(self):
        other = actions.save_group(
            Group(name="Mawar", region_code=DESA_A, pendamping=self.pendamping_a),
            acting_user=self.pendamping_a,
        )
        mover = self.families[1]
        self.hold(START + timedelta(days=5), 1)
        moved_on = START + timedelta(days=20)
        actions.assign_family(other, mover, on=moved_on, acting_user=self.pendamping_a)
        history = list(Membership.objects.filter(family=mover).order_by("joined_on"))
        assert [(m.group_id, m.joined_on, m.left_on) for m in history] == [
            (self.group.pk, START, moved_on), (other.pk, moved_on, None)]  # fmt: skip
        meeting = self.hold(START + timedelta(days=35), 2)
        assert mover.pk not in set(meeting.attendance.values_list("family_id", flat=True))
        self.hold(START + timedelta(days=36), 2, group=other)
        assert progress.completed_sessions(Family.objects.filter(pk=mover.pk))[mover.pk] == {1, 2}

    def test_attendance_is_all_or_nothing(self):
        [meeting] = actions.plan_meetings(self.group, [START + timedelta(days=3)],
                                          acting_user=self.pendamping_a)  # fmt: skip
        marks = [Mark(f.pk, "hadir") for f in self.families[:3]]  # one family missing
        with pytest.raises(ValidationError):
            actions.record_meeting(meeting, held_on=START + timedelta(days=3), place="", session=None,
                                   facilitator=None, notes="", marks=marks,
                                   acting_user=self.pendamping_a)  # fmt: skip
        outsider = Mark(self.family_b.pk, "hadir")
        with pytest.raises(ValidationError):
            actions.record_meeting(meeting, held_on=START + timedelta(days=3), place="", session=None,
                                   facilitator=None, notes="",
                                   marks=[Mark(f.pk, "hadir") for f in self.families] + [outsider],
                                   acting_user=self.pendamping_a)  # fmt: skip
        meeting.refresh_from_db()
        assert meeting.status == "rencana" and not meeting.attendance.exists()

    def test_only_the_groups_pendamping_or_region_may_run_it(self):
        with pytest.raises(PermissionDenied):
            actions.plan_meetings(self.group, [START], acting_user=self.pendamping_b)
        with pytest.raises(PermissionDenied):
            actions.plan_meetings(self.group, [START], acting_user=self.korwil)  # read only
        actions.plan_meetings(self.group, [START], acting_user=self.korcam_a)

    def test_the_leader_must_be_a_member(self):
        self.group.leader = self.family_b
        with pytest.raises(ValidationError):
            actions.save_group(self.group, acting_user=self.pendamping_a)
        self.group.leader = self.family_a
        actions.save_group(self.group, acting_user=self.pendamping_a)
        # Leaving the group ends the leadership.
        actions.remove_family(self.group, self.family_a, on=START + timedelta(days=9),
                              acting_user=self.pendamping_a)  # fmt: skip
        self.group.refresh_from_db()
        assert self.group.leader is None
