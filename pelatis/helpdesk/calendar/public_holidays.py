"""Public holidays by country (the ``holidays`` package), named in the wanted language, cached per year."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays


@lru_cache(maxsize=64)
def _holiday_language(country: str, subdiv: str | None, language: str) -> str | None:
    """The language to ask holidays for: the wanted one if the country has it, else the country's own."""
    try:
        entity = holidays.country_holidays(country, subdiv=subdiv)
    except NotImplementedError as exc:  # how holidays reports an unknown country or subdivision
        raise ValueError(f"no public holidays for {country!r} (subdivision {subdiv!r}): {exc}") from exc
    # Explicit, because holidays otherwise answers in English msgids (with LANG=C), not the country's language.
    return language if language in entity.supported_languages else entity.default_language


@lru_cache(maxsize=512)
def _holidays_in(country: str, subdiv: str | None, language: str, year: int) -> Mapping[date, str]:
    """date → name for one calendar year; neighbouring years are built too for observed days that spill over."""
    names = holidays.country_holidays(
        country,
        subdiv=subdiv,
        years=range(year - 1, year + 2),
        language=_holiday_language(country, subdiv, language),
    )
    return MappingProxyType({day: name for day, name in names.items() if day.year == year})
