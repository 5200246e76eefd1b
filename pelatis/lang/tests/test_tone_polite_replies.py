"""Polite replies in Greek and English, as a hotel or shop writes them, get no warnings."""

from __future__ import annotations

import pytest

from pelatis.lang.tests.tone_helpers import warnings
from pelatis.lang.tone import check_tone

POLITE_GREEK = [
    """Αγαπητέ κύριε Παπαδόπουλε,

σας ευχαριστούμε θερμά για την κράτησή σας στο ξενοδοχείο μας. Το δωμάτιό σας θα είναι έτοιμο από τις 14:00.
Αν χρειάζεστε μεταφορά από το αεροδρόμιο, θα χαρούμε να την κανονίσουμε για εσάς.

Με εκτίμηση,
Μαρία Κωνσταντίνου
Ξενοδοχείο ΑΡΙΑΔΝΗ""",
    """Καλησπέρα σας κυρία Γεωργίου,

λυπούμαστε πολύ για την ταλαιπωρία με την παραγγελία σας. Ελέγξαμε την αποστολή και το δέμα βρίσκεται ήδη
στο κατάστημα της ΑCS στην Πάτρα. Μην ανησυχείτε, δεν θα υπάρξει καμία επιπλέον χρέωση.
Θα σας ενημερώσουμε μόλις παραδοθεί.

Με φιλικούς χαιρετισμούς,
Γιώργος""",
    """Αγαπητή κυρία Δημητρίου,

τα αρχεία μας δείχνουν υπόλοιπο 45 € από τη διαμονή σας τον Αύγουστο. Μπορείτε να το εξοφλήσετε με κάρτα
μέσω του συνδέσμου που ακολουθεί ή με τραπεζική κατάθεση. Αν έχετε ήδη πληρώσει, παρακαλούμε αγνοήστε αυτό το μήνυμα.

Είμαστε στη διάθεσή σας για οποιαδήποτε διευκρίνιση.
Με εκτίμηση,
Λογιστήριο""",
    """Καλημέρα σας,

ευχαριστούμε που μας γράψατε. Δυστυχώς η πρόωρη άφιξη στις 9:00 δεν είναι δυνατή το Σάββατο, γιατί το ξενοδοχείο
είναι πλήρες. Μπορούμε όμως να φυλάξουμε τις αποσκευές σας και να σας προσφέρουμε καφέ στη βεράντα μέχρι να ετοιμαστεί
το δωμάτιο. Πότε περίπου θα φτάσετε;

Καλή συνέχεια,
Ελένη""",
    """Αγαπητέ κύριε Ιωάννου,

θα πρέπει να έχετε λάβει ήδη ένα email με την απόδειξη πληρωμής. Αν δεν το βλέπετε, ελέγξτε και τον φάκελο
ανεπιθύμητης αλληλογραφίας ή απαντήστε σε αυτό το μήνυμα και θα σας το στείλουμε ξανά.

Σας ευχαριστούμε για την υπομονή σας,
Νίκος""",
    """Καλησπέρα σας κύριε Μαυρίδη,

σε καμία περίπτωση δεν θα χρεωθείτε για την ακύρωση, αφού έγινε μέσα στην προθεσμία. Η επιστροφή χρημάτων θα εμφανιστεί
στον λογαριασμό σας σε τρεις με πέντε εργάσιμες ημέρες. Δεν φταίτε εσείς για την καθυστέρηση της τράπεζας.

Με εκτίμηση,
Κατερίνα""",
    """Αξιότιμη κυρία Αντωνίου,

σας ευχαριστούμε για τα καλά σας λόγια για το εστιατόριό μας. Χαιρόμαστε πολύ που απολαύσατε το δείπνο και
θα μεταφέρουμε τα σχόλιά σας στον σεφ. Ελπίζουμε να σας ξαναδούμε σύντομα.

Με θερμούς χαιρετισμούς,
Η ομάδα του Θαλασσινού""",
    """Καλημέρα σας κύριε Σταθόπουλε,

το προϊόν που παραγγείλατε θα είναι ξανά διαθέσιμο στις 15 Μαρτίου. Αν προτιμάτε, μπορούμε να σας στείλουμε
το αντίστοιχο μοντέλο σε μαύρο χρώμα χωρίς επιπλέον κόστος ή να ακυρώσουμε την παραγγελία και να σας επιστρέψουμε
τα χρήματα. Πείτε μας τι σας εξυπηρετεί καλύτερα.

Με εκτίμηση,
Εξυπηρέτηση πελατών""",
    """Αγαπητή κυρία Παππά,

σχετικά με την ερώτησή σας: τα παιδιά έως έξι ετών διαμένουν δωρεάν στο δωμάτιο των γονιών. Για το παιδικό κρεβάτι
δεν χρειάζεται να κάνετε τίποτα· θα το έχουμε έτοιμο κατά την άφιξή σας. Δεν επιτρέπονται κατοικίδια στα δωμάτια,
αλλά μπορούμε να σας προτείνουμε ένα κοντινό ξενοδοχείο φιλικό προς τα κατοικίδια.

Καλή διαμονή!
Σοφία""",
    """Καλησπέρα σας,

ζητούμε συγγνώμη για το λάθος στο τιμολόγιο. Το διορθώσαμε και σας στέλνουμε συνημμένο το νέο παραστατικό.
Όπως γνωρίζετε, το ΑΦΜ και η ΔΟΥ πρέπει να είναι σωστά για να το καταχωρίσει ο λογιστής σας, γι' αυτό σας
παρακαλούμε να ελέγξετε τα στοιχεία.

Ευχαριστούμε,
Δημήτρης""",
    """Χρόνια πολλά κύριε Αλεξίου!

Με την ευκαιρία της ονομαστικής σας εορτής σας έχουμε ετοιμάσει έκπτωση 10% στην επόμενη αγορά σας από το
κατάστημά μας. Ο κωδικός ισχύει μέχρι το τέλος του μήνα και δεν χρειάζεται να κάνετε κάτι άλλο.

Με εκτίμηση,
Το κατάστημα""",
    """Αγαπητέ κύριε Βασιλείου,

το αίτημά σας με αριθμό 4821 έχει ολοκληρωθεί. Ο τεχνικός μας θα περάσει την Τρίτη μεταξύ 10:00 και 12:00 για
την εγκατάσταση του κλιματιστικού. Αν η ώρα δεν σας βολεύει, απαντήστε σε αυτό το email και θα βρούμε μαζί
μια άλλη.

Με εκτίμηση,
Τμήμα εξυπηρέτησης""",
]

POLITE_ENGLISH = [
    """Dear Mr Smith,

thank you for booking with us. Your room will be ready from 2 pm, and breakfast is served on the terrace from 7:30.
If you need a transfer from the airport, we will gladly arrange it.

Kind regards,
Maria""",
    """Dear Ms Jones,

we are very sorry about the delay with your order. We have checked with the courier and the parcel is now at their
Athens depot; it should reach you tomorrow. There will be no extra charge.

Best regards,
Giorgos""",
    """Hello Mr Brown,

our records show a balance of €45 from your stay in August. You can settle it by card using the link below or by
bank transfer. If you have already paid, please disregard this message.

Kind regards,
Accounts team""",
    """Good morning,

thank you for your message. Unfortunately early check-in at 9 am is not possible on Saturday, as the hotel is full,
but we will happily store your luggage and offer you a coffee on the terrace until your room is ready.
What time do you expect to arrive?

Best wishes,
Eleni""",
    """Dear Mr Taylor,

you should have received an email with your receipt. If you can't find it, please check your spam folder or simply
reply to this message and we will send it again. If you need to change the billing address, let us know.

Thank you for your patience,
Nikos""",
    """Dear Mrs Evans,

thank you for your kind words about our restaurant. We are delighted that you enjoyed the dinner, and we will pass
your comments on to the chef. We hope to welcome you again soon.

Warm wishes,
The team""",
    """Hello Ms Garcia,

the item you ordered will be back in stock on 15 March. If you prefer, we can send you the same model in black at
no extra cost, or cancel the order and refund you in full. Just let us know which you would like.

Kind regards,
Customer care""",
    """Dear Mr Miller,

children up to the age of six stay free of charge in their parents' room. You don't need to do anything for the
cot; we will have it ready when you arrive. Pets are not allowed in the rooms, but we can recommend a pet-friendly
hotel nearby.

We look forward to welcoming you,
Sofia""",
    """Hello,

we apologise for the mistake on the invoice. We have corrected it and attached the new one. Please check that the
company details are correct so your accountant can file it.

Many thanks,
Dimitris""",
    """Dear Mr Wilson,

your ferry tickets for 12 July are attached. The boat leaves Piraeus at 7:25, and we recommend arriving at the port
an hour early. When you have a moment, could you confirm the names of all passengers?

Have a lovely trip,
Travel desk""",
    """Dear Ms Clarke,

thank you for letting us know. Our technician will visit on Tuesday between 10 am and 12 pm to install the air
conditioner. If that time doesn't suit you, please reply to this email and we will find another together.

Best regards,
Service team""",
    """Hi Anna,

thanks so much for staying with us again! We have upgraded you to a sea-view room for your anniversary, with our
compliments. Should you have any questions before your arrival, we are always happy to help.

All the best,
Katerina""",
]


@pytest.mark.parametrize("text", POLITE_GREEK)
def test_polite_greek_replies_get_no_warnings(text: str) -> None:
    hints = check_tone(text)
    assert not warnings(hints), [(h.rule_id, h.matched) for h in warnings(hints)]
    assert not [h for h in hints if h.category == "structure"]


@pytest.mark.parametrize("text", POLITE_ENGLISH)
def test_polite_english_replies_get_no_warnings(text: str) -> None:
    hints = check_tone(text)
    assert not warnings(hints), [(h.rule_id, h.matched) for h in warnings(hints)]
    assert not [h for h in hints if h.category == "structure"]


def test_polite_replies_are_clean_for_informal_customers_too() -> None:
    for text in POLITE_GREEK:
        assert not warnings(check_tone(text, language="el", formal=False))


def test_a_long_reply_is_checked_whole() -> None:
    # How fast this runs is measured by `make bench` (bench/bench_tone.py), never asserted here.
    greek = "\n\n".join(POLITE_GREEK)[:2000]
    english = "\n\n".join(POLITE_ENGLISH)[:2000]
    greeklish = (
        "Kalispera sas, sas eyxaristoume gia to minima sas. To dwmatio tha einai etoimo stis 2. " * 25
    )[:2000] + " Prepei na plirwsete amesa!!!"
    for text in (greek, english, greeklish):
        for hint in check_tone(text):
            assert 0 <= hint.start < hint.end <= len(text)
    assert check_tone(english + " You owe us 50 euros.", language="en")
