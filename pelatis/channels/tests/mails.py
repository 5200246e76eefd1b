"""Builders of test mail as raw bytes, made with the stdlib email package or written byte by byte where the
point is a malformed or mislabelled message that no well-behaved library would produce."""

from __future__ import annotations

from email.header import Header
from email.message import EmailMessage
from email.policy import SMTP

SENDER = "Μαρία Παπαδοπούλου <Maria.P@Example.gr>"
SUPPORT = "support@shop.gr"
DATE = "Tue, 14 Apr 2026 10:15:00 +0300"

# One word per differing code point: Ά is 0xA2 in windows-1253 and 0xB6 in iso-8859-7.
GREEK_BODY = "Καλημέρα σας,\nΆννα εδώ: η παραγγελία 1234 δεν έχει έρθει ακόμη. Ευχαριστώ πολύ!\n"
GREEK_BODY_1253 = GREEK_BODY + "Τιμή: 25€ – «επείγον»\n"  # € – « » exist in windows-1253 only (C1 range)
FRENCH_BODY = "Bonjour, je voudrais réserver une chambre pour deux personnes à Noël. Merci beaucoup.\n"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00" + b"\x00" * 10
DOCX = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 30


def _base(subject: str, *, sender: str, to: str, cc: str | None, message_id: str | None,
          date: str | None, headers: dict[str, str] | None) -> EmailMessage:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    if date:
        msg["Date"] = date
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    return msg


def plain(body: str = "Hello, where is my order?\n", *, subject: str = "Order 1234", sender: str = SENDER,
          to: str = SUPPORT, cc: str | None = None, message_id: str | None = "<m1@example.gr>",
          date: str | None = DATE, headers: dict[str, str] | None = None, charset: str = "utf-8") -> bytes:  # fmt: skip
    """A single text/plain message."""
    msg = _base(subject, sender=sender, to=to, cc=cc, message_id=message_id, date=date, headers=headers)
    msg.set_content(body, charset=charset, cte="8bit" if charset == "utf-8" else "quoted-printable")
    return msg.as_bytes(policy=SMTP)


def html_only(html: str, *, subject: str = "HTML mail", **kwargs: object) -> bytes:
    """A single text/html message."""
    msg = _base(subject, sender=str(kwargs.get("sender", SENDER)), to=SUPPORT, cc=None,
                message_id=str(kwargs.get("message_id", "<h1@example.gr>")), date=DATE, headers=None)  # fmt: skip
    msg.set_content(html, subtype="html")
    return msg.as_bytes(policy=SMTP)


def alternative(
    text: str, html: str, *, subject: str = "Alternative", message_id: str = "<a1@example.gr>"
) -> bytes:
    """multipart/alternative with a text and an HTML version."""
    msg = _base(subject, sender=SENDER, to=SUPPORT, cc=None, message_id=message_id, date=DATE, headers=None)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg.as_bytes(policy=SMTP)


def with_attachments(body: str, files: list[tuple[str, str, bytes]], *, subject: str = "Attached") -> bytes:
    """multipart/mixed: a text body and (filename, content type, data) attachments; names RFC 2231-encoded."""
    msg = _base(
        subject, sender=SENDER, to=SUPPORT, cc=None, message_id="<att@example.gr>", date=DATE, headers=None
    )
    msg.set_content(body)
    for filename, content_type, data in files:
        maintype, _, subtype = content_type.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(policy=SMTP)


def related_image(html: str, image: bytes, cid: str) -> bytes:
    """multipart/related: HTML that shows an inline image by Content-ID."""
    msg = _base(
        "Photo", sender=SENDER, to=SUPPORT, cc=None, message_id="<rel@example.gr>", date=DATE, headers=None
    )
    msg.set_content("See the photo.")
    msg.add_alternative(html, subtype="html")
    html_part = list(msg.iter_parts())[1]
    html_part.add_related(image, maintype="image", subtype="png", cid=f"<{cid}>")
    return msg.as_bytes(policy=SMTP)


def raw_mail(body: bytes, *, content_type: str | None = "text/plain", charset: str | None = None,
             subject: bytes = b"Test", extra: bytes = b"", cte: str = "8bit") -> bytes:  # fmt: skip
    """A message written byte by byte: for undeclared 8-bit bodies, wrong labels and raw 8-bit headers."""
    head = [b"From: " + SENDER.encode("utf-8"), b"To: " + SUPPORT.encode(), b"Subject: " + subject,
            b"Date: " + DATE.encode(), b"Message-ID: <raw@example.gr>", b"MIME-Version: 1.0"]  # fmt: skip
    if content_type:
        param = f"; charset={charset}" if charset else ""
        head.append(f"Content-Type: {content_type}{param}".encode())
        head.append(f"Content-Transfer-Encoding: {cte}".encode())
    return b"\r\n".join(head) + b"\r\n" + extra + b"\r\n" + body


def encoded_subject(subject: str, charset: str) -> bytes:
    """A plain message whose Subject is RFC 2047-encoded in charset (e.g. iso-8859-7, windows-1253)."""
    encoded = Header(subject, charset).encode().encode("ascii")
    return raw_mail(b"Body\r\n", subject=encoded, charset="us-ascii")


def reply(body: str, *, in_reply_to: str | None, references: str | None, subject: str = "Re: Order 1234",
          message_id: str = "<r1@example.gr>") -> bytes:  # fmt: skip
    """A reply carrying In-Reply-To and References as given (verbatim, so malformed values can be tried)."""
    headers = {}
    if in_reply_to is not None:
        headers["In-Reply-To"] = in_reply_to
    if references is not None:
        headers["References"] = references
    return plain(body, subject=subject, message_id=message_id, headers=headers)


def auto_reply(headers: dict[str, str], *, subject: str = "Automatic reply: Order 1234",
               sender: str = "Nikos <nikos@example.com>") -> bytes:  # fmt: skip
    """An out-of-office style answer with the given marker headers."""
    return plain("I am out of the office until Monday.\n", subject=subject, sender=sender,
                 message_id="<ooo@example.com>", headers=headers)  # fmt: skip


def dsn_bounce(
    original: bytes, *, recipient: str = "nobody@example.gr", report_type: str = "delivery-status"
) -> bytes:
    """A Postfix-style RFC 3464 bounce (multipart/report) that returns original."""
    boundary = b"DSN.boundary.0001"
    status = (b"Reporting-MTA: dns; mail.shop.gr\r\nArrival-Date: Tue, 14 Apr 2026 10:15:02 +0300\r\n\r\n"
              b"Final-Recipient: rfc822; " + recipient.encode() + b"\r\nAction: failed\r\nStatus: 5.1.1\r\n"
              b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n")  # fmt: skip
    second_type = (
        b"message/delivery-status"
        if report_type == "delivery-status"
        else b"message/disposition-notification"
    )
    parts = [
        b"Content-Type: text/plain; charset=us-ascii\r\n\r\nThis is the mail system at host mail.shop.gr.\r\n\r\n"
        b"I'm sorry to have to inform you that your message could not be delivered.\r\n",
        b"Content-Type: " + second_type + b"\r\n\r\n" + status,
        b"Content-Type: message/rfc822\r\n\r\n" + original,
    ]
    head = (b"Return-Path: <>\r\nFrom: MAILER-DAEMON@shop.gr (Mail Delivery System)\r\nTo: support@shop.gr\r\n"
            b"Subject: Undelivered Mail Returned to Sender\r\nDate: Tue, 14 Apr 2026 10:15:02 +0300\r\n"
            b"Message-ID: <dsn1@mail.shop.gr>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/report; report-type=" + report_type.encode() + b";\r\n"
            b' boundary="' + boundary + b'"\r\n\r\n')  # fmt: skip
    body = (
        b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts) + b"--" + boundary + b"--\r\n"
    )
    return head + body


# Every trick a hostile HTML mail plays: scripts, handlers, styles, remote images, forms, frames.
HOSTILE_HTML = (
    '<html><head><title>T</title><style>p{color:red}</style></head><body onload="steal()">'
    '<p style="color:red" onclick="x()">Γεια σας <a href="https://shop.gr/o/1" onmouseover="x()">παραγγελία</a></p>'
    '<img src="https://tracker.example/p.gif" onerror="alert(1)"><img src="cid:logo@x" alt="logo">'
    '<a href="javascript:alert(1)">κλικ</a><script>alert("xss")</script><iframe src="https://evil"></iframe>'
    "<form action=https://evil><input name=p></form></body></html>"
)
