import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def verify_existing(apps, schema_editor):
    """Tickets that came by email or were logged by staff were never in doubt; web-form requests stay
    unverified until their address proves itself."""
    Ticket = apps.get_model("helpdesk", "Ticket")
    Ticket.objects.exclude(channel="web").update(requester_verified_at=F("created_at"))
    Message = apps.get_model("helpdesk", "Message")
    Message.objects.filter(ticket__channel="web", direction="in", message_id__isnull=True).update(via="web")


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0008_alter_ticket_merged_into_ticket_ticket_merged_into"),
    ]

    operations = [
        migrations.AddField(
            model_name="ticket",
            name="requester_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="origin_ticket",
            field=models.ForeignKey(blank=True, db_index=False, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to="helpdesk.ticket"),
        ),
        migrations.AddField(
            model_name="message",
            name="via",
            field=models.CharField(blank=True, default="", max_length=8),
        ),
        # Elidable: it only updates rows that a fresh database does not have.
        migrations.RunPython(verify_existing, migrations.RunPython.noop, elidable=True),
    ]
