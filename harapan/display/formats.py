"""The one way Harapan writes numbers, money, dates, months and region codes (DESIGN §11).

Pages use these through the template filters of `harapan.display.filters`;
spreadsheet headers and messages call them directly. Numbers keep Indonesian
separators in every interface language (`20.805`, `12,5`): a figure read
aloud at a coordination meeting must not change with a phone's setting.
Month names follow the interface language (`1 Des 2026`, `1 Dec 2026`).
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from harapan.lib import regioncode
from harapan.lib.months import parse_month

EMPTY = "—"


def _grouped(digits: str) -> str:
    """'20805' → '20.805'."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def number(value, places: int = 0) -> str:
    """20805 → '20.805'; 12.345 with places=1 → '12,3'; None → '—'."""
    if value is None or value == "":
        return EMPTY
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if exact < 0 else ""
    whole, _dot, fraction = f"{abs(exact):f}".partition(".")
    text = sign + _grouped(whole)
    return f"{text},{fraction}" if places > 0 else text


def money(value) -> str:
    """2850000 → 'Rp 2.850.000' (whole rupiah, as benefits are paid)."""
    if value is None or value == "":
        return EMPTY
    amount = Decimal(str(value))
    shown = number(abs(amount))
    return f"-Rp {shown}" if amount < 0 else f"Rp {shown}"


def percent(value, places: int = 1) -> str:
    """12.345 → '12,3%'."""
    if value is None or value == "":
        return EMPTY
    return f"{number(value, places)}%"


def day(value) -> str:
    """A date (or the local date of a datetime) → '1 Des 2026'."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return date_format(value, "j M Y")


def moment(value) -> str:
    """A datetime → '1 Des 2026 14.05', in local time."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_format(value, 'j M Y')} {value:%H.%M}"


def month(value) -> str:
    """A month's date (any day of it) or 'YYYY-MM' → 'November 2026'."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        value = parse_month(value)
    if isinstance(value, datetime):
        value = value.date()
    return date_format(value, "F Y")


def region(code) -> str:
    """A region code in its dotted form: '187201' → '18.72.01'; a bad code is shown as given."""
    if not code:
        return EMPTY
    try:
        return regioncode.dotted(str(code))
    except regioncode.InvalidRegionCode:
        return str(code)


def yes_no(value) -> str:
    """True → 'Ya', False → 'Tidak', None → '—'."""
    if value is None:
        return EMPTY
    return _("Ya") if value else _("Tidak")


__all__ = ["number", "money", "percent", "day", "moment", "month", "region", "yes_no", "EMPTY"]
