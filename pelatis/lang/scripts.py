"""Which script a name is written in, and whether two spellings in different scripts are one name.

«Γιώργος Παπαδόπουλος» and "Giorgos Papadopoulos" (or "Georgios Papadopoulos") are the same
person's name; a file that brings the Latin spelling must not replace the Greek one. Pure Python.
"""

from __future__ import annotations

from pelatis.lang.fold import is_greek, words
from pelatis.lang.greeklish import greek_key, name_keys
from pelatis.lang.namedays import canonical_name

__all__ = ["is_greek_script", "is_latin_script", "same_name_other_script"]


def is_greek_script(text: str) -> bool:
    """True when the text's words are mostly Greek letters."""
    tokens = [t for t in words(text) if not t.isdigit()]
    return bool(tokens) and sum(is_greek(t) for t in tokens) * 2 > len(tokens)


def is_latin_script(text: str) -> bool:
    """True when the text has letters and none of its words is Greek."""
    tokens = [t for t in words(text) if not t.isdigit()]
    return bool(tokens) and not any(is_greek(t) for t in tokens)


def _greek_keys(word: str) -> set[str]:
    keys = {greek_key(word)}
    calendar = canonical_name(word)  # Γιώργος is also written Georgios (Γεώργιος)
    if calendar:
        keys.add(greek_key(words(calendar)[0]))
    keys.discard("")
    return keys


def same_name_other_script(greek: str, latin: str) -> bool:
    """True when ``latin`` is a Latin-script spelling (Greeklish, ELOT 743 or a common foreign form)
    of the Greek-script name ``greek``, word by word: «Γιώργος» ~ "Giorgos", "Yiorgos", "Georgios"."""
    if not is_greek_script(greek) or not is_latin_script(latin):
        return False
    ours, theirs = words(greek), words(latin)
    if not ours or len(ours) != len(theirs):
        return False
    return all(_greek_keys(g) & name_keys(t) for g, t in zip(ours, theirs, strict=True))
