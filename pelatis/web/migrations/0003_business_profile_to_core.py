"""The business profile now belongs to ``pelatis.core`` (same table): ``web`` forgets it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("web", "0002_business_profile"), ("core", "0001_business_profile_from_web")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="BusinessProfile")], database_operations=[])
    ]
