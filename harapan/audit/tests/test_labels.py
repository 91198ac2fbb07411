"""Every action code the app writes has its words in the catalogue (audit/labels.py).

The test reads the source: each call that writes the trail (`trail.record`,
`record_set`, `record_queryset`, `exports.audit_export`) and the code it
passes. A literal, a module constant, `a if x else b` and f-strings built from
those are read directly; a code built from a model's name is declared below
with the codes it can make. A new call whose code cannot be read fails until
it is declared, and a new code without a label fails until it has one.
"""

import ast
import itertools
from pathlib import Path

from django.test import SimpleTestCase

from harapan.audit import labels
from harapan.compliance.reference import KINDS

HARAPAN = Path(__file__).resolve().parents[2]
WRITERS = {"record", "record_set", "record_queryset", "audit_export"}
UNREAD = object()


def _reference_codes(verbs) -> set[str]:
    return {
        f"compliance.{k.model._meta.model_name}.{verb}" for k in KINDS.values() for verb in verbs
    }


def _admin_codes(verb: str):
    return lambda: {f"{label}.{verb}" for label in labels.admin_models()}


# Calls whose code is built from a model's name, by file and the code's source text.
BUILT_FROM_MODEL_NAMES = {
    ("compliance/reference.py", "f'compliance.{kind.model._meta.model_name}.{verb}'"): (
        lambda: _reference_codes(["create", "update"])
    ),
    ("compliance/reference.py", "f'compliance.{kind.model._meta.model_name}.import'"): (
        lambda: _reference_codes(["import"])
    ),
    (
        "compliance/actions.py",
        "f\"compliance.{obj._meta.model_name}.{('create' if adding else 'update')}\"",
    ): lambda: _reference_codes(["create", "update"]),
    ("audit/admin.py", "f'{label}.change'"): _admin_codes("change"),
    ("audit/admin.py", "f'{label}.add'"): _admin_codes("add"),
    ("audit/admin.py", "f'{obj._meta.label_lower}.add'"): _admin_codes("add"),
    ("audit/admin.py", "f'{obj._meta.label_lower}.change'"): _admin_codes("change"),
    ("audit/admin.py", "f'{obj._meta.label_lower}.delete'"): _admin_codes("delete"),
}


def _source_files():
    for path in sorted(HARAPAN.rglob("*.py")):
        parts = path.relative_to(HARAPAN).parts
        if "tests" in parts or "migrations" in parts or path.name in ("testing.py", "conftest.py"):
            continue
        yield path


class _Calls(ast.NodeVisitor):
    """The action argument of every trail-writing call in one module."""

    def __init__(self, tree: ast.Module):
        self.constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        self.parameters: list[set[str]] = []
        self.found: list[ast.expr] = []
        self.visit(tree)

    def visit_FunctionDef(self, node):
        self.parameters.append({a.arg for a in [*node.args.args, *node.args.kwonlyargs]})
        self.generic_visit(node)
        self.parameters.pop()

    def visit_Call(self, node: ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        writes = name in WRITERS and (
            isinstance(func, ast.Name) or getattr(func.value, "id", None) in ("trail", "exports")
        )
        action = None
        if writes:
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None and len(node.args) > 1:
                action = node.args[1]
        # A helper handing its own `action` parameter on is checked at its callers.
        passed_on = isinstance(action, ast.Name) and action.id in set().union(*self.parameters)
        if action is not None and not passed_on:
            self.found.append(action)
        self.generic_visit(node)

    def codes(self, node: ast.expr):
        """The codes `node` can make, or UNREAD."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Name) and node.id in self.constants:
            return {self.constants[node.id]}
        if isinstance(node, ast.IfExp):
            both = self.codes(node.body), self.codes(node.orelse)
            return UNREAD if UNREAD in both else both[0] | both[1]
        if isinstance(node, ast.JoinedStr):
            parts = [
                self.codes(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values
            ]
            if UNREAD in parts:
                return UNREAD
            return {"".join(p) for p in itertools.product(*parts)}
        return UNREAD


def written_codes() -> tuple[dict[str, set[str]], list[str]]:
    """{code: files writing it}, and the calls whose code could not be read."""
    written, unread = {}, []
    for path in _source_files():
        where = str(path.relative_to(HARAPAN))
        calls = _Calls(ast.parse(path.read_text(), str(path)))
        for action in calls.found:
            codes = calls.codes(action)
            if codes is UNREAD:
                declared = BUILT_FROM_MODEL_NAMES.get((where, ast.unparse(action)))
                if declared is None:
                    unread.append(f"{where}:{action.lineno} {ast.unparse(action)}")
                    continue
                codes = declared()
            for code in codes:
                written.setdefault(code, set()).add(where)
    return written, unread


class ActionLabelsTest(SimpleTestCase):
    def test_every_action_code_written_by_the_app_has_a_label(self):
        written, unread = written_codes()
        assert unread == [], f"codes that cannot be read from the source; declare them: {unread}"
        missing = {
            code: sorted(files) for code, files in written.items() if not labels.is_known(code)
        }
        assert missing == {}, f"add these to harapan/audit/labels.py: {missing}"

    def test_the_walk_finds_the_codes_of_every_kind_of_call(self):
        written, _unread = written_codes()
        for code in [
            "registry.family.update",  # trail.record with a literal
            "compliance.verification.import",  # a module constant
            "benefits.entitlements.recompute",  # a if x else b
            "fds.group.create",  # an f-string of a conditional
            "compliance.healthfacility.import",  # built from a model's name
            "registry.family.change",  # the admin
            "graduation.readiness.export",  # exports.audit_export
            "registry.family.exit",  # record_queryset
            "compliance.sanction.remove",  # record_set
            "auth.login_failed",  # a signal
        ]:
            assert code in written, code

    def test_an_unknown_code_gets_a_generic_label_never_the_code(self):
        assert labels.action_label("registry.family.update") == "Koreksi data keluarga"
        assert labels.action_label("registry.family.change") == "Keluarga (KPM) diubah lewat admin"
        assert labels.action_label("registry.member.add") == (
            "Anggota keluarga (ART) ditambahkan lewat admin"
        )
        assert labels.action_label("reports.frobnicate") == "Tindakan lain"
        assert labels.action_label("registry.family.frobnicate") == "Tindakan lain"
        assert not labels.is_known("reports.frobnicate")

    def test_the_select_offers_every_code_by_its_label(self):
        choices = dict(labels.choices())
        assert choices["registry.change.approve"] == "Pemutakhiran data disetujui"
        assert choices["accounts.user.change"] == "Pengguna diubah lewat admin"
        assert not any(label == code for code, label in choices.items())

    def test_the_select_groups_actions_by_task_with_the_admin_last(self):
        groups = dict(labels.grouped_choices())
        assert list(groups) == [
            "Masuk dan keluar", "Keluarga", "Verifikasi", "Bantuan", "P2K2", "Graduasi",
            "Pengaduan", "Kinerja", "Program komplementer", "Laporan", "Sistem", "Admin",
        ]  # fmt: skip
        assert ("programs.gaps.view_nik", "NIK utuh di daftar celah program") in groups[
            "Program komplementer"
        ]
        assert ("complaints.reopen", "Pengaduan dibuka kembali") in groups["Pengaduan"]
        import_ = ("programs.participation.import", "Impor kepesertaan program")
        assert import_ in groups["Program komplementer"]
        assert ("registry.family.update", "Koreksi data keluarga") in groups["Keluarga"]
        assert ("audit.trail.export", "Ekspor jejak audit") in groups["Sistem"]
        assert ("registry.family.change", "Keluarga (KPM) diubah lewat admin") in groups["Admin"]
        assert sum(len(group) for group in groups.values()) == len(labels.choices())
