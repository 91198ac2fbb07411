"""Template filters for the one way of writing things; a builtin, so no `{% load %}` is needed.

{{ total|number }}  {{ amount|money }}  {{ share|percent }}  {{ family.exit_date|day }}
{{ run.started_at|moment }}  {{ stage_month|month }}  {{ family.region_code|region }}
{{ member.in_school|yes_no }}
"""

from django import template

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
