"""Helpers of the public page tests: read the security question like a person, and fill
the complaint form."""

import re
from unittest import mock

from django.urls import reverse

# 100 s into a 3,600 s window and a 900 s window (1,800,000,000 is a multiple of both).
NOW = 1_800_000_100
at_second = mock.patch("harapan.accounts.throttling.clock", return_value=NOW)

FORM_URL = "/pengaduan/"


def challenge(response) -> dict:
    """The form's security token and the answer a person works out from the question."""
    html = response.content.decode()
    [token] = re.findall(r'name="soal" value="([^"]+)"', html)
    first, second = re.search(r"Berapa (\d+) ditambah (\d+)\?", html).groups()
    return {"soal": token, "jawaban": str(int(first) + int(second))}


def filled(response, **fields) -> dict:
    """A complete form (Desa A, pembayaran) with the page's question answered."""
    data = {
        "kategori": "pembayaran",
        "uraian": "Bantuan tahap III belum masuk ke rekening.",
        "kabupaten": "1806",
        "kecamatan": "180601",
        "desa": "1806012001",
        **challenge(response),
    }
    data.update(fields)
    return data


def options(response, field: str) -> list[str]:
    """The option labels of one select of the page, its placeholder left out."""
    html = response.content.decode()
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)', select)
            if value]  # fmt: skip


def shown(response, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', response.content.decode()).group(1)


def track_url() -> str:
    return reverse("complaints:track")
