"""Summary tables (DESIGN §11, issue 18): the figures of every desa per month and per stage,
refreshed set-based by `summary.py` (a scheduled task, and after each import or
computation), so that no dashboard scans families or members. A dashboard sums the rows of
its region's desa; each row is a count of records a detailed page lists.
"""

from django.db import models


class DesaMonth(models.Model):
    """One desa's figures for one month. Counts "on the month's day" are taken on its last
    day, or on the refresh day for the month still running (`SummaryRun.as_of`)."""

    region_code = models.CharField("kode desa", max_length=10)
    month = models.DateField("bulan")  # its first day
    # Families in PKH on the month's day (registry.models.in_programme_on).
    kpm_aktif = models.PositiveIntegerField(default=0)
    # Members earning each component on the month's first day (the one component rule,
    # registry/eligibility.py), as the verification monitoring counts them.
    ibu_hamil = models.PositiveIntegerField(default=0)
    anak_usia_dini = models.PositiveIntegerField(default=0)
    sd = models.PositiveIntegerField(default=0)
    smp = models.PositiveIntegerField(default=0)
    sma = models.PositiveIntegerField(default=0)
    disabilitas_berat = models.PositiveIntegerField(default=0)
    lansia = models.PositiveIntegerField(default=0)
    # Verification of the month (compliance/monitoring.py): owed, recorded, compliant and
    # not compliant (an excused record is neither: the compliance rate leaves it out).
    wajib_verifikasi = models.PositiveIntegerField(default=0)
    terverifikasi = models.PositiveIntegerField(default=0)
    patuh = models.PositiveIntegerField(default=0)
    tidak_patuh = models.PositiveIntegerField(default=0)
    # P2K2 meetings held in the desa in the month, their attendance rows and `hadir` rows.
    pertemuan_p2k2 = models.PositiveIntegerField(default=0)
    kehadiran_baris = models.PositiveIntegerField(default=0)
    kehadiran_hadir = models.PositiveIntegerField(default=0)
    # Exits with their exit date in the month, by kind.
    keluar_alamiah = models.PositiveIntegerField(default=0)
    keluar_sejahtera_mandiri = models.PositiveIntegerField(default=0)
    keluar_lain = models.PositiveIntegerField(default=0)
    # Complaints of the desa received in the month; resolved in it; of those, on time.
    pengaduan_masuk = models.PositiveIntegerField(default=0)
    pengaduan_selesai = models.PositiveIntegerField(default=0)
    pengaduan_tepat_waktu = models.PositiveIntegerField(default=0)
    # Data updates of the desa's families decided in the month.
    pemutakhiran = models.PositiveIntegerField(default=0)
    # Families whose last KKS status on the month's day is not "held by the KPM".
    kks_tidak_di_kpm = models.PositiveIntegerField(default=0)
    # The complementary-programme gap lists on the month's day (programs/gaps.py).
    celah_pip = models.PositiveIntegerField(default=0)
    celah_pbi = models.PositiveIntegerField(default=0)
    celah_bpnt = models.PositiveIntegerField(default=0)
    celah_atensi = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "region_code"], name="desa_month_once")
        ]
        verbose_name = "ringkasan desa per bulan"
        verbose_name_plural = "ringkasan desa per bulan"


class DesaStage(models.Model):
    """One desa's money of one stage: entitled (benefits.Entitlement) and disbursed
    (the reconciliation's successful rows, benefits.Disbursement)."""

    region_code = models.CharField("kode desa", max_length=10)
    year = models.PositiveSmallIntegerField("tahun")
    stage = models.PositiveSmallIntegerField("tahap")
    kpm_ditetapkan = models.PositiveIntegerField(default=0)
    jumlah_ditetapkan = models.BigIntegerField(default=0)
    kpm_tersalur = models.PositiveIntegerField(default=0)
    jumlah_tersalur = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "stage", "region_code"], name="desa_stage_once")
        ]
        verbose_name = "ringkasan desa per tahap"
        verbose_name_plural = "ringkasan desa per tahap"


class DesaYear(models.Model):
    """One desa's families of one year, which months and stages cannot sum: a family counts
    once however many months or stages it is in (the province history, the annual report).
    """

    region_code = models.CharField("kode desa", max_length=10)
    year = models.PositiveSmallIntegerField("tahun")
    # Families in PKH on some day of the year: registered by its end, not exited before
    # its first day (an exit on 1 January leaves the family out).
    kpm_dilayani = models.PositiveIntegerField(default=0)
    # Families with an entitlement in some stage of the year.
    kpm_ditetapkan = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["year", "region_code"], name="desa_year_once")
        ]
        verbose_name = "ringkasan desa per tahun"
        verbose_name_plural = "ringkasan desa per tahun"


class SummaryRun(models.Model):
    """When a kabupaten's summary rows were last refreshed: the freshness a dashboard
    states. One row per kabupaten (4-digit code), replaced by each refresh."""

    kabupaten_code = models.CharField("kode kabupaten/kota", max_length=4, unique=True)
    refreshed_at = models.DateTimeField("diperbarui pada")
    as_of = models.DateField("tanggal acuan")
    first_month = models.DateField("bulan pertama")

    class Meta:
        verbose_name = "pembaruan ringkasan"
        verbose_name_plural = "pembaruan ringkasan"


# The scorecard's targets (issue 18, DESIGN §9) ---------------------------------------------


class Figure(models.TextChoices):
    """The scorecard figures coloured against a target in per cent (GSM has its own,
    graduation.Target)."""

    VERIFICATION = "verifikasi", "Kelengkapan verifikasi"
    ATTENDANCE = "kehadiran", "Kehadiran P2K2"
    COMPLAINTS = "pengaduan", "Pengaduan tepat waktu"
    REALISATION = "realisasi", "Realisasi rencana kerja"


class FigureTarget(models.Model):
    """The per cent a figure should reach in a year in a region: the row with the longest
    prefix of the pendamping's region wins; '' is national; without a row,
    `scorecard.DEFAULT_TARGETS`."""

    figure = models.CharField("angka", max_length=12, choices=Figure.choices)
    year = models.PositiveSmallIntegerField("tahun")
    region_code = models.CharField("kode wilayah (kosong = nasional)", max_length=10, blank=True)
    percent = models.PositiveSmallIntegerField("target (%)")

    class Meta:
        ordering = ["year", "figure", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "year", "region_code"], name="figure_target_once"
            )
        ]
        verbose_name = "target kinerja"
        verbose_name_plural = "target kinerja"
