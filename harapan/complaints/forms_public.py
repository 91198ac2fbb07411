"""The forms of the public complaint pages (no sign-in): file, track, reopen.

The desa picker (kabupaten → kecamatan → desa) offers the children of what is
chosen, read from the submitted values, so it works without JavaScript (a
"Tampilkan" step re-sends the form) and with it (regions.js fills the lists).

Bots: a small sum to work out, whose numbers travel in a signed token that
expires (django.core.signing), and a field hidden from people (a honeypot)
that only a robot fills. The per-address count is in views_public.
"""

import secrets

from django import forms
from django.core import signing
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from harapan.lib import regioncode
from harapan.regions.models import Region

from .attachments import SUFFIXES, check_attachment
from .models import CONDUCT_CATEGORIES, KODE_LENGTH, KODE_PREFIX, PIN_DIGITS, Category

CHALLENGE_SALT = "harapan.complaints.challenge"
CHALLENGE_MAX_AGE = 2 * 60 * 60  # a long complaint typed on a phone still fits
CHALLENGE_TERMS = range(1, 10)

# The action's field names → the form's, for the errors the action raises.
ACTION_FIELDS = {
    "kategori": "kategori",
    "uraian": "uraian",
    "region_code": "desa",
    "accused": "nama_pendamping",
    "accused_name": "nama_pendamping",
    "complainant_name": "nama",
    "complainant_phone": "telepon",
    "nik": "nik",
}


def new_challenge() -> tuple[str, str]:
    """(the question shown, the signed token that carries it, with a one-time number)."""
    first, second = (secrets.choice(CHALLENGE_TERMS) for _ in range(2))
    token = signing.dumps([first, second, secrets.token_hex(8)], salt=CHALLENGE_SALT)
    return _("Berapa %(a)s ditambah %(b)s?") % {"a": first, "b": second}, token


def children(parent: str, level: int) -> list[tuple[str, str]]:
    """(code, name) of the regions at `level` directly under `parent`."""
    rows = Region.objects.filter(parent_code=parent, level=level).order_by("name", "code")
    return list(rows.values_list("code", "name"))


def kabupaten_choices() -> list:
    """Every kabupaten/kota, grouped under its province."""
    provinces = dict(Region.objects.at_level(regioncode.PROVINCE).values_list("code", "name"))
    grouped: dict[str, list] = {}
    for code, name in (
        Region.objects.at_level(regioncode.KABUPATEN).order_by("code").values_list("code", "name")
    ):
        grouped.setdefault(provinces.get(code[:2], code[:2]), []).append((code, name))
    return list(grouped.items())


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


class PublicComplaintForm(forms.Form):
    kategori = forms.ChoiceField(
        label=_("Kategori pengaduan"), choices=[("", _("— pilih kategori —")), *Category.choices],
        error_messages={"invalid_choice": _("Pilih kategori dari daftar.")},
    )  # fmt: skip
    uraian = forms.CharField(
        label=_("Uraian pengaduan"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ceritakan apa yang terjadi, kapan dan di mana."),
    )  # fmt: skip
    kabupaten = forms.ChoiceField(
        label=_("Kabupaten/kota"),
        error_messages={"invalid_choice": _("Pilih kabupaten/kota dari daftar.")},
    )
    kecamatan = forms.ChoiceField(
        label=_("Kecamatan"),
        error_messages={"invalid_choice": _("Pilih kecamatan dari kabupaten/kota yang dipilih.")},
    )
    desa = forms.ChoiceField(
        label=_("Desa/kelurahan"),
        error_messages={"invalid_choice": _("Pilih desa/kelurahan dari kecamatan yang dipilih.")},
    )
    nama_pendamping = forms.CharField(
        label=_("Nama pendamping yang diadukan"), max_length=150, required=False,
        help_text=_("Wajib untuk pengaduan perilaku pendamping atau pungli; koordinator "
                    "kecamatan yang menerima pengaduan mencari pendamping tersebut."),
    )  # fmt: skip
    nama = forms.CharField(label=_("Nama Anda (boleh dikosongkan)"), max_length=150,
                           required=False)  # fmt: skip
    telepon = forms.CharField(label=_("Nomor telepon (boleh dikosongkan)"), max_length=20,
                              required=False)  # fmt: skip
    nik = forms.CharField(label=_("NIK (boleh dikosongkan)"), max_length=16, required=False)
    lampiran = forms.FileField(
        label=_("Lampiran foto atau PDF (boleh dikosongkan)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )  # fmt: skip
    soal = forms.CharField(widget=forms.HiddenInput)
    jawaban = forms.IntegerField(label=_("Jawaban"), widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "size": 4}))  # fmt: skip
    # The honeypot: hidden from people by the page's stylesheet, filled by robots.
    situs_web = forms.CharField(
        label=_("Jangan diisi"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        picks = self.data if self.is_bound else self.initial
        kabupaten, kecamatan = picks.get("kabupaten") or "", picks.get("kecamatan") or ""
        self.fields["kabupaten"].choices = [*_blank(_("— pilih kabupaten/kota —")),
                                            *kabupaten_choices()]  # fmt: skip
        self.fields["kecamatan"].choices = _blank(_("— pilih kecamatan —")) + (
            children(kabupaten, regioncode.KECAMATAN) if len(kabupaten) == 4 else []
        )
        self.fields["desa"].choices = _blank(_("— pilih desa/kelurahan —")) + (
            children(kecamatan, regioncode.DESA)
            if len(kecamatan) == 6 and kecamatan.startswith(kabupaten)
            else []
        )
        if not self.is_bound:
            self.question, self.initial["soal"] = new_challenge()

    def renew_challenge(self) -> None:
        """A new sum for the form sent back with errors; what was typed stays."""
        self.question, token = new_challenge()
        self.data = self.data.copy()
        self.data["soal"], self.data["jawaban"] = token, ""

    def clean_lampiran(self):
        upload = self.cleaned_data.get("lampiran")
        return check_attachment(upload) if upload else None

    def clean(self):
        data = super().clean()
        if data.get("situs_web"):
            raise ValidationError(_("Pengaduan tidak dapat dikirim."))
        self._check_answer(data)
        if data.get("kategori") in CONDUCT_CATEGORIES:
            if not data.get("nama_pendamping"):
                self.add_error("nama_pendamping",
                               _("Tulis nama pendamping yang diadukan."))  # fmt: skip
        else:
            data["nama_pendamping"] = ""  # only conduct complaints name someone
        return data

    def _check_answer(self, data) -> None:
        try:
            first, second, once = signing.loads(
                data.get("soal") or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE
            )
        except signing.SignatureExpired:
            self.add_error("jawaban", _("Waktu menjawab habis. Jawab pertanyaan yang baru."))
            return
        except (signing.BadSignature, ValueError, TypeError):
            self.add_error("jawaban", _("Jawab pertanyaan yang baru."))
            return
        if "jawaban" in data and data["jawaban"] != first + second:
            self.add_error("jawaban", _("Jawaban salah. Jawab pertanyaan yang baru."))
        # A solved question serves one sending: a robot cannot repeat one answer it was given.
        elif not caches["throttle"].add(f"complaint-challenge:{once}", 1, CHALLENGE_MAX_AGE):
            self.add_error(
                "jawaban", _("Pertanyaan ini sudah dijawab. Jawab pertanyaan yang baru.")
            )

    def add_action_errors(self, problem: ValidationError) -> None:
        """The action's refusal, put on the fields the complainant filled."""
        if not hasattr(problem, "error_dict"):
            self.add_error(None, problem)
            return
        for field, errors in problem.message_dict.items():
            self.add_error(ACTION_FIELDS.get(field), errors)

    def complaint_fields(self) -> dict:
        """The keyword arguments of actions.submit_complaint."""
        data = self.cleaned_data
        return {
            "kategori": data["kategori"], "saluran": "web", "uraian": data["uraian"],
            "region_code": data["desa"], "accused_name": data["nama_pendamping"],
            "name": data["nama"], "phone": data["telepon"], "nik": data["nik"],
            "attachment": data["lampiran"],
        }  # fmt: skip


def step_initial(data) -> dict:
    """What a picker step (no JavaScript) keeps of the sent form: everything typed, not the
    sum (a new one is asked) nor the honeypot."""
    kept = set(PublicComplaintForm.base_fields) - {"soal", "jawaban", "situs_web", "lampiran"}
    return {name: data.get(name, "") for name in kept}


class TrackForm(forms.Form):
    kode = forms.CharField(
        label=_("Kode pengaduan"), max_length=len(KODE_PREFIX) + KODE_LENGTH + 4,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "placeholder": "ADU-XXXXXXXX"}),
    )  # fmt: skip
    pin = forms.CharField(
        label=_("PIN"), max_length=PIN_DIGITS, min_length=PIN_DIGITS,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip


class ReopenForm(forms.Form):
    kode = forms.CharField(max_length=len(KODE_PREFIX) + KODE_LENGTH + 4,
                           widget=forms.HiddenInput)  # fmt: skip
    pin = forms.CharField(max_length=PIN_DIGITS, widget=forms.HiddenInput)
    alasan = forms.CharField(
        label=_("Alasan membuka kembali"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
