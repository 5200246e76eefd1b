"""Sentiment of feedback text as Pelatis stores and shows it.

Every CSAT comment, NPS "why?" and review text gets a label and score when it
arrives. Pages show them only for languages where the scorer measurably beats
guessing the most common label on the labelled set (pelatis.lang.sentiment.evaluation).
"""

from __future__ import annotations

from pelatis.lang.sentiment import evaluation, sentiment

MAX_CHARS = 4000  # feedback longer than this is scored on its beginning


def text_sentiment(text: str, *, language: str | None = None) -> tuple[str, float | None, str]:
    """(label, score, language) of a feedback text; ("", None, language) when there is no text."""
    if not (text or "").strip():
        return "", None, (language or "")[:10]
    result = sentiment(text[:MAX_CHARS], language=language or None)
    return result.label, result.score, result.language[:10]


def sentiment_shown(language: str | None) -> bool:
    """True when sentiment labels in this language are worth showing: accuracy above the majority baseline."""
    code = (language or "").lower()[:2]
    return bool(code) and evaluation(code).beats_baseline
