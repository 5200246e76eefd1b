"""The help desk's shipped defaults as plain data: a business calendar, SLA policies by priority and canned
replies. ``defaults.defaults_ensure`` creates them where their table is empty; the data migrations 0002
and 0003 keep frozen copies of what they created."""

from __future__ import annotations

CALENDAR_NAME = "Ωράριο γραφείου"
CALENDAR_TIME_ZONE = "Europe/Athens"
CALENDAR_HOLIDAY_COUNTRY = "GR"

WEEKDAYS = {str(d): [["09:00", "17:00"]] for d in range(5)}
# A Greek tourism business: longer hours, seven days a week, May to October.
HIGH_SEASON = [
    {
        "name": "Υψηλή περίοδος",
        "start": [5, 1],
        "end": [10, 31],
        "hours": {str(d): [["08:00", "22:00"]] for d in range(7)},
    }
]
POLICIES = [  # name, priority, first response, next response, resolution (business minutes)
    ("Επείγον", "urgent", 60, 120, 8 * 60),
    ("Υψηλή προτεραιότητα", "high", 2 * 60, 4 * 60, 2 * 8 * 60),
    ("Κανονική", "normal", 4 * 60, 8 * 60, 3 * 8 * 60),
    ("Χαμηλή προτεραιότητα", "low", 8 * 60, 16 * 60, 5 * 8 * 60),
]

# name, language, body (placeholders as in services.replies.PLACEHOLDERS)
REPLIES = [
    (
        "Διαθεσιμότητα",
        "el",
        "{greeting}\n\nσας ευχαριστούμε για το ενδιαφέρον σας. Ελέγξαμε τις ημερομηνίες που μας "
        "γράψατε και υπάρχει διαθεσιμότητα. Αν θέλετε να προχωρήσουμε στην κράτηση, απαντήστε σε αυτό το μήνυμα "
        "και θα σας στείλουμε την επιβεβαίωση.\n\nΜε εκτίμηση,\n{agent}",
    ),
    (
        "Διαθεσιμότητα",
        "en",
        "{greeting}\n\nThank you for your interest. We have checked the dates you asked about and "
        "we do have availability. If you would like us to go ahead with the booking, just reply to this message and "
        "we will send you the confirmation.\n\nKind regards,\n{agent}",
    ),
    (
        "Παράπονο: λήψη",
        "el",
        "{greeting}\n\nλυπούμαστε ειλικρινά για την ταλαιπωρία. Έχουμε καταγράψει το θέμα "
        "(αίτημα {ticket}) και το εξετάζουμε ήδη. Θα σας ενημερώσουμε το συντομότερο για το πώς θα το "
        "διορθώσουμε.\n\nΜε εκτίμηση,\n{agent}",
    ),
    (
        "Παράπονο: λήψη",
        "en",
        "{greeting}\n\nWe are truly sorry for the trouble. We have logged the matter "
        "(request {ticket}) and are already looking into it. We will let you know as soon as possible how we will "
        "put it right.\n\nKind regards,\n{agent}",
    ),
    (
        "Παραγγελία: κατάσταση",
        "el",
        "{greeting}\n\nη παραγγελία σας {order} έχει καταχωρηθεί και θα σας ενημερώσουμε "
        "μόλις αποσταλεί.\n\nΜε εκτίμηση,\n{agent}",
    ),
    (
        "Παραγγελία: κατάσταση",
        "en",
        "{greeting}\n\nYour order {order} is in hand and we will let you know as soon "
        "as it ships.\n\nKind regards,\n{agent}",
    ),
]
