"""Reply tone checker: flags blaming, imperative, over-casual, jargon, negative and shouting wording.

Rules (data/tone_rules.json, or a manager's own from the database) pair a pattern with a message and
an agreed suggestion. The pattern language, matched on folded text (fold() per character: no
accents, casefolded, σ for ς; offsets stay mapped to the original text):

    χρωστατε            a word; case, accents and final sigma do not matter
    χρωστ*  *ετε        * inside a word: any further letters (inflected endings, suffixes)
    δικο σας λαθος      a phrase: the words in this order, separated by whitespace only
    σου|εσυ             alternatives, anywhere
    (ειπα|ειπαμε) ηδη   a group of alternatives, separated from neighbouring words by spaces
    σας [το] ειπα       [ ... ] an optional word or group
    {δεν|μην} φταιτε    { ... } first: not right after these words; last: not right before them
    οφειλετε {να}       (the words before must be plain: no *, groups or optional parts)
    μην ... ξανα*       ... (or …): up to three other words in between, within one clause
    follow-up  can't    - matches a hyphen, a space or nothing; ' inside a word is optional (at its
    ok?                 end it is not: στειλ'); ? and ; both mean a question mark; other punctuation
                        is literal
    re:<regex>          a Python regex on the folded text (lowercase, no accents, σ for ς, ’ as ',
                        line breaks kept); one that starts with (?<!\\w) is only tried at word starts
    raw:<regex>         a Python regex on the original text (accent- and case-sensitive)
    missing-start:<p>   hint when plain pattern p is absent from the start of a longer reply
    missing-end:<p>     ... or from its end (greeting / closing checks)
    @caps               built-in ALL-CAPS detector (short acronyms such as ΑΦΜ, IBAN, SMS do not count)
    @curt               built-in: a whole reply of a few words with no greeting, thanks or closing
                        («Όχι.», "No."); a Greek rule fires on Greek and Greeklish, others on the rest

Words match whole words: a pattern word never matches inside a longer word unless * allows it.
Plain patterns are the ones managers should write; re: and raw: are for the few rules that need
more (the shipped rules use them for context such as "δεν γίνεται" only where a clause ends).
Each language's rules are compiled into one combined regex per pass, so a check costs a handful
of regex scans however many rules there are. Greeklish replies are matched too: plain Greek
patterns are also compiled to the phonetic keys of pelatis.lang.greeklish.
"""

from __future__ import annotations

from pelatis.lang.tone.check import check_tone
from pelatis.lang.tone.compiled import CompiledRules, compile_rules, rule_for
from pelatis.lang.tone.patterns import validate_pattern
from pelatis.lang.tone.rules import CATEGORIES, ToneFit, ToneHint, ToneRule, default_rules

__all__ = [
    "CATEGORIES",
    "CompiledRules",
    "ToneFit",
    "ToneHint",
    "ToneRule",
    "check_tone",
    "compile_rules",
    "default_rules",
    "rule_for",
    "validate_pattern",
]
