from __future__ import annotations

import pytest

from pelatis.lang import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ευχαριστώ πολύ!", "el"),
        ("Καλημέρα, θα ήθελα να ακυρώσω την παραγγελία μου.", "el"),
        ("ΠΟΤΕ ΘΑ ΕΡΘΕΙ ΤΟ ΔΕΜΑ;", "el"),
        ("Γεια", "el"),
        ("Kalimera, ti kaneis?", "el"),
        ("Efxaristw poly gia thn boh8eia", "el"),
        ("kalispera sas tha ithela na akyrwsw thn krathsh", "el"),
        ("Thank you very much", "en"),
        ("Where is my order?", "en"),
        ("I would like a refund for the broken item", "en"),
        ("Vielen Dank für Ihre Hilfe", "de"),
        ("Hallo, ich habe eine Frage zu meiner Rechnung", "de"),
        ("Wo ist meine Bestellung?", "de"),
        ("Bonjour, je voudrais réserver une chambre", "fr"),
        ("Grazie mille per tutto", "it"),
        ("Спасибо большое за помощь", "ru"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "!!!", "42", "ok", "Hi", "Hello", "maria@example.com"])
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_urls_and_emails_do_not_count_as_text() -> None:
    assert detect_language("https://example.com/orders/123 info@example.gr") == "und"
