"""Django's own "%(num)d hour(s)" strings, which its Greek catalogue leaves untranslated.

Listing them here puts them in Pelatis' catalogue (LOCALE_PATHS come first),
so "in 3 hours" reads «σε 3 ώρες» wherever Django's timesince is used.
"""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

TIME_STRINGS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)
