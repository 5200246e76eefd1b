"""Reviews from a CSV file: Greek or English headers, every bad row reported, all rows or none."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from pelatis.customers.importing.common import ImportFileError
from pelatis.feedback.models import Review
from pelatis.feedback.services.review_import import reviews_import

pytestmark = pytest.mark.django_db

GREEK = (
    "Πλατφόρμα;Βαθμολογία;Κείμενο;Συντάκτης;Σύνδεσμος;Ημερομηνία;Τηλέφωνο\n"
    "google;5;Υπέροχη διαμονή, πεντακάθαρο δωμάτιο!;Γιώργος Παπαδόπουλος;https://g.example/1;02/05/2026;\n"
    "tripadvisor;8/10;Καλό φαγητό, αλλά αργή εξυπηρέτηση.;Ελένη Ν.;;03.05.2026 18:30;6971112233\n"
)


def test_greek_headers_and_a_greek_name_link_the_customer(papadopoulos: Any) -> None:
    result = reviews_import(data=b"\xef\xbb\xbf" + GREEK.encode("utf-8"))
    assert (result.written, result.created, result.errors) == (True, 2, [])
    first = Review.objects.get(platform="google")
    assert first.customer == papadopoulos
    assert first.text == "Υπέροχη διαμονή, πεντακάθαρο δωμάτιο!"
    assert timezone.localtime(first.published_at).date().isoformat() == "2026-05-02"  # Athens midnight
    assert first.external_id == "https://g.example/1"
    second = Review.objects.get(platform="tripadvisor")
    assert (second.rating, second.author_phone, second.customer) == (4, "+306971112233", None)
    # a second import of the same file adds nothing
    again = reviews_import(data=GREEK.encode("utf-8"))
    assert (again.written, again.created, again.existing) == (True, 0, 2)
    assert Review.objects.count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written() -> None:
    data = (
        b"platform,rating,text,author,url,date,email\n"
        b"google,5,Great stay,Anna,,2026-05-01,\n"
        b"google,9,Too high,Bob,,2026-05-01,\n"
        b",3,No platform,Carl,,2026-05-01,\n"
        b"booking,4,Bad email and date,Dora,,yesterday,dora-at-example\n"
        b"facebook,,,Eve,,2026-05-01,\n"
    )
    result = reviews_import(data=data)
    assert not result.written
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "rating"),
        (4, "platform"),
        (5, "date"),
        (5, "email"),
        (6, "text"),
    ]
    assert not Review.objects.exists()


def test_a_file_without_a_date_column_is_refused_as_a_whole() -> None:
    with pytest.raises(ImportFileError, match="published_at"):
        reviews_import(data=b"platform,rating\ngoogle,5\n")


def test_command_imports_and_reports(tmp_path: Path) -> None:
    good = tmp_path / "reviews.csv"
    good.write_bytes(GREEK.encode("utf-8"))
    out = io.StringIO()
    call_command("reviews", "import", str(good), stdout=out)
    assert "2 reviews added" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("platform,rating,text,date\ngoogle,0,x,2026-05-01\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("reviews", "import", str(bad), stdout=io.StringIO(), stderr=err)
    assert "Row 2, rating" in err.getvalue()
    assert Review.objects.count() == 2
