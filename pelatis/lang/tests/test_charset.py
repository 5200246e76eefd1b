"""Charset detection: UTF-8 (with or without BOM), UTF-16, the two Greek code pages told apart, Latin fallbacks."""

from __future__ import annotations

import codecs

import pytest

from pelatis.lang.charset import decode_text, greek_codec, looks_greek

ANNA = "Άννα Παπαδοπούλου"
GREEK_LETTER = "Καλημέρα σας,\nΆννα εδώ: η παραγγελία 1234 δεν έχει έρθει ακόμη. Ευχαριστώ πολύ!\n"
GREEK_1253_ONLY = GREEK_LETTER + "Τιμή: 25€ – «επείγον»\n"  # € and – exist in windows-1253 only (0x80-0x9F)
GREEK_CSV = "Όνομα;Επώνυμο\nΆννα;Άγγελου\nΆρης;Ξανθόπουλος\n"
GERMAN_CSV = "Vorname;Nachname\nJürgen;Müller\nFrançoise;Lefèvre\n"
FRENCH = "Bonjour, je voudrais réserver une chambre pour deux personnes à Noël. Merci beaucoup.\n"


def test_capital_alpha_with_tonos_tells_the_greek_code_pages_apart() -> None:
    assert ANNA.encode("cp1253")[:1] == b"\xa2"
    assert ANNA.encode("iso8859-7")[:1] == b"\xb6"
    assert greek_codec(ANNA.encode("cp1253")) == "cp1253"
    assert greek_codec(ANNA.encode("iso8859-7")) == "iso8859-7"
    assert greek_codec("ΆΝΝΑ ΆΓΓΕΛΟΥ".encode("iso8859-7")) == "iso8859-7"


def test_the_more_frequent_alpha_with_tonos_wins() -> None:
    # "Άννα" in iso-8859-7 twice, then 0xA2 before a letter once: iso-8859-7 still.
    data = "Άννα, Άγγελος ".encode("iso8859-7") + b"\xa2\xed"
    assert greek_codec(data) == "iso8859-7"
    data = "Άννα, Άγγελος ".encode("cp1253") + b"\xb6\xed"
    assert greek_codec(data) == "cp1253"


def test_c1_punctuation_means_windows_1253_when_no_alpha_with_tonos_decides() -> None:
    data = "Τιμή: 25€ – «επείγον»".encode("cp1253")
    assert b"\x80" in data
    assert greek_codec(data, default="iso8859-7") == "cp1253"


def test_an_alpha_with_tonos_not_before_a_letter_is_no_evidence() -> None:
    # ¶ or Ά followed by a space or digit says nothing: the default stands.
    assert greek_codec(b"\xb6 1", default="cp1253") == "cp1253"
    assert greek_codec(b"\xa2 1", default="iso8859-7") == "iso8859-7"
    assert greek_codec("καλημέρα".encode("cp1253")) == "cp1253"
    assert greek_codec("καλημέρα".encode("cp1253"), default="iso8859-7") == "iso8859-7"


def test_iso_8859_7_alpha_with_tonos_outweighs_c1_bytes() -> None:
    data = "Άννα, Άρης ".encode("iso8859-7") + b"\x85"
    assert greek_codec(data) == "iso8859-7"


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (ANNA, "cp1253"),
        (ANNA, "iso8859-7"),
        (GREEK_LETTER, "iso8859-7"),
        (GREEK_1253_ONLY, "cp1253"),
        (GREEK_CSV, "cp1253"),
        (GREEK_CSV, "iso8859-7"),
        ("ΠΟΤΕ ΘΑ ΕΡΘΕΙ ΤΟ ΔΕΜΑ; Ώρα: πρωί· «ναι»", "cp1253"),
    ],
)
def test_greek_in_either_code_page_decodes_byte_correct(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec)) == (text, codec)


def test_greek_without_a_deciding_byte_is_read_as_windows_1253() -> None:
    # Both code pages give the same letters here, so the answer is the same text either way.
    text = "Καλημέρα σας, ευχαριστώ πολύ"
    assert text.encode("cp1253") == text.encode("iso8859-7")
    assert decode_text(text.encode("iso8859-7")) == (text, "cp1253")


def test_the_other_greek_code_page_is_tried_when_the_first_choice_fails() -> None:
    # Ά says windows-1253 twice, but 0xAA is undefined there and is ͺ in iso-8859-7.
    data = "Άννα Άρης ".encode("cp1253") + b"\xaa"
    text, codec = decode_text(data)
    assert codec == "iso8859-7"
    assert text == data.decode("iso8859-7")
    # Ά says iso-8859-7, but 0xAE is ® in windows-1253 and undefined in iso-8859-7.
    data = "Άννα Άρης ".encode("iso8859-7") + b"\xae"
    text, codec = decode_text(data)
    assert codec == "cp1253"
    assert text == data.decode("cp1253")


@pytest.mark.parametrize("text", [ANNA, GREEK_1253_ONLY, GERMAN_CSV, "plain ascii", ""])
def test_utf8_is_taken_first(text: str) -> None:
    assert decode_text(text.encode("utf-8")) == (text, "utf-8")


def test_a_utf8_bom_is_dropped() -> None:
    assert decode_text(codecs.BOM_UTF8 + GREEK_CSV.encode("utf-8")) == (GREEK_CSV, "utf-8-sig")
    assert decode_text(codecs.BOM_UTF8) == ("", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom_in_either_byte_order(codec: str) -> None:
    data = GREEK_CSV.encode(codec)
    if codec != "utf-16":
        data = ("\ufeff" + GREEK_CSV).encode(codec)
    assert decode_text(data) == (GREEK_CSV, "utf-16")


def test_a_bom_whose_data_does_not_decode_falls_through_to_the_guesses() -> None:
    data = codecs.BOM_UTF8 + GREEK_CSV.encode("cp1253")
    text, codec = decode_text(data)
    assert codec != "utf-8-sig"
    assert text.encode(codec) == data


@pytest.mark.parametrize(
    ("text", "codec"),
    [(GERMAN_CSV, "cp1252"), (FRENCH, "cp1252"), (FRENCH + "“Merci” – 10€\n", "cp1252")],
)
def test_latin_text_in_windows_1252_is_not_taken_for_greek(text: str, codec: str) -> None:
    data = text.encode(codec)
    assert not looks_greek(data)
    assert decode_text(data) == (text, "cp1252")


def test_a_real_latin1_text_decodes_the_same_as_windows_1252() -> None:
    text = "Grüße aus München, Ärger mit der Größe."
    assert decode_text(text.encode("latin-1")) == (text, "cp1252")


def test_bytes_no_code_page_defines_fall_back_to_latin1() -> None:
    data = b"abc \x81\x8d\x8f\x90\x9d end"
    assert decode_text(data) == ("abc \x81\x8d\x8f\x90\x9d end", "latin-1")


def test_greek_looking_bytes_neither_greek_page_defines_fall_back_to_the_latin_pages() -> None:
    # 0xD2 and 0xFF are undefined in both Greek code pages.
    data = "Άννα Παπαδοπούλου ".encode("cp1253") + b"\xd2\xff"
    assert looks_greek(data)
    assert decode_text(data) == (data.decode("cp1252"), "cp1252")
    data += b"\x81"
    assert decode_text(data) == (data.decode("latin-1"), "latin-1")


@pytest.mark.parametrize(
    ("data", "greek"),
    [
        (ANNA.encode("cp1253"), True),
        (GREEK_LETTER.encode("iso8859-7"), True),
        ("όχι".encode("cp1253"), True),
        ("ναι".encode("cp1253"), True),
        ("ok".encode("cp1253"), False),
        ("Άα".encode("cp1253"), False),  # two letters are no run
        (GERMAN_CSV.encode("cp1252"), False),
    ],
)
def test_greek_words_are_runs_of_high_bytes(data: bytes, greek: bool) -> None:
    assert looks_greek(data) is greek


def test_mostly_latin_text_with_one_greek_word_is_not_greek() -> None:
    data = ("Lefèvre, Müller, Gérard, Zoë, Noël, " * 3).encode("cp1252") + "και".encode("cp1253")
    assert not looks_greek(data)
    text, codec = decode_text(data)
    assert codec == "cp1252"
    assert text.encode(codec) == data


@pytest.mark.parametrize(
    "data",
    [
        ANNA.encode("cp1253"),
        ANNA.encode("iso8859-7"),
        GERMAN_CSV.encode("cp1252"),
        bytes(range(256)),
        codecs.BOM_UTF8 + b"\xff",
        codecs.BOM_UTF16_LE + b"\x00",
    ],
)
def test_every_byte_is_kept(data: bytes) -> None:
    text, codec = decode_text(data)
    assert "\ufffd" not in text
    assert text.encode(codec) == data
