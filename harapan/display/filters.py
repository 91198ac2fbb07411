"""Template filters for the one way of writing things; a builtin, so no `{% load %}` is needed.

{{ total|number }}  {{ amount|money }}  {{ share|percent }}  {{ family.exit_date|day }}
{{ run.started_at|moment }}  {{ stage_month|month }}  {{ family.region_code|region }}
{{ member.in_school|yes_no }}  {{ family.kk_number|kk_for:user }}  {{ card|kks_for:user }}
"""

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join

from harapan.accounts.roles import sees_full_nik
from harapan.lib.kk import shown_kk, shown_kks

from . import formats

register = template.Library()

register.filter("number", formats.number)
register.filter("money", formats.money)
register.filter("percent", formats.percent)
register.filter("day", formats.day)
register.filter("moment", formats.moment)
register.filter("month", formats.month)
register.filter("region", formats.region)
register.filter("yes_no", formats.yes_no)


@register.filter
def kk_for(number, user) -> str:
    """A No KK whole for a role that sees NIKs whole, masked for the others."""
    return shown_kk(number or "", sees_full_nik(user))


@register.filter
def kks_for(number, user) -> str:
    """A KKS card number whole for a role that sees NIKs whole, masked for the others."""
    return shown_kks(number or "", sees_full_nik(user))


CHOICES = "; pilihan: "


@register.filter
def file_message(message) -> str:
    """An import error message, the values a file may hold (after '; pilihan: ') set as
    <code>: they are typed into the file as they stand, not labels to translate."""
    text, found, choices = str(message).partition(CHOICES)
    if not found:
        return conditional_escape(text)
    values = format_html_join(", ", "<code>{}</code>", ((v,) for v in choices.split(", ")))
    return format_html("{}{}{}", text, found, values)
