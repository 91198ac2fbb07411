"""The file a complainant may send with a complaint: a photo (JPEG, PNG) or a PDF.

Its kind is read from its first bytes, never from its name or the browser's
content type, and the name's suffix must agree: an executable or a web page
renamed `.pdf`, or a PDF or a zip renamed `.jpg`, is refused. When Pillow is
installed, an image must also open as one. The size cap is
HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from harapan.display import formats

try:  # optional: a deeper check of images where the server has it
    from PIL import Image
except ImportError:  # pragma: no cover - depends on the installation
    Image = None

# content type: (the first bytes, the suffixes that name it)
KINDS = {
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "application/pdf": (b"%PDF-", (".pdf",)),
}
SUFFIXES = tuple(suffix for _magic, suffixes in KINDS.values() for suffix in suffixes)
NAME_LENGTH = 150


@dataclass(frozen=True)
class Checked:
    """An accepted attachment: what is stored."""

    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def _kind_of(data: bytes) -> str | None:
    return next((kind for kind, (magic, _s) in KINDS.items() if data.startswith(magic)), None)


def _opens_as_image(data: bytes) -> bool:
    if Image is None:
        return True
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds for a broken image  # noqa: BLE001
        return False
    return True


def check_attachment(upload) -> Checked:
    """The upload as it will be stored, or ValidationError with an Indonesian message."""
    limit = settings.HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError(
            _("Lampiran terlalu besar (%(size)s MB); batasnya %(limit)s MB.")
            % {"size": formats.number(upload.size / 1024 / 1024, 1), "limit": limit}
        )
    name = Path(upload.name or "").name[-NAME_LENGTH:]
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(_("Lampiran harus foto (.jpg, .jpeg, .png) atau berkas .pdf."))
    upload.seek(0)
    data = upload.read()
    kind = _kind_of(data)
    if kind is None or suffix not in KINDS[kind][1]:
        raise ValidationError(
            _(
                "Isi lampiran bukan %(kind)s seperti namanya. "
                "Kirim foto (JPG/PNG) atau PDF yang asli."
            )
            % {"kind": "PDF" if suffix == ".pdf" else _("foto")}
        )
    if kind.startswith("image/") and not _opens_as_image(data):
        raise ValidationError(_("Foto lampiran rusak atau tidak dapat dibuka."))
    return Checked(name=name, content_type=kind, data=data)
