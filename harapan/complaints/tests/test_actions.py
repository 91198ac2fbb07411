import re
from datetime import datetime, timedelta
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from harapan.audit.models import AuditEntry
from harapan.testing import DESA_A, make_nik

from .. import actions
from ..models import Complaint
from .base import ComplaintTestCase, file_complaint

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.get_current_timezone())


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


class PinTest(ComplaintTestCase):
    def test_the_pin_is_six_digits_and_only_a_keyed_hash_of_it_is_stored(self):
        complaint, pin = file_complaint()
        self.assertRegex(pin, r"^[0-9]{6}$")
        self.assertRegex(complaint.kode, r"^ADU-[2-9A-HJKMNP-Z]{8}$")
        stored = Complaint.objects.filter(pk=complaint.pk).values().get()
        self.assertNotIn(pin, [str(value) for value in stored.values()])
        self.assertEqual(len(stored["pin_hash"]), 64)
        self.assertTrue(complaint.check_pin(pin))
        self.assertFalse(complaint.check_pin(f"{(int(pin) + 1) % 10**6:06d}"))

    def test_two_complaints_with_the_same_pin_store_different_hashes(self):
        first, pin = file_complaint()
        second, _pin = file_complaint()
        second.set_pin(pin)
        self.assertNotEqual(first.pin_hash, second.pin_hash)  # salted with the code


class StepsTest(ComplaintTestCase):
    def setUp(self):
        with at(T0):
            self.complaint, self.pin = file_complaint(family=self.family_a)

    def audit_of(self, code):
        return AuditEntry.objects.filter(action=code, object_id=str(self.complaint.pk))

    def handle_to_resolution(self, resolver=None):
        with at(T0 + timedelta(days=1)):
            actions.triage_complaint(self.complaint, acting_user=self.pendamping_a)
        with at(T0 + timedelta(days=2)):
            actions.respond_to_complaint(
                self.complaint, text="Kami cek ke bank.", acting_user=self.pendamping_a
            )
        with at(T0 + timedelta(days=3)):
            actions.resolve_complaint(
                self.complaint, decision="diterima", resolution="Dana sudah masuk 3 Nov.",
                acting_user=resolver or self.pendamping_a,
            )  # fmt: skip

    def test_each_step_records_its_time_restarts_the_clock_and_writes_its_audit_row(self):
        self.handle_to_resolution()
        c = self.complaint
        self.assertEqual(c.status, "selesai")
        self.assertEqual((c.received_at, c.triaged_at, c.responded_at, c.resolved_at),
                         (T0, T0 + timedelta(days=1), T0 + timedelta(days=2),
                          T0 + timedelta(days=3)))  # fmt: skip
        self.assertEqual(c.step_started_at, T0 + timedelta(days=2))  # the last step's start
        self.assertEqual((c.decision, c.resolved_level, c.resolved_by),
                         ("diterima", "pendamping", self.pendamping_a))  # fmt: skip
        self.assertEqual(self.audit_of("complaints.submit").get().actor, None)  # the public
        for code in ("complaints.triage", "complaints.respond", "complaints.resolve"):
            with self.subTest(code=code):
                self.assertEqual(self.audit_of(code).get().actor, self.pendamping_a)
        self.assertEqual(self.audit_of("complaints.submit").get().region_code, DESA_A)

    def test_resolving_without_a_decision_or_a_public_text_is_refused(self):
        with at(T0):
            actions.triage_complaint(self.complaint, acting_user=self.pendamping_a)
            actions.respond_to_complaint(
                self.complaint, text="Dicek.", acting_user=self.pendamping_a
            )
        for decision, text in (("", "Sudah dibayar."), ("selesai", "Sudah dibayar."),
                               ("diterima", "  ")):  # fmt: skip
            with self.subTest(decision=decision, text=text), self.assertRaises(ValidationError):
                actions.resolve_complaint(self.complaint, decision=decision, resolution=text,
                                          acting_user=self.pendamping_a)  # fmt: skip
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.status, "ditanggapi")
        self.assertFalse(self.audit_of("complaints.resolve").exists())

    def test_a_rejection_waits_for_the_first_response_but_a_withdrawal_does_not(self):
        with self.assertRaises(ValidationError):
            actions.resolve_complaint(self.complaint, decision="ditolak", resolution="Tidak",
                                      acting_user=self.pendamping_a)  # fmt: skip
        actions.resolve_complaint(self.complaint, decision="dicabut",
                                  resolution="Dicabut pengadu.", acting_user=self.pendamping_a)  # fmt: skip
        self.assertEqual(self.complaint.status, "selesai")

    def test_a_step_out_of_turn_is_refused(self):
        with self.assertRaises(ValidationError):
            actions.respond_to_complaint(self.complaint, text="x", acting_user=self.pendamping_a)
        actions.triage_complaint(self.complaint, acting_user=self.pendamping_a)
        with self.assertRaises(ValidationError):
            actions.triage_complaint(self.complaint, acting_user=self.pendamping_a)

    def test_only_the_handler_and_the_coordinators_above_may_act(self):
        for user in (self.pendamping_b, self.pendamping_a2, self.korcam_b, self.auditor,
                     self.operator, self.korwil):  # fmt: skip
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                actions.triage_complaint(self.complaint, acting_user=user)
        actions.triage_complaint(self.complaint, acting_user=self.korcam_a)  # steps in
        self.assertEqual(self.complaint.status, "ditriase")

    def test_reopening_returns_it_to_the_level_and_user_that_resolved_it(self):
        # pendamping_a holds it; korcam_a steps in to resolve it at level korcam.
        self.handle_to_resolution(resolver=self.korcam_a)
        with at(T0 + timedelta(days=10)):
            actions.reopen_complaint(self.complaint.kode.lower(), self.pin, reason="Belum masuk")
        c = Complaint.objects.get(pk=self.complaint.pk)
        self.assertEqual((c.status, c.tingkat, c.handler), ("dibuka_kembali", "korcam",
                                                              self.korcam_a))  # fmt: skip
        self.assertEqual((c.reopened, c.reopened_at, c.step_started_at),
                         (True, T0 + timedelta(days=10), T0 + timedelta(days=10)))  # fmt: skip
        self.assertEqual((c.decision, c.resolution, c.resolved_at), ("", "", None))
        entry = self.audit_of("complaints.reopen").get()
        self.assertIsNone(entry.actor)
        self.assertEqual(entry.changes["tingkat"], ["pendamping", "korcam"])

    def test_a_complaint_whose_resolver_has_left_reopens_with_the_next_one_at_that_level(self):
        self.handle_to_resolution()  # by pendamping_a, who then leaves
        self.pendamping_a.is_active = False
        self.pendamping_a.save(update_fields=["is_active"])
        with at(T0 + timedelta(days=5)):
            actions.reopen_complaint(self.complaint.kode, self.pin)
        self.complaint.refresh_from_db()
        # Desa A: pendamping_a2 is the one other pendamping with a family there.
        self.assertEqual((self.complaint.tingkat, self.complaint.handler),
                         ("pendamping", self.pendamping_a2))  # fmt: skip

    def test_a_wrong_pin_is_refused_with_the_same_words_as_an_unknown_code(self):
        self.handle_to_resolution()
        wrong = f"{(int(self.pin) + 1) % 10**6:06d}"
        refusals = []
        for kode, pin in ((self.complaint.kode, wrong), ("ADU-ZZZZZZZZ", self.pin)):
            with at(T0 + timedelta(days=5)), self.assertRaises(ValidationError) as refused:
                actions.reopen_complaint(kode, pin)
            refusals.append(refused.exception.messages)
        self.assertEqual(refusals[0], refusals[1])
        self.complaint.refresh_from_db()
        self.assertEqual(self.complaint.status, "selesai")
        with at(T0 + timedelta(days=5)):  # the right PIN, the same day
            actions.reopen_complaint(self.complaint.kode, self.pin)

    def test_a_second_reopening_is_refused(self):
        self.handle_to_resolution()
        with at(T0 + timedelta(days=5)):
            actions.reopen_complaint(self.complaint.kode, self.pin)
        with at(T0 + timedelta(days=6)):
            actions.resolve_complaint(self.complaint, decision="sebagian",
                                      resolution="Sebagian.", acting_user=self.pendamping_a)  # fmt: skip
        with at(T0 + timedelta(days=7)), self.assertRaisesRegex(ValidationError, "satu kali"):
            actions.reopen_complaint(self.complaint.kode, self.pin)

    def test_reopening_after_fourteen_days_is_refused(self):
        self.handle_to_resolution()  # resolved at T0 + 3 days
        with at(T0 + timedelta(days=17, minutes=1)), self.assertRaises(ValidationError):
            actions.reopen_complaint(self.complaint.kode, self.pin)
        with at(T0 + timedelta(days=17)):
            actions.reopen_complaint(self.complaint.kode, self.pin)  # the 14th day, to the minute
        self.assertEqual(self.complaint.__class__.objects.get(pk=self.complaint.pk).status,
                         "dibuka_kembali")  # fmt: skip

    def test_an_open_complaint_cannot_be_reopened(self):
        with self.assertRaises(ValidationError):
            actions.reopen_complaint(self.complaint.kode, self.pin)

    def test_reassignment_stays_in_scope_and_keeps_the_clock(self):
        actions.reassign_complaint(self.complaint, to_user=self.pendamping_a2,
                                   acting_user=self.korcam_a)  # fmt: skip
        self.assertEqual((self.complaint.handler, self.complaint.tingkat, self.complaint.step_started_at),
                         (self.pendamping_a2, "pendamping", T0))  # fmt: skip
        entry = self.audit_of("complaints.reassign").get()
        self.assertEqual(entry.changes["handler_id"], [self.pendamping_a.pk, self.pendamping_a2.pk])
        with self.assertRaises(PermissionDenied):  # Desa A is not in Kecamatan B
            actions.reassign_complaint(self.complaint, to_user=self.pendamping_b,
                                       acting_user=self.korcam_a)  # fmt: skip

    def test_a_conduct_complaint_is_never_handed_to_a_pendamping(self):
        conduct, _pin = file_complaint(kategori="pungli", family=self.family_a2,
                                       accused=self.pendamping_a)  # fmt: skip
        for user in (self.pendamping_a, self.pendamping_a2):
            with self.subTest(user=user.username), self.assertRaises(ValidationError):
                actions.reassign_complaint(conduct, to_user=user, acting_user=self.korcam_a)
        actions.reassign_complaint(conduct, to_user=self.korkab, acting_user=self.korcam_a)
        self.assertEqual((conduct.tingkat, conduct.handler), ("korkab", self.korkab))

    def test_notes_are_audited_and_refused_to_a_read_only_role(self):
        note = actions.add_note(self.complaint, text="Sudah telepon bank.",
                                acting_user=self.pendamping_a)  # fmt: skip
        self.assertEqual(note.author, self.pendamping_a)
        self.assertEqual(self.audit_of("complaints.note").get().actor, self.pendamping_a)
        with self.assertRaises(PermissionDenied):
            actions.add_note(self.complaint, text="x", acting_user=self.auditor)


class CloseDuplicatesTest(ComplaintTestCase):
    def test_duplicates_are_closed_as_referred_to_the_original_each_with_an_audit_row(self):
        original, _pin = file_complaint(family=self.family_a)
        copies = [file_complaint(family=self.family_a)[0] for _ in range(2)]
        closed = actions.close_duplicates(
            Complaint.objects.filter(pk__in=[c.pk for c in copies]), original=original,
            acting_user=self.pendamping_a,
        )  # fmt: skip
        self.assertEqual(closed, 2)
        for copy in Complaint.objects.filter(pk__in=[c.pk for c in copies]):
            self.assertEqual((copy.status, copy.decision, copy.duplicate_of),
                             ("selesai", "dirujuk", original))  # fmt: skip
            self.assertIn(original.kode, copy.resolution)
            self.assertEqual((copy.resolved_level, copy.resolved_by),
                             ("pendamping", self.pendamping_a))  # fmt: skip
        rows = AuditEntry.objects.filter(action="complaints.close_duplicate")
        self.assertEqual(sorted(rows.values_list("object_id", flat=True)),
                         sorted(str(c.pk) for c in copies))  # fmt: skip
        self.assertEqual(Complaint.objects.get(pk=original.pk).status, "diterima")

    def test_one_complaint_out_of_reach_refuses_the_whole_set(self):
        original, _pin = file_complaint(family=self.family_a)
        mine, _pin = file_complaint(family=self.family_a)
        theirs, _pin = file_complaint(family=self.family_b)
        with self.assertRaises(PermissionDenied):
            actions.close_duplicates(Complaint.objects.filter(pk__in=[mine.pk, theirs.pk]),
                                     original=original, acting_user=self.pendamping_a)  # fmt: skip
        self.assertEqual(Complaint.objects.get(pk=mine.pk).status, "diterima")


class SubmitTest(ComplaintTestCase):
    def test_staff_intake_keeps_the_time_of_receipt_and_records_the_staff_member(self):
        complaint, _pin = file_complaint(saluran="telepon", received_at=T0, nik=make_nik(),
                                         acting_user=self.operator)  # fmt: skip
        self.assertEqual((complaint.received_at, complaint.step_started_at), (T0, T0))
        entry = AuditEntry.objects.get(action="complaints.submit", object_id=str(complaint.pk))
        self.assertEqual(entry.actor, self.operator)
        self.assertNotIn(complaint.complainant_nik, str(entry.details))

    def test_a_call_or_a_walk_in_is_recorded_by_staff_not_by_the_public(self):
        with self.assertRaises(PermissionDenied):
            file_complaint(saluran="telepon")
        with self.assertRaises(PermissionDenied):
            file_complaint(saluran="datang", acting_user=self.auditor)
        with self.assertRaises(PermissionDenied):  # Desa A is outside Kecamatan B
            file_complaint(saluran="datang", acting_user=self.pendamping_b)

    def test_it_refuses_a_bad_nik_an_unknown_desa_and_an_unknown_category(self):
        for kwargs, field in (({"nik": "180601170585001"}, "nik"),
                              ({"region_code": "1806019999"}, "region_code"),
                              ({"region_code": "180601"}, "region_code"),
                              ({"kategori": "lain"}, "kategori"),
                              ({"saluran": "surat"}, "saluran"),
                              ({"uraian": " "}, "uraian"),
                              ({"name": "A" * 151}, "complainant_name"),
                              ({"phone": "0812" * 6}, "complainant_phone"),
                              ({"family": self.family_b, "region_code": DESA_A}, "family")):  # fmt: skip
            with self.subTest(field=field), self.assertRaises(ValidationError) as refused:
                file_complaint(**kwargs)
            self.assertIn(field, refused.exception.message_dict)
        self.assertEqual(Complaint.objects.count(), 0)

    def test_an_anonymous_complaint_is_accepted_with_a_dotted_desa_code(self):
        complaint, _pin = file_complaint(region_code="18.06.01.2001")
        self.assertEqual((complaint.region_code, complaint.complainant_name), (DESA_A, ""))
        self.assertTrue(re.fullmatch(r"ADU-\w{8}", complaint.kode))
