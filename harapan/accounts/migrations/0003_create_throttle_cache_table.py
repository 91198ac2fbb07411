"""The database cache table of settings.CACHES (the API token throttle's counts), made by
`migrate` so that every deployment and `harapan demo` has it; Django makes it for tests."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_language")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
