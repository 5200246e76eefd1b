"""A deterministic mix of inbound mail for the ingestion benchmark, with the thread each message belongs to.

The mix: plain text, HTML-only, text+HTML, attachments (PDF, PNG, DOCX), replies that quote their parent and
carry In-Reply-To and/or References, some replies arriving before the message they answer, about 20% Greek
with UTF-8, windows-1253 and ISO-8859-7 bodies, some of them raw undeclared 8-bit or labelled iso-8859-1.
The same (n, seed) always gives the same bytes. Stdlib only.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import NamedTuple

__all__ = ["Corpus", "generate"]

BASE_DATE = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)
SUPPORT = "support@shop.gr"

_EN = [
    "Hello, I ordered a lamp two weeks ago and it has not arrived yet.",
    "Could you please tell me when my order will be shipped?",
    "The item arrived damaged and I would like a replacement.",
    "I would like to change the delivery address to my office.",
    "Thank you for the quick answer, that solved it.",
    "Can I still cancel the booking for next weekend?",
    "The invoice shows the wrong VAT number, please send a corrected one.",
    "We are two adults and a child, is breakfast included?",
]
_EL = [
    "Καλημέρα σας, παρήγγειλα ένα φωτιστικό πριν από δύο εβδομάδες και δεν έχει έρθει ακόμη.",
    "Θα μπορούσατε να μου πείτε πότε θα αποσταλεί η παραγγελία μου;",
    "Το προϊόν ήρθε χτυπημένο και θα ήθελα αντικατάσταση.",
    "Άννα Παπαδοπούλου εδώ, θα ήθελα να αλλάξω τη διεύθυνση παράδοσης.",
    "Ευχαριστώ πολύ για τη γρήγορη απάντηση, λύθηκε το θέμα.",
    "Μπορώ ακόμη να ακυρώσω την κράτηση για το επόμενο Σαββατοκύριακο;",
    "Το τιμολόγιο έχει λάθος ΑΦΜ, παρακαλώ στείλτε μου διορθωμένο.",
    "Είμαστε δύο ενήλικες κι ένα παιδί, περιλαμβάνεται το πρωινό;",
]
_NAMES_EN = ["John Smith", "Emma Brown", "Hans Müller", "Claire Dubois", "Luca Rossi", "Olivia Jones"]
_NAMES_EL = [
    "Γιώργος Παπαδόπουλος",
    "Μαρία Κωνσταντίνου",
    "Άννα Νικολάου",
    "Νίκος Γεωργίου",
    "Ελένη Δημητρίου",
]
_GREEK_CHARSETS = [
    "utf-8",
    "utf-8",
    "windows-1253",
    "iso-8859-7",
    "raw-1253",
    "raw-8859-7",
    "mislabelled-1253",
]
# Characters outside ISO-8859-7 that a Windows client still types in Greek text.
_NOT_IN_8859_7 = str.maketrans({"€": "EUR", "–": "-", "—": "-", "…": "...", "„": '"', "‰": "%"})


class Corpus(NamedTuple):
    """messages in arrival order; threads[i] numbers the conversation of messages[i] (equal = same thread)."""

    messages: list[bytes]
    threads: list[int]


class _Node(NamedTuple):
    arrival: float
    raw: bytes
    thread: int


def _body(rng: random.Random, greek: bool) -> str:
    sentences = _EL if greek else _EN
    lines = [rng.choice(sentences) for _ in range(rng.randint(2, 6))]
    sign = rng.choice(_NAMES_EL if greek else _NAMES_EN)
    return ("Καλησπέρα,\n\n" if greek else "Hi,\n\n") + "\n".join(lines) + f"\n\n{sign}\n"


def _set_boundaries(msg: EmailMessage, rng: random.Random) -> None:
    """Fixed boundaries: the stdlib draws them from the global random module."""
    for part in msg.walk():
        if part.is_multipart():
            part.set_boundary(f"=_pelatis_{rng.getrandbits(64):016x}")


def _attachment(rng: random.Random) -> tuple[bytes, str, str, str]:
    kind = rng.choice(["pdf", "png", "docx"])
    filler = rng.randbytes(rng.randint(2_000, 40_000))
    if kind == "pdf":
        return b"%PDF-1.4\n" + filler, "application", "pdf", rng.choice(["invoice.pdf", "τιμολόγιο.pdf"])
    if kind == "png":
        return b"\x89PNG\r\n\x1a\n" + filler, "image", "png", rng.choice(["photo.png", "φωτογραφία.png"])
    return (b"PK\x03\x04" + filler, "application", "vnd.openxmlformats-officedocument.wordprocessingml.document",
            "letter.docx")  # fmt: skip


def _message(rng: random.Random, *, sender: str, subject: str, body: str, when: datetime, message_id: str | None,
             in_reply_to: str | None, references: list[str], greek: bool) -> bytes:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    if message_id:
        msg["Message-ID"] = message_id
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    shape = rng.random()
    charset = rng.choice(_GREEK_CHARSETS) if greek else "utf-8"
    if charset != "utf-8":
        return _eight_bit(msg, body, charset)
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in body.split("\n") if line) + "</body></html>"
    if shape < 0.40:
        msg.set_content(body)
    elif shape < 0.52:
        msg.set_content(html, subtype="html")
    else:
        msg.set_content(body)
        msg.add_alternative(html, subtype="html")
    if rng.random() < 0.18:
        data, maintype, subtype, filename = _attachment(rng)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    _set_boundaries(msg, rng)
    return msg.as_bytes(policy=SMTP)


def _eight_bit(msg: EmailMessage, body: str, charset: str) -> bytes:
    """A Greek text/plain body in a legacy charset: declared, undeclared (raw 8-bit) or labelled iso-8859-1."""
    codec = "iso-8859-7" if "8859-7" in charset else "windows-1253"
    text = body.translate(_NOT_IN_8859_7) if codec == "iso-8859-7" else body + "Σύνολο: 25€ – ευχαριστώ\n"
    data = text.replace("\n", "\r\n").encode(codec)
    msg["MIME-Version"] = "1.0"
    if charset.startswith("raw-"):
        content_type = "text/plain"
    elif charset == "mislabelled-1253":
        content_type = "text/plain; charset=iso-8859-1"
    else:
        content_type = f"text/plain; charset={codec}"
    msg["Content-Type"] = content_type
    msg["Content-Transfer-Encoding"] = "8bit"
    return msg.as_bytes(policy=SMTP).rstrip(b"\r\n") + b"\r\n\r\n" + data


def _quoted(body: str, when: datetime, sender: str, greek: bool) -> str:
    quoted = "\n".join("> " + line if line else ">" for line in body.strip("\n").split("\n"))
    if greek:
        return f"Στις {when:%d/%m/%Y %H:%M}, ο/η {sender} έγραψε:\n{quoted}\n"
    return f"On {when:%a, %b %d, %Y at %H:%M}, {sender} wrote:\n{quoted}\n"


def generate(n: int, *, seed: int = 20260414) -> Corpus:
    """n messages in arrival order and the thread number of each; deterministic in (n, seed)."""
    rng = random.Random(seed)
    nodes: list[_Node] = []
    thread = 0
    while len(nodes) < n:
        thread += 1
        greek = rng.random() < 0.2
        name = rng.choice(_NAMES_EL if greek else _NAMES_EN)
        sender = f"{name} <customer{thread}@example.{'gr' if greek else 'com'}>"
        subject = (
            rng.choice(["Παραγγελία", "Κράτηση", "Τιμολόγιο"])
            if greek
            else rng.choice(["Order", "Booking", "Invoice"])
        )
        subject = f"{subject} {1000 + thread}"
        size = min(n - len(nodes), rng.choice([1, 1, 1, 2, 2, 3, 4]))
        when = BASE_DATE + timedelta(minutes=17 * thread)
        root_arrival = when.timestamp()
        # A single-message thread now and then comes without a Message-ID (the parser makes one up).
        message_id = None if size == 1 and rng.random() < 0.02 else f"<{thread}.0.{seed}@mail.example>"
        body = _body(rng, greek)
        nodes.append(_Node(root_arrival, _message(rng, sender=sender, subject=subject, body=body, when=when,
                                                  message_id=message_id, in_reply_to=None, references=[],
                                                  greek=greek), thread))  # fmt: skip
        chain = [message_id] if message_id else []
        for k in range(1, size):
            previous_when, previous_body = when, body
            when = when + timedelta(hours=rng.randint(1, 48))
            reply_id = f"<{thread}.{k}.{seed}@mail.example>"
            headers = rng.random()  # most replies carry both headers; some only one of them
            in_reply_to = chain[-1] if headers < 0.9 else None
            references = list(chain) if headers < 0.8 or headers >= 0.9 else []
            body = _body(rng, greek) + "\n" + _quoted(previous_body, previous_when, SUPPORT, greek)
            arrival = when.timestamp()
            if rng.random() < 0.1:  # arrives before the message it answers (slow relay, IMAP order)
                arrival = root_arrival - rng.randint(1, 600)
            nodes.append(_Node(arrival, _message(rng, sender=sender, subject=f"Re: {subject}", body=body, when=when,
                                                 message_id=reply_id, in_reply_to=in_reply_to, references=references,
                                                 greek=greek), thread))  # fmt: skip
            chain.append(reply_id)
    nodes.sort(key=lambda node: node.arrival)
    return Corpus([node.raw for node in nodes], [node.thread for node in nodes])
