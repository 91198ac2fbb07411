"""The personas of harapan/testing.py, plus a korcam for Kecamatan B, and a complaint maker."""

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, KEC_B, PersonaTestCase, make_user

from ..actions import submit_complaint


def file_complaint(**kwargs):
    """A complaint from the public web form (defaults: Desa A, pembayaran); (complaint, pin)."""
    kwargs.setdefault("kategori", "pembayaran")
    kwargs.setdefault("saluran", "web")
    kwargs.setdefault("uraian", "Bantuan tahap III belum masuk ke rekening.")
    kwargs.setdefault("region_code", kwargs["family"].region_code if "family" in kwargs else DESA_A)
    return submit_complaint(**kwargs)


class ComplaintTestCase(PersonaTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.korcam_b = make_user("korcam_b", Role.KORCAM, KEC_B)
