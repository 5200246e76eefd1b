"""parse_message keeps attachments with safe names and checked types, inline images and forwarded mail."""

from __future__ import annotations

from pelatis.channels.parse import Attachment, parse_message
from pelatis.channels.tests import mails

# --- Attachments --------------------------------------------------------------------------------


def test_attachments_with_greek_names_and_checked_types() -> None:
    files = [
        ("τιμολόγιο Μαΐου.pdf", "application/pdf", mails.PDF),
        ("φωτογραφία.png", "application/octet-stream", mails.PNG),
        ("photo.jpg", "image/jpeg", mails.JPEG),
        ("anim.gif", "image/gif", mails.GIF),
        ("letter.docx", "application/octet-stream", mails.DOCX),
        ("invoice.pdf", "application/pdf", mails.EXE),  # an executable dressed as a PDF
        ("fake.png", "image/png", b"not an image at all"),
        ("orders.csv", "application/octet-stream", b"id,total\n1,10\n"),
    ]
    parsed = parse_message(mails.with_attachments("See attached.\n", files))
    assert parsed.text == "See attached."
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("τιμολόγιο Μαΐου.pdf", "application/pdf"),
        ("φωτογραφία.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("anim.gif", "image/gif"),
        ("letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("invoice.pdf", "application/x-msdownload"),
        ("fake.png", "application/octet-stream"),
        ("orders.csv", "text/csv"),
    ]
    first = parsed.attachments[0]
    assert (first.data, first.size, first.inline, first.content_id) == (
        mails.PDF,
        len(mails.PDF),
        False,
        None,
    )


def test_rfc2047_and_raw_8bit_attachment_names() -> None:
    encoded = "=?UTF-8?B?" + __import__("base64").b64encode("τιμολόγιο.pdf".encode()).decode() + "?="
    parts = [
        f'Content-Type: application/pdf; name="{encoded}"\r\nContent-Disposition: attachment; filename="{encoded}"'.encode(),
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="'
        + "Άννα.pdf".encode("cp1253")
        + b'"',
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment; filename*=iso-8859-7''%B6%ED%ED%E1.pdf",
        b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="C:\\\\Users\\\\me\\\\..\\\\x.pdf"',
    ]
    body = b"".join(b"--B\r\n" + head + b"\r\n\r\n%PDF-1.4\r\n" for head in parts)
    raw = mails.raw_mail(b"--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n" + body + b"--B--\r\n",
                         content_type='multipart/mixed; boundary="B"', charset=None, cte="7bit")  # fmt: skip
    parsed = parse_message(raw)
    assert [a.filename for a in parsed.attachments] == ["τιμολόγιο.pdf", "Άννα.pdf", "Άννα.pdf", "x.pdf"]
    assert all(a.content_type == "application/pdf" for a in parsed.attachments)


def test_attachment_over_the_limit_keeps_metadata_without_data() -> None:
    big = mails.PDF + b"0" * 5000
    parsed = parse_message(
        mails.with_attachments("x", [("big.pdf", "application/pdf", big)]), max_attachment_bytes=1000
    )
    attachment = parsed.attachments[0]
    assert (attachment.filename, attachment.content_type, attachment.size, attachment.data) == (
        "big.pdf", "application/pdf", len(big), b"")  # fmt: skip


def test_inline_image_by_content_id() -> None:
    parsed = parse_message(
        mails.related_image('<p>Photo: <img src="cid:img1@shop.gr"></p>', mails.PNG, "img1@shop.gr")
    )
    assert parsed.attachments == [Attachment(filename="attachment-1.png", content_type="image/png", size=len(mails.PNG),
                                             data=mails.PNG, content_id="img1@shop.gr", inline=True)]  # fmt: skip
    assert '<img src="cid:img1@shop.gr">' in parsed.html
    assert parsed.text == "See the photo."


def test_forwarded_message_is_an_attachment_not_the_body() -> None:
    inner = mails.plain("Inner body\n", subject="Inner")
    raw = mails.raw_mail(b"--B\r\nContent-Type: text/plain\r\n\r\nSee below\r\n--B\r\nContent-Type: message/rfc822\r\n\r\n"
                         + inner + b"\r\n--B--\r\n", content_type='multipart/mixed; boundary="B"', cte="7bit")  # fmt: skip
    parsed = parse_message(raw)
    assert parsed.text == "See below"
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [("message-1.eml", "message/rfc822")]
    assert b"Inner body" in parsed.attachments[0].data
