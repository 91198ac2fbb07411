"""Exits approved before they waited for their date (DESIGN §7) are under way again.

Approval used to take the family out at once, even when its exit date was
still to come. Such a family is active again until that date, when
`apply_exits` takes it out; each reopening gets an audit row.
"""

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def reopen(apps, schema_editor):
    Family = apps.get_model("registry", "Family")
    ExitProposal = apps.get_model("graduation", "ExitProposal")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    early = ExitProposal.objects.filter(
        status="disetujui", exit_date__gt=timezone.localdate(), family__status="keluar",
        family__exit_date=F("exit_date"), family__exit_reason=F("kind"),
    )  # fmt: skip
    families = Family.objects.filter(pk__in=early.values("family_id"))
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action="registry.family.reopen_until_exit_date", object_type="registry.family",
            object_id=str(family.pk), object_repr=family.registry_id,
            region_code=family.region_code,
            changes={"status": ["keluar", "aktif"], "exit_reason": [family.exit_reason, ""],
                     "exit_date": [family.exit_date.isoformat(), None]},
            details={"alasan": "graduasi berlaku pada tanggal keluarnya"},
        )
        for family in families
    )  # fmt: skip
    families.update(status="aktif", exit_reason="", exit_date=None, updated_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("graduation", "0001_initial"),
        ("registry", "0003_member_family_index"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(reopen, migrations.RunPython.noop)]
