"""Charts drawn on the server as SVG (pygal), one code path for the pages and the annual
PDF, always shown beside a table of the same numbers (the chart is for the eye; the table
is what one reads and exports).

A `Chart` is what to draw; pygal draws it only when its SVG is read (about 30 ms a chart),
so a page can say where its charts are without drawing them. The dashboard shows each as
an `<img>` of its own URL, loaded lazily (`svg_response`): the page's HTML stays small and
fast on a phone, and the browser fetches the pictures beside it. The annual PDF and the
history page inline them as data: URIs (templates/reports/chart.html; such views allow
data: images, `allows_charts`). The page's CSP forbids inline styles, which pygal's SVG
carries, but an image is a document of its own. No script: pygal's tooltips load one from
a CDN (switched off), and its inline config script is dropped. The SVG is sized by its
viewBox, so the page's CSS fits it to a 360-px phone.
"""

import base64
import re
from dataclasses import dataclass, field
from functools import cached_property

import pygal
from csp.decorators import csp_update
from django.http import HttpResponse
from pygal.style import Style

# The app's palette (static/harapan.css), readable in print and on a phone.
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f2933",
    foreground_strong="#1f2933",
    foreground_subtle="#9aa5b1",
    colors=("#0b6e4f", "#c2571a", "#2f6fb0", "#8a5cb8", "#b8860b", "#5f6b7a"),
    font_family="DejaVu Sans, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=15,
    value_font_size=12,
)


def _config(title: str, **extra) -> dict:
    return {
        "title": title,
        "style": STYLE,
        "js": [],  # no tooltip script from a CDN (DESIGN §11)
        "disable_xml_declaration": True,  # inlined into HTML
        # Narrow, so that a 360-px phone shrinks it little and its labels stay readable.
        "width": 420,
        "height": 300,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "print_values": False,
        "show_y_guides": True,
        "x_label_rotation": 0,
        "truncate_label": 18,
        "truncate_legend": 28,
        **extra,
    }


SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

# The decorator of every view whose page inlines a chart as a data: image.
allows_charts = csp_update({"img-src": ["data:"]})


@dataclass
class Chart:
    """A chart to draw: its kind (a pygal class), title, x labels and series (name, values);
    `url` where a page serves it as an image."""

    kind: type
    title: str
    labels: list
    series: list
    options: dict = field(default_factory=dict)
    url: str = ""

    @cached_property
    def svg(self) -> str:
        chart = self.kind(**_config(self.title, **self.options))
        chart.x_labels = self.labels
        for name, values in self.series:
            chart.add(name, values)
        # pygal escapes every label and value it writes into the SVG.
        return SCRIPT.sub("", chart.render(is_unicode=True))

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def bars(title: str, labels: list[str], series: list[tuple[str, list]], **extra) -> Chart:
    """Vertical bars: one group per label, one bar per series (name, values)."""
    return Chart(pygal.Bar, title, labels, series, extra)


def horizontal_bars(
    title: str, labels: list[str], series: list[tuple[str, list]], **extra
) -> Chart:
    """Horizontal bars, for long labels (regions, components)."""
    height = max(200, 32 * len(labels) + 110)
    return Chart(pygal.HorizontalBar, title, labels, series, {"height": height, **extra})


def line(title: str, labels: list[str], series: list[tuple[str, list]], **extra) -> Chart:
    """A trend: one point per label (a month, a year), one line per series."""
    rotation = -45 if len(labels) > 6 else 0
    return Chart(pygal.Line, title, labels, series, {"x_label_rotation": rotation, **extra})


# The SVG, served as an image, carries pygal's inline <style>: allowed for this response
# only (it has no script, and the page embedding it keeps its own strict policy).
_svg_policy = csp_update({"style-src": ["'unsafe-inline'"]})


def svg_response(chart: Chart) -> HttpResponse:
    response = HttpResponse(chart.svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


def serves_svg(view):
    """The decorator of a view answering with `svg_response`."""
    return _svg_policy(view)
