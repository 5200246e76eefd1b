"""The audit log is append-only in the database too: triggers refuse every UPDATE and DELETE of an entry,
so a bulk ``QuerySet.update()``/``delete()`` (which bypasses the model's ``save``/``delete``) or a stray
SQL statement fails as well.

One change is let through: forgetting the link to a deleted user account (``actor_id`` set to NULL and
nothing else changed), which Django's ``on_delete=SET_NULL`` does when a staff account is deleted; the
entry keeps the user's name in ``actor_name``.

SQLite and PostgreSQL get their own triggers; other databases none (the model still refuses). Frozen:
this migration imports no app code.
"""

from django.db import migrations

SQLITE_CREATE = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    WHEN NOT (
        OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
        AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.actor_name IS OLD.actor_name
        AND NEW.action IS OLD.action AND NEW.customer_id IS OLD.customer_id AND NEW.ip IS OLD.ip
        AND NEW.fields IS OLD.fields AND NEW.detail IS OLD.detail
    )
    BEGIN
        SELECT RAISE(ABORT, 'audit entries cannot be changed');
    END
    """,
    """
    CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
    BEGIN
        SELECT RAISE(ABORT, 'audit entries cannot be deleted');
    END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete",
]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION core_auditevent_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
           AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'audit entries cannot be ' || CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'changed' END,
            ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_refuse()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS core_auditevent_refuse()",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_event"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
