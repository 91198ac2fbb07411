"""The kinds of a pendamping's work (issue 16, DESIGN §9): one list for the monthly plan,
the activity log and the realisation, so a plan line and the work that realises it always
name the same kind."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    HOME_VISIT = "kunjungan_rumah", _("Kunjungan rumah")
    P2K2_MEETING = "pertemuan_p2k2", _("Pertemuan P2K2")
    VERIFICATION = "verifikasi", _("Verifikasi komitmen")
    SOCIALISATION = "sosialisasi", _("Sosialisasi")
    DATA_UPDATE = "pemutakhiran", _("Pemutakhiran data")
    DISBURSEMENT_MONITORING = "pemantauan_penyaluran", _("Pemantauan penyaluran")
    GRADUATION_ASSESSMENT = "penilaian_graduasi", _("Penilaian graduasi")
    COMPLAINT_FOLLOW_UP = "tindak_lanjut_pengaduan", _("Tindak lanjut pengaduan")
    KKS_CHECK = "pemeriksaan_kks", _("Pemeriksaan KKS")
