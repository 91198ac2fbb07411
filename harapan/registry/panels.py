"""Sections other apps add to the family page (benefits, KKS, P2K2…).

The registry sits below those apps and must not import them; each app
registers a panel in its AppConfig.ready instead. A panel is a callable
`(request, family) -> str` returning rendered HTML, or "" to show nothing.
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, object], str]
_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_panels(request: HttpRequest, family) -> list[SafeString]:
    # Panels render templates, whose output is already escaped.
    return [mark_safe(html) for panel in _panels if (html := panel(request, family))]
