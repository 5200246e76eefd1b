"""What a reader sees of a page: its text and the attributes shown or read out (title, alt, aria-label,
placeholder), without scripts, styles, hidden inputs or the values of form fields and links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "template", "head"}
_SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|\b[\w-]+(?:\.[\w-]+)+/\S*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        values = dict(attrs)
        if tag == "input" and (values.get("type") or "") in {"submit", "button"} and values.get("value"):
            self.parts.append(str(values["value"]))
        for name in _SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's readable text, one element per line, with email addresses and URLs taken out."""
    parser = _Text()
    parser.feed(html)
    text = _EMAIL_OR_URL.sub(" ", "".join(parser.parts))
    return re.sub(r"[ \t\u00a0]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()
