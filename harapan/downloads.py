"""CSV downloads as Excel opens them: UTF-8 with a BOM, so accents survive."""

import csv
from collections.abc import Iterable
from itertools import chain

from django.http import HttpResponse, StreamingHttpResponse

from harapan.lib.tabular import ERROR_HEADER


def csv_response(filename: str):
    """An attachment response and a csv writer onto it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A BOM so that Excel opens the UTF-8 file with its accents intact.
    response.write("\ufeff")
    return response, csv.writer(response)


class _Line:
    """A file-like object that hands back what the csv writer writes."""

    def write(self, text: str) -> str:
        return text


def streaming_csv_response(filename: str, *parts: Iterable[list]) -> StreamingHttpResponse:
    """An attachment written as the rows of `parts` come, for lists too long to hold at once."""
    writer = csv.writer(_Line())
    lines = (writer.writerow(row) for row in chain(*parts))
    response = StreamingHttpResponse(
        chain(["\ufeff"], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def error_csv_response(lines: list, filename: str) -> HttpResponse:
    """The `baris,kolom,nilai,pesan` file of an import's errors (DESIGN §12)."""
    response, writer = csv_response(filename)
    writer.writerow(ERROR_HEADER)
    writer.writerows(lines)
    return response
