"""Reading one row of a customer import: its cells become a cleaned ``CustomerInput`` (with the
address and marketing consents it gives), or errors that name the row and the column."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..inputs import CustomerInput
from ..locale_values import value_from_label
from ..models import Customer
from .columns import SPLIT, SPLIT_PHONES, ColumnMap, parse_date, parse_datetime, text_of
from .common import Cell, ImportResult, RowError
from .customers_write import _Address, _Consent
from .infer import infer_locale
from .read import Table
from .words import country_code, language_code, word_value


@dataclass
class _Row:
    row: int
    data: CustomerInput  # cleaned
    given: frozenset[str]  # CustomerInput fields the file gave a value for
    address: _Address | None
    consents: tuple[_Consent, ...] = ()


# CustomerInput field → import column that gives it (for naming columns in errors)
_FIELD_COLUMN = {"company_name": "company", "vat_number": "vat", "emails": "email", "phones": "phone"}
_TEXT_COLUMNS = (
    "category",
    "title",
    "first_name",
    "last_name",
    "job_title",
    "time_zone",
    "preferred_channel",
    "notes",
    "external_ref",
)


class _CustomerRows:
    """The row-reading half of ``customers._CustomerImport``, which sets these attributes."""

    table: Table
    result: ImportResult
    cols: ColumnMap
    tz: dt.tzinfo
    defaults: dict[str, str]
    single: list[tuple[str, int]]  # (column, position) of the columns that give one value
    email_pos: list[int]
    phone_pos: list[int]
    consent_date_pos: list[int]
    packed_pos: int | None  # a platform's one-cell address
    has_address: bool
    address_warned: bool
    consent_source: str

    def _values(self, cells: list[Cell]) -> dict[str, Cell]:
        """The row's non-empty single-column values by column name."""
        out: dict[str, Cell] = {}
        size = len(cells)
        for name, i in self.single:
            if i < size:
                value = cells[i]
                if isinstance(value, str):
                    value = value.strip()
                    if value:
                        out[name] = value
                else:
                    out[name] = value
        return out

    def _parse(self, row_no: int, cells: list[Cell], errors: list[RowError]) -> _Row | None:
        values = self._values(cells)
        for name, default in self.defaults.items():
            values.setdefault(name, default)
        fields: dict[str, Any] = {name: text_of(values[name]) for name in _TEXT_COLUMNS if name in values}
        bad: list[RowError] = []

        def fail(column: str, message: str) -> None:
            bad.append(RowError(row_no, self.cols.header(column), message))

        if "kind" in values:
            kind = text_of(values["kind"])
            word = word_value("kind", kind)
            if word is None and (yes_no := word_value("formal", kind)):  # Odoo's "Is a Company": True / False
                word = Customer.Kind.COMPANY if yes_no == "yes" else Customer.Kind.PERSON
            fields["kind"] = word or kind
        if "company" in values:
            fields["company_name"] = text_of(values["company"])
        if "full_name" in values and "first_name" not in fields and "last_name" not in fields:
            full = text_of(values["full_name"])
            if fields.get("kind") == Customer.Kind.COMPANY and not fields.get("company_name"):
                fields["company_name"] = full  # a company's "Name" (Odoo) is its name
            else:
                first, _sep, last = full.partition(" ")
                fields["first_name"], fields["last_name"] = (first, last) if last else ("", first)
        if (
            "kind" not in fields
            and "company_name" in fields
            and not (fields.get("first_name") or fields.get("last_name"))
        ):
            fields["kind"] = Customer.Kind.COMPANY
        if "category" in fields:
            fields["category"] = (
                word_value("category", fields["category"])
                or value_from_label("category", fields["category"])
                or fields["category"]
            )
        if (
            "preferred_channel" in fields
        ):  # a code, or its label as an export for people writes it («Τηλέφωνο»)
            fields["preferred_channel"] = (
                value_from_label("preferred_channel", fields["preferred_channel"])
                or fields["preferred_channel"].lower()
            )
        if (
            "language" in values
        ):  # a code, a locale, or a language's name in any of our languages («Ολλανδικά»)
            language = text_of(values["language"])
            fields["language"] = value_from_label("language", language) or language_code(language)
        if "formal" in values:
            word = word_value("formal", text_of(values["formal"]))
            if word is None:
                fail("formal", _("“%(value)s” is not yes or no.") % {"value": text_of(values["formal"])})
            else:
                fields["formal"] = word == "yes"
        if "birthday" in values:
            try:
                fields["birthday"] = parse_date(values["birthday"])
            except ValueError:
                fail(
                    "birthday",
                    _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD.")
                    % {"value": text_of(values["birthday"])},
                )
        if "vat" in values:
            fields["vat_number"] = text_of(values["vat"])
        given = set(fields)
        emails = self._many(cells, self.email_pos, SPLIT)
        phones = self._many(cells, self.phone_pos, SPLIT_PHONES)
        tags = (
            [t for t in (t.strip().strip('"').strip() for t in SPLIT.split(text_of(values["tags"]))) if t]
            if "tags" in values
            else []
        )
        address, region = self._address(values, cells, fail) if self.has_address else (None, None)
        consents = self._consents(values, cells, fail)
        data = CustomerInput(
            **fields, emails=[v for _h, v in emails], phones=[v for _h, v in phones], tags=tags
        )
        try:
            clean = data.cleaned(region=region)
        except ValidationError as exc:
            bad += self._field_errors(row_no, exc, emails, phones)
        else:
            # A size cleaned() leaves unchecked (PostgreSQL would refuse the whole import).
            for email in clean.emails:
                if len(email) > 254:
                    fail("email", _("At most %(n)d characters.") % {"n": 254})
        if bad:
            errors.extend(bad)
            return None
        if clean.emails:
            given.add("emails")
        if clean.phones:
            given.add("phones")
        if clean.tags:
            given.add("tags")
        if "language" not in given or "time_zone" not in given:
            # Only a new customer takes these: they are not "given", so a stored profile keeps its own.
            inferred_language, inferred_zone = infer_locale(country=region, phones=clean.phones)
            if inferred_language and "language" not in given:
                clean.language = inferred_language
            if inferred_zone and "time_zone" not in given:
                clean.time_zone = inferred_zone
        return _Row(row_no, clean, frozenset(given), address, tuple(consents))

    def _consents(
        self, values: dict[str, Cell], cells: list[Cell], fail: Callable[[str, str], None]
    ) -> list[_Consent]:
        """Marketing consent as the row states it (yes, no, or withdrawn on a date), with its date."""
        out: list[_Consent] = []
        stated_at = None
        for pos in self.consent_date_pos:
            if pos < len(cells) and (cell := cells[pos]) not in ("", None):
                stated_at = self._moment(cell, "consent_date", fail)
                if stated_at is not None:
                    break
        withdrawn_at = (
            self._moment(values["unsubscribed_at"], "unsubscribed_at", fail)
            if "unsubscribed_at" in values
            else None
        )
        unsubscribed = self._yes_no(values, "unsubscribed", fail)
        for channel, column in (("email", "email_consent"), ("sms", "sms_consent")):
            granted = self._yes_no(values, column, fail)
            raw = text_of(values[column]) if column in values else ""
            if channel == "email" and (withdrawn_at is not None or unsubscribed is True):
                granted, stated_at_channel = False, withdrawn_at
                raw = text_of(values.get("unsubscribed_at") or values.get("unsubscribed") or "")
            else:
                stated_at_channel = stated_at
            if granted is not None:
                out.append(_Consent(channel, granted, self.consent_source, stated_at_channel, raw[:200]))
        return out

    def _yes_no(self, values: dict[str, Cell], column: str, fail: Callable[[str, str], None]) -> bool | None:
        if column not in values:
            return None
        text = text_of(values[column])
        word = word_value("consent", text)
        if word is None:
            fail(column, _("“%(value)s” is not yes or no.") % {"value": text})
            return None
        return None if word == "none" else word == "yes"

    def _moment(self, cell: Cell, column: str, fail: Callable[[str, str], None]) -> dt.datetime | None:
        try:
            return parse_datetime(cell, self.tz)
        except (ValueError, OverflowError):
            fail(
                column,
                _("“%(value)s” is not a date: use DD/MM/YYYY [HH:MM] or YYYY-MM-DD [HH:MM].")
                % {"value": text_of(cell)},
            )
            return None

    def _many(
        self, cells: list[Cell], positions: list[int], splitter: re.Pattern[str]
    ) -> list[tuple[str, str]]:
        out = []
        for pos in positions:
            if pos < len(cells) and cells[pos]:
                out += [(self.table.headers[pos], v) for v in splitter.split(text_of(cells[pos])) if v]
        return out

    def _address(
        self,
        values: dict[str, Cell],
        cells: list[Cell],
        fail: Callable[[str, str], None],
    ) -> tuple[_Address | None, str | None]:
        line1, line2, city, region_name, postcode, country_text = (
            text_of(values.get(n, ""))
            for n in ("address", "address2", "city", "region", "postcode", "country")
        )
        if self.packed_pos is not None and self.packed_pos < len(cells) and not line1:
            # Mailchimp writes the whole address in one cell: street, line 2, city, state, zip, country.
            parts = [p.strip() for p in text_of(cells[self.packed_pos]).split("  ")]
            if len(parts) == 6:
                line1, line2, city, region_name, postcode = parts[0], parts[1], parts[2], parts[3], parts[4]
                country_text = country_text or parts[5]
            elif parts and parts[0]:
                line1 = " ".join(p for p in parts if p)
        country = settings.PELATIS_DEFAULT_REGION
        if country_text:
            found = country_code(country_text) or value_from_label("country", country_text)
            if found is None:
                fail("country", _("Use a two-letter country code such as GR."))
            else:
                country = found
        region = country if country_text else None
        if not line1:
            if (city or postcode) and not self.address_warned:
                self.address_warned = True
                self.result.warnings.append(
                    RowError(
                        1,
                        self.cols.header("city" if city else "postcode"),
                        _(
                            "Rows with a city or postcode but no street keep no address (an address needs a street)."
                        ),
                    )
                )
            return None, region
        return _Address(
            line1[:200], city[:100], postcode[:20], country, line2[:200], region_name[:100]
        ), region

    def _field_errors(
        self, row_no: int, exc: ValidationError, emails: list[tuple[str, str]], phones: list[tuple[str, str]]
    ) -> list[RowError]:
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                column = _FIELD_COLUMN.get(name, name)
                header = self.cols.header(column)
                if name in ("emails", "phones"):
                    pairs = emails if name == "emails" else phones
                    header = next((h for h, v in pairs if f"“{v.strip()}”" in message), header)
                elif name == "last_name" and not self.cols.has("last_name"):
                    header = self.cols.header(
                        next(
                            (c for c in ("first_name", "full_name", "company") if self.cols.has(c)),
                            "last_name",
                        )
                    )
                elif name == "company_name" and not self.cols.has("company"):
                    header = self.cols.header("kind")
                out.append(RowError(row_no, header, message))
        return out
