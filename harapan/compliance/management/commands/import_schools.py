from harapan.compliance.reference import SCHOOLS, ReferenceImportCommand


class Command(ReferenceImportCommand):
    help = (
        "Mengimpor data sekolah, CSV npsn,nama,jenjang,kode_desa (jenjang sd/smp/sma). "
        "Sekolah diperbarui menurut NPSN. Dengan galat apa pun tidak ada yang diimpor."
    )
    kind = SCHOOLS
