"""Every action code the app writes to the trail, with the words a page shows for it.

A page never shows a code (DESIGN §11): the trail view, its filter and the
family history read the label ("Koreksi data keluarga") or the verb phrase
of a sentence ("mengoreksi data keluarga") from here. Admin saves are
recorded as `<app>.<model>.add|change|delete` for every model an audited
admin (or one of its inlines) edits; their words come from the model's name.

A new action code needs its line here: `tests/test_labels.py` walks the
source for the codes passed to the trail and fails on one without a label.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Action:
    label: str  # a name, for a select or a column: "Koreksi data keluarga"
    phrase: str  # what the actor did, in a sentence: "mengoreksi data keluarga"


ACTIONS: dict[str, Action] = {
    # Sign-in (audit/signals.py)
    "auth.login": Action(_("Masuk aplikasi"), _("masuk ke aplikasi")),
    "auth.logout": Action(_("Keluar aplikasi"), _("keluar dari aplikasi")),
    "auth.login_failed": Action(_("Gagal masuk"), _("gagal masuk ke aplikasi")),
    "auth.locked_out": Action(
        _("Masuk dikunci sementara"), _("terkunci sementara setelah kata sandi salah berulang kali")
    ),
    "auth.second_factor.enrol": Action(
        _("Verifikasi dua langkah diaktifkan"), _("mengaktifkan verifikasi dua langkah")
    ),
    "auth.second_factor.disable": Action(
        _("Verifikasi dua langkah dimatikan"), _("mematikan verifikasi dua langkah")
    ),
    "auth.second_factor.failed": Action(
        _("Kode verifikasi dua langkah salah"),
        _("memasukkan kode verifikasi dua langkah yang salah"),
    ),
    # Background work
    "jobs.run.start": Action(_("Pekerjaan latar dimulai"), _("memulai pekerjaan latar")),
    # The whole database (`harapan backup`)
    "database.backup": Action(_("Pencadangan basis data"), _("mencadangkan seluruh basis data")),
    "upload.view_nik": Action(
        _("Lihat NIK lengkap galat berkas"), _("melihat NIK lengkap pada galat berkas unggahan")
    ),
    "upload.refuse": Action(
        _("Berkas unggahan ditolak"), _("mengunggah berkas yang ditolak pemeriksaan")
    ),
    # Regions and demo data (commands)
    "regions.load": Action(_("Muat data wilayah"), _("memuat data wilayah")),
    "demo.build": Action(_("Pembuatan data demo"), _("membuat data demo")),
    "demo.verification": Action(_("Verifikasi data demo"), _("membuat verifikasi data demo")),
    # Registry
    "registry.import": Action(_("Impor data KPM"), _("mengimpor data KPM")),
    "registry.family.update": Action(_("Koreksi data keluarga"), _("mengoreksi data keluarga")),
    "registry.member.update": Action(_("Koreksi data anggota"), _("mengoreksi data anggota")),
    "registry.member.view_nik": Action(
        _("Lihat NIK lengkap anggota"), _("melihat NIK lengkap anggota keluarga")
    ),
    "registry.family.assign": Action(_("Penugasan pendamping"), _("menugaskan pendamping")),
    "registry.family.export": Action(_("Ekspor daftar KPM"), _("mengunduh daftar KPM")),
    "accounts.user.language": Action(_("Ganti bahasa tampilan"), _("mengganti bahasa tampilan")),
    "auth.password_change": Action(_("Ganti kata sandi"), _("mengganti kata sandi")),
    "registry.family.move": Action(
        _("Pindah domisili"), _("memindahkan domisili keluarga beserta datanya")
    ),
    "registry.family.exit": Action(_("Keluarga keluar dari PKH"), _("mencatat keluarga keluar")),
    "registry.change.request": Action(
        _("Pengajuan pemutakhiran data"), _("mengajukan pemutakhiran data")
    ),
    "registry.change.approve": Action(
        _("Pemutakhiran data disetujui"), _("menyetujui pemutakhiran data")
    ),
    "registry.change.reject": Action(
        _("Pemutakhiran data ditolak"), _("menolak pemutakhiran data")
    ),
    "registry.check_data": Action(_("Pemeriksaan data"), _("memeriksa data")),
    "registry.check_data.store": Action(
        _("Hasil pemeriksaan data disimpan"), _("menyimpan hasil pemeriksaan data")
    ),
    "registry.findings.view_nik": Action(
        _("Lihat NIK lengkap temuan data"), _("melihat NIK lengkap pada temuan data")
    ),
    # Compliance (verification of commitments, sanctions, schools and health facilities)
    "compliance.verification.record": Action(
        _("Pencatatan verifikasi komitmen"), _("mencatat verifikasi komitmen")
    ),
    "compliance.verification.import": Action(
        _("Impor verifikasi komitmen"), _("mengimpor verifikasi komitmen")
    ),
    "compliance.sanction.create": Action(_("Sanksi dikenakan"), _("mengenakan sanksi")),
    "compliance.sanction.remove": Action(_("Sanksi dihapus"), _("menghapus sanksi")),
    "compliance.sanction.lift": Action(_("Sanksi dicabut"), _("mencabut sanksi")),
    "compliance.service.link": Action(
        _("Penautan fasilitas layanan"), _("menautkan anggota ke fasilitas layanan")
    ),
    "compliance.school.create": Action(_("Sekolah ditambahkan"), _("menambahkan sekolah")),
    "compliance.school.update": Action(_("Data sekolah diubah"), _("mengubah data sekolah")),
    "compliance.school.import": Action(_("Impor data sekolah"), _("mengimpor data sekolah")),
    "compliance.healthfacility.create": Action(
        _("Faskes ditambahkan"), _("menambahkan fasilitas kesehatan")
    ),
    "compliance.healthfacility.update": Action(
        _("Data faskes diubah"), _("mengubah data fasilitas kesehatan")
    ),
    "compliance.healthfacility.import": Action(
        _("Impor data faskes"), _("mengimpor data fasilitas kesehatan")
    ),
    "compliance.missing.view_nik": Action(
        _("Lihat NIK lengkap verifikasi belum tercatat"),
        _("melihat NIK lengkap pada daftar verifikasi belum tercatat"),
    ),
    "compliance.missing.export": Action(
        _("Ekspor verifikasi belum tercatat"), _("mengekspor daftar verifikasi belum tercatat")
    ),
    "compliance.monitoring.export": Action(
        _("Ekspor pemantauan verifikasi"), _("mengekspor pemantauan verifikasi")
    ),
    "compliance.forced_exit.export": Action(
        _("Ekspor calon graduasi paksa"), _("mengekspor calon graduasi paksa")
    ),
    # Benefits
    "benefits.entitlements.compute": Action(
        _("Penetapan bantuan dihitung"), _("menghitung penetapan bantuan")
    ),
    "benefits.entitlements.recompute": Action(
        _("Penetapan bantuan dihitung ulang"), _("menghitung ulang penetapan bantuan")
    ),
    "benefits.entitlement.recompute": Action(
        _("Penetapan bantuan keluarga berubah"), _("mengubah penetapan bantuan keluarga")
    ),
    "benefits.entitlements.export": Action(
        _("Ekspor penetapan bantuan"), _("mengekspor penetapan bantuan")
    ),
    "benefits.disbursement.import": Action(
        _("Impor data penyaluran"), _("mengimpor data penyaluran")
    ),
    "benefits.reconciliation.export": Action(
        _("Ekspor rekonsiliasi penyaluran"), _("mengekspor rekonsiliasi penyaluran")
    ),
    "benefits.kks.record": Action(_("Pencatatan status KKS"), _("mencatat status KKS")),
    "benefits.kks.not_held.export": Action(
        _("Ekspor KKS tidak di tangan KPM"), _("mengunduh daftar KKS yang tidak di tangan KPM")
    ),
    "benefits.kks.violation": Action(
        _("Pelanggaran penguasaan KKS"), _("mencatat pelanggaran penguasaan KKS")
    ),
    # P2K2 (FDS)
    "fds.group.create": Action(_("Kelompok P2K2 dibentuk"), _("membentuk kelompok P2K2")),
    "fds.group.update": Action(_("Kelompok P2K2 diubah"), _("mengubah kelompok P2K2")),
    "fds.membership.join": Action(
        _("Keluarga masuk kelompok P2K2"), _("memasukkan keluarga ke kelompok P2K2")
    ),
    "fds.membership.leave": Action(
        _("Keluarga keluar dari kelompok P2K2"), _("mengeluarkan keluarga dari kelompok P2K2")
    ),
    "fds.meeting.plan": Action(_("Pertemuan P2K2 direncanakan"), _("merencanakan pertemuan P2K2")),
    "fds.meeting.record": Action(_("Pertemuan P2K2 dicatat"), _("mencatat pertemuan P2K2")),
    "fds.meeting.cancel": Action(_("Pertemuan P2K2 dibatalkan"), _("membatalkan pertemuan P2K2")),
    "fds.report.meetings.export": Action(
        _("Ekspor laporan pertemuan P2K2"), _("mengekspor laporan pertemuan P2K2")
    ),
    "fds.report.coverage.export": Action(
        _("Ekspor cakupan modul P2K2"), _("mengekspor cakupan modul P2K2")
    ),
    # Graduation
    "graduation.propose": Action(_("Usulan graduasi"), _("mengusulkan graduasi")),
    "graduation.verify": Action(
        _("Usulan graduasi diverifikasi"), _("memverifikasi usulan graduasi")
    ),
    "graduation.approve": Action(_("Graduasi disetujui"), _("menyetujui graduasi")),
    "graduation.reject": Action(_("Usulan graduasi ditolak"), _("menolak usulan graduasi")),
    "graduation.follow_up": Action(
        _("Kunjungan pascagraduasi"), _("mencatat kunjungan pascagraduasi")
    ),
    "graduation.assess": Action(_("Penilaian kesiapan graduasi"), _("menilai kesiapan graduasi")),
    "graduation.targets.export": Action(
        _("Ekspor target graduasi"), _("mengekspor target graduasi")
    ),
    "graduation.candidates.export": Action(
        _("Ekspor calon graduasi"), _("mengekspor calon graduasi")
    ),
    "graduation.readiness.export": Action(
        _("Ekspor kesiapan graduasi"), _("mengekspor kesiapan graduasi")
    ),
    # Complaints (SPM)
    "complaints.submit": Action(_("Pengaduan diterima"), _("mencatat pengaduan")),
    "complaints.triage": Action(_("Pengaduan ditriase"), _("melakukan triase pengaduan")),
    "complaints.respond": Action(
        _("Tanggapan pertama pengaduan"), _("memberi tanggapan pertama atas pengaduan")
    ),
    "complaints.resolve": Action(_("Pengaduan diselesaikan"), _("menyelesaikan pengaduan")),
    "complaints.reopen": Action(
        _("Pengaduan dibuka kembali"), _("membuka kembali pengaduan dengan kode dan PIN")
    ),
    "complaints.reassign": Action(_("Pengaduan dialihkan"), _("mengalihkan penanganan pengaduan")),
    "complaints.close_duplicate": Action(
        _("Pengaduan ganda ditutup"), _("menutup pengaduan yang sama dengan pengaduan lain")
    ),
    "complaints.escalate": Action(
        _("Pengaduan dieskalasi"),
        _("menaikkan pengaduan yang melewati tenggat ke tingkat di atasnya"),
    ),
    "complaints.link_family": Action(
        _("Pengaduan dihubungkan dengan KPM"), _("menghubungkan pengaduan dengan KPM")
    ),
    "complaints.note": Action(
        _("Catatan internal pengaduan"), _("menulis catatan internal pada pengaduan")
    ),
    # Coordination meetings (fieldwork/actions_meetings.py)
    "fieldwork.meeting.plan": Action(
        _("Rapat koordinasi direncanakan"), _("merencanakan rapat koordinasi")
    ),
    "fieldwork.meeting.record": Action(
        _("Rapat koordinasi dicatat"), _("mencatat kehadiran dan notulen rapat koordinasi")
    ),
    "fieldwork.action_item.add": Action(
        _("Tindak lanjut rapat dicatat"), _("mencatat tindak lanjut rapat koordinasi")
    ),
    "fieldwork.action_item.follow_up": Action(
        _("Perkembangan tindak lanjut dicatat"), _("mencatat perkembangan tindak lanjut rapat")
    ),
    "fieldwork.action_item.close": Action(
        _("Tindak lanjut rapat diselesaikan"), _("menyelesaikan tindak lanjut rapat")
    ),
    "complaints.statistics.export": Action(
        _("Ekspor statistik pengaduan"), _("mengekspor statistik pengaduan")
    ),
    "complaints.attachment.download": Action(
        _("Lampiran pengaduan diunduh"), _("mengunduh lampiran pengaduan")
    ),
    "complaints.view_nik": Action(_("Lihat NIK lengkap pengadu"), _("melihat NIK lengkap pengadu")),
    "complaints.identify_accused": Action(
        _("Pendamping yang diadukan dicatat"),
        _("mencatat pendamping yang diadukan menurut nama dari pengadu"),
    ),
    "complaints.notice_seen": Action(
        _("Pemberitahuan pengaduan dibaca"), _("menandai pemberitahuan eskalasi pengaduan dibaca")
    ),
    # Fieldwork: coaching notes and code-of-ethics cases (issue 16)
    "fieldwork.coaching.write": Action(
        _("Catatan pembinaan ditulis"), _("menulis catatan pembinaan")
    ),
    "fieldwork.coaching.follow_up": Action(
        _("Tindak lanjut pembinaan dicatat"), _("mencatat tindak lanjut pembinaan")
    ),
    "fieldwork.ethics.report": Action(
        _("Kasus kode etik dilaporkan"), _("melaporkan kasus kode etik")
    ),
    "fieldwork.ethics.investigate": Action(
        _("Kasus kode etik diperiksa"), _("mencatat pemeriksaan kasus kode etik")
    ),
    "fieldwork.ethics.decide": Action(_("Kasus kode etik diputus"), _("memutus kasus kode etik")),
    "fieldwork.ethics.decision_seen": Action(
        _("Keputusan kode etik dibaca"), _("membaca keputusan kode etik atas dirinya")
    ),
    # The activity log (fieldwork/actions_activities.py)
    "fieldwork.activity.log": Action(_("Kegiatan dicatat"), _("mencatat kegiatan pendamping")),
    "fieldwork.activity.delete": Action(_("Kegiatan dihapus"), _("menghapus kegiatan pendamping")),
    # Monthly work plans of the pendamping (DESIGN §9)
    "fieldwork.plan.save": Action(
        _("Rencana kerja disimpan"), _("menyimpan rencana kerja bulanan")
    ),
    "fieldwork.plan.submit": Action(
        _("Rencana kerja diajukan"), _("mengajukan rencana kerja bulanan")
    ),
    "fieldwork.plan.accept": Action(
        _("Rencana kerja diterima"), _("menerima rencana kerja bulanan")
    ),
    "fieldwork.plan.return": Action(
        _("Rencana kerja dikembalikan"), _("mengembalikan rencana kerja bulanan dengan catatan")
    ),
    "fieldwork.plan.copy": Action(
        _("Rencana kerja disalin"), _("menyalin rencana kerja ke bulan berikutnya")
    ),
    # Complementary programmes: the participations import (issue 17)
    "programs.participation.import": Action(
        _("Impor kepesertaan program"), _("mengimpor kepesertaan program komplementer")
    ),
    # Gap lists of the complementary programmes (programs/views_gaps.py, program_gaps)
    "programs.gaps.export": Action(
        _("Ekspor celah program komplementer"), _("mengekspor celah program komplementer")
    ),
    "programs.gaps.view_nik": Action(
        _("NIK utuh di daftar celah program"), _("melihat NIK utuh di daftar celah program")
    ),
    # Complementary programmes (issue 17): proposals and their outcome
    "programs.propose": Action(
        _("Usulan program komplementer"), _("mengusulkan program komplementer")
    ),
    "programs.outcome": Action(
        _("Hasil usulan program dicatat"), _("mencatat hasil usulan program komplementer")
    ),
    # The scorecard of pendamping performance (issue 18: reports/scorecard.py)
    "reports.scorecard.export": Action(
        _("Ekspor kinerja pendamping"), _("mengekspor kinerja pendamping")
    ),
    "reports.target.save": Action(
        _("Target kinerja diubah"), _("mengubah target kinerja pendamping")
    ),
    # Dashboards and the region history (issue 18)
    "reports.dashboard.export": Action(_("Ekspor dasbor"), _("mengekspor dasbor wilayah")),
    "reports.history.export": Action(_("Ekspor riwayat wilayah"), _("mengekspor riwayat wilayah")),
    # The CSV/XLSX downloads of the list pages (harapan/downloads.py)
    "lists.table.export": Action(_("Unduh daftar"), _("mengunduh daftar")),
    # The trail itself
    "audit.trail.export": Action(_("Ekspor jejak audit"), _("mengekspor jejak audit")),
    # Working days of the complaint SLAs (`harapan load_collective_leave`)
    "workdays.collective_leave.load": Action(
        _("Cuti bersama diisi dari SKB"), _("mengisi cuti bersama dari daftar SKB")
    ),
    # Issue 18: the dashboards' summary rows (`harapan refresh_summaries`)
    "reports.summary.refresh": Action(
        _("Ringkasan dasbor diperbarui"), _("memperbarui ringkasan dasbor")
    ),
    # The annual report (issue 18)
    "reports.annual_report": Action(
        _("Laporan tahunan dibuat"), _("membuat laporan tahunan kinerja PKH")
    ),
}

UNKNOWN = Action(_("Tindakan lain"), _("melakukan tindakan lain"))


# Saves through the admin (audit/admin.py AuditedModelAdmin), by the last part of the code.
ADMIN_VERBS = {
    "add": (_("%(model)s ditambahkan lewat admin"), _("menambahkan %(model)s lewat admin")),
    "change": (_("%(model)s diubah lewat admin"), _("mengubah %(model)s lewat admin")),
    "delete": (_("%(model)s dihapus lewat admin"), _("menghapus %(model)s lewat admin")),
}


def admin_models() -> dict[str, type]:
    """The models whose admin saves are audited, by label ("registry.family"), with
    the models of their inlines."""
    from django.contrib import admin

    from .admin import AuditedModelAdmin

    found = {}
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AuditedModelAdmin):
            for each in [model, *(inline.model for inline in model_admin.inlines)]:
                found[each._meta.label_lower] = each
    return found


def _admin_action(code: str) -> Action | None:
    model_label, _dot, verb = code.rpartition(".")
    model = admin_models().get(model_label)
    if model is None or verb not in ADMIN_VERBS:
        return None
    label, phrase = (
        str(words) % {"model": model._meta.verbose_name} for words in ADMIN_VERBS[verb]
    )
    return Action(label[:1].upper() + label[1:], phrase)


def action_for(code: str) -> Action:
    """The words for `code`; UNKNOWN (never the code) when the catalogue lacks it."""
    return ACTIONS.get(code) or _admin_action(code) or UNKNOWN


def is_known(code: str) -> bool:
    return action_for(code) is not UNKNOWN


def action_label(code: str) -> str:
    """ "Koreksi data keluarga" for "registry.family.update"; "Tindakan lain" for a code
    the catalogue lacks (a page may put the code in a title attribute, never in the text)."""
    return str(action_for(code).label)


def all_codes() -> list[str]:
    """Every code of the catalogue, the admin's included."""
    admin_codes = [f"{label}.{verb}" for label in admin_models() for verb in ADMIN_VERBS]
    return [*ACTIONS, *admin_codes]


# Reads of what a person would not want spread: full NIKs on a page, and every export.
SENSITIVE_SUFFIXES = (".view_nik", ".export")


def sensitive_codes() -> list[str]:
    """The codes of sensitive reads (an `IN` on the indexed column, not a `LIKE '%…'` scan)."""
    return [code for code in all_codes() if code.endswith(SENSITIVE_SUFFIXES)]


# The groups of the action select, by the first part of a code (DESIGN §11 navigation).
GROUPS = {
    "auth": _("Masuk dan keluar"),
    "registry": _("Keluarga"),
    "compliance": _("Verifikasi"),
    "benefits": _("Bantuan"),
    "fds": _("P2K2"),
    "graduation": _("Graduasi"),
    "complaints": _("Pengaduan"),
    "fieldwork": _("Kinerja"),
    "programs": _("Program komplementer"),
    "reports": _("Laporan"),
}
OTHER_GROUP = _("Sistem")
ADMIN_GROUP = _("Admin")


def choices() -> list[tuple[str, str]]:
    """(code, label) of every action, by label: what the action filter accepts."""
    return sorted(((code, action_label(code)) for code in all_codes()), key=lambda c: c[1])


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """`choices()` in groups (Keluarga, Verifikasi, …, Admin): the trail view's select."""
    admin = set(all_codes()) - set(ACTIONS)
    groups: dict[str, list] = {}
    for code, label in choices():
        group = ADMIN_GROUP if code in admin else GROUPS.get(code.split(".")[0], OTHER_GROUP)
        groups.setdefault(group, []).append((code, label))
    order = [*GROUPS.values(), OTHER_GROUP, ADMIN_GROUP]
    return [(str(group), groups[group]) for group in order if group in groups]
