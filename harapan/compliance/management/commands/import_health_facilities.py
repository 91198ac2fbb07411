from harapan.compliance.models import FacilityKind
from harapan.compliance.reference import FACILITIES, ReferenceImportCommand


class Command(ReferenceImportCommand):
    help = (
        "Mengimpor data fasilitas kesehatan, CSV kode_desa,nama,jenis,kode_faskes (jenis "
        + "/".join(FacilityKind.values)
        + "; kode_faskes boleh kosong). Faskes diperbarui menurut desa dan nama. "
        "Dengan galat apa pun tidak ada yang diimpor."
    )
    kind = FACILITIES
