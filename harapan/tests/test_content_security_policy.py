"""The Content-Security-Policy header (issue 14): the app's own files only, no inline code."""

import re

import pytest
from django.test import SimpleTestCase

from harapan.accounts.roles import Role
from harapan.testing import DESA_A, ROOT, make_family, make_user, sign_in

# What a strict policy refuses to run or apply when it is written in a template.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|<style\b|\sstyle=|\son[a-z]+=",
    re.IGNORECASE,
)


def policy(response) -> dict[str, list[str]]:
    """{directive: sources} of the response's enforced policy."""
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


class ContentSecurityPolicyTest(SimpleTestCase):
    def test_a_page_allows_only_the_apps_own_scripts_styles_and_images(self):
        found = policy(self.client.get("/masuk/"))
        self.assertEqual(found["default-src"], ["'self'"])
        self.assertEqual(found["script-src"], ["'self'"])
        self.assertEqual(found["style-src"], ["'self'"])
        self.assertEqual(found["img-src"], ["'self'"])
        self.assertEqual(found["object-src"], ["'none'"])
        self.assertEqual(found["frame-ancestors"], ["'none'"])

    def test_the_api_docs_add_data_images_to_their_own_policy_only(self):
        found = policy(self.client.get("/api/v1/docs"))
        self.assertEqual(found["img-src"], ["'self'", "data:"])
        self.assertEqual(found["script-src"], ["'self'"])
        self.assertEqual(found["style-src"], ["'self'"])

    def test_no_template_of_the_app_has_inline_script_or_style(self):
        offending = [
            f"{path.relative_to(ROOT)}: {match.group(0).strip()}"
            for path in sorted((ROOT / "harapan").rglob("templates/**/*.html"))
            for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8"))
        ]
        self.assertEqual(offending, [])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_under_the_policy(live_server, browser):
    """Chromium reports every resource, script or style the policy blocks: none, on the
    app's pages, a form, and the admin's list and change form (its own scripts)."""
    make_user("admin_pusat", Role.ADMIN_PUSAT, is_staff=True, is_superuser=True)
    family = make_family(region_code=DESA_A)
    context = browser.new_context()
    context.add_init_script(
        "window.blocked = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.blocked.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    sign_in(page, live_server.url, "admin_pusat")
    blocked = {}
    for url in [
        "/",
        "/kpm/",
        f"/kpm/{family.pk}/",
        f"/kpm/{family.pk}/ubah/",
        "/admin/",
        "/admin/registry/family/",
        f"/admin/registry/family/{family.pk}/change/",
        "/api/v1/docs",
    ]:
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
        if found := page.evaluate("window.blocked"):
            blocked[url] = found
    context.close()
    assert blocked == {}
