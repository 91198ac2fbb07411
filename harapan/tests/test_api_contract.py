"""The REST API keeps the promises of its OpenAPI schema (issue 14): parameters out of range
are refused with 422 instead of a 500, every schema name is one model, every operation
documents its errors in the shape they are sent, and the docs page needs no CDN."""

from html.parser import HTMLParser

from django.contrib.staticfiles import finders

from harapan.api import api
from harapan.testing import PersonaTestCase

HUGE = 2**70  # past any integer column: SQLite raised OverflowError on it


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


class ParameterRangesTest(PersonaTestCase):
    def refused(self, url: str, params: dict) -> str:
        self.client.force_login(self.korkab)
        response = self.client.get(url, params)
        assert response.status_code == 422, (url, params, response.content)
        detail = response.json()["detail"]
        assert isinstance(detail, str), (url, params, detail)
        return detail

    def test_a_negative_or_huge_sanction_offset_is_refused(self):
        for offset in (-1, HUGE):
            detail = self.refused("/api/v1/sanctions", {"year": 2025, "stage": 1, "offset": offset})
            assert "offset" in detail

    def test_a_year_pkh_cannot_have_is_refused(self):
        for url in ("/api/v1/entitlements", "/api/v1/disbursements", "/api/v1/sanctions"):
            for year in (HUGE, 2006, 2101):
                assert "year" in self.refused(url, {"year": year, "stage": 1})

    def test_a_stage_outside_one_to_four_is_refused(self):
        for url in ("/api/v1/entitlements", "/api/v1/disbursements", "/api/v1/sanctions"):
            for stage in (0, 5, HUGE):
                assert "stage" in self.refused(url, {"year": 2025, "stage": stage})

    def test_a_page_size_out_of_range_is_refused_not_clamped(self):
        stage = {"year": 2025, "stage": 1}
        for url, params in (
            ("/api/v1/entitlements", stage),
            ("/api/v1/disbursements", stage),
            ("/api/v1/sanctions", stage),
            ("/api/v1/verifications", {"month": "2025-04"}),
            ("/api/v1/p2k2/groups", {}),
            ("/api/v1/p2k2/meetings", {}),
        ):
            for limit in (0, 501, HUGE):
                assert "limit" in self.refused(url, {**params, "limit": limit})

    def test_a_cursor_or_a_key_past_any_row_is_refused(self):
        stage = {"year": 2025, "stage": 1}
        for url, params in (
            ("/api/v1/entitlements", {**stage, "after": HUGE}),
            ("/api/v1/disbursements", {**stage, "after": -1}),
            ("/api/v1/verifications", {"month": "2025-04", "after": HUGE}),
            ("/api/v1/p2k2/groups", {"after": HUGE}),
            ("/api/v1/p2k2/meetings", {"group": HUGE}),
            (f"/api/v1/families/{HUGE}", {}),
            (f"/api/v1/families/{HUGE}/entitlements", {}),
            (f"/api/v1/p2k2/groups/{HUGE}", {}),
            (f"/api/v1/p2k2/meetings/{HUGE}/attendance", {}),
        ):
            self.refused(url, params)

    def test_a_month_outside_the_years_of_pkh_is_refused(self):
        for month in ("0000-01", "9999-12", "2006-12", "2101-01"):
            assert "Bulan" in self.refused("/api/v1/p2k2/meetings", {"month": month})
            assert "Bulan" in self.refused("/api/v1/verifications", {"month": month})


class SchemaTest(PersonaTestCase):
    def openapi(self) -> dict:
        response = self.client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        return response.json()

    def test_every_schema_name_documents_the_fields_of_its_own_model(self):
        """Two models of one name collide in `components`: the last one wins, and the
        other operation documents fields it does not send (`MemberOut` of registry and fds)."""
        components = self.openapi()["components"]["schemas"]
        checked = set()
        for _prefix, router in api._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    for model in operation.response_models.values():
                        if not hasattr(model, "model_json_schema"):
                            continue  # an operation that declares no response
                        schema = model.model_json_schema(ref_template="{model}")
                        for name, definition in schema.get("$defs", {}).items():
                            if "properties" not in definition:
                                continue  # an enum
                            documented = set(components[name]["properties"])
                            assert documented == set(definition["properties"]), (
                                operation.view_func.__name__,
                                name,
                            )
                            checked.add(name)
        assert {"MemberOut", "GroupMemberOut", "FamilyDetailOut", "GroupDetailOut"} <= checked

    def test_a_family_documents_the_fields_of_its_members(self):
        schema = self.openapi()
        ok = schema["paths"]["/api/v1/families/{family_id}"]["get"]["responses"]["200"]
        family = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        components = schema["components"]["schemas"]
        member = components[family]["properties"]["anggota"]["items"]["$ref"].rsplit("/", 1)[1]
        assert {"nik", "hubungan_keluarga", "disabilitas_berat"} <= set(
            components[member]["properties"]
        )

    def test_every_operation_documents_its_errors_in_the_shape_sent(self):
        schema = self.openapi()
        error = {"$ref": "#/components/schemas/ErrorOut"}
        assert schema["components"]["schemas"]["ErrorOut"]["properties"]["detail"]["type"] == (
            "string"
        )
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                expected = {"201" if method == "post" else "200", "401"}  # POST creates
                if operation.get("parameters"):
                    expected.add("422")
                if "{" in path:
                    expected.add("404")
                responses = operation["responses"]
                assert expected <= set(responses), (method, path, set(responses))
                for code in expected - {"200", "201"}:
                    assert responses[code]["content"]["application/json"]["schema"] == error, (
                        path,
                        code,
                    )

    def test_a_refused_parameter_gets_a_message_not_a_list(self):
        self.client.force_login(self.korkab)
        response = self.client.get("/api/v1/families", {"limit": 0})
        assert response.status_code == 422
        assert response.json() == {
            "detail": "Parameter tidak sah: limit: Input should be greater than or equal to 1"
        }
        anonymous = self.client_class().get("/api/v1/families")
        assert anonymous.status_code == 401
        assert isinstance(anonymous.json()["detail"], str)


class DocsPageTest(PersonaTestCase):
    def test_the_docs_page_loads_its_viewer_from_our_own_static_files(self):
        self.client.force_login(self.korkab)
        response = self.client.get("/api/v1/docs")
        assert response.status_code == 200
        reader = _Sources()
        reader.feed(response.content.decode())
        scripts = [url for url in reader.urls if url.endswith(".js")]
        assert scripts, reader.urls
        for url in reader.urls:
            assert url.startswith("/static/"), url
            assert finders.find(url.removeprefix("/static/")), url
