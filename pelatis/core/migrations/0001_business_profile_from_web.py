"""The business profile moves from the site shell (``web``) to the shared core: the table stays
``web_businessprofile``, so only Django's picture of the models changes, never the database."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("web", "0002_business_profile"), migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BusinessProfile",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="As customers know you, e.g. «Ξενοδοχείο Αιγαίο».", max_length=120, verbose_name="business name")),
                        ("legal_name", models.CharField(blank=True, help_text="The registered company name, e.g. «Αιγαίο Τουριστική Μ.Ι.Κ.Ε.».", max_length=200, verbose_name="legal name")),
                        ("logo", models.BinaryField(blank=True, default=b"", verbose_name="logo")),
                        ("logo_type", models.CharField(blank=True, editable=False, max_length=20, verbose_name="logo format")),
                        ("address", models.TextField(blank=True, verbose_name="address")),
                        ("phone", models.CharField(blank=True, max_length=40, verbose_name="phone")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="email")),
                        ("website", models.URLField(blank=True, verbose_name="website")),
                        ("primary_colour", models.CharField(default="#2f5bd3", max_length=7, verbose_name="main colour")),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="updated")),
                        ("updated_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="updated by")),
                    ],
                    options={
                        "verbose_name": "business profile",
                        "verbose_name_plural": "business profiles",
                        "db_table": "web_businessprofile",
                        "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="business_profile_single_row")],
                    },
                )
            ],
            database_operations=[],
        )
    ]
