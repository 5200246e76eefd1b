"""An NPS campaign can ask the customers of a saved segment (an audience another app offers, stored as
"<param>:<value>"); a campaign aimed at one must name it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_order_customer_spend"),
        ("feedback", "0004_optouts_to_consent_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="npscampaign",
            name="audience",
            field=models.CharField(blank=True, max_length=80, verbose_name="saved segment"),
        ),
        migrations.AlterField(
            model_name="npscampaign",
            name="segment",
            field=models.CharField(
                choices=[
                    ("all", "All customers"),
                    ("tag", "Customers with a tag"),
                    ("recent_order", "Customers with an order in the last N days"),
                    ("audience", "Customers of a saved segment"),
                ],
                default="all",
                max_length=14,
                verbose_name="who",
            ),
        ),
        migrations.AddConstraint(
            model_name="npscampaign",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("segment", "audience"), _negated=True),
                    models.Q(("audience", ""), _negated=True),
                    _connector="OR",
                ),
                name="nps_campaign_audience_segment_has_audience",
            ),
        ),
    ]
