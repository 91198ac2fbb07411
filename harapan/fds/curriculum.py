"""The P2K2 curriculum of DESIGN §6, seeded into a fresh database (then edited as data)."""

from .models import Module, Session

MODULES = {
    1: "Pengasuhan dan Pendidikan Anak",
    2: "Pengelolaan Keuangan dan Perencanaan Usaha",
    3: "Kesehatan dan Gizi",
    4: "Perlindungan Anak",
    5: "Kesejahteraan Sosial",
}
SESSIONS = [
    (1, 1, "Menjadi orang tua yang lebih baik"),
    (1, 2, "Memahami perilaku anak"),
    (1, 3, "Memahami cara anak usia dini belajar"),
    (1, 4, "Membantu anak sukses di sekolah"),
    (2, 5, "Mengelola keuangan keluarga"),
    (2, 6, "Cermat meminjam dan menabung"),
    (2, 7, "Memulai usaha"),
    (3, 8, "Pentingnya gizi dan layanan kesehatan ibu hamil"),
    (3, 9, "Pentingnya gizi ibu menyusui dan balita"),
    (3, 10, "Kesakitan anak dan kesehatan lingkungan"),
    (4, 11, "Pencegahan kekerasan dan perlakuan salah pada anak"),
    (4, 12, "Penelantaran dan eksploitasi anak"),
    (5, 13, "Pelayanan disabilitas berat"),
    (5, 14, "Pelayanan lanjut usia"),
]


def ensure_curriculum() -> None:
    """Seed the modules and sessions once; an edited curriculum is left alone."""
    if Module.objects.exists():
        return
    modules = {n: Module.objects.create(number=n, title=t) for n, t in MODULES.items()}
    Session.objects.bulk_create(
        Session(module=modules[m], number=n, title=t) for m, n, t in SESSIONS
    )
