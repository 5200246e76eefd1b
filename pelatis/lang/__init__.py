"""Greek-language helpers for Pelatis: search folding, Greeklish keys, romanisation, name days, language ID.

Pure Python: no Django and no other pelatis module is imported here.
"""

from __future__ import annotations

from pelatis.lang.detect import detect_language
from pelatis.lang.fold import fold, is_greek, words
from pelatis.lang.greeklish import greek_key, is_greeklish, latin_keys, name_keys, query_keys, to_latin
from pelatis.lang.namedays import canonical_name, celebrating_on, easter, name_day

__all__ = [
    "canonical_name",
    "celebrating_on",
    "detect_language",
    "easter",
    "fold",
    "greek_key",
    "is_greek",
    "is_greeklish",
    "latin_keys",
    "name_day",
    "name_keys",
    "query_keys",
    "to_latin",
    "words",
]
