"""The file sent with a public complaint: checked by its content and size, kept in the
database with the complaint or not at all, and downloaded only by staff who see the
complaint, as an audited download the browser does not open in the page."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from harapan.audit.models import AuditEntry

from ..models import Complaint, ComplaintAttachment
from .base import ComplaintTestCase, file_complaint
from .public import FORM_URL, at_second, filled

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_1x1() -> bytes:
    """A real 1×1 grey PNG, written by hand."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))  # fmt: skip


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@at_second
class AttachmentUploadTest(ComplaintTestCase):
    def send(self, attachment, **fields):
        page = self.client.get(FORM_URL)
        return self.client.post(FORM_URL, filled(page, lampiran=attachment, **fields))

    def assert_nothing_saved(self):
        assert (Complaint.objects.count(), ComplaintAttachment.objects.count()) == (0, 0)
        assert not AuditEntry.objects.filter(action="complaints.submit").exists()

    def test_a_pdf_is_kept_with_its_type_read_from_the_content(self, _s):
        # The browser's word (text/html) is not taken: the type comes from the bytes.
        done = self.send(upload("Surat Desa.pdf", PDF, content_type="text/html"))
        assert done.status_code == 200
        stored = ComplaintAttachment.objects.get()
        assert (stored.complaint, stored.name, stored.content_type, stored.size) == (
            Complaint.objects.get(), "Surat Desa.pdf", "application/pdf", 77)  # fmt: skip
        assert bytes(stored.data) == PDF
        entry = AuditEntry.objects.get(action="complaints.submit")
        assert entry.details["lampiran"] == "Surat Desa.pdf"

    def test_a_png_photo_is_kept(self, _s):
        self.send(upload("foto.PNG", png_1x1(), content_type="image/png"))
        assert ComplaintAttachment.objects.get().content_type == "image/png"

    def test_an_executable_named_as_a_photo_is_refused_and_nothing_is_saved(self, _s):
        refused = self.send(upload("foto.jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200))
        self.assertContains(refused, "Isi lampiran bukan foto seperti namanya.")
        self.assertContains(refused, "Bantuan tahap III belum masuk ke rekening.</textarea>")
        self.assert_nothing_saved()

    def test_a_web_page_named_as_a_pdf_is_refused(self, _s):
        html = b"<!doctype html><html><script>alert(1)</script></html>"
        refused = self.send(upload("x.pdf", html, content_type="application/pdf"))
        self.assertContains(refused, "Isi lampiran bukan PDF seperti namanya.")
        self.assert_nothing_saved()

    def test_a_pdf_or_a_zip_named_as_a_photo_is_refused(self, _s):
        refused = self.send(upload("foto.jpg", PDF))
        self.assertContains(refused, "Isi lampiran bukan foto seperti namanya.")
        refused = self.send(upload("foto.jpeg", b"PK\x03\x04" + b"\x00" * 100))
        self.assertContains(refused, "Isi lampiran bukan foto seperti namanya.")
        self.assert_nothing_saved()

    def test_another_kind_of_file_is_refused_by_its_name(self, _s):
        refused = self.send(upload("data.html", b"<html></html>", content_type="text/html"))
        self.assertContains(refused, "Lampiran harus foto (.jpg, .jpeg, .png) atau berkas .pdf.")
        self.assert_nothing_saved()

    @override_settings(HARAPAN_COMPLAINT_ATTACHMENT_MAX_MB=1)
    def test_a_file_over_the_cap_is_refused(self, _s):
        # 1 MB and 52,429 bytes: 1.05 MB, shown rounded half up as 1,1.
        big = PDF + b"0" * (1024 * 1024 + 52_429 - len(PDF))
        refused = self.send(upload("besar.pdf", big))
        self.assertContains(refused, "Lampiran terlalu besar (1,1 MB); batasnya 1 MB.")
        self.assert_nothing_saved()
        exactly = PDF + b"0" * (1024 * 1024 - len(PDF))
        assert self.send(upload("pas.pdf", exactly)).status_code == 200
        assert ComplaintAttachment.objects.get().size == 1_048_576

    def test_a_refusal_of_the_action_saves_no_attachment(self, _s):
        # The form passes it; the action refuses the NIK, and the file goes with it.
        refused = self.send(upload("surat.pdf", PDF), nik="1806010000000000")
        assert "nik" in refused.context["form"].errors
        self.assert_nothing_saved()


class AttachmentDownloadTest(ComplaintTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Desa A, about family_a: pendamping_a handles it.
        cls.complaint, _pin = file_complaint(family=cls.family_a)
        ComplaintAttachment.objects.create(complaint=cls.complaint, name="surat desa.pdf",
                                           content_type="application/pdf", size=len(PDF),
                                           data=PDF)  # fmt: skip
        cls.bare, _pin = file_complaint(family=cls.family_a)

    def url(self, complaint=None):
        return reverse("complaints:attachment", args=[(complaint or self.complaint).kode])

    def test_the_staff_who_see_it_download_it_audited_and_not_sniffed(self):
        self.client.force_login(self.korcam_a)
        response = self.client.get(self.url())
        assert response.status_code == 200
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="surat desa.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        entry = AuditEntry.objects.get(action="complaints.attachment.download")
        assert (entry.actor, entry.object_id, entry.details) == (
            self.korcam_a, str(self.complaint.pk), {"berkas": "surat desa.pdf"})  # fmt: skip

    def test_whoever_does_not_see_the_complaint_gets_404_and_nothing_is_recorded(self):
        for user in (self.pendamping_b, self.pendamping_a2, self.korcam_b):
            self.client.force_login(user)
            assert self.client.get(self.url()).status_code == 404
        assert not AuditEntry.objects.filter(action="complaints.attachment.download").exists()

    def test_the_public_is_sent_to_sign_in(self):
        response = self.client.get(self.url())
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_a_complaint_without_an_attachment_answers_404(self):
        self.client.force_login(self.korcam_a)
        assert self.client.get(self.url(self.bare)).status_code == 404
