"""Feedback opt-outs now live as consent records (privacy's "surveys" purpose): the table goes once
privacy has copied every row over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_verbose_names"),
        ("privacy", "0002_earlier_consents"),
    ]

    operations = [
        migrations.DeleteModel(
            name="FeedbackOptOut",
        ),
    ]
