from __future__ import annotations

from django.db import migrations


def _c_collation(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Prefix search compares terms by code point (term >= 'w:παπαδ' AND
    # term < 'w:παπαε'). SQLite's BINARY collation already does; on
    # PostgreSQL the column must use "C" whatever the database locale is.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('ALTER TABLE customers_searchterm ALTER COLUMN term TYPE varchar(120) COLLATE "C"')


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]
    operations = [migrations.RunPython(_c_collation, migrations.RunPython.noop)]
