"""How to greet a customer: salutations in the customer's language and form of address.

Greek needs the vocative: κ. Παπαδόπουλος is greeted «Αγαπητέ κύριε
Παπαδόπουλε», Γιώργος informally «Γεια σου Γιώργο».
"""

from __future__ import annotations

import unicodedata

_ACCENTED = set("άέήίόύώΐΰ")
_MALE_TITLES = {"κ.", "κ", "κος", "κύριος", "κυριος", "mr", "mr.", "herr", "sig.", "m.", "dr"}
_FEMALE_TITLES = {"κα", "κα.", "κυρία", "κυρια", "mrs", "ms", "mrs.", "ms.", "frau", "sig.ra", "mme", "mme."}


def _stress_from_end(word: str) -> int:
    """1 for the last syllable, 2 for the penultimate, 3 for the antepenultimate; 0 if unmarked."""
    vowels_seen = 0
    prev_vowel = False
    for ch in reversed(word.lower()):
        base = unicodedata.normalize("NFD", ch)[0]
        is_vowel = base in "αεηιουω"
        if is_vowel and not prev_vowel:
            vowels_seen += 1
        if ch in _ACCENTED:
            return vowels_seen
        prev_vowel = is_vowel and base not in "ιυ"  # a diphthong's second letter joins the syllable
    return 0


def vocative(name: str, *, surname: bool = False) -> str:
    """The Greek vocative of a masculine name (other names are returned unchanged)."""
    if len(name) < 3 or not any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in name):
        return name
    stem, end = name[:-2], name[-2:]
    if end in ("ος", "ός"):
        # Παπαδόπουλος → Παπαδόπουλε, Αλέξανδρος → Αλέξανδρε; Γιώργος → Γιώργο, Σταύρος → Σταύρο.
        if surname or _stress_from_end(name) >= 3:
            return stem + ("έ" if end == "ός" else "ε")
        return stem + ("ό" if end == "ός" else "ο")
    if end in ("ης", "ής", "ας", "άς", "ές"):
        return name[:-1]
    return name


def salutation(
    *, language: str, formal: bool, title: str = "", first_name: str = "", last_name: str = ""
) -> str:
    """The opening line of a message to the customer, with its comma."""
    t = title.strip().lower()
    male, female = t in _MALE_TITLES, t in _FEMALE_TITLES
    if language == "el":
        if formal and last_name and (male or female):
            if male:
                return f"Αγαπητέ κύριε {vocative(last_name, surname=True)},"
            return f"Αγαπητή κυρία {last_name},"
        if not formal and first_name:
            return f"Γεια σου {vocative(first_name)},"
        return "Καλημέρα σας," if formal else "Γεια σας,"
    if language == "de":
        if formal and last_name and (male or female):
            return f"Sehr geehrte{'r Herr' if male else ' Frau'} {last_name},"
        return f"Hallo {first_name}," if first_name and not formal else "Guten Tag,"
    if formal and last_name and (male or female):
        return f"Dear {'Mr' if male else 'Ms'} {last_name},"
    return f"Hi {first_name}," if first_name and not formal else "Hello,"
