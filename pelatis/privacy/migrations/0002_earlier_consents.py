"""Earlier consents become consent records: every feedback opt-out ("stop asking me for feedback") a
withdrawal of surveys by email (a withdrawn opt-out also a later grant at the moment it was withdrawn),
and every marketing consent an import brought a marketing record of its channel, dated as the source
system dated it. Who, when and how are kept. Set-based (INSERT … SELECT); imports no app code."""

from django.db import migrations

_OPT_OUTS = """
INSERT INTO {records} (customer_id, purpose, channel, granted, source, wording, note, recorded_by_id,
                       recorded_at, created_at)
SELECT customer_id, 'surveys', 'email', %s,
       CASE source WHEN 'staff' THEN 'agent' WHEN 'api' THEN 'api' ELSE 'link' END,
       '', note, recorded_by_id, created_at, created_at
FROM {opt_outs}
"""
_WITHDRAWALS = """
INSERT INTO {records} (customer_id, purpose, channel, granted, source, wording, note, recorded_by_id,
                       recorded_at, created_at)
SELECT customer_id, 'surveys', 'email', %s, 'migration', '', 'feedback opt-out withdrawn', NULL,
       withdrawn_at, withdrawn_at
FROM {opt_outs} WHERE withdrawn_at IS NOT NULL
"""
_IMPORTED = """
INSERT INTO {records} (customer_id, purpose, channel, granted, source, wording, note, recorded_by_id,
                       recorded_at, created_at)
SELECT customer_id, 'marketing', channel, granted, 'import', '',
       SUBSTR(source || CASE WHEN raw <> '' THEN ': ' || raw ELSE '' END, 1, 300), NULL,
       COALESCE(stated_at, recorded_at), recorded_at
FROM {imported}
"""


def earlier_consents_copy(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    tables = {
        "records": quote(apps.get_model("privacy", "ConsentRecord")._meta.db_table),
        "opt_outs": quote(apps.get_model("feedback", "FeedbackOptOut")._meta.db_table),
        "imported": quote(apps.get_model("customers", "ImportedConsent")._meta.db_table),
    }
    with connection.cursor() as cursor:
        cursor.execute(_OPT_OUTS.format(**tables), [False])  # noqa: S608 — table names from the models, quoted
        cursor.execute(_WITHDRAWALS.format(**tables), [True])  # noqa: S608 — as above
        cursor.execute(_IMPORTED.format(**tables))  # noqa: S608 — as above


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_consent_records"),
        ("feedback", "0003_verbose_names"),
        ("customers", "0006_verbose_names"),
    ]

    operations = [migrations.RunPython(earlier_consents_copy, migrations.RunPython.noop, elidable=False)]
