from __future__ import annotations

from django.db import migrations

WEEKDAYS = {str(d): [["09:00", "17:00"]] for d in range(5)}
# A Greek tourism business: longer hours, seven days a week, May to October.
HIGH_SEASON = [{"name": "Υψηλή περίοδος", "start": [5, 1], "end": [10, 31],
                "hours": {str(d): [["08:00", "22:00"]] for d in range(7)}}]
POLICIES = [  # name, priority, first response, next response, resolution (business minutes)
    ("Επείγον", "urgent", 60, 120, 8 * 60),
    ("Υψηλή προτεραιότητα", "high", 2 * 60, 4 * 60, 2 * 8 * 60),
    ("Κανονική", "normal", 4 * 60, 8 * 60, 3 * 8 * 60),
    ("Χαμηλή προτεραιότητα", "low", 8 * 60, 16 * 60, 5 * 8 * 60),
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Calendar = apps.get_model("helpdesk", "Calendar")
    SlaPolicy = apps.get_model("helpdesk", "SlaPolicy")
    calendar, _ = Calendar.objects.get_or_create(
        name="Ωράριο γραφείου", defaults={"time_zone": "Europe/Athens", "weekly": WEEKDAYS, "seasons": HIGH_SEASON,
                                          "holiday_country": "GR"})
    for rank, (name, priority, first, nxt, resolution) in enumerate(POLICIES, start=1):
        SlaPolicy.objects.get_or_create(name=name, defaults={
            "rank": rank * 10, "priority": priority, "calendar": calendar, "first_response_minutes": first,
            "next_response_minutes": nxt, "resolution_minutes": resolution})


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0001_initial")]
    # Elidable: defaults.defaults_ensure creates the same rows after migrate wherever the table is empty.
    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=True)]
