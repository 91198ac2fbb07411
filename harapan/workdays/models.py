from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiveLeave(models.Model):
    """A day of cuti bersama (the year's SKB), off for the complaint SLAs (DESIGN §8).

    National holidays come from the `holidays` package; these days the SKB adds each year
    are entered by an admin, since the government sets (and sometimes moves) them.
    """

    date = models.DateField(_("tanggal"), unique=True)
    description = models.CharField(_("keterangan"), max_length=120)

    class Meta:
        ordering = ["date"]
        verbose_name = _("cuti bersama")
        verbose_name_plural = _("cuti bersama")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.description}"

    def clean(self):
        # A weekend is off already: such a row would change nothing, so it is a typo.
        if self.date is not None and self.date.weekday() >= 5:
            raise ValidationError(
                {
                    "date": _(
                        "Tanggal ini hari Sabtu atau Minggu; cuti bersama jatuh pada hari kerja."
                    )
                }
            )
