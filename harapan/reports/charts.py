"""Charts drawn on the server as SVG (pygal), one code path for the pages and the annual
PDF, always shown beside a table of the same numbers (the chart is for the eye; the table
is what one reads and exports).

A chart is an `<img>` of a data: URI (templates/reports/chart.html): the page's CSP
forbids inline styles, which pygal's SVG carries, but an image is a document of its own.
Views that show charts allow data: images (`allows_charts`). No script: pygal's tooltips
load one from a CDN (switched off), and its inline config script is dropped. The SVG is
sized by its viewBox, so the page's CSS fits it to a 360-px phone.
"""

import base64
import re
from dataclasses import dataclass

import pygal
from csp.decorators import csp_update
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
        "width": 640,
        "height": 360,
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

# The decorator of every view whose page shows a chart.
allows_charts = csp_update({"img-src": ["data:"]})


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # pygal escapes every label and value it writes into it

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _svg(chart) -> Chart:
    return Chart(chart.config.title, SCRIPT.sub("", chart.render(is_unicode=True)))


def bars(title: str, labels: list[str], series: list[tuple[str, list]], **extra) -> Chart:
    """Vertical bars: one group per label, one bar per series (name, values)."""
    chart = pygal.Bar(**_config(title, **extra))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return _svg(chart)


def horizontal_bars(
    title: str, labels: list[str], series: list[tuple[str, list]], **extra
) -> Chart:
    """Horizontal bars, for long labels (regions, components)."""
    height = max(240, 40 * len(labels) + 120)
    chart = pygal.HorizontalBar(**_config(title, height=height, **extra))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return _svg(chart)


def line(title: str, labels: list[str], series: list[tuple[str, list]], **extra) -> Chart:
    """A trend: one point per label (a month, a year), one line per series."""
    rotation = -45 if len(labels) > 6 else 0
    chart = pygal.Line(**_config(title, x_label_rotation=rotation, **extra))
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return _svg(chart)
