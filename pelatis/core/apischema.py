"""What every REST router shares: the error shape, bounded ids and pages, bounded text.

Every number and string the API accepts has a bound in the OpenAPI schema, so a client (or a fuzzer) that
sends ``offset=99999999999999999999`` or an id beyond a 64-bit integer gets 422 naming the parameter,
never a database overflow. Imports no app.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema
from pydantic import AfterValidator, ConfigDict, WithJsonSchema, field_validator

MAX_ID = 2**63 - 1  # the largest primary key the databases store (a signed 64-bit integer)
MAX_OFFSET = 10_000_000
MAX_LIMIT = 200
SHORT = 200  # names, references, labels
LONG = 20_000  # profile notes, summaries, review texts


def no_nul(value: Any) -> Any:
    """PostgreSQL text cannot hold NUL: refused here, so the answer is 422 on every database."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("The text contains a NUL character (\\u0000).")
    if isinstance(value, list | tuple):
        for item in value:
            no_nul(item)
    return value


def _moment_ok(value: dt.datetime) -> dt.datetime:
    """Years the databases (and time-zone conversion) handle: 1900–2200."""
    if not 1900 <= value.year <= 2200:
        raise ValueError("Use a date between the years 1900 and 2200.")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_ok)]
IdPath = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Str = Annotated[str, AfterValidator(no_nul)]


def amount(digits: int, places: int) -> Any:
    """A decimal with at most ``digits`` before and ``places`` after the point, as a number or a string."""
    limit = Decimal("9" * digits + "." + "9" * places)
    return Annotated[
        Decimal,
        Field(ge=-limit, le=limit, decimal_places=places),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "number", "minimum": float(-limit), "maximum": float(limit)},
                    {"type": "string", "pattern": rf"^-?[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?$"},
                ]
            }
        ),
    ]


def one_of(values: list[str]) -> Any:
    """A string limited to these values (an enum in the OpenAPI schema)."""
    return Literal[tuple(values)]


class In(Schema):
    """Base of every request body and query schema: no string may carry a NUL character."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return no_nul(value)


class PageParams(In):
    limit: int = Field(25, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class ErrorItem(Schema):
    model_config = ConfigDict(extra="allow")

    loc: list[str | int] = Field(
        default_factory=list, description="where: body/query/path and the field's name"
    )
    msg: str
    type: str = ""


class Error(Schema):
    """Every error answer: ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}``."""

    detail: list[ErrorItem]


# Every operation can answer these: no or a bad token, a role without the permission, a parameter or body
# that does not validate, a token over its rate.
COMMON_ERRORS = (401, 403, 422, 429)


def errors(*codes: int) -> dict[int, type[Error]]:
    """The error answers of an operation (besides the common ones) for its ``response=`` mapping."""
    return dict.fromkeys(sorted({*COMMON_ERRORS, *codes}), Error)
