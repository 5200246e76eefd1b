from __future__ import annotations

from django.db import migrations

REPLIES = [
    ("Διαθεσιμότητα", "el", "{greeting}\n\nσας ευχαριστούμε για το ενδιαφέρον σας. Ελέγξαμε τις ημερομηνίες που μας "
     "γράψατε και υπάρχει διαθεσιμότητα. Αν θέλετε να προχωρήσουμε στην κράτηση, απαντήστε σε αυτό το μήνυμα "
     "και θα σας στείλουμε την επιβεβαίωση.\n\nΜε εκτίμηση,\n{agent}"),
    ("Διαθεσιμότητα", "en", "{greeting}\n\nThank you for your interest. We have checked the dates you asked about and "
     "we do have availability. If you would like us to go ahead with the booking, just reply to this message and "
     "we will send you the confirmation.\n\nKind regards,\n{agent}"),
    ("Παράπονο: λήψη", "el", "{greeting}\n\nλυπούμαστε ειλικρινά για την ταλαιπωρία. Έχουμε καταγράψει το θέμα "
     "(αίτημα {ticket}) και το εξετάζουμε ήδη. Θα σας ενημερώσουμε το συντομότερο για το πώς θα το "
     "διορθώσουμε.\n\nΜε εκτίμηση,\n{agent}"),
    ("Παράπονο: λήψη", "en", "{greeting}\n\nWe are truly sorry for the trouble. We have logged the matter "
     "(request {ticket}) and are already looking into it. We will let you know as soon as possible how we will "
     "put it right.\n\nKind regards,\n{agent}"),
    ("Παραγγελία: κατάσταση", "el", "{greeting}\n\nη παραγγελία σας {order} έχει καταχωρηθεί και θα σας ενημερώσουμε "
     "μόλις αποσταλεί.\n\nΜε εκτίμηση,\n{agent}"),
    ("Παραγγελία: κατάσταση", "en", "{greeting}\n\nYour order {order} is in hand and we will let you know as soon "
     "as it ships.\n\nKind regards,\n{agent}"),
]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    CannedReply = apps.get_model("helpdesk", "CannedReply")
    for name, language, body in REPLIES:
        CannedReply.objects.get_or_create(name=name, language=language, defaults={"body": body})


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0002_default_calendar_and_policies")]
    # Elidable: defaults.defaults_ensure creates the same rows after migrate wherever the table is empty.
    operations = [migrations.RunPython(create, migrations.RunPython.noop, elidable=True)]
