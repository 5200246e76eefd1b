"""Bodies: text parts decoded, HTML sanitised with nh3 and turned into text, and the visible part of a
reply (quoted text, reply headers and signatures folded away)."""

from __future__ import annotations

import html as html_lib
import re
from email.message import Message

import nh3

from .charsets import clean, decode, noted
from .mime import safe

MAX_QUOTE_DEPTH = 8  # '> ' prefixes written for nested blockquotes; hostile HTML nests thousands deep
MAX_UNCLOSED_TAGS = 1000  # more elements left open than this and the HTML is flattened before sanitising

_NEWLINES = re.compile(r"\r\n?")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)


def part_text(part: Message, subtype: str, notes: list[str]) -> str:
    data = safe(lambda: part.get_payload(decode=True), None)
    if not isinstance(data, bytes):
        payload = safe(part.get_payload, "")
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    declared = safe(lambda: part.get_content_charset(), None)
    if not declared and subtype == "html":
        meta = _META_CHARSET.search(data, 0, 4096)
        declared = meta[1].decode("ascii") if meta else None
    text = noted(decode(data, declared, f"{subtype} body"), notes)
    return clean(_NEWLINES.sub("\n", text))


# Sanitised HTML: no scripts, styles, forms, frames or event handlers; links get rel="noopener noreferrer";
# an <img> keeps its src only when it points into the message (cid:), so nothing remote loads.
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "src":
        return value if value[:4].lower() == "cid:" else None
    if attr == "href" and value[:4].lower() == "cid:":
        return None
    return value


_CLEANER = nh3.Cleaner(
    clean_content_tags={"script", "style", "title", "head", "textarea", "noscript", "template"},
    attributes={
        **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
        "a": {"href", "hreflang", "title"},
        "*": {"dir", "lang"},
    },  # fmt: skip
    attribute_filter=_attribute_filter,
    url_schemes=_URL_SCHEMES,
)

_EMPTY_IMG = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")  # remote images lose their src: drop the empty tag
_OPENING_TAG = re.compile(r"<(?!(?:br|img|meta|hr|input|col|wbr|link|area|base|p|li|td|th|tr|option|dt|dd)\b)[a-zA-Z]",
                          re.IGNORECASE)  # fmt: skip
_CLOSING_TAG = re.compile(r"</[a-zA-Z]")
_NOT_P_OR_BR = re.compile(r"<(?!/?(?:p|br)\b)[^<>]*>", re.IGNORECASE)


def sanitise(html: str) -> str:
    """nh3-cleaned HTML. The HTML5 tree builder slows quadratically with nesting depth, so markup with
    thousands of unclosed elements (no mail client writes that) is flattened to paragraphs first."""
    if len(_OPENING_TAG.findall(html)) - len(_CLOSING_TAG.findall(html)) > MAX_UNCLOSED_TAGS:
        html = _NOT_P_OR_BR.sub(" ", html)
    return _EMPTY_IMG.sub("", clean(_CLEANER.clean(html)))


_HTML_WS = re.compile(r"[ \t\r\n\f]+")
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL | re.IGNORECASE)
_BR = re.compile(r"<br\s*/?>|<hr\b[^>]*>", re.IGNORECASE)
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|tr|table|ul|ol|dl|dt|dd|pre|section|article|header|footer|figure)\s*>",
                        re.IGNORECASE)  # fmt: skip
_LI = re.compile(r"<li\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"</t[dh]\s*>", re.IGNORECASE)
_BQ_OPEN = re.compile(r"<blockquote\b[^>]*>", re.IGNORECASE)
_BQ_CLOSE = re.compile(r"</blockquote\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\xa0\u200b\u2007\u202f]+")
_LINE_EDGES = re.compile(r"(?<! ) *\n *")
BLANK_RUNS = re.compile(r"\n{3,}")


def html_text(clean_html: str) -> str:
    """Plain text of sanitised HTML; blockquoted text comes out '> '-quoted, as a text mailer would write it."""
    text = clean_html.replace("\x01", "").replace("\x02", "")
    text = _PRE.sub(lambda m: m[0].replace("\n", "<br>"), text)
    text = _HTML_WS.sub(" ", text)
    text = _BR.sub("\n", text)
    text = _BLOCK_END.sub("\n", text)
    text = _LI.sub("\n- ", text)
    text = _CELL.sub(" ", text)
    text = _BQ_OPEN.sub("\x01", text)
    text = _BQ_CLOSE.sub("\x02", text)
    text = html_lib.unescape(_TAG.sub("", text))
    if "\x01" in text:
        pieces: list[str] = []
        depth = 0
        for piece in re.split("([\x01\x02])", text):
            if piece == "\x01":
                depth += 1
                pieces.append("\n")
            elif piece == "\x02":
                depth = max(0, depth - 1)
                pieces.append("\n")
            elif depth and piece.strip():
                prefix = "> " * min(depth, MAX_QUOTE_DEPTH)
                pieces.append("\n".join(prefix + line for line in piece.strip("\n").split("\n")))
            else:
                pieces.append(piece)
        text = "".join(pieces)
    text = _LINE_EDGES.sub("\n", _SPACES.sub(" ", text))
    return BLANK_RUNS.sub("\n\n", text).strip()


# --- Quoted replies and signatures --------------------------------------------------------------

_LEADS = r"On|Στις|Am|Il(?:\sgiorno)?|Le|El|Op|Den|W\sdniu"
_VERBS = r"wrote|έγραψε|schrieb|ha\sscritto|a\sécrit|escribió|schreef|skrev|napisał"
_ATTRIBUTION = (
    rf"[ \t]*(?:{_LEADS})\s[^\n]{{1,300}}?(?:\n[^\n]{{1,200}}?)?\s(?:{_VERBS})[^\n:]{{0,80}}:[ \t]*"
)
_ATTRIBUTION_WHOLE = re.compile(rf"{_ATTRIBUTION}\Z")
_ATTRIBUTION_TAIL = re.compile(
    rf"\s(?:{_VERBS})\s?:[ \t]*\Z"
)  # "Maria <m@x.gr> wrote:", the second half of a wrapped one
_ATTRIBUTION_LINE = re.compile(rf"(?m)^{_ATTRIBUTION}$")
_BEFORE_QUOTE = re.compile(r"(?m)^((?:[ \t]*[^\s>][^\n]*\n)?[ \t]*[^\s>][^\n]*)\n(?:[ \t]*\n)*(?=[ \t]*>)")
_QUOTE_LINES = re.compile(r"(?m)^[ \t]*>[^\n]*(?:\n|\Z)")
_ORIGINAL_MESSAGE = re.compile(
    r"(?mi)^[ \t]*-{2,}[ \t]*(?:Original Message|Αρχικό μήνυμα|Ursprüngliche Nachricht|Message d'origine|"
    r"Messaggio originale|Mensaje original|Oorspronkelijk bericht)[ \t]*-{2,}[ \t]*$"
)
_OUTLOOK_HEADER = re.compile(
    r"(?mi)^[ \t]*\*?(?:From|Από|Von|De|Da|Van|Fra|Od)[ \t]*\*?[ \t]*:[^\n]*\n(?:[^\n]*\n){0,3}?"
    r"[ \t]*\*?(?:Sent|Date|Στάλθηκε|Ημερομηνία|Αποστολή|Gesendet|Datum|Envoyé|Inviato|Data|Verzonden|Enviado|Fecha|Sendt)"
    r"[ \t]*\*?[ \t]*:"
)
_FORWARD_MARK = re.compile(r"(?i)forwarded message|begin forwarded message|προωθημένο μήνυμα|weitergeleitete nachricht|"
                           r"message transféré|messaggio inoltrato|mensaje reenviado")  # fmt: skip
_SIGNATURE = re.compile(
    r"(?mi)^(?:-- ?|Sent from my [^\n]{1,60}|Sent from (?:Mail|Outlook) for [^\n]{1,40}|Get Outlook for [^\n]{1,40}"
    r"|Sent from Yahoo Mail[^\n]{0,40}|Στάλθηκε από [^\n]{1,60}|Αποστολή από [^\n]{1,60}|Von meinem [^\n]{1,60}gesendet"
    r"|Envoyé de mon [^\n]{1,60}|Inviato da [^\n]{1,60}|Enviado desde mi [^\n]{1,60})[ \t]*$"
)
_RULE = re.compile(r"[_=*-]{5,}")
_LINE_END_SPACE = re.compile(r"(?<![ \t])[ \t]+\n")  # the lookbehind keeps long runs of blanks linear


def _drop_attribution(match: re.Match[str]) -> str:
    """The lines just above a '>' block, less an "On ... wrote:" attribution (one line or wrapped on two)."""
    block = match[1]
    if _ATTRIBUTION_WHOLE.match(block):
        return ""
    head, newline, last = block.rpartition("\n")
    if not last.lstrip().startswith(">") and (
        _ATTRIBUTION_WHOLE.match(last) or _ATTRIBUTION_TAIL.search(last)
    ):
        return head + newline
    return match[0]


def _first_cut(pattern: re.Pattern[str], text: str) -> int:
    """Where the first match of pattern with some text above it starts; len(text) if none."""
    for match in pattern.finditer(text):
        if text[: match.start()].strip():
            return match.start()
    return len(text)


def visible_text(text: str) -> str:
    """text without quoted replies, reply headers and signatures; the whole text if nothing else is left."""
    cut = len(text)
    for pattern in (_ORIGINAL_MESSAGE, _OUTLOOK_HEADER):
        for match in pattern.finditer(text, 0, cut):
            if not _FORWARD_MARK.search(text, max(0, match.start() - 300), match.start()):
                cut = min(cut, match.start())
                break
    visible = text[:cut]
    if ">" in visible:
        visible = _QUOTE_LINES.sub("", _BEFORE_QUOTE.sub(_drop_attribution, visible))
    visible = visible[: _first_cut(_ATTRIBUTION_LINE, visible)]  # top-posted reply over an unquoted original
    visible = visible[: _first_cut(_SIGNATURE, visible)]
    visible = visible.rstrip()
    for _ in range(5):  # separator lines left at the end ("_____" above an Outlook header)
        head, _newline, last = visible.rpartition("\n")
        if not _RULE.fullmatch(last.strip()):
            break
        visible = head.rstrip()
    visible = BLANK_RUNS.sub("\n\n", _LINE_END_SPACE.sub("\n", visible)).strip()
    return visible or text.strip()
