"""A customer's points statement for a period, in the customer's language: on screen and as a PDF.

The PDF is drawn with fpdf2 in DejaVu Sans (Debian's fonts-dejavu-core), embedded as a subset with its
Unicode map, so Greek prints, copies and searches as Greek.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Sum
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from pelatis.core.business import business_brand
from pelatis.customers.models import Customer

from .models import LedgerEntry
from .queries import tier_status

FONT_PATH = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DEFAULT_DAYS = 365


class FontMissing(Exception):
    """The PDF's font is not installed; the message says what to install."""


@dataclass(frozen=True)
class Row:
    day: dt.date
    kind: str
    detail: str
    points: int
    balance: int


@dataclass(frozen=True)
class Statement:
    business: str
    customer: str
    customer_id: int
    language: str
    start: dt.date
    end: dt.date
    opening: int
    closing: int
    tier: str | None
    rows: list[Row] = field(default_factory=list)


def statement_language(customer: Customer) -> str:
    """Greek for Greek speakers, English for everyone else."""
    return "el" if (customer.language or "el").lower().startswith("el") else "en"


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def statement_of(
    customer: Customer, *, start: dt.date | None = None, end: dt.date | None = None
) -> Statement:
    """Opening balance, every entry of the period (oldest first, with the balance after it), closing balance."""
    end = end or timezone.localdate()
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    since, until = _midnight(start), _midnight(end + dt.timedelta(days=1))
    ledger = LedgerEntry.objects.filter(account__customer=customer)
    opening = int(ledger.filter(created_at__lt=since).aggregate(total=Sum("points"))["total"] or 0)
    language = statement_language(customer)
    rows: list[Row] = []
    balance = opening
    with translation.override(language):
        entries = ledger.filter(created_at__gte=since, created_at__lt=until).order_by("created_at", "id")
        for entry in entries:
            balance += entry.points
            kind = str(entry.get_kind_display())
            if entry.bonus_kind:
                kind = f"{kind} · {entry.get_bonus_kind_display()}"
            detail = entry.reason or entry.order_reference
            rows.append(Row(timezone.localdate(entry.created_at), kind, detail, entry.points, balance))
        status = tier_status(customer.pk, language=language)
    return Statement(
        business=business_brand().display_name,
        customer=str(customer),
        customer_id=customer.pk,
        language=language,
        start=start,
        end=end,
        opening=opening,
        closing=balance,
        tier=status.tier if status is not None else None,
        rows=rows,
    )


def _n(value: int, signed: bool = False) -> str:
    text = formats.number_format(abs(value) if signed else value, use_l10n=True, force_grouping=True)
    if signed:
        return f"+{text}" if value > 0 else f"\u2212{text}" if value < 0 else text
    return text


def statement_pdf(statement: Statement) -> bytes:
    """The statement as a PDF (A4); FontMissing when DejaVu Sans is not installed."""
    from fpdf import FPDF  # imported here: only the PDF needs it

    if not FONT_PATH.is_file():
        raise FontMissing(
            _("The PDF needs the font DejaVu Sans (%(path)s): install the Debian package fonts-dejavu-core.")
            % {"path": FONT_PATH}
        )
    pdf = FPDF(format="A4")
    pdf.set_title(statement.business)
    pdf.set_creator("Pelatis")
    pdf.add_font("DejaVu", fname=str(FONT_PATH))
    pdf.add_page()
    with translation.override(statement.language):

        def day(value: dt.date) -> str:
            return formats.date_format(value, "SHORT_DATE_FORMAT")

        pdf.set_font("DejaVu", size=16)
        pdf.cell(0, 9, statement.business, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=12)
        pdf.cell(0, 7, _("Loyalty points statement"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=10)
        lines = [
            _("Customer: %(name)s") % {"name": statement.customer},
            _("Period: %(start)s to %(end)s") % {"start": day(statement.start), "end": day(statement.end)},
            _("Tier: %(tier)s") % {"tier": statement.tier or _("none")},
            _("Opening balance: %(points)s points") % {"points": _n(statement.opening)},
        ]
        for line in lines:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        widths = (24, 42, 74, 24, 26)
        headings = (_("Date"), _("Kind"), _("Details"), _("Points"), _("Balance"))
        for width, heading in zip(widths, headings, strict=True):
            pdf.cell(width, 7, heading, border="B")
        pdf.ln()
        for row in statement.rows:
            cells = (day(row.day), row.kind, row.detail, _n(row.points, signed=True), _n(row.balance))
            for index, (width, text) in enumerate(zip(widths, cells, strict=True)):
                while text and pdf.get_string_width(text) > width - 2:
                    text = text[:-2] + "…"
                pdf.cell(width, 6, text, align="R" if index >= 3 else "L")
            pdf.ln()
        if not statement.rows:
            pdf.cell(0, 6, _("No movements in this period."), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        pdf.set_font("DejaVu", size=11)
        pdf.cell(0, 7, _("Closing balance: %(points)s points") % {"points": _n(statement.closing)})
    return bytes(pdf.output())
