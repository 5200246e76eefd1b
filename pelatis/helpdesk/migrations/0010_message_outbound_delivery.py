from email.utils import make_msgid

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def queued_get_their_message_id(apps, schema_editor):
    """Replies waiting to go out get the Message-ID they will keep on every try; failed ones are tried again."""
    Message = apps.get_model("helpdesk", "Message")
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "pelatis.local"
    for pk in Message.objects.filter(delivery="queued", message_id__isnull=True).values_list("pk", flat=True):
        Message.objects.filter(pk=pk).update(message_id=make_msgid(domain=domain))
    Message.objects.filter(delivery="failed").update(next_attempt_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("helpdesk", "0009_ticket_requester_verified_message_origin"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="message",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="claimed_by",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="message",
            name="email_context",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="message",
            name="email_template",
            field=models.CharField(blank=True, max_length=120),
        ),
        migrations.AddField(
            model_name="message",
            name="next_attempt_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="message",
            name="delivery",
            field=models.CharField(blank=True, choices=[("", "Not sent by email"), ("queued", "Queued"),
                                                        ("sending", "Sending"), ("sent", "Sent"),
                                                        ("failed", "Failed")], default="", max_length=8),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["delivery", "next_attempt_at"], name="message_delivery_due"),
        ),
        # Elidable: it only updates rows that a fresh database does not have.
        migrations.RunPython(queued_get_their_message_id, migrations.RunPython.noop, elidable=True),
    ]
